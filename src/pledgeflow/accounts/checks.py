"""System checks: sign-in lock-out only works when no other backend accepts passwords behind its back."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

LOCKOUT_BACKEND = "pledgeflow.accounts.backends.LockoutBackend"
# Backends that check passwords themselves: one of them next to ours would accept a locked account's password.
PASSWORD_BACKENDS = frozenset(
    {
        "django.contrib.auth.backends.ModelBackend",
        "django.contrib.auth.backends.AllowAllUsersModelBackend",
    }
)


def check_authentication_backends(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the lock-out backend is missing or another password backend would bypass it.

    Registered as a deployment check: ``pledgeflow manage check --deploy`` reports it, while commands such as
    ``migrate`` stay quiet.
    """
    backends = list(getattr(settings, "AUTHENTICATION_BACKENDS", []))
    problems: list[checks.CheckMessage] = []
    if LOCKOUT_BACKEND not in backends:
        problems.append(
            checks.Warning(
                f"AUTHENTICATION_BACKENDS does not include {LOCKOUT_BACKEND}, "
                "so failed sign-ins never lock an account.",
                hint=f'Set AUTHENTICATION_BACKENDS = ["{LOCKOUT_BACKEND}"].',
                id="pledgeflow.accounts.W001",
            )
        )
    bypassing = sorted(PASSWORD_BACKENDS.intersection(backends))
    if bypassing:
        problems.append(
            checks.Warning(
                f"AUTHENTICATION_BACKENDS also lists {', '.join(bypassing)}, "
                "which would accept the password of a locked-out account.",
                hint=f'Keep only "{LOCKOUT_BACKEND}" for passwords.',
                id="pledgeflow.accounts.W002",
            )
        )
    return problems
