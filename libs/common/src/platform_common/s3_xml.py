"""The two S3 XML documents the services' client reads or writes: a listing page
(ListObjectsV2's answer) and a batch delete (DeleteObjects' request and its errors).

The documents come from the platform's own S3 endpoint, not from users; defusedxml reads them
all the same (no entities, no external references), as the cost is nothing.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from defusedxml.ElementTree import fromstring


@dataclass(frozen=True)
class ListedObject:
    key: str
    size: int
    last_modified: datetime | None
    etag: str | None


@dataclass(frozen=True)
class ListedPage:
    objects: list[ListedObject]
    next_cursor: str | None  # None: this is the last page


def _text(element: ET.Element, name: str) -> str | None:
    found = element.find(f"{{*}}{name}")
    return found.text if found is not None else None


def _timestamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def listed_page(document: bytes) -> ListedPage:
    root = fromstring(document)
    objects = [
        ListedObject(
            key=_text(item, "Key") or "",
            size=int(_text(item, "Size") or 0),
            last_modified=_timestamp(_text(item, "LastModified")),
            etag=_text(item, "ETag"),
        )
        for item in root.iterfind("{*}Contents")
    ]
    truncated = (_text(root, "IsTruncated") or "").lower() == "true"
    return ListedPage(objects, _text(root, "NextContinuationToken") if truncated else None)


def delete_request(keys: list[str]) -> bytes:
    """Quiet: the answer lists only the keys S3 could not delete."""
    objects = "".join(f"<Object><Key>{escape(key)}</Key></Object>" for key in keys)
    return f"<Delete><Quiet>true</Quiet>{objects}</Delete>".encode()


def delete_errors(document: bytes) -> list[str]:
    """`key: message` for each object a batch delete kept."""
    if not document.strip():
        return []
    return [
        f"{_text(error, 'Key')}: {_text(error, 'Message') or _text(error, 'Code')}"
        for error in fromstring(document).iterfind("{*}Error")
    ]
