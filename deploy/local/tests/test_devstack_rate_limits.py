"""The platform devstack starts (as `make run` does) keeps the gateway's rate limits in its
Redis, so replicas share them and a restart does not reset them."""

import time
import uuid

import httpx
import redis


def test_failed_logins_through_the_gateway_leave_limit_keys_in_redis(
    running_platform, redis_url
) -> None:
    client = redis.Redis.from_url(redis_url)
    started = time.time()
    gateway = running_platform.url("gateway")
    for _ in range(3):
        response = httpx.post(
            f"{gateway}/auth/login",
            json={"username": f"nobody-{uuid.uuid4().hex[:8]}", "password": "not the password"},
            timeout=10,
        )
        assert response.status_code == 401, response.text
        assert "ratelimit-remaining" in response.headers
    # Moving windows are lists of hit timestamps, newest first (earlier tests may have made the
    # keys already, so the proof is hits from just now).
    newest = [
        float(client.lindex(key, 0) or 0)
        for key in client.scan_iter(match="LIMITS*")
        if client.type(key) == b"list"
    ]
    assert any(hit >= started - 1 for hit in newest), (
        "the gateway's login limit left nothing in Redis: it is not using it"
    )
