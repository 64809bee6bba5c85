"""Presets: an account's named transformations, validated exactly like a transform request.

A preset is usable as `pr:name` in delivery URLs, as `preset` in POST /images/{id}/transform and
in the on-the-fly query, and as an eager variant named at upload.
"""

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from images_service.domain.delivery import Preset
from images_service.domain.errors import InvalidRequest, PresetNotFound, UnknownPreset
from images_service.service_layer.images import utcnow
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.delivery import check_preset_name
from platform_common.transform_spec import TransformSpec

MAX_PRESETS_PER_ACCOUNT = 100


def valid_name(name: str) -> str:
    try:
        return check_preset_name(name)
    except ValueError as exc:
        raise InvalidRequest(str(exc), details=[{"field": "name", "message": str(exc)}]) from exc


def put_preset(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, name: str, spec: TransformSpec
) -> tuple[Preset, bool]:
    """Create or replace; returns (preset, created)."""
    valid_name(name)
    with uow:
        now = utcnow()
        preset = uow.presets.get(owner_id, name)
        if preset is not None:
            preset.spec = spec.canonical_json()
            preset.updated_at = now
            uow.commit()
            return preset, False
        if len(uow.presets.of_owner(owner_id)) >= MAX_PRESETS_PER_ACCOUNT:
            raise InvalidRequest(f"An account holds at most {MAX_PRESETS_PER_ACCOUNT} presets")
        preset = Preset(owner_id, name, spec.canonical_json(), now, now)
        uow.presets.add(preset)
        uow.commit()
        return preset, True


def get_preset(uow: ImagesUnitOfWork, owner_id: uuid.UUID, name: str) -> Preset:
    with uow:
        preset = uow.presets.get(owner_id, name)
        if preset is None:
            raise PresetNotFound(name)
        return preset


def list_presets(uow: ImagesUnitOfWork, owner_id: uuid.UUID) -> Sequence[Preset]:
    with uow:
        return uow.presets.of_owner(owner_id)


def delete_preset(uow: ImagesUnitOfWork, owner_id: uuid.UUID, name: str) -> None:
    with uow:
        preset = uow.presets.get(owner_id, name)
        if preset is None:
            raise PresetNotFound(name)
        uow.presets.delete(preset)
        uow.commit()


def preset_specs(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, names: Iterable[str]
) -> list[dict[str, Any]]:
    """The presets' specs as dicts, in order, inside an open unit of work."""
    specs = []
    for name in names:
        preset = uow.presets.get(owner_id, name)
        if preset is None:
            raise UnknownPreset(name)
        specs.append(json.loads(preset.spec))
    return specs


def preset_spec(uow: ImagesUnitOfWork, owner_id: uuid.UUID, name: str) -> TransformSpec:
    with uow:
        return TransformSpec.model_validate(preset_specs(uow, owner_id, [name])[0])


def parse_preset_list(value: str | Iterable[str] | None) -> list[str]:
    """'thumb, large' or ["thumb", "large"] -> ["thumb", "large"], names checked, no repeats."""
    if value is None:
        return []
    names = value.split(",") if isinstance(value, str) else list(value)
    cleaned = [valid_name(name.strip()) for name in names if name.strip()]
    return list(dict.fromkeys(cleaned))
