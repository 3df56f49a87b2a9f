"""Sign-in lock-out: repeated failures within a window lock an account for a while.

``settings.PLEDGEFLOW_LOCKOUT_FAILURES`` failed sign-ins within ``settings.PLEDGEFLOW_LOCKOUT_MINUTES``
minutes lock the account for that many minutes; while it is locked even the right password is refused, and
further attempts neither count nor extend the lock (so nobody can keep someone else locked out for ever by
guessing).
A successful sign-in clears the count. The clock is :func:`now`, which tests replace.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pledgeflow.accounts.models import User


def now() -> datetime:
    """The current time; tests replace this function to move the clock."""
    return timezone.now()


def policy() -> tuple[int, timedelta]:
    """(failures that lock, the window and lock length) from the settings."""
    failures = int(getattr(settings, "PLEDGEFLOW_LOCKOUT_FAILURES", 5))
    minutes = int(getattr(settings, "PLEDGEFLOW_LOCKOUT_MINUTES", 15))
    return max(failures, 1), timedelta(minutes=max(minutes, 0))


def is_locked(user: User) -> bool:
    """True while ``user`` is locked out."""
    return user.is_locked(now())


def register_failure(user: User) -> bool:
    """Count one failed sign-in for ``user``; returns True when this failure locked the account."""
    limit, window = policy()
    at = now()
    with transaction.atomic():
        # Lock the row: parallel guesses must all be counted.
        row = User.objects.select_for_update().get(pk=user.pk)
        if row.is_locked(at):
            return False
        if row.first_failed_sign_in_at is None or at - row.first_failed_sign_in_at >= window:
            row.failed_sign_ins = 1
            row.first_failed_sign_in_at = at
        else:
            row.failed_sign_ins += 1
        locked = row.failed_sign_ins >= limit
        if locked:
            row.locked_until = at + window
            row.failed_sign_ins = 0
            row.first_failed_sign_in_at = None
        row.save(update_fields=["failed_sign_ins", "first_failed_sign_in_at", "locked_until"])
    user.failed_sign_ins = row.failed_sign_ins
    user.first_failed_sign_in_at = row.first_failed_sign_in_at
    user.locked_until = row.locked_until
    return locked


def register_success(user: User) -> None:
    """Clear the failure count after a successful sign-in."""
    if user.failed_sign_ins or user.first_failed_sign_in_at or user.locked_until:
        User.objects.filter(pk=user.pk).update(
            failed_sign_ins=0, first_failed_sign_in_at=None, locked_until=None
        )
        user.failed_sign_ins = 0
        user.first_failed_sign_in_at = None
        user.locked_until = None
