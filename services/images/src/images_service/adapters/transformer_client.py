"""The transformer's internal render endpoint, for on-the-fly variants (one hop).

POST {TRANSFORMER_URL}/internal/render with the staged TransformRequested envelope: 200 with the
variant's bytes as soon as the pipeline has them, 422 when the variant cannot be made, anything
else (unreachable, 503, too slow) means "not now": the caller waits for the status instead.
"""

from dataclasses import dataclass

import httpx

from platform_common.events import Envelope


@dataclass(frozen=True)
class RenderedVariant:
    data: bytes
    format: str


@dataclass(frozen=True)
class RenderRefused:
    code: str
    message: str


class TransformerClient:
    def __init__(self, base_url: str, token: str) -> None:
        self.enabled = bool(base_url)
        self._http = httpx.AsyncClient(
            base_url=base_url or "http://transformer.invalid",
            headers={"X-Internal-Token": token, "Content-Type": "application/json"},
        )

    async def render(
        self, envelope: Envelope, within_seconds: float
    ) -> RenderedVariant | RenderRefused | None:
        """The bytes, the reason it cannot be made, or None (ask again later)."""
        if not self.enabled or within_seconds <= 0:
            return None
        try:
            answer = await self._http.post(
                "/internal/render", content=envelope.to_bytes(), timeout=within_seconds
            )
        except httpx.HTTPError:
            return None  # the Kafka copy of the request is the path that always works
        if answer.status_code == 200:
            return RenderedVariant(answer.content, answer.headers.get("x-variant-format", ""))
        if answer.status_code == 422:
            try:
                error = answer.json()["error"]
                return RenderRefused(str(error["code"]), str(error["message"]))
            except (ValueError, KeyError, TypeError):
                return None  # not the transformer's answer: its status events will say
        return None

    async def close(self) -> None:
        await self._http.aclose()
