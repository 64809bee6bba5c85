"""One OpenAPI document and one Swagger page (/docs, ReDoc at /redoc) for the whole platform:
the gateway's routes plus those it proxies."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from gateway_service.entrypoints.api.deps import GatewayDep
from platform_common.docs import docs_router

router = APIRouter(include_in_schema=False)
router.include_router(docs_router("Image platform API"))


@router.get("/openapi.json")
async def openapi(gateway: GatewayDep) -> JSONResponse:
    return JSONResponse(await gateway.openapi.document())
