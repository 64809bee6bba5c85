"""The current user, and user administration."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from auth_service.entrypoints.api.cookies import clear_session_cookies
from auth_service.entrypoints.api.deps import (
    CurrentAdmin,
    CurrentUser,
    SessionPolicyDep,
    SettingsDep,
    UowDep,
)
from auth_service.entrypoints.api.schemas import (
    AuditEntry,
    AuditPage,
    UserAdminView,
    UserPublic,
    UsersPage,
    UserUpdate,
)
from auth_service.service_layer import accounts, services

# Far beyond any real listing; unbounded, a huge page overflowed the SQL OFFSET (a 500).
MAX_PAGE = 1_000_000

router = APIRouter(tags=["users"])

_UNAUTHENTICATED = {401: {"description": "Missing, expired or invalid token"}}


@router.get("/auth/me", responses=_UNAUTHENTICATED, summary="The logged-in user")
@router.get("/users/me", responses=_UNAUTHENTICATED, summary="The logged-in user (alias)")
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)


@router.get(
    "/auth/users",
    responses={**_UNAUTHENTICATED, 403: {"description": "Not an admin"}},
    summary="All users, oldest first (admin only)",
)
def list_users(
    _admin: CurrentAdmin,
    uow: UowDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> UsersPage:
    users, total = services.list_users(uow, page=page, limit=limit)
    items = [UserAdminView.model_validate(user) for user in users]
    return UsersPage(items=items, total=total, page=page, limit=limit)


@router.delete(
    "/auth/users/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_UNAUTHENTICATED, 404: {"description": "No such user (or not yours)"}},
    summary="Delete an account (an admin, or the user themself); publishes UserDeleted",
)
def delete_user(
    user_id: uuid.UUID,
    actor: CurrentUser,
    uow: UowDep,
    policy: SessionPolicyDep,
    settings: SettingsDep,
) -> Response:
    services.delete_user(uow, policy, actor=actor, user_id=user_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    if actor.id == user_id:  # deleting yourself also logs you out
        clear_session_cookies(response, settings)
    return response


@router.patch(
    "/auth/users/{user_id}",
    responses={
        **_UNAUTHENTICATED,
        400: {"description": "The change would leave no active admin, or targets yourself"},
        403: {"description": "Not an admin"},
        404: {"description": "No such user"},
    },
    summary="Disable or enable an account, or change its role (admin only; audited). "
    "Disabling ends every session of the account at once, in every service.",
)
def update_user(
    user_id: uuid.UUID,
    body: UserUpdate,
    admin: CurrentAdmin,
    uow: UowDep,
    policy: SessionPolicyDep,
) -> UserAdminView:
    user = accounts.update_user(
        uow, policy, actor=admin, user_id=user_id, disabled=body.disabled, role=body.role
    )
    return UserAdminView.model_validate(user)


@router.get(
    "/auth/audit",
    responses={**_UNAUTHENTICATED, 403: {"description": "Not an admin"}},
    summary="The audit log, newest first: who did what to which account, when (admin only)",
)
def audit_log(
    _admin: CurrentAdmin,
    uow: UowDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> AuditPage:
    rows, total = services.audit_page(uow, page=page, limit=limit)
    items = [AuditEntry.model_validate(row) for row in rows]
    return AuditPage(items=items, total=total, page=page, limit=limit)
