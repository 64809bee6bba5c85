"""A thin client of the gateway's public API: one object per user, raw httpx responses out.

Tests assert on the responses themselves; this module only knows the routes and payload shapes,
so a contract change is fixed here once.
"""

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from e2e_kit.live import TERMINAL, LiveFeed

PASSWORD = "correct horse battery staple 42"
TIMEOUT = httpx.Timeout(30.0, connect=5.0)


@dataclass
class Account:
    username: str
    email: str
    password: str
    id: str
    token: str
    role: str = "user"
    extra: dict[str, Any] = field(default_factory=dict)


def unique_name(prefix: str = "e2e") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


class Gateway:
    """What an anonymous client can do, and the factory of users."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.ws_url = "ws" + self.base_url.removeprefix("http") + "/ws"
        self.http = httpx.Client(base_url=self.base_url, timeout=TIMEOUT)

    def close(self) -> None:
        self.http.close()

    def register(self, prefix: str = "e2e", password: str = PASSWORD) -> "User":
        username = unique_name(prefix)
        email = f"{username}@example.com"
        response = self.http.post(
            "/auth/register", json={"username": username, "email": email, "password": password}
        )
        assert response.status_code == 201, response.text
        body = response.json()
        account = Account(
            username=username,
            email=email,
            password=password,
            id=str(body["user"]["id"]),
            token=body["access_token"],
            role=body["user"].get("role", "user"),
        )
        return User(self, account)

    def login(self, username: str, password: str, remember_me: bool = False) -> httpx.Response:
        return self.http.post(
            "/auth/login",
            json={"username": username, "password": password, "remember_me": remember_me},
        )


class User:
    """One user's authenticated (Bearer) view of the gateway."""

    def __init__(self, gateway: Gateway, account: Account) -> None:
        self.gateway = gateway
        self.account = account
        self.http = httpx.Client(
            base_url=gateway.base_url,
            timeout=TIMEOUT,
            headers={"Authorization": f"Bearer {account.token}"},
        )

    @property
    def id(self) -> str:
        return self.account.id

    def close(self) -> None:
        self.http.close()

    def live(self) -> LiveFeed:
        return LiveFeed(
            self.gateway.ws_url, headers={"Authorization": f"Bearer {self.account.token}"}
        )

    # images ---------------------------------------------------------------------------------
    def upload(
        self, data: bytes, filename: str = "photo.jpg", content_type: str = "image/jpeg"
    ) -> httpx.Response:
        return self.http.post("/images", files={"file": (filename, data, content_type)})

    def upload_ok(self, data: bytes, filename: str = "photo.jpg") -> dict[str, Any]:
        response = self.upload(data, filename)
        assert response.status_code == 201, response.text
        image: dict[str, Any] = response.json()
        return image

    def transform(self, image_id: str, spec: dict[str, Any]) -> httpx.Response:
        return self.http.post(f"/images/{image_id}/transform", json=spec)

    def transform_ok(self, image_id: str, spec: dict[str, Any]) -> str:
        response = self.transform(image_id, spec)
        assert response.status_code in (200, 202), response.text
        return transformation_id(response.json())

    def transformation(self, image_id: str, tid: str) -> httpx.Response:
        return self.http.get(f"/images/{image_id}/transformations/{tid}")

    def settled(self, image_id: str, tid: str, timeout: float = 10) -> dict[str, Any]:
        """The transformation's status once the API has caught up with a live event.

        The gateway relays status events from Kafka as they come, while the images service
        records them from the same topic on its own: for a moment after the live event the API
        may still say `processing` (and its content 409). A client waits that moment out."""
        deadline = time.monotonic() + timeout
        while True:
            body: dict[str, Any] = self.transformation(image_id, tid).json()
            if body.get("status") in TERMINAL or time.monotonic() > deadline:
                return body
            time.sleep(0.05)

    def wait_terminal_polling(
        self, image_id: str, tids: list[str], timeout: float
    ) -> dict[str, Any]:
        """Terminal status of each transformation, read over HTTP (robust across restarts)."""
        deadline = time.monotonic() + timeout
        done: dict[str, dict[str, Any]] = {}
        while True:
            for tid in tids:
                if tid in done:
                    continue
                response = self.transformation(image_id, tid)
                if response.status_code == 200 and response.json().get("status") in TERMINAL:
                    done[tid] = response.json()
            if len(done) == len(tids) or time.monotonic() > deadline:
                return done
            time.sleep(0.5)


def transformation_id(body: dict[str, Any]) -> str:
    return str(body["id"])
