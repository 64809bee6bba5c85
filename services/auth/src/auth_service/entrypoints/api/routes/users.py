"""The current user, and user administration."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from auth_service.entrypoints.api.cookies import clear_access_cookie
from auth_service.entrypoints.api.deps import CurrentAdmin, CurrentUser, SettingsDep, UowDep
from auth_service.entrypoints.api.schemas import UserAdminView, UserPublic, UsersPage
from auth_service.service_layer import services
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
    settings: SettingsDep,
) -> Response:
    services.delete_user(uow, actor=actor, user_id=user_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    if actor.id == user_id:  # deleting yourself also logs you out
        clear_access_cookie(response, settings)
    return response
