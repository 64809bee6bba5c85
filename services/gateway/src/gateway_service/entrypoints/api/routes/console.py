"""The browser console: its page at `/`, its versioned assets, and whether the visitor is signed in.

Same origin as the API, so it signs in with the HttpOnly cookie and passes the CSRF Origin check
like any page of ours; the Content-Security-Policy allows nothing but the platform itself.
"""

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from gateway_service.adapters.console_assets import ConsoleAssets
from gateway_service.domain.console_policy import content_security_policy, origin_of
from gateway_service.entrypoints.api.deps import GatewayDep
from platform_common.errors import NotFound
from platform_common.security.dependencies import token_from_headers

router = APIRouter(include_in_schema=False)
ASSETS = ConsoleAssets()
IMMUTABLE = "public, max-age=31536000, immutable"


def _page_headers(gateway: GatewayDep) -> dict[str, str]:
    storage = origin_of(gateway.settings.console_storage_origin)
    return {
        "Content-Security-Policy": content_security_policy(storage),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


@router.api_route("/", methods=["GET", "HEAD"])
async def console_page(gateway: GatewayDep) -> HTMLResponse:
    settings = gateway.settings
    page = ASSETS.index_page(
        {"direct-upload-min-bytes": str(settings.console_direct_upload_min_bytes)}
    )
    # Revalidated on every visit: it names the current asset version.
    headers = {**_page_headers(gateway), "Cache-Control": "no-cache"}
    return HTMLResponse(page, headers=headers)


@router.get("/console/session")
async def console_session(request: Request, gateway: GatewayDep) -> dict[str, bool]:
    """Whether the request carries a valid token: the console asks before calling /auth/me, so a
    signed-out visitor's first page load is not a 401."""
    claims = await gateway.edge.claims_or_none(token_from_headers(request.scope["headers"]))
    return {"signed_in": claims is not None}


@router.api_route("/console/{version}/{path:path}", methods=["GET", "HEAD"])
async def console_asset(version: str, path: str, gateway: GatewayDep) -> FileResponse:
    asset = ASSETS.find(path) if version == ASSETS.version else None
    if asset is None:
        raise NotFound("No such console file (reload the page for the current version)")
    headers = {**_page_headers(gateway), "Cache-Control": IMMUTABLE}
    return FileResponse(asset.path, media_type=asset.media_type, headers=headers)
