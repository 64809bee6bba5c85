"""POST /internal/render on the worker's web port: a new variant's bytes for the images service,
which has a client waiting on the fly (one hop: no Kafka round trip, no S3 read-back).

Internal only: it answers callers with the internal token (images), to anyone else it does not
exist, and the gateway has no route to it. The body is the TransformRequested envelope images
staged in its outbox; its Kafka copy follows and finds the work done or in progress.
"""

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from pydantic import ValidationError

from platform_common.errors import error_response
from platform_common.events import Envelope, TransformRequested
from platform_common.transform_spec import MEDIA_TYPES
from transformer_service.config import get_settings
from transformer_service.entrypoints.faust import runtime
from transformer_service.service_layer.render_now import RenderFailed, render_now
from transformer_service.service_layer.variants import Dependencies

router = APIRouter()


class NotFoundHere(Exception):
    """Raised for a caller without the token: the route must look absent."""


def internal_caller(x_internal_token: Annotated[str, Header()] = "") -> None:
    expected = get_settings().internal_api_token.encode()
    if not hmac.compare_digest(x_internal_token.encode(), expected):
        raise NotFoundHere()


async def dependencies() -> Dependencies:
    return await runtime.dependencies()


@router.post("/internal/render", operation_id="renderVariant", include_in_schema=False)
async def render_variant(
    request: Request, deps: Annotated[Dependencies, Depends(dependencies)]
) -> Response:
    try:
        internal_caller(request.headers.get("x-internal-token", ""))
    except NotFoundHere:
        return error_response(404, "not_found", "Not Found")
    try:
        envelope = Envelope.from_bytes(await request.body())
        transform = TransformRequested.model_validate(envelope.data)
    except ValidationError as exc:
        return error_response(422, "invalid_request", f"not a TransformRequested: {exc}")
    try:
        rendered = await render_now(envelope, transform, deps)
    except RenderFailed as failed:
        status = 503 if failed.retryable else 422
        return error_response(status, failed.code, failed.message, {"Retry-After": "1"})
    return Response(
        rendered.data,
        media_type=MEDIA_TYPES[rendered.format],
        headers={
            "X-Variant-Format": rendered.format,
            "X-Variant-Width": str(rendered.width),
            "X-Variant-Height": str(rendered.height),
        },
    )
