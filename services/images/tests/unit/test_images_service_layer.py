"""The images service layer on fakes: no database, broker or object store, milliseconds each."""

import io
import uuid
from typing import BinaryIO

import pytest
import pyvips

from images_service.adapters.image_pixels import PixelInsight, PixelSource, read_pixel_insight
from images_service.domain.errors import (
    AccountDeleted,
    ImageNotFound,
    InvalidRequest,
    PresetNotFound,
    SigningKeyNotFound,
    TooManySigningKeys,
    UnknownPreset,
    UnsupportedImageType,
)
from images_service.domain.image import ImageStatus
from images_service.domain.transformation import TransformationStatus
from images_service.service_layer import deletion, images, presets, signing_keys
from images_service.service_layer.inspection import UploadLimits
from images_service.service_layer.transformations import (
    TransformationRequest,
    request_and_estimate,
    request_transformation,
)
from platform_common.events import ImageDeleted, TransformRequested
from platform_common.transform_spec import TransformSpec, variant_key
from platform_common.transform_spec.cost import estimate_cost

TOPIC = "transform.requested"
LIMITS = UploadLimits(max_bytes=1024 * 1024, max_pixels=10_000_000)
RESIZE = TransformSpec.model_validate({"operations": [{"op": "resize", "width": 32}]})
GREY = TransformSpec.model_validate({"operations": [{"op": "grayscale"}]})


class PixelsInThisProcess:
    """The pixel decode without its process (its isolation is tested with the real process in
    test_images_insight.py)."""

    def insight(self, file: BinaryIO, size: int, hevc: bool) -> PixelInsight:
        file.seek(0)
        return read_pixel_insight(PixelSource(path=None, data=file.read(), hevc=hevc))


def png(width: int = 64, height: int = 48) -> io.BytesIO:
    image = pyvips.Image.black(width, height, bands=3) + 128
    return io.BytesIO(image.cast("uchar").pngsave_buffer())


def upload(uow, storage, owner, **eager):
    eager_variants = images.EagerVariants(**eager) if eager else images.EagerVariants()
    return images.register_image(
        uow, storage, owner, png(), "cat.png", LIMITS, PixelsInThisProcess(), eager_variants
    )


def test_an_upload_is_stored_and_recorded_with_what_inspection_found(uow, storage, owner):
    image = upload(uow, storage, owner)
    assert storage.objects[image.s3_key].startswith(b"\x89PNG")
    assert image.s3_key == f"originals/{owner}/{image.id}"
    assert (image.format, image.width, image.height) == ("png", 64, 48)
    assert uow.images.get_owned(image.id, owner) is image
    assert uow.commits == 1


def test_an_upload_for_a_deleted_account_is_refused_and_its_object_removed(uow, storage, owner):
    uow.owners.bury(owner, images.utcnow())
    with pytest.raises(AccountDeleted):
        upload(uow, storage, owner)
    assert storage.objects == {}
    assert uow.images.rows == {}


def test_an_upload_that_is_not_an_image_stores_nothing(uow, storage, owner):
    with pytest.raises(UnsupportedImageType):
        images.register_image(
            uow, storage, owner, io.BytesIO(b"<html>"), "x.png", LIMITS, PixelsInThisProcess()
        )
    assert storage.objects == {}


def test_eager_presets_are_requested_with_the_upload(uow, storage, owner):
    presets.put_preset(uow, owner, "thumb", RESIZE)
    image = upload(uow, storage, owner, presets=["thumb"], topic=TOPIC)
    [staged] = uow.published
    assert isinstance(staged.event, TransformRequested) and staged.topic == TOPIC
    assert staged.event.image_id == image.id


def test_an_unknown_eager_preset_refuses_the_upload(uow, storage, owner):
    with pytest.raises(UnknownPreset):
        upload(uow, storage, owner, presets=["nope"], topic=TOPIC)
    assert storage.objects == {} and uow.images.rows == {}


def test_new_work_is_charged_by_its_estimated_cost_and_a_repeat_costs_nothing(uow, storage, owner):
    image = upload(uow, storage, owner)  # 64 x 48
    request = TransformationRequest(owner, image.id, RESIZE)
    before = uow.entries
    _, new_work, cost = request_and_estimate(uow, request, TOPIC)
    assert uow.entries == before + 1  # the cost comes from the request's own transaction
    assert new_work and cost == estimate_cost(RESIZE, (64, 48), "png")
    assert cost.megapixel_ops > 0
    _, new_again, repeat_cost = request_and_estimate(uow, request, TOPIC)
    assert (new_again, repeat_cost) == (False, None)


def test_the_same_request_twice_is_one_variant_and_one_event(uow, storage, owner):
    image = upload(uow, storage, owner)
    request = TransformationRequest(owner, image.id, RESIZE)
    first, new_work = request_transformation(uow, request, TOPIC)
    again, new_again = request_transformation(uow, request, TOPIC)
    assert (new_work, new_again) == (True, False)
    assert again.id == first.id
    assert len(uow.published) == 1
    event = uow.published[0].event
    assert isinstance(event, TransformRequested)
    assert event.variant_key == first.variant_key and event.source_key == image.s3_key


def test_a_variant_key_is_a_content_address_of_source_and_spec(uow, storage, owner):
    image = upload(uow, storage, owner)
    resized, _ = request_transformation(uow, TransformationRequest(owner, image.id, RESIZE), TOPIC)
    grey, _ = request_transformation(uow, TransformationRequest(owner, image.id, GREY), TOPIC)
    assert resized.variant_key != grey.variant_key
    assert resized.variant_key == variant_key(image.checksum_sha256, RESIZE, image.format)
    other = upload(uow, storage, owner)  # the same bytes again, another image
    same, new_work = request_transformation(
        uow, TransformationRequest(owner, other.id, RESIZE), TOPIC
    )
    assert same.variant_key == resized.variant_key and new_work


def test_asking_again_for_a_failed_variant_tries_again(uow, storage, owner):
    image = upload(uow, storage, owner)
    request = TransformationRequest(owner, image.id, RESIZE)
    failed, _ = request_transformation(uow, request, TOPIC)
    failed.mark_failed("decode_error", "broken", images.utcnow())
    retried, new_work = request_transformation(uow, request, TOPIC)
    assert retried.id == failed.id and new_work
    assert retried.status == TransformationStatus.PENDING
    assert len(uow.published) == 2


def test_another_owners_image_is_not_found(uow, storage, owner):
    image = upload(uow, storage, owner)
    with pytest.raises(ImageNotFound):
        request_transformation(uow, TransformationRequest(uuid.uuid4(), image.id, RESIZE), TOPIC)
    assert uow.published == []


def test_a_watermark_from_another_owners_image_is_refused(uow, storage, owner):
    image = upload(uow, storage, owner)
    theirs = upload(uow, storage, uuid.uuid4())
    spec = TransformSpec.model_validate(
        {"operations": [{"op": "watermark_image", "image_id": str(theirs.id)}]}
    )
    with pytest.raises(InvalidRequest, match="among yours"):
        request_transformation(uow, TransformationRequest(owner, image.id, spec), TOPIC)
    assert uow.published == []


def test_deleting_an_image_announces_it_and_removes_its_objects(uow, storage, owner):
    image = upload(uow, storage, owner)
    variant, _ = request_transformation(uow, TransformationRequest(owner, image.id, RESIZE), TOPIC)
    storage.objects[variant.variant_key] = b"variant"
    assert deletion.delete_image(uow, storage, owner, image.id, "image.events")
    assert storage.objects == {}
    assert image.id not in uow.images.rows
    assert isinstance(uow.published[-1].event, ImageDeleted)


def test_a_variant_shared_with_another_image_outlives_one_deletion(uow, storage, owner):
    image, twin = upload(uow, storage, owner), upload(uow, storage, owner)
    variant, _ = request_transformation(uow, TransformationRequest(owner, image.id, RESIZE), TOPIC)
    request_transformation(uow, TransformationRequest(owner, twin.id, RESIZE), TOPIC)
    storage.objects[variant.variant_key] = b"variant"
    deletion.delete_image(uow, storage, owner, image.id, "image.events")
    assert variant.variant_key in storage.objects and twin.s3_key in storage.objects


def test_a_deletion_during_an_s3_outage_is_queued_not_lost(uow, storage, owner):
    image = upload(uow, storage, owner)
    storage.failing = True
    assert deletion.delete_image(uow, storage, owner, image.id, "image.events") is False
    assert uow.images.rows[image.id].status == ImageStatus.DELETING
    assert uow.images.get_owned(image.id, owner) is None  # hidden at once
    storage.failing = False
    assert deletion.finish_interrupted_deletions(uow, storage) == 1
    assert uow.images.rows == {} and storage.objects == {}


def test_someone_elses_image_cannot_be_deleted(uow, storage, owner):
    image = upload(uow, storage, owner)
    with pytest.raises(ImageNotFound):
        deletion.delete_image(uow, storage, uuid.uuid4(), image.id, "image.events")
    assert image.s3_key in storage.objects and uow.published == []


def test_a_preset_is_created_then_replaced(uow, owner):
    created, is_new = presets.put_preset(uow, owner, "thumb", RESIZE)
    replaced, is_new_again = presets.put_preset(uow, owner, "thumb", GREY)
    assert (is_new, is_new_again) == (True, False)
    assert replaced.created_at == created.created_at and replaced.spec == GREY.canonical_json()
    assert presets.preset_spec(uow, owner, "thumb") == GREY
    assert [p.name for p in presets.list_presets(uow, owner)] == ["thumb"]


def test_presets_are_per_account_and_bounded(uow, owner, monkeypatch):
    presets.put_preset(uow, owner, "thumb", RESIZE)
    with pytest.raises(PresetNotFound):
        presets.get_preset(uow, uuid.uuid4(), "thumb")
    monkeypatch.setattr(presets, "MAX_PRESETS_PER_ACCOUNT", 1)
    with pytest.raises(InvalidRequest, match="at most 1 presets"):
        presets.put_preset(uow, owner, "large", GREY)


def test_a_bad_preset_name_is_refused(uow, owner):
    with pytest.raises(InvalidRequest):
        presets.put_preset(uow, owner, "no spaces allowed", RESIZE)
    assert presets.parse_preset_list("thumb, large,thumb") == ["thumb", "large"]


def test_signing_keys_are_created_on_demand_and_bounded(uow, owner):
    pair = signing_keys.signing_pair_for(uow, owner)
    assert signing_keys.signing_pair_for(uow, owner) == pair  # the newest is reused
    for _ in range(signing_keys.MAX_KEYS_PER_ACCOUNT - 1):
        signing_keys.create_signing_key(uow, owner)
    with pytest.raises(TooManySigningKeys):
        signing_keys.create_signing_key(uow, owner)


def test_another_accounts_signing_key_cannot_be_deleted(uow, owner):
    key = signing_keys.create_signing_key(uow, owner)
    with pytest.raises(SigningKeyNotFound):
        signing_keys.delete_signing_key(uow, uuid.uuid4(), key.id)
    signing_keys.delete_signing_key(uow, owner, key.id)
    assert signing_keys.signing_keys_of(uow, owner) == []


def test_deleting_an_account_removes_everything_it_had(uow, storage, owner):
    image = upload(uow, storage, owner)
    presets.put_preset(uow, owner, "thumb", RESIZE)
    signing_keys.create_signing_key(uow, owner)
    storage.objects[f"uploads/{owner}/pending"] = b"half"
    assert deletion.delete_owner_data(uow, storage, owner) == 1
    assert storage.objects == {} and image.id not in uow.images.rows
    assert presets.list_presets(uow, owner) == [] and uow.owners.is_deleted(owner)
