"""Read queries of the accounts context."""

from __future__ import annotations

from django.db.models import QuerySet

from pledgeflow.accounts.models import ApiToken, User
from pledgeflow.accounts.permissions import can_manage_tokens_of, can_manage_users, is_signed_in
from pledgeflow.core.errors import NotFound


def list_users(viewer: User) -> QuerySet[User]:
    """Every account for coordinators; one's own account for everyone else."""
    if can_manage_users(viewer):
        return User.objects.select_related("nation").order_by("username")
    if is_signed_in(viewer):
        return User.objects.filter(pk=viewer.pk).select_related("nation")
    return User.objects.none()


def get_user(viewer: User, username: str) -> User:
    """One account by user name, if the viewer may see it (else NotFound)."""
    try:
        return list_users(viewer).get(username=username)
    except User.DoesNotExist:
        raise NotFound("User", username) from None


def list_tokens(viewer: User, owner: User) -> QuerySet[ApiToken]:
    """``owner``'s API tokens (never their secrets), newest first, for the owner and coordinators."""
    if not can_manage_tokens_of(viewer, owner):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=owner).order_by("-created_at", "-id")


def get_token(viewer: User, token_id: int) -> ApiToken:
    """One API token the viewer may manage, else NotFound."""
    try:
        token = ApiToken.objects.select_related("user").get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise NotFound("API token", token_id) from None
    if not can_manage_tokens_of(viewer, token.user):
        raise NotFound("API token", token_id)
    return token
