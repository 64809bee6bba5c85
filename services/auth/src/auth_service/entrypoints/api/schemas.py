"""Request and response bodies of the auth API."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from auth_service.domain.identity import USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, USERNAME_RULES
from auth_service.domain.model import Role
from auth_service.domain.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH

PASSWORD_RULES = (
    "8-128 characters, at most 72 bytes in UTF-8 (bcrypt's limit), hard to guess (zxcvbn score "
    "3 of 4 by default) and not containing the username or email"
)


class RegisterRequest(BaseModel):
    # forbid: a stray {"role": "admin"} is refused loudly rather than silently ignored.
    model_config = ConfigDict(extra="forbid")

    username: str = Field(
        min_length=USERNAME_MIN_LENGTH, max_length=USERNAME_MAX_LENGTH, description=USERNAME_RULES
    )
    email: EmailStr
    password: str = Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        description=PASSWORD_RULES,
    )


class LoginRequest(BaseModel):
    # No policy here: any wrong input is just "incorrect username or password".
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=1024)
    remember_me: bool = False


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    email: str
    role: Role
    created_at: datetime
    last_login: datetime | None


class UserAdminView(UserPublic):
    is_active: bool


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="seconds until the access token expires")
    refresh_token: str | None = Field(
        None,
        description="For API clients: send it to POST /auth/refresh for a new access token (it "
        "rotates: each use returns a new one). Browsers get it as an HttpOnly cookie instead.",
    )
    refresh_expires_in: int | None = Field(None, description="seconds the refresh token lives")
    user: UserPublic


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Absent: the `refresh_token` cookie is used.
    refresh_token: str | None = Field(None, min_length=1, max_length=256)


class PasswordChangeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(
        min_length=MIN_PASSWORD_LENGTH, max_length=MAX_PASSWORD_LENGTH, description=PASSWORD_RULES
    )


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    disabled: bool | None = None
    role: Role | None = None


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_id: uuid.UUID | None
    action: str
    target_id: uuid.UUID | None
    details: dict[str, Any]


class AuditPage(BaseModel):
    items: list[AuditEntry]
    total: int
    page: int
    limit: int


class UsersPage(BaseModel):
    items: list[UserAdminView]
    total: int
    page: int
    limit: int


class Message(BaseModel):
    message: str
