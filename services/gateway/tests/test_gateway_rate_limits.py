"""Rate limits at the edge: 429 with Retry-After and RateLimit headers once a budget is spent,
budgets per user (or per address when anonymous), and one budget shared through Redis by
several gateway replicas."""

import uuid
from typing import Any

import httpx
import pytest

from platform_common.transform_spec import TransformSpec
from platform_common.transform_spec.cost import estimate_cost


def spend(client: httpx.Client, method: str, path: str, times: int, **kwargs: Any) -> list:
    return [client.request(method, path, **kwargs) for _ in range(times)]


def from_address(base_url: str, address: str | None = None) -> httpx.Client:
    """A client whose connections come from `address` (a fresh loopback one by default): the
    real peer address is what anonymous limits key on."""
    address = (
        address
        or f"127.{uuid.uuid4().int % 250 + 2}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    )
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base_url, timeout=10, transport=transport)


@pytest.fixture(scope="module")
def limited(start_gateway: Any) -> Any:
    return start_gateway(
        RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_READS="4/minute", RATE_LIMIT_UPLOADS="2/minute"
    )


def test_login_attempts_past_the_limit_get_429_with_retry_after(limited: Any) -> None:
    body = {"username": "nobody-here", "password": "wrong password 1"}
    with from_address(limited.url) as client, from_address(limited.url) as elsewhere:
        allowed = spend(client, "POST", "/auth/login", 3, json=body)
        assert [r.status_code for r in allowed] == [401, 401, 401]  # auth answered each
        assert [r.headers["ratelimit-remaining"] for r in allowed] == ["2", "1", "0"]
        assert all(r.headers["ratelimit-limit"] == "3" for r in allowed)

        refused = client.post("/auth/login", json=body)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.headers["ratelimit-remaining"] == "0"
        assert int(refused.headers["ratelimit-reset"]) >= 1

        # Another address has a budget of its own.
        assert elsewhere.post("/auth/login", json=body).status_code == 401


@pytest.mark.parametrize(
    "forged",
    [
        {"X-Forwarded-For": "198.51.100.7"},
        {"X-Forwarded-For": "198.51.100.8, 127.0.0.1"},
        {"Forwarded": "for=198.51.100.9"},
        {"X-Real-IP": "198.51.100.10"},
    ],
    ids=["xff", "xff-chain", "forwarded", "x-real-ip"],
)
def test_a_forged_forwarding_header_does_not_reset_a_limit(limited: Any, forged: dict) -> None:
    # The gateway trusts no proxy by default: a client naming another address is still itself.
    body = {"username": "nobody-here", "password": "wrong password 1"}
    with from_address(limited.url) as client:
        spend(client, "POST", "/auth/login", 3, json=body)
        refused = client.post("/auth/login", json=body, headers=forged)
        assert refused.status_code == 429, refused.text
        assert refused.headers["ratelimit-remaining"] == "0"


def test_anonymous_refusals_are_rate_limited_too(limited: Any) -> None:
    # The limiter runs before the 401: a flood of unauthenticated requests spends its budget.
    with from_address(limited.url) as client:
        statuses = [r.status_code for r in spend(client, "GET", "/images", 6)]
        assert statuses[:4] == [401, 401, 401, 401]
        assert statuses[4:] == [429, 429]
    with from_address(limited.url) as client:  # paths that exist nowhere too
        paths = [f"/made-up-{n}" for n in range(6)]
        statuses = [client.get(path).status_code for path in paths]
        assert statuses == [404, 404, 404, 404, 429, 429]


def test_each_user_has_a_budget_of_their_own(limited: Any, make_user: Any) -> None:
    alice, bob = make_user(), make_user()
    with httpx.Client(base_url=limited.url, timeout=10) as edge:
        statuses = [
            r.status_code for r in spend(edge, "GET", "/images", 5, headers=alice["headers"])
        ]
        assert statuses == [200, 200, 200, 200, 429]
        # Same address, different user: untouched budget.
        assert edge.get("/images", headers=bob["headers"]).status_code == 200
        # Categories are separate too: alice can still upload though her reads are spent.
        uploads = edge.post("/images", headers=alice["headers"], files={"file": ("a", b"x")})
        assert uploads.status_code != 429  # images judged the bytes; the limiter let them by


def test_replicas_share_one_budget_through_redis(
    start_gateway: Any, stack: Any, make_user: Any
) -> None:
    shared = {"RATE_LIMIT_STORAGE_URI": stack.env()["REDIS_URL"], "RATE_LIMIT_READS": "6/minute"}
    first, second = start_gateway(**shared), start_gateway(**shared)
    user = make_user()
    with (
        httpx.Client(base_url=first.url, timeout=10) as one,
        httpx.Client(base_url=second.url, timeout=10) as two,
    ):
        statuses = []
        for _ in range(3):
            statuses.append(one.get("/images", headers=user["headers"]).status_code)
            statuses.append(two.get("/images", headers=user["headers"]).status_code)
        assert statuses == [200] * 6
        # Six spent across both replicas: each now refuses, whichever one is asked.
        assert one.get("/images", headers=user["headers"]).status_code == 429
        refused = two.get("/images", headers=user["headers"])
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


def test_an_expensive_transform_spends_its_estimated_cost(
    start_gateway: Any, make_user: Any, upload_image: Any, png: Any
) -> None:
    # Units of 0.1 megapixel-operations, so that jobs on a small image (quick to render) still
    # cost several units: the budget is spent by estimated work, not by request count.
    gateway = start_gateway(
        RATE_LIMIT_TRANSFORMS="1000/minute", RATE_LIMIT_TRANSFORM_COST_UNIT="0.1"
    )
    user = make_user()
    cheap = {"operations": [{"op": "resize", "width": 32}], "output": {"format": "webp"}}
    dear = {
        "operations": [{"op": "rotate", "angle": 45}, {"op": "blur", "sigma": 50}],
        "output": {"format": "png", "png_compression": 9},
    }
    units = {
        name: estimate_cost(TransformSpec.model_validate(spec), (640, 480), "png").units(0.1, 1000)
        for name, spec in (("cheap", cheap), ("dear", dear))
    }
    assert units["dear"] > 5 * units["cheap"]
    with httpx.Client(base_url=gateway.url, timeout=10) as edge:
        image = upload_image(edge, user["headers"], png(640, 480))["id"]

        def remaining_after(spec: dict, status: int) -> int:
            answer = edge.post(f"/images/{image}/transform", headers=user["headers"], json=spec)
            assert answer.status_code == status, answer.text
            assert "x-transform-cost" not in answer.headers  # between the services only
            return int(answer.headers["ratelimit-remaining"])

        # Each answer shows the budget as its admission left it (1 spent); a request that
        # queued new work pays the rest of its estimate once images has answered.
        assert remaining_after(cheap, 202) == 1000 - 1
        # A repeat (an identical variant exists, no new work) costs 1.
        assert remaining_after(cheap, 200) == 1000 - units["cheap"] - 1
        assert remaining_after(dear, 202) == 1000 - units["cheap"] - 2
        assert remaining_after(dear, 200) == 1000 - units["cheap"] - 2 - units["dear"]
