"""Forged and misused tokens are refused at the gateway (and behind it), header or cookie."""

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from e2e_kit.api import Gateway, User
from e2e_kit.live import refused
from e2e_kit.photos import photo_bytes
from jose import jwt

from devstack.ports import free_port


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims(platform, sub: str, **overrides) -> dict:
    now = int(time.time())
    base = {
        "sub": sub,
        "role": "user",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "iss": platform.env.get("JWT_ISSUER", "image-platform-auth"),
        "aud": platform.env.get("JWT_AUDIENCE", "image-platform"),
    }
    return {**base, **overrides}


def sign(platform, payload: dict) -> str:
    return jwt.encode(payload, platform.env["JWT_SECRET"], algorithm="HS256")


def rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture(scope="module")
def victim(gateway: Gateway) -> tuple[User, str]:
    alice = gateway.register("victim")
    image_id = str(alice.upload_ok(photo_bytes("chelsea"), "chelsea.png")["id"])
    yield alice, image_id
    alice.close()


def forged_tokens(platform, alice: User, attacker: User) -> dict[str, str]:
    sub = alice.id
    private, _ = rsa_pair()
    head, body, signature = attacker.account.token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return {
        "alg_none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(platform, sub))}.",
        "alg_none_upper": f"{b64({'alg': 'NONE', 'typ': 'JWT'})}.{b64(claims(platform, sub))}.",
        "rs256_own_key": jwt.encode(claims(platform, sub), private, algorithm="RS256"),
        "hs512_real_secret": jwt.encode(
            claims(platform, sub), platform.env["JWT_SECRET"], algorithm="HS512"
        ),
        "expired": sign(
            platform,
            claims(platform, sub, iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
        ),
        "wrong_audience": sign(platform, claims(platform, sub, aud="someone-else")),
        "wrong_issuer": sign(platform, claims(platform, sub, iss="https://evil.example")),
        "no_exp": sign(platform, {k: v for k, v in claims(platform, sub).items() if k != "exp"}),
        "guessed_secret": jwt.encode(claims(platform, sub), "secret", algorithm="HS256"),
        # Bob's genuine token with Alice's id swapped in: the signature no longer matches.
        "another_users_sub": f"{head}.{b64({**payload, 'sub': sub})}.{signature}",
        "role_escalation": f"{head}.{b64({**payload, 'role': 'admin'})}.{signature}",
        "garbage": "not.a.jwt",
        # Header injection: a kid naming a file, a path or SQL (the key never comes from it),
        # and jku / x5u pointing at the attacker's own key set (never fetched).
        "kid_path_traversal": jwt.encode(
            claims(platform, sub), "", algorithm="HS256", headers={"kid": "../../../../dev/null"}
        ),
        "kid_sql": jwt.encode(
            claims(platform, sub), "x", algorithm="HS256", headers={"kid": "x' UNION SELECT 'x"}
        ),
        "jku_attacker_keys": jwt.encode(
            claims(platform, sub),
            private,
            algorithm="RS256",
            headers={"jku": "http://127.0.0.1:9/jwks.json", "kid": "attacker"},
        ),
        "x5u_attacker_cert": jwt.encode(
            claims(platform, sub),
            private,
            algorithm="RS256",
            headers={"x5u": "http://127.0.0.1:9/cert.pem", "kid": "attacker"},
        ),
        "empty_signature": f"{head}.{body}.",
    }


PROTECTED = [
    "/auth/me",
    "/users/me",
    "/images",
    "/images/{image_id}",
    "/images/{image_id}/content",
    "/auth/users",
    "/admin/storage/objects",
]


@pytest.mark.parametrize("carrier", ["bearer", "cookie"])
def test_forged_tokens_are_refused_everywhere(platform, gateway, victim, new_user, carrier) -> None:
    alice, image_id = victim
    attacker: User = new_user("mallory")
    for name, token in forged_tokens(platform, alice, attacker).items():
        for template in PROTECTED:
            path = template.format(image_id=image_id)
            if carrier == "bearer":
                response = gateway.http.get(path, headers={"Authorization": f"Bearer {token}"})
            else:
                with httpx.Client(base_url=gateway.base_url, cookies={"access_token": token}) as c:
                    response = c.get(path)
            assert response.status_code == 401, (name, path, response.status_code, response.text)
            error = response.json()["error"]
            assert error["code"] and error["message"], (name, path)
            assert "Traceback" not in response.text
    # Alice's data is untouched and still hers.
    assert alice.http.get(f"/images/{image_id}").status_code == 200


def test_a_100_kb_token_is_refused_without_a_server_error(platform, gateway, victim) -> None:
    alice, image_id = victim
    huge = sign(platform, claims(platform, alice.id, padding="A" * 100_000))
    for path in ("/auth/me", "/images", f"/images/{image_id}"):
        response = gateway.http.get(path, headers={"Authorization": f"Bearer {huge}"})
        # 401 from the verifier (tokens over 8 KB are not even decoded), or the edge's own
        # header bound (431/400) first: refused either way, never a 5xx.
        assert response.status_code in (400, 401, 431), (path, response.status_code)
    assert alice.http.get(f"/images/{image_id}").status_code == 200


def test_expired_token_says_so(platform, gateway, victim) -> None:
    alice, _ = victim
    token = sign(platform, claims(platform, alice.id, exp=int(time.time()) - 5))
    response = gateway.http.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "expire" in response.json()["error"]["message"].lower()


def test_well_signed_token_for_an_unknown_user_is_refused_by_auth(platform, gateway) -> None:
    token = sign(platform, claims(platform, str(uuid.uuid4())))
    response = gateway.http.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text


def test_forged_tokens_cannot_open_the_live_feed(platform, gateway, victim, new_user) -> None:
    alice, _ = victim
    attacker: User = new_user("mallory")
    verdicts = {
        name: refused(gateway.ws_url, {"Authorization": f"Bearer {token}"})
        for name, token in forged_tokens(platform, alice, attacker).items()
    }
    assert all(verdicts.values()), verdicts


@pytest.fixture(scope="module")
def rs256_gateway(platform, tmp_path_factory) -> tuple[str, str, str]:
    """A second gateway configured for RS256 (public key only), with no upstream behind it: a
    token the edge accepts is answered 503 (upstream unavailable), one it refuses 401. So the
    edge's own verdict is visible, whatever the services would say."""
    private, public = rsa_pair()
    port = free_port()
    dead = f"http://127.0.0.1:{free_port()}"
    env = {
        **platform.env,
        "JWT_ALGORITHM": "RS256",
        "JWT_PUBLIC_KEY": public,
        "AUTH_URL": dead,
        "IMAGES_URL": dead,
        "LIVE_ENABLED": "false",
        "RATE_LIMIT_ENABLED": "false",
        "METRICS_PORT": "0",  # the platform's gateway holds its metrics port
    }
    log = (tmp_path_factory.mktemp("rs256") / "gateway.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway_service", "serve", "--host", "127.0.0.1", "--port",
         str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, "the RS256 gateway exited; see its log"
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield url, private, public
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_hs_rs_confusion_is_refused_by_an_rs256_edge(platform, rs256_gateway) -> None:
    url, private, public = rs256_gateway
    sub = str(uuid.uuid4())
    genuine = jwt.encode(claims(platform, sub), private, algorithm="RS256")
    # The classic confusion: HS256 "signed" with the public key, hoping the server verifies
    # the HMAC with the key it holds. python-jose refuses PEM keys as HMAC secrets, so this
    # token is forged by hand, exactly as an attacker would.
    header = b64({"alg": "HS256", "typ": "JWT"})
    payload = b64(claims(platform, sub))
    mac = hmac.new(public.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    confused = f"{header}.{payload}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    hs_with_platform_secret = sign(platform, claims(platform, sub))
    alg_none = f"{b64({'alg': 'none'})}.{payload}."

    with httpx.Client(base_url=url, timeout=10) as client:
        accepted = client.get("/images", headers={"Authorization": f"Bearer {genuine}"})
        assert accepted.status_code == 503, accepted.text  # past the edge, nobody behind it
        for name, token in [("hs_with_public_key", confused),
                            ("hs_with_platform_secret", hs_with_platform_secret),
                            ("alg_none", alg_none)]:  # fmt: skip
            refused = client.get("/images", headers={"Authorization": f"Bearer {token}"})
            assert refused.status_code == 401, (name, refused.status_code, refused.text)
