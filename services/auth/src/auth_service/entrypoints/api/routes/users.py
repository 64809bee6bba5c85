"""The current user, and user administration."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

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
from platform_common.openapi import error_responses

# Far beyond any real listing; unbounded, a huge page overflowed the SQL OFFSET (a 500).
MAX_PAGE = 1_000_000

router = APIRouter(tags=["users"])

_UNAUTHENTICATED = error_responses(401)


@router.get(
    "/auth/me",
    operation_id="getCurrentUser",
    responses=_UNAUTHENTICATED,
    summary="The logged-in user",
)
@router.get(
    "/users/me",
    operation_id="getCurrentUserAlias",
    responses=_UNAUTHENTICATED,
    summary="The logged-in user (alias)",
)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user)


@router.get(
    "/auth/users",
    operation_id="listUsers",
    responses=error_responses(401, 403),
    summary="All users, oldest first (admin only)",
)
def list_users(
    _admin: CurrentAdmin,
    uow: UowDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page number, 1-{MAX_PAGE}")] = 1,
    limit: Annotated[int, Query(ge=1, le=100, description="Users per page, 1-100")] = 20,
) -> UsersPage:
    users, total = services.list_users(uow, page=page, limit=limit)
    items = [UserAdminView.model_validate(user) for user in users]
    return UsersPage(items=items, total=total, page=page, limit=limit)


@router.delete(
    "/auth/users/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="deleteUser",
    responses=error_responses(401, 400, 404, _400="The last admin cannot be deleted"),
    summary="Delete an account (an admin, or the user themself); publishes UserDeleted",
)
def delete_user(
    user_id: Annotated[uuid.UUID, Path(description="The account's id (a UUID)")],
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
    operation_id="updateUser",
    responses=error_responses(
        400,
        401,
        403,
        404,
        _400="The change would leave no active admin, or targets yourself",
        _403="Not an admin",
        _404="No such user",
    ),
    summary="Disable or enable an account, or change its role (admin only; audited). "
    "Disabling ends every session of the account at once, in every service.",
)
def update_user(
    user_id: Annotated[uuid.UUID, Path(description="The account's id (a UUID)")],
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
    operation_id="listAuditLog",
    responses=error_responses(401, 403, _403="Not an admin"),
    summary="The audit log, newest first: who did what to which account, when (admin only)",
)
def audit_log(
    _admin: CurrentAdmin,
    uow: UowDep,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page number, 1-{MAX_PAGE}")] = 1,
    limit: Annotated[int, Query(ge=1, le=100, description="Entries per page, 1-100")] = 50,
) -> AuditPage:
    rows, total = services.audit_page(uow, page=page, limit=limit)
    items = [AuditEntry.model_validate(row) for row in rows]
    return AuditPage(items=items, total=total, page=page, limit=limit)
