"""Redis for the gateway's rate limits: a real server answering commands."""

import redis


def test_redis_stores_and_expires_a_counter(redis_url):
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.incr("devstack:counter") == 1
        assert client.expire("devstack:counter", 60)
        assert 0 < client.ttl("devstack:counter") <= 60
    finally:
        client.delete("devstack:counter")
        client.close()
