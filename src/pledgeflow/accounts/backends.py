"""The authentication backend: Django's model backend with sign-in lock-out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest

from pledgeflow.accounts import lockout
from pledgeflow.accounts.models import User


class LockoutBackend(ModelBackend):
    """Username and password sign-in that locks an account after repeated failures (see ``lockout``).

    A locked account is refused even with the right password until the lock expires. Unknown user names and
    locked accounts still run the password hasher, so the answer takes as long as for a real attempt.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        """Return the user when the password is right and the account is active and not locked."""
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            make_password(password)
            return None
        if lockout.is_locked(user):
            make_password(password)
            return None
        if not user.check_password(password):
            lockout.register_failure(user)
            return None
        if not self.user_can_authenticate(user):
            return None
        lockout.register_success(user)
        return user
