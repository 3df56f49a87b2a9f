"""Use cases of the accounts context: users, API tokens, unlocking."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from pledgeflow.accounts import lockout
from pledgeflow.accounts.models import ApiToken, User
from pledgeflow.accounts.permissions import can_manage_tokens_of, can_manage_users, require
from pledgeflow.core.choices import ChangeAction
from pledgeflow.core.errors import NotFound, ValidationError
from pledgeflow.core.services import record_change, snapshot
from pledgeflow.nations.models import Nation

#: Plain-text tokens read ``pf_<prefix>_<secret>``: the prefix identifies the token, the secret proves it.
TOKEN_SCHEME = "pf"
PREFIX_LENGTH = 8
# Last use is written at most this often, so an API client does not turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _nation_or_error(nation_code: str | None) -> Nation | None:
    if nation_code in (None, ""):
        return None
    code = str(nation_code).strip().upper()
    try:
        return Nation.objects.get(code=code)
    except Nation.DoesNotExist:
        raise ValidationError(
            {"nation": f"No nation has the code {nation_code!r}; use an ISO 3166 alpha-3 code such as DEU."}
        ) from None


@transaction.atomic
def create_user(
    username: str,
    password: str,
    role: str,
    nation_code: str | None = None,
    *,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    actor: User | None = None,
) -> User:
    """Create a user with ``role`` acting for ``nation_code``; the password must pass the password validators.

    ``actor`` None means the system (``pledgeflow createuser``, the demo); a signed-in actor must be allowed
    to manage users. Raises ValidationError naming each bad field (username, password, role, nation).
    """
    if actor is not None:
        require(can_manage_users(actor), "Only coordinators create user accounts.")
    user = User(
        username=username,
        role=role,
        nation=_nation_or_error(nation_code),
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    record_change(actor, user, ChangeAction.CREATE, None, snapshot(user))
    return user


@transaction.atomic
def set_password(actor: User | None, user: User, password: str) -> User:
    """Set a new password for ``user`` (by the user or a coordinator), validated like at creation."""
    if actor is not None:
        require(
            actor.pk == user.pk or can_manage_users(actor), "Only coordinators change other users' passwords."
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(actor, user, "set_password", None, None, note="password changed")
    return user


@transaction.atomic
def update_user(
    actor: User, user: User, changes: dict[str, Any], expected_version: int | None = None
) -> User:
    """Change a user's role, nation, names, e-mail or active flag (coordinators only), with history.

    ``changes`` may name the nation by code under ``"nation"``. Users are not versioned; ``expected_version``
    is accepted for symmetry and ignored.
    """
    require(can_manage_users(actor), "Only coordinators change user accounts.")
    allowed = {"role", "nation", "email", "first_name", "last_name", "is_active"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationError({name: f"{name!r} cannot be changed here." for name in unknown})
    before = snapshot(user)
    for name, value in changes.items():
        if name == "nation":
            value = value if isinstance(value, Nation) or value is None else _nation_or_error(value)
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    record_change(actor, user, ChangeAction.UPDATE, before, snapshot(user))
    return user


@transaction.atomic
def unlock_user(actor: User, user: User) -> User:
    """Lift a sign-in lock-out before it expires (coordinators only)."""
    require(can_manage_users(actor), "Only coordinators unlock accounts.")
    before = {"locked_until": user.locked_until.isoformat() if user.locked_until else None}
    lockout.register_success(user)
    record_change(actor, user, "unlock", before, {"locked_until": None})
    return user


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(
    user: User, name: str, *, expires_at: datetime | None = None, actor: User | None = None
) -> tuple[ApiToken, str]:
    """Create an API token for ``user``; returns the token record and its plain text, which is never stored.

    The plain text reads ``pf_<prefix>_<secret>``; show it once. A given ``actor`` must be the user or a
    coordinator; None means the system (``pledgeflow token create``).
    """
    if actor is not None:
        require(
            can_manage_tokens_of(actor, user), "Only the user or a coordinator creates API tokens for them."
        )
    errors: dict[str, str] = {}
    if not name or not name.strip():
        errors["name"] = "Give the token a name that says where it is used, e.g. 'reporting script'."
    elif len(name.strip()) > 100:
        errors["name"] = f"A token name has at most 100 characters; got {len(name.strip())}."
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = (
            f"The expiry {expires_at.isoformat()} is in the past; give a future time or none."
        )
    if not user.is_active:
        errors["user"] = f"User {user.username} is deactivated; API tokens are only issued to active users."
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    plaintext = f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=prefix, token_hash=_hash(plaintext), expires_at=expires_at
    )
    record_change(actor, token, ChangeAction.CREATE, None, snapshot(token))
    return token, plaintext


def authenticate_token(plaintext: str | None) -> User | None:
    """The active, unlocked user whose live token this is, or None.

    Revoked and expired tokens, deactivated and locked-out users are refused. The hash comparison takes
    constant time. Last use is recorded (at most once a minute per token).
    """
    if not plaintext:
        return None
    parts = plaintext.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or len(parts[1]) != PREFIX_LENGTH:
        return None
    digest = _hash(plaintext.strip())
    now = timezone.now()
    for token in ApiToken.objects.filter(prefix=parts[1]).select_related("user"):
        if not hmac.compare_digest(token.token_hash, digest):
            continue
        user = token.user
        if not token.is_usable(now) or not user.is_active or user.is_locked(now):
            return None
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return user
    return None


@transaction.atomic
def revoke_token(actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke ``token`` for good (its owner or a coordinator; None = the system); revoking twice is harmless.

    Other users' tokens are not theirs to know about: NotFound, not PermissionDenied.
    """
    if actor is not None and not can_manage_tokens_of(actor, token.user):
        raise NotFound("API token", token.pk)
    if token.revoked_at is not None:
        return token
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_change(actor, token, "revoke", before, snapshot(token))
    return token


__all__ = [
    "authenticate_token",
    "create_token",
    "create_user",
    "revoke_token",
    "set_password",
    "unlock_user",
    "update_user",
]
