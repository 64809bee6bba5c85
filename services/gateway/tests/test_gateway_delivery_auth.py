"""A refused delivery URL costs no upstream work: unsigned ones never look up keys, and a hot
account's keys are looked up once per TTL however many forged URLs arrive."""

import time
import uuid

import pytest

from gateway_service.service_layer.delivery_auth import verify_delivery
from platform_common.delivery import DeliveryUrlError, SigningPair, delivery_path

ACCOUNT, IMAGE = uuid.uuid4(), uuid.uuid4()
PAIR = SigningPair("k1", b"key-bytes", b"salt-bytes")


class CountingKeys:
    def __init__(self, pairs: tuple[SigningPair, ...]) -> None:
        self.pairs_by_account = {ACCOUNT: pairs}
        self.fetches = 0

    async def pairs(self, account_id: uuid.UUID) -> tuple[SigningPair, ...]:
        self.fetches += 1
        return self.pairs_by_account.get(account_id, ())


async def refused(keys: CountingKeys, path: str) -> DeliveryUrlError:
    with pytest.raises(DeliveryUrlError) as raised:
        await verify_delivery(keys, path, 32)  # type: ignore[arg-type]
    return raised.value


async def test_a_signed_url_verifies_and_unsigned_ones_never_look_up_keys():
    keys = CountingKeys((PAIR,))
    good = delivery_path(PAIR, ACCOUNT, IMAGE, ["rs:fit:300:200"], "webp")
    verified = await verify_delivery(keys, good, 32)  # type: ignore[arg-type]
    assert verified.path.image_id == IMAGE and verified.options.width == 300
    keys.fetches = 0
    for unsigned in ("insecure", "_", "x" * 43 + "!"):
        error = await refused(keys, f"/d/{ACCOUNT}/{unsigned}/w:10/plain/{IMAGE}@png")
        assert error.status_code == 403
    assert keys.fetches == 0


async def test_tampered_expired_and_bad_options_are_refused_with_their_codes():
    keys = CountingKeys((PAIR,))
    good = delivery_path(PAIR, ACCOUNT, IMAGE, ["rs:fit:300:200"], "webp")
    assert (await refused(keys, good.replace("300", "301"))).status_code == 403
    other_key = delivery_path(SigningPair("k2", b"other", b"salt"), ACCOUNT, IMAGE, ["w:5"])
    assert (await refused(keys, other_key)).status_code == 403
    past = delivery_path(PAIR, ACCOUNT, IMAGE, [f"exp:{int(time.time()) - 1}"])
    assert (await refused(keys, past)).code == "url_expired"
    unknown = await refused(keys, delivery_path(PAIR, ACCOUNT, IMAGE, ["nope:1"]))
    assert unknown.status_code == 400 and "nope" in unknown.message
