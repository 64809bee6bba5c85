"""The public delivery route, `/d/...`: no header, no cookie; the URL's signature is the key.

A raw ASGI endpoint like the proxy: verification is pure computation on the path (plus the
account's cached keys), so a refused URL costs no storage or database work.
"""

from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from gateway_service.adapters.upstream_client import UpstreamError
from gateway_service.bootstrap import Gateway
from gateway_service.domain.headers import header_value
from gateway_service.domain.negotiation import negotiated_format
from gateway_service.domain.routes import Upstream
from gateway_service.service_layer.delivery_auth import verify_delivery
from gateway_service.service_layer.proxy import upstream_failure
from platform_common.delivery import DeliveryUrlError
from platform_common.errors import AppError
from platform_common.route_templates import RouteTemplate

METRICS_LABEL = RouteTemplate("/d/{account}/{signature}/{options}/{source}")


class DeliveryEndpoint:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gateway = self.gateway
        scope["route"] = METRICS_LABEL
        if scope["query_string"]:
            raise AppError(
                "Delivery URLs take no query string: every option is part of the signed path",
                code="invalid_url",
            )
        raw_path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        try:
            verified = await verify_delivery(
                gateway.delivery_keys, raw_path, gateway.settings.delivery_signature_size
            )
        except DeliveryUrlError as exc:
            raise AppError(exc.message, code=exc.code, status_code=exc.status_code) from exc
        except UpstreamError as failure:  # the signing keys could not be read
            raise upstream_failure(Upstream.IMAGES, failure) from failure
        service = gateway.delivery
        await service.spend_read(verified.path.account_id)
        negotiated = None
        if verified.path.extension is None:
            negotiated = negotiated_format(header_value(scope["headers"], b"accept"))
        await service.serve(verified, negotiated, scope["headers"], scope["method"] == "HEAD", send)


def delivery_routes(gateway: Gateway) -> list[BaseRoute]:
    endpoint = DeliveryEndpoint(gateway)
    return [Route("/d/{rest:path}", endpoint, methods=["GET", "HEAD"], include_in_schema=False)]
