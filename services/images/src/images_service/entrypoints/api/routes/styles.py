"""The art styles catalogue: what `{"op": "sketch", "style", "method"}` accepts, described."""

from fastapi import APIRouter
from pydantic import BaseModel

from images_service.entrypoints.api.deps import CurrentOwner
from platform_common.openapi import error_responses
from platform_common.transform_spec import GREY_STYLES, METHOD_DESCRIPTIONS, STYLE_DESCRIPTIONS

router = APIRouter(prefix="/images", tags=["styles"])


class Described(BaseModel):
    name: str
    description: str


class StylePublic(Described):
    colour: bool  # False: a one-band grey drawing


class StyleCombination(BaseModel):
    style: str
    method: str
    description: str
    operation: dict[str, str]  # ready to put in a transform request's operations


class StylesCatalogue(BaseModel):
    styles: list[StylePublic]
    methods: list[Described]
    combinations: list[StyleCombination]


def catalogue() -> StylesCatalogue:
    return StylesCatalogue(
        styles=[
            StylePublic(name=name, description=text, colour=name not in GREY_STYLES)
            for name, text in STYLE_DESCRIPTIONS.items()
        ],
        methods=[
            Described(name=name, description=text) for name, text in METHOD_DESCRIPTIONS.items()
        ],
        combinations=[
            StyleCombination(
                style=style,
                method=method,
                description=f"{STYLE_DESCRIPTIONS[style]}; {METHOD_DESCRIPTIONS[method]}",
                operation={"op": "sketch", "style": style, "method": method},
            )
            for style in STYLE_DESCRIPTIONS
            for method in METHOD_DESCRIPTIONS
        ],
    )


@router.get(
    "/styles",
    operation_id="listStyles",
    summary="Art styles and processing methods for the sketch operation",
    responses=error_responses(401),
)
def list_styles(owner: CurrentOwner) -> StylesCatalogue:
    return catalogue()
