"""Locust user for the platform benchmark: a mix of reads, uploads and transformation requests.

Run by bench/platform_bench.py as `locust -f bench/platform_locust.py --headless ...`; it reads the
prepared accounts (tokens, image ids, ready variants) from the JSON file in $BENCH_FIXTURE.
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, between, task

FIXTURE = json.loads(open(os.environ["BENCH_FIXTURE"]).read())  # noqa: SIM115
_accounts = itertools.cycle(FIXTURE["accounts"])
_widths = itertools.count(16)
BOUNDARY = "platformbenchboundary"


class PlatformClient(FastHttpUser):
    wait_time = between(0.0, 0.05)

    def on_start(self) -> None:
        account = next(_accounts)
        self.headers = {"Authorization": f"Bearer {account['token']}"}
        self.images = account["images"]
        self.variants = account["variants"]
        photo = open(FIXTURE["upload_path"], "rb").read()  # noqa: SIM115
        self.upload_body = (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                'filename="bench.png"\r\nContent-Type: image/png\r\n\r\n'
            ).encode()
            + photo
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )

    @task(6)
    def list_images(self) -> None:
        self.client.get("/images?page=1&limit=10", headers=self.headers, name="GET /images")

    @task(6)
    def image_details(self) -> None:
        self.client.get(
            f"/images/{random.choice(self.images)}", headers=self.headers, name="GET /images/{id}"
        )

    @task(6)
    def variant_content(self) -> None:
        image_id, tid = random.choice(self.variants)
        self.client.get(
            f"/images/{image_id}/transformations/{tid}/content",
            headers=self.headers,
            name="GET variant content",
        )

    @task(2)
    def original_content(self) -> None:
        self.client.get(
            f"/images/{random.choice(self.images)}/content",
            headers=self.headers,
            name="GET original content",
        )

    @task(2)
    def me(self) -> None:
        self.client.get("/auth/me", headers=self.headers, name="GET /auth/me")

    @task(1)
    def upload(self) -> None:
        self.client.post(
            "/images",
            data=self.upload_body,  # type: ignore[arg-type]  # locust's stub omits bytes, which it sends
            headers={**self.headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
            name="POST /images (upload)",
        )

    @task(1)
    def transform(self) -> None:
        # A width never asked before: real new work for the transformer, not a dedupe hit.
        spec = {
            "operations": [{"op": "resize", "width": next(_widths) % 590 + 10}],
            "output": {"format": "webp"},
        }
        self.client.post(
            f"/images/{random.choice(self.images)}/transform",
            json=spec,
            headers=self.headers,
            name="POST transform",
        )
