"""POST /internal/render on the worker's web port: a new variant's bytes for the images service,
which has a client waiting on the fly (one hop: no Kafka round trip, no S3 read-back).

Internal only: it answers callers with the internal token (images), to anyone else it does not
exist, and the gateway has no route to it. The body is the TransformRequested envelope images
staged (deferred) in its outbox; a Kafka copy, published only if this render does not end in a
recorded status in time, finds the work done or in progress.
"""

import hmac

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from platform_common.errors import error_response
from platform_common.events import Envelope, TransformRequested
from platform_common.transform_spec import MEDIA_TYPES
from transformer_service.bootstrap import Transformer
from transformer_service.service_layer.render_now import RenderFailed, render_now


def create_render_router(transformer: Transformer) -> APIRouter:
    router = APIRouter()
    token = transformer.settings.internal_api_token.encode()

    @router.post("/internal/render", operation_id="renderVariant", include_in_schema=False)
    async def render_variant(request: Request) -> Response:
        # To a caller without the token the route does not exist.
        if not hmac.compare_digest(request.headers.get("x-internal-token", "").encode(), token):
            return error_response(404, "not_found", "Not Found")
        try:
            envelope = Envelope.from_bytes(await request.body())
            transform = TransformRequested.model_validate(envelope.data)
        except ValidationError as exc:
            return error_response(422, "invalid_request", f"not a TransformRequested: {exc}")
        deps = await transformer.dependencies()
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

    return router
