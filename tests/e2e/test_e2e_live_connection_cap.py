"""A per-user cap on live connections: one user cannot open hundreds of WebSockets or event
streams; the one over the cap is refused with a 429 that says why, and closing one frees a slot.
The cap counts per user, so another user is unaffected."""

import json
from contextlib import ExitStack

import httpx
import pytest
from e2e_kit.api import Gateway, User
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

CAP = 10  # the gateway's default LIVE_MAX_CONNECTIONS_PER_USER


def _open(gateway: Gateway, user: User):
    headers = {"Authorization": f"Bearer {user.account.token}"}
    return connect(gateway.ws_url, additional_headers=headers, open_timeout=10)


def test_connections_over_the_cap_are_refused_with_a_clear_429(gateway: Gateway, new_user) -> None:
    alice, bob = new_user("alice"), new_user("bob")
    with ExitStack() as held:
        sockets = [held.enter_context(_open(gateway, alice)) for _ in range(CAP)]

        with pytest.raises(InvalidStatus) as refused:
            _open(gateway, alice)
        assert refused.value.response.status_code == 429
        error = json.loads(refused.value.response.body)["error"]
        assert error["code"] == "too_many_connections"
        assert str(CAP) in error["message"]

        # Server-Sent Events count towards the same cap.
        events = httpx.get(
            f"{gateway.base_url}/events", headers={"Authorization": f"Bearer {alice.account.token}"}
        )
        assert events.status_code == 429
        assert events.json()["error"]["code"] == "too_many_connections"

        with _open(gateway, bob):  # another user has slots of their own
            pass

        sockets[0].close()
        # The slot is freed once the gateway notices the close: poll, do not sleep.
        for _ in range(100):
            try:
                with _open(gateway, alice):
                    break
            except InvalidStatus:
                continue
        else:
            pytest.fail("closing a connection never freed its slot")
