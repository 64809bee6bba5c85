"""Table definitions of the auth database, and the imperative mapping of the domain model onto
them (the domain classes stay plain Python; see cosmicpython chapter 2)."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    event,
    func,
)
from sqlalchemy.orm import DeclarativeBase

from auth_service.domain.model import Role, User
from platform_common.messaging.outbox import outbox_table

# Named so the unit of work can tell a duplicate username from a duplicate email.
USERNAME_UNIQUE = "uq_users_username_lower"
EMAIL_UNIQUE = "uq_users_email"


class Base(DeclarativeBase):
    metadata = MetaData()


users = Table(
    "users",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", String(32), nullable=False),
    Column("email", String(320), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column(
        "role",
        Enum(
            Role,
            name="ck_users_role",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda roles: [role.value for role in roles],
        ),
        nullable=False,
    ),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_login", DateTime(timezone=True), nullable=True),
    Column("is_active", Boolean, nullable=False, server_default="true"),
    # Access tokens carry the version they were issued at; raising it revokes all of them.
    Column("token_version", Integer, nullable=False, server_default="0"),
)
# Case-insensitive uniqueness lives in the database, so two racing registrations of "Alice" and
# "alice" cannot both commit. Emails are stored lower-cased, so a plain unique index suffices.
Index(USERNAME_UNIQUE, func.lower(users.c.username), unique=True)
Index(EMAIL_UNIQUE, users.c.email, unique=True)

# Failed logins, shared by every replica: the brute-force throttle counts recent rows.
login_failures = Table(
    "login_failures",
    Base.metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    # Text: these hold whatever a client typed or sent, whose lower-casing may even grow it.
    Column("username_key", Text, nullable=False),
    Column("client_address", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Index("ix_login_failures_username", "username_key", "failed_at"),
    Index("ix_login_failures_address", "client_address", "failed_at"),
    Index("ix_login_failures_failed_at", "failed_at"),
)

# One row per refresh token; a login session is a family of them (each use rotates to the next).
# Only a SHA-256 of the token is kept: the database alone cannot be replayed as sessions.
refresh_tokens = Table(
    "refresh_tokens",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("family_id", Uuid, nullable=False, index=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("persistent", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("rotated_at", DateTime(timezone=True), nullable=True),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

# The source of truth for the shared revocation list (platform_common.security.revocation):
# "session:<sid>" or "user:<id>" -> value, until no token it refuses can still be alive.
revocations = Table(
    "revocations",
    Base.metadata,
    Column("key", String(64), primary_key=True),
    Column("value", BigInteger, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)

# Who did what to which account, when: read by admins at GET /auth/audit.
audit_log = Table(
    "audit_log",
    Base.metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor_id", Uuid, nullable=True),
    Column("action", String(64), nullable=False),
    Column("target_id", Uuid, nullable=True),
    Column("details", JSON, nullable=False),
)

outbox = outbox_table(Base.metadata)

Base.registry.map_imperatively(User, users)


@event.listens_for(User, "load")
def _receive_load(user: User, _context: object) -> None:
    # Loading skips __init__, and the unit of work reads `events` on every user it saw.
    user.events = []
