"""Delivery's pure parts at the gateway: format negotiation and the CDN caching header."""

import pytest

from gateway_service.domain.delivery_headers import cache_control
from gateway_service.domain.negotiation import negotiated_format


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (b"image/avif,image/webp,*/*", "avif"),
        (b"image/webp,*/*;q=0.8", "webp"),
        (b"image/avif;q=0,image/webp", "webp"),
        (b"*/*", None),
        (b"image/*", None),
        (None, None),
        (b"image/webp;q=oops", None),
    ],
)
def test_accept_picks_the_best_format_it_names(accept, chosen):
    assert negotiated_format(accept) == chosen


def test_cache_control_is_a_year_or_until_the_url_expires():
    assert cache_control(None) == b"public, max-age=31536000, immutable"
    assert cache_control(1_000_600, now=1_000_000) == b"public, max-age=600, immutable"
    assert cache_control(999_000, now=1_000_000) == b"public, max-age=0, immutable"
