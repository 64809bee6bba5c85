"""One Swagger page for the whole platform: the gateway's routes plus those it proxies."""

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse

from gateway_service.entrypoints.api.deps import GatewayDep

router = APIRouter(include_in_schema=False)
OAUTH2_REDIRECT = "/docs/oauth2-redirect"


@router.get("/openapi.json")
async def openapi(gateway: GatewayDep) -> JSONResponse:
    return JSONResponse(await gateway.openapi.document())


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Image platform API",
        oauth2_redirect_url=OAUTH2_REDIRECT,
        # Authorize once (POST /auth/token through this gateway) and keep it across reloads.
        swagger_ui_parameters={"persistAuthorization": True},
    )


@router.get(OAUTH2_REDIRECT)
async def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()
