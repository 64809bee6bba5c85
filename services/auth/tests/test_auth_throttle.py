"""Login throttling without lockout: after a few failures for one username from one client
address, or from one address across usernames, that address waits (429 with Retry-After), with
delays that double per further failure; the owner elsewhere is never locked out. The state is in
the database; this module runs an app over a database of its own, so failed logins of other
modules do not count here."""

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from auth_service.entrypoints.api.app import create_app
from auth_service.service_layer.login_throttle import ThrottlePolicy

PER_USERNAME = 3
PER_ADDRESS = 6
WINDOW_SECONDS = 600
BASE_DELAY = 60  # long enough that no test outlives a delay by accident
PASSWORD = "throttle password"
BASE_URL = "https://testserver"


@pytest.fixture(scope="module")
def app_client(make_settings) -> Iterator[TestClient]:
    settings = make_settings(
        "auth_throttle",
        login_max_failures_per_username=PER_USERNAME,
        login_max_failures_per_address=PER_ADDRESS,
        login_failure_window_seconds=WINDOW_SECONDS,
        login_delay_base_seconds=BASE_DELAY,
    )
    with TestClient(create_app(settings), base_url=BASE_URL) as client:
        yield client


_addresses = iter(range(1, 250))


@pytest.fixture
def from_new_address(app_client):
    """A client at an address nobody used yet (so only the username count matters)."""

    def _client() -> TestClient:
        address = f"198.51.100.{next(_addresses)}"
        return TestClient(app_client.app, base_url=BASE_URL, client=(address, 40000))

    return _client


def new_user(client: TestClient) -> str:
    name = f"thr-{uuid.uuid4().hex[:10]}"
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    assert client.post("/auth/register", json=body).status_code == 201
    return name


def attempt(client: TestClient, username: str, password: str = "wrong password"):
    return client.post("/auth/login", json={"username": username, "password": password})


def assert_throttled(response) -> int:
    assert response.status_code == 429, response.text
    error = response.json()["error"]
    assert error["code"] == "too_many_login_attempts"
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= WINDOW_SECONDS
    assert f"{retry_after} seconds" in error["message"]
    return retry_after


def test_failures_for_a_username_slow_that_address_but_never_lock_out_the_owner(
    from_new_address,
):
    attacker, owner = from_new_address(), from_new_address()
    name = new_user(owner)
    for _ in range(PER_USERNAME):
        assert attempt(attacker, name).status_code == 401

    assert_throttled(attempt(attacker, name))
    # Even the right password waits there: otherwise the delay would confirm a correct guess.
    assert_throttled(attempt(attacker, name, PASSWORD))
    # The owner, from another address, is not locked out, and neither is the attacker's
    # address for other accounts (that has its own, larger budget).
    assert attempt(owner, name, PASSWORD).status_code == 200
    other = new_user(owner)
    assert attempt(attacker, other, PASSWORD).status_code == 200


def test_unknown_usernames_are_throttled_the_same_way(from_new_address):
    ghost, client = f"ghost-{uuid.uuid4().hex[:8]}", from_new_address()
    for _ in range(PER_USERNAME):
        assert attempt(client, ghost).status_code == 401

    assert_throttled(attempt(client, ghost))


def test_a_success_resets_the_count_of_that_address(from_new_address):
    client = from_new_address()
    name = new_user(client)
    for _ in range(PER_USERNAME - 1):
        assert attempt(client, name).status_code == 401
    assert attempt(client, name, PASSWORD).status_code == 200

    for _ in range(PER_USERNAME - 1):
        assert attempt(client, name).status_code == 401
    assert attempt(client, name, PASSWORD).status_code == 200


def test_failures_from_one_address_across_usernames_slow_that_address(from_new_address):
    sprayer = from_new_address()
    victims = [new_user(from_new_address()) for _ in range(PER_ADDRESS)]
    for victim in victims:  # one guess each: no (username, address) reaches its own limit
        assert attempt(sprayer, victim).status_code == 401

    assert_throttled(attempt(sprayer, victims[0], PASSWORD))
    assert_throttled(attempt(sprayer, f"someone-{uuid.uuid4().hex[:6]}"))
    # The legitimate owner, elsewhere, still gets in.
    assert attempt(from_new_address(), victims[0], PASSWORD).status_code == 200


def test_oauth2_token_endpoint_is_throttled_too(from_new_address):
    name, client = new_user(from_new_address()), from_new_address()
    form = {"username": name, "password": "wrong password"}
    for _ in range(PER_USERNAME):
        assert client.post("/auth/token", data=form).status_code == 401

    assert_throttled(client.post("/auth/token", data=form))


def test_each_further_failure_doubles_the_delay_up_to_the_cap():
    policy = ThrottlePolicy(
        free_failures_per_pair=3,
        free_failures_per_address=20,
        window=timedelta(minutes=15),
        base_delay_seconds=1,
        max_delay_seconds=30,
    )

    delays = [policy.delay(failures, free=3) for failures in range(10)]

    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30]
