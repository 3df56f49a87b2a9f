"""The demo: a seeded, realistic record to explore pledgeflow with, and one user per role.

:func:`ensure_demo_data` loads it once (docs/demo.md); :func:`ensure_demo_users` gives the six demo users
fresh passwords each time. ``pledgeflow demo`` calls both.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pledgeflow.demo.generator import COORDINATOR_USERNAME, DEFAULT_SEED, RECIPIENT, RECIPIENT_USERNAME

__all__ = ["DEMO_USERS", "DemoUser", "ensure_demo_data", "ensure_demo_users"]

#: The demo users: user name, role, nation (ISO code or None).
DEMO_USERS: tuple[tuple[str, str, str | None], ...] = (
    (COORDINATOR_USERNAME, "coordinator", None),
    ("liaison-deu", "donor_liaison", "DEU"),
    ("liaison-usa", "donor_liaison", "USA"),
    (RECIPIENT_USERNAME, "recipient_officer", RECIPIENT),
    ("training", "training_coordinator", None),
    ("viewer", "viewer", None),
)


@dataclass(frozen=True)
class DemoUser:
    """A demo user with the password just set and a one-line description (role, nation)."""

    username: str
    password: str
    description: str


def ensure_demo_data(progress: Callable[[str], None] | None = None, *, seed: int = DEFAULT_SEED) -> str:
    """Load the demo record unless this database already holds it; return a short printable summary.

    Idempotent and fast the second time (one query). A database holding requirements or pledges that are not
    the demo's is left untouched: the demo is only loaded into an empty record.
    """
    from pledgeflow.core.db import refresh_statistics
    from pledgeflow.demo.loader import demo_loaded, load_demo
    from pledgeflow.pledges.models import Pledge
    from pledgeflow.requirements.models import PriorityListVersion, Requirement

    say = progress or (lambda message: None)
    if demo_loaded():
        return (
            f"already loaded ({Requirement.objects.count()} requirements, {Pledge.objects.count()} pledges); "
            "nothing to do"
        )
    if Pledge.objects.exists() or PriorityListVersion.objects.exists():
        return (
            f"not loaded: this database already holds {Requirement.objects.count()} requirements and "
            f"{Pledge.objects.count()} pledges of its own (the demo loads into an empty record only)"
        )
    say(f"Loading the demo (seed {seed}) ...")
    summary = load_demo(say, seed=seed)
    refresh_statistics()
    return summary


def _password() -> str:
    # About 95 bits, URL-safe, easy to paste; long and random enough for every password validator.
    return secrets.token_urlsafe(12)


def _acceptable(password: str, username: str) -> bool:
    """True when the password validators accept ``password`` for ``username`` (a random one nearly always)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from pledgeflow.accounts.models import User

    try:
        validate_password(password, User(username=username))
    except ValidationError:
        return False
    return True


def describe(user: Any) -> str:
    """``Donor liaison for DEU (Germany)``: the user's role and, when bound to one, the nation."""
    text = str(user.get_role_display())
    if user.nation_id:
        text += f" for {user.nation_id} ({user.nation.name})"
    return text


def ensure_demo_users() -> list[DemoUser]:
    """Create the six demo users, or reset them, each with a fresh random password; return them.

    Existing demo accounts get their demo role and nation back, are reactivated and unlocked, so that the
    printed passwords always work. Every change goes into the history.
    """
    from django.db import transaction

    from pledgeflow.accounts import services
    from pledgeflow.accounts.models import User
    from pledgeflow.core.services import record_change, snapshot

    out = []
    with transaction.atomic():
        for username, role, nation in DEMO_USERS:
            password = _password()
            while not _acceptable(password, username):
                password = _password()
            user = User.objects.filter(username=username).first()
            if user is None:
                user = services.create_user(username, password, role, nation)
            else:
                before = snapshot(user)
                user.role, user.nation_id, user.is_active = role, nation, True
                user.failed_sign_ins, user.first_failed_sign_in_at, user.locked_until = 0, None, None
                user.save()
                if snapshot(user) != before:
                    record_change(None, user, "update", before, snapshot(user), "demo account reset")
                services.set_password(None, user, password)
            user = User.objects.select_related("nation").get(pk=user.pk)
            out.append(DemoUser(username, password, describe(user)))
    return out
