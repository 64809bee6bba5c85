"""What an account publishes with: signing key/salt pairs and named presets."""

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(eq=False)
class SigningKey:
    """A hex key/salt pair, as imgproxy's IMGPROXY_KEY/IMGPROXY_SALT; every active pair of an
    account verifies its URLs, so a new pair can be rolled out before the old one is deleted."""

    id: uuid.UUID
    owner_id: uuid.UUID
    key: str
    salt: str
    created_at: datetime


@dataclass(eq=False)
class Preset:
    """A named transformation (canonical JSON of a transform spec) of one account."""

    owner_id: uuid.UUID
    name: str
    spec: str
    created_at: datetime
    updated_at: datetime
