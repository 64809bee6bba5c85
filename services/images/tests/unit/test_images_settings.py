"""Settings that only make sense together are refused at start-up, with what to change."""

import pytest
from pydantic import ValidationError

from images_service.config import Settings


def test_the_on_the_fly_request_grace_must_outlast_the_wait() -> None:
    with pytest.raises(ValidationError, match="ONTHEFLY_REQUEST_GRACE_SECONDS must be longer"):
        Settings(onthefly_wait_seconds=20, onthefly_request_grace_seconds=15)
    assert Settings(onthefly_wait_seconds=20, onthefly_request_grace_seconds=30)
