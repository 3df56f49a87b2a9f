"""A small record for the browser tests of the record pages, with one user per demo role.

Memorable data: Ukraine needs 155 mm shells (critical) and Leopard 2 tanks; Germany offers shells (GREEN,
committed and due soon), France offers shells under TLP:RED (only France and the coordinators may see them),
the United States handed over shells that Ukraine must confirm. Users are created through the accounts
service, as the demo does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from pledgeflow.accounts import services as accounts
from pledgeflow.accounts.choices import Role
from pledgeflow.core.choices import SharingLabel
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.requirements.choices import Priority, RequirementStatus, VersionStatus
from tests.db import factories
from tests.db import factories_records as records

PASSWORD = "Leopard-and-Patriot-2026"

#: user name -> (role, nation)
USERS: dict[str, tuple[str, str | None]] = {
    "cell": (Role.COORDINATOR, None),
    "liaison-deu": (Role.DONOR_LIAISON, "DEU"),
    "liaison-fra": (Role.DONOR_LIAISON, "FRA"),
    "officer-ukr": (Role.RECIPIENT_OFFICER, "UKR"),
    "training": (Role.TRAINING_COORDINATOR, None),
    "analyst": (Role.VIEWER, None),
}

SECRET = "FRA-SECRET-1"


@pytest.fixture(scope="session", autouse=True)
def _live_server_static_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Give WhiteNoise an existing static root before the live server starts (it warns, an error here)."""
    from django.conf import settings

    before = settings.STATIC_ROOT
    settings.STATIC_ROOT = tmp_path_factory.mktemp("static-records")
    yield
    settings.STATIC_ROOT = before


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Hash the test users' passwords quickly: Argon2 is deliberately slow, and six users sign in."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def reference_data() -> None:
    """The reference nations and capability areas (a transactional test before this one emptied them)."""
    from pledgeflow.catalogue.models import CapabilityArea
    from pledgeflow.catalogue.reference import load_capability_areas
    from pledgeflow.nations.models import Nation
    from pledgeflow.nations.reference import load_reference_nations

    if not Nation.objects.exists():
        load_reference_nations(Nation)
    if not CapabilityArea.objects.exists():
        load_capability_areas(CapabilityArea)


def make_record(users: tuple[str, ...] = tuple(USERS)) -> dict[str, Any]:
    """The record described in the module docstring, and the users named in ``users``."""
    reference_data()
    today = dt.date.today()
    factories.item("dm121-155mm", name="DM121 155 mm HE shell")
    factories.item(
        "leopard-2a4",
        family_code="main-battle-tanks",
        supply_class="II",
        name="Leopard 2A4",
        unit_value_eur="5000000.00",
        unit_mass_kg="55000",
    )
    factories.family("main-battle-tanks", area="armour", name="Main battle tanks")
    factories.location("DEPOT-DEU", kind="depot", country="DEU")
    factories.location("DEPOT-FRA", kind="depot", country="FRA")
    factories.location("DEPOT-USA", kind="depot", country="USA")
    records.kyiv()
    approved = records.list_version(VersionStatus.APPROVED, label="2026-10", number=1)
    records.list_version(VersionStatus.DRAFT, label="2026-11", number=2, approved_at=None)
    shells = records.requirement(
        approved,
        reference="UKR-ART-0001",
        priority=Priority.CRITICAL,
        quantity=20000,
        need_by=today + dt.timedelta(days=45),
    )
    records.requirement(
        approved,
        reference="UKR-ARM-0001",
        family_code="main-battle-tanks",
        priority=Priority.HIGH,
        quantity=14,
        need_by=today + dt.timedelta(days=120),
    )
    records.requirement(
        approved,
        reference="UKR-ART-0003",
        priority=Priority.MEDIUM,
        quantity=3000,
        need_by=today + dt.timedelta(days=200),
        status=RequirementStatus.APPROVED,
    )
    german = records.pledge(
        "DEU",
        reference="DEU-0001",
        quantity=4000,
        status=PledgeStatus.COMMITTED,
        available=today + dt.timedelta(days=12),
        offered_on=today - dt.timedelta(days=30),
    )
    late = records.pledge(
        "DEU",
        reference="DEU-0002",
        quantity=2500,
        available=today - dt.timedelta(days=21),
        offered_on=today - dt.timedelta(days=60),
    )
    secret = records.pledge(
        "FRA",
        reference=SECRET,
        quantity=777,
        label=SharingLabel.RED,
        status=PledgeStatus.COMMITTED,
        available=today - dt.timedelta(days=9),
        offered_on=today - dt.timedelta(days=40),
    )
    handed = records.pledge(
        "USA",
        reference="USA-0001",
        quantity=6000,
        status=PledgeStatus.HANDED_OVER,
        available=today - dt.timedelta(days=30),
        offered_on=today - dt.timedelta(days=90),
    )
    made = {
        name: accounts.create_user(name, PASSWORD, role, nation)
        for name, (role, nation) in USERS.items()
        if name in users
    }
    return {
        "users": made,
        "shells": shells,
        "german": german,
        "late": late,
        "secret": secret,
        "handed": handed,
    }
