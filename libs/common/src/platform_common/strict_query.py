"""Unknown query parameters are refused with a 422 naming them, never silently ignored
(`/images/{id}/content?width=800` must not quietly serve the original)."""

from typing import Any

from fastapi import Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.requests import HTTPConnection

from platform_common.errors import AppError

_known_by_route: dict[int, frozenset[str]] = {}


class UnknownQueryParameter(AppError):
    status_code = 422
    code = "unknown_parameter"


def _query_fields(dependant: Dependant) -> list[Any]:
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields.extend(_query_fields(sub))
    return fields


def _declared_query_names(route: APIRoute) -> frozenset[str]:
    names: set[str] = set()
    for field in _query_fields(route.dependant):
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            # A query model (`Annotated[Model, Query()]`): its fields are the parameters.
            names.update(f.alias or name for name, f in annotation.model_fields.items())
        else:
            names.add(field.alias)
    return frozenset(names)


def known_query_names(route: APIRoute) -> frozenset[str]:
    key = id(route)
    if key not in _known_by_route:
        _known_by_route[key] = _declared_query_names(route)
    return _known_by_route[key]


async def reject_unknown_query_parameters(connection: HTTPConnection) -> None:
    route = connection.scope.get("route")
    if connection.scope["type"] != "http" or not isinstance(route, APIRoute):
        return
    known = known_query_names(route)
    unknown = sorted({name for name in connection.query_params if name not in known})
    if unknown:
        accepted = ", ".join(sorted(known)) or "none"
        raise UnknownQueryParameter(
            f"Unknown query parameter {', '.join(unknown)}; this operation accepts: {accepted}",
            details=[{"field": name, "message": "unknown query parameter"} for name in unknown],
        )


# For FastAPI(dependencies=[...]): the app's routes are built with it, whichever router adds them.
STRICT_QUERY = Depends(reject_unknown_query_parameters)
