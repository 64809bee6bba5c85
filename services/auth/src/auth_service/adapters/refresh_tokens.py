"""Refresh tokens: opaque random strings, of which only a SHA-256 is stored."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from auth_service.adapters.orm import refresh_tokens


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    # No salt or slow hash needed: the token is 256 random bits, not a guessable password.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class StoredRefreshToken:
    id: uuid.UUID
    family_id: uuid.UUID
    user_id: uuid.UUID
    persistent: bool
    expires_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None


class RefreshTokenStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        token: str,
        *,
        family_id: uuid.UUID,
        user_id: uuid.UUID,
        persistent: bool,
        now: datetime,
        expires_at: datetime,
    ) -> None:
        self.session.execute(
            insert(refresh_tokens).values(
                id=uuid.uuid4(),
                family_id=family_id,
                user_id=user_id,
                token_hash=digest(token),
                persistent=persistent,
                created_at=now,
                expires_at=expires_at,
            )
        )

    def get_for_update(self, token: str) -> StoredRefreshToken | None:
        """Locked until the transaction ends, so two uses of one token are serialised."""
        query = (
            select(*[refresh_tokens.c[name] for name in StoredRefreshToken.__annotations__])
            .where(refresh_tokens.c.token_hash == digest(token))
            .with_for_update()
        )
        row = self.session.execute(query).mappings().one_or_none()
        return StoredRefreshToken(**row) if row else None

    def mark_rotated(self, token_id: uuid.UUID, now: datetime) -> None:
        query = update(refresh_tokens).where(refresh_tokens.c.id == token_id)
        self.session.execute(query.values(rotated_at=now))

    def revoke_family(self, family_id: uuid.UUID, now: datetime) -> None:
        query = update(refresh_tokens).where(
            refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None)
        )
        self.session.execute(query.values(revoked_at=now))

    def revoke_user_families(
        self, user_id: uuid.UUID, now: datetime, *, keep: uuid.UUID | None = None
    ) -> list[uuid.UUID]:
        """Revokes every live session of the user (but `keep`); returns their family ids."""
        query = update(refresh_tokens).where(
            refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None)
        )
        if keep is not None:
            query = query.where(refresh_tokens.c.family_id != keep)
        result = self.session.execute(
            query.values(revoked_at=now).returning(refresh_tokens.c.family_id)
        )
        return sorted(set(result.scalars()))
