"""Shared fixtures of the database suites (run on SQLite and again on PostgreSQL).

Factories live in ``tests/db/factories.py``; fixtures here give each test the users of every role and a clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.db import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash test passwords with a fast hasher: Argon2 is deliberately slow and tests create many users.

    The test that checks production hashing restores Argon2 for itself.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request: pytest.FixtureRequest) -> None:
    """Give transactional tests the reference nations and capability areas every migrated database has.

    A transactional test ends by emptying every table (the migrations' data included), so the next one would
    start without them; reloading is idempotent and costs a few milliseconds.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction", False):
        return
    request.getfixturevalue("transactional_db")
    from pledgeflow.catalogue.models import CapabilityArea
    from pledgeflow.catalogue.reference import load_capability_areas
    from pledgeflow.nations.models import Nation
    from pledgeflow.nations.reference import load_reference_nations

    if not Nation.objects.exists():
        load_reference_nations(Nation)
    if not CapabilityArea.objects.exists():
        load_capability_areas(CapabilityArea)


@pytest.fixture
def coordinator(db: None) -> factories.User:
    """A coordinator of the cell."""
    return factories.coordinator(username="cell-coordinator")


@pytest.fixture
def liaison_deu(db: None) -> factories.User:
    """Germany's donor liaison."""
    return factories.donor_liaison("DEU", username="liaison-deu")


@pytest.fixture
def liaison_fra(db: None) -> factories.User:
    """France's donor liaison."""
    return factories.donor_liaison("FRA", username="liaison-fra")


@pytest.fixture
def recipient_officer(db: None) -> factories.User:
    """Ukraine's requirements officer."""
    return factories.recipient_officer("UKR", username="officer-ukr")


@pytest.fixture
def training_coordinator(db: None) -> factories.User:
    """A training coordinator hosting in Poland."""
    return factories.training_coordinator("POL", username="training-pol")


@pytest.fixture
def viewer(db: None) -> factories.User:
    """A read-only analyst."""
    return factories.viewer(username="analyst")


class Clock:
    """A clock the test moves by hand; installed as the lock-out clock."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        """Move the clock forward by ``timedelta(**kwargs)``."""
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """Control the time the sign-in lock-out sees."""
    from pledgeflow.accounts import lockout

    fake = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(lockout, "now", fake)
    yield fake
