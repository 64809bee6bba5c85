"""The public signing keys, so other services verify RS256 tokens without sharing a secret."""

from typing import Any

from fastapi import APIRouter, Response

from auth_service.entrypoints.api.deps import TokenIssuerDep

router = APIRouter(tags=["keys"])


@router.get(
    "/.well-known/jwks.json",
    operation_id="getJwks",
    summary="JSON Web Key Set (empty with HS256: a shared secret is never published)",
)
def jwks(issuer: TokenIssuerDep, response: Response) -> dict[str, Any]:
    # Verifiers cache it (platform_common refetches every 5 minutes); a rotation publishes the
    # new key here before signing with it.
    response.headers["Cache-Control"] = "public, max-age=300"
    return issuer.jwks()
