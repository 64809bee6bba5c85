"""Signed delivery URLs for owners: for the original, for presets, or for any options."""

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from images_service.domain.errors import ImageNotFound
from images_service.service_layer.delivery import delivery_spec
from images_service.service_layer.presets import preset_specs
from images_service.service_layer.signing_keys import signing_pair_for
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.delivery import SigningPair, delivery_path


@dataclass(frozen=True)
class UrlSigner:
    base_url: str
    signature_size: int

    def sign(
        self,
        pair: SigningPair,
        account_id: uuid.UUID,
        image_id: uuid.UUID,
        options: Sequence[str] = (),
        extension: str | None = None,
    ) -> str:
        path = delivery_path(pair, account_id, image_id, options, extension, self.signature_size)
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class SignedUrl:
    url: str
    expires_at: datetime | None


def split_options(options: str | None) -> list[str]:
    """'rs:fill:300:200/q:80' -> ['rs:fill:300:200', 'q:80']."""
    return [part for part in (options or "").split("/") if part]


def sign_delivery_url(
    uow: ImagesUnitOfWork,
    signer: UrlSigner,
    owner_id: uuid.UUID,
    image_id: uuid.UUID,
    options: Sequence[str],
    extension: str | None,
    expires_in: int | None,
) -> SignedUrl:
    """Validates the options exactly as a delivery request would, then signs."""
    expires_at = None
    if expires_in:
        expiry = int(time.time()) + expires_in
        options = [*options, f"exp:{expiry}"]
        expires_at = datetime.fromtimestamp(expiry, UTC)
    with uow:
        image = uow.images.get_owned(image_id, owner_id)
        if image is None:
            raise ImageNotFound()
        delivery_spec(uow, image, options, extension)
    pair = signing_pair_for(uow, owner_id)
    return SignedUrl(signer.sign(pair, owner_id, image_id, options, extension), expires_at)


def preset_urls(
    uow: ImagesUnitOfWork,
    signer: UrlSigner,
    owner_id: uuid.UUID,
    image_ids: Sequence[uuid.UUID],
    presets: Sequence[str],
) -> dict[uuid.UUID, dict[str, object]]:
    """{image id: {"original": url, "presets": {name: url}}} signed with the newest key."""
    with uow:
        preset_specs(uow, owner_id, presets)  # an unknown name is the caller's 422
    pair = signing_pair_for(uow, owner_id)
    return {
        image_id: {
            "original": signer.sign(pair, owner_id, image_id),
            "presets": {
                name: signer.sign(pair, owner_id, image_id, [f"pr:{name}"]) for name in presets
            },
        }
        for image_id in image_ids
    }
