"""Rate limits at the edge: 429 with Retry-After and RateLimit headers once a budget is spent,
budgets per user (or per address when anonymous), and one budget shared through Redis by
several gateway replicas."""

import uuid
from typing import Any

import httpx
import pytest


def spend(client: httpx.Client, method: str, path: str, times: int, **kwargs: Any) -> list:
    return [client.request(method, path, **kwargs) for _ in range(times)]


@pytest.fixture(scope="module")
def limited(start_gateway: Any) -> Any:
    return start_gateway(
        RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_READS="4/minute", RATE_LIMIT_UPLOADS="2/minute"
    )


def test_login_attempts_past_the_limit_get_429_with_retry_after(limited: Any) -> None:
    address = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 200 + 1}"}
    body = {"username": "nobody-here", "password": "wrong password 1"}
    with httpx.Client(base_url=limited.url, timeout=10) as client:
        allowed = spend(client, "POST", "/auth/login", 3, json=body, headers=address)
        assert [r.status_code for r in allowed] == [401, 401, 401]  # auth answered each
        assert [r.headers["ratelimit-remaining"] for r in allowed] == ["2", "1", "0"]
        assert all(r.headers["ratelimit-limit"] == "3" for r in allowed)

        refused = client.post("/auth/login", json=body, headers=address)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.headers["ratelimit-remaining"] == "0"
        assert int(refused.headers["ratelimit-reset"]) >= 1

        # Another address has a budget of its own.
        other = {"X-Forwarded-For": "203.0.113.77"}
        assert client.post("/auth/login", json=body, headers=other).status_code == 401


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
