"""Refusing a delivery URL before any storage or database work: malformed (404), unsigned or
tampered (403), bad options (400), expired (404) -- imgproxy's codes, except 400 for options."""

import base64
import binascii
import math
import time
from dataclasses import dataclass

from gateway_service.adapters.delivery_keys import DeliveryKeyStore
from platform_common.delivery import (
    DeliveryOptions,
    DeliveryPath,
    DeliveryUrlError,
    matching_pair,
    parse_delivery_path,
    parse_options,
)


@dataclass(frozen=True, slots=True)
class VerifiedDelivery:
    path: DeliveryPath
    options: DeliveryOptions


def _forged(message: str) -> DeliveryUrlError:
    return DeliveryUrlError(403, "invalid_signature", message)


def _well_formed(signature: str, size: int) -> bool:
    """A signature of the configured size, checked with no key at all (no lookup for junk)."""
    if len(signature) != math.ceil(size * 4 / 3):
        return False
    try:
        base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    except (binascii.Error, ValueError):
        return False
    return True


async def verify_delivery(
    keys: DeliveryKeyStore, raw_path: str, signature_size: int
) -> VerifiedDelivery:
    path = parse_delivery_path(raw_path)
    if not _well_formed(path.signature, signature_size):
        raise _forged("The URL is not signed: sign it with one of the account's keys")
    pairs = await keys.pairs(path.account_id)
    if matching_pair(pairs, path.signature, path.signed_path, signature_size) is None:
        raise _forged("The signature does not match this URL")
    options = parse_options(path.options)
    if options.expires is not None and options.expires < time.time():
        raise DeliveryUrlError(404, "url_expired", "This URL has expired")
    return VerifiedDelivery(path, options)
