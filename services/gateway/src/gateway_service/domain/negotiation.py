"""Choosing the output format from `Accept` when a delivery URL leaves it open."""

# Best first: AVIF is smaller than WebP for photos; both beat the source's JPEG/PNG.
PREFERRED = ((b"image/avif", "avif"), (b"image/webp", "webp"))


def _accepted(accept: bytes) -> set[bytes]:
    """Media ranges with a non-zero q (explicit ones only: */* does not promise AVIF)."""
    kept = set()
    for item in accept.lower().split(b","):
        media, *params = (part.strip() for part in item.split(b";"))
        quality = next((p[2:] for p in params if p.startswith(b"q=")), b"1")
        try:
            if float(quality) > 0:
                kept.add(media)
        except ValueError:
            continue
    return kept


def negotiated_format(accept: bytes | None) -> str | None:
    """'avif', 'webp', or None for the source's own format."""
    if not accept:
        return None
    accepted = _accepted(accept)
    return next((name for media, name in PREFERRED if media in accepted), None)
