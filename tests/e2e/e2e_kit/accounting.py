""" "Nothing lost": N requests in, N terminal states, no duplicate variants, no orphan objects."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from e2e_kit.api import User
from e2e_kit.storage import keys_under

from platform_common.s3 import object_exists


@dataclass
class Batch:
    """The transformations one test asked for, and what became of them."""

    user: User
    image_id: str
    requested: dict[str, dict[str, Any]] = field(default_factory=dict)  # tid -> spec
    refused: list[str] = field(default_factory=list)  # status codes/texts of refused requests

    def ask(self, spec: dict[str, Any]) -> str | None:
        response = self.user.transform(self.image_id, spec)
        if response.status_code not in (200, 202):
            self.refused.append(f"{response.status_code} {response.text[:200]}")
            return None
        body = response.json()
        tid = str(body["id"])
        self.requested[tid] = spec
        return tid

    def settle(self, timeout: float) -> dict[str, dict[str, Any]]:
        return self.user.wait_terminal_polling(self.image_id, list(self.requested), timeout)


def assert_nothing_lost(batch: Batch, finals: dict[str, dict[str, Any]], s3, bucket: str) -> None:
    """Every accepted request reached a terminal state, succeeded exactly once in storage, and the
    owner's storage holds exactly what the API says it holds."""
    missing = sorted(set(batch.requested) - set(finals))
    assert not missing, f"{len(missing)} of {len(batch.requested)} never finished: {missing[:5]}"
    failed = {tid: f for tid, f in finals.items() if f["status"] != "succeeded"}
    assert not failed, f"{len(failed)} failed: {list(failed.values())[:3]}"

    detail = batch.user.http.get(f"/images/{batch.image_id}")
    assert detail.status_code == 200, detail.text
    rows = detail.json().get("transformations", [])
    row_ids = Counter(str(row["id"]) for row in rows)
    assert all(n == 1 for n in row_ids.values()), f"duplicate rows: {row_ids.most_common(3)}"
    assert set(batch.requested) <= set(row_ids), "a requested transformation has no row"

    variant_keys = [final_key(f) for f in finals.values()]
    assert all(variant_keys), f"a succeeded transformation without a result key: {finals}"
    duplicates = [key for key, n in Counter(variant_keys).items() if n > 1]
    assert not duplicates, f"two transformations share one variant: {duplicates}"
    absent = [key for key in variant_keys if not object_exists(s3, bucket, key)]
    assert not absent, f"succeeded but no object in S3: {absent[:5]}"

    originals = keys_under(s3, bucket, f"originals/{batch.user.id}/")
    listed = batch.user.http.get("/images", params={"limit": 100}).json()
    assert len(originals) == listed["total"], f"orphan originals: {originals} vs {listed['total']}"


def final_key(final: dict[str, Any]) -> str | None:
    """The variant's S3 key: its content address is the ETag's digest plus the format."""
    result = final.get("result") or {}
    if not result.get("format") or not final.get("etag"):
        return None
    return f"variants/{final['etag'].strip(chr(34))}.{result['format']}"
