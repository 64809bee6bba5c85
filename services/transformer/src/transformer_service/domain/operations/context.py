"""What an operation may need beyond the image and its own spec."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from transformer_service.domain.errors import InvalidOperation
from transformer_service.domain.limits import Limits


@dataclass(frozen=True)
class OperationContext:
    """Other images' bytes (image watermarks) and the pixel limits."""

    assets: Mapping[str, bytes] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)

    def asset(self, image_id: str) -> bytes:
        if image_id not in self.assets:
            raise InvalidOperation(f"watermark image {image_id} was not found among your images")
        return self.assets[image_id]
