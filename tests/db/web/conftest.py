"""Fixtures of the page tests: a small record with one pledge per sharing label, and signed-in clients."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pledgeflow.accounts.models import User
from pledgeflow.core.choices import SharingLabel
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.requirements.choices import Priority, RequirementStatus, VersionStatus
from tests.db import factories
from tests.db import factories_records as records


def today() -> _dt.date:
    """The services' today (pledge milestones cannot be recorded in the future)."""
    return timezone.localdate()


@pytest.fixture(autouse=True)
def _static_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Give WhiteNoise an existing static root: it warns (an error here) when ``var/static`` is missing."""
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp() / "static"
    settings.STATIC_ROOT.mkdir(exist_ok=True)


@pytest.fixture
def record(db: None) -> dict[str, Any]:
    """An approved list with a critical need, a draft list, and pledges of Germany and France.

    France's pledges: one GREEN (everyone sees it) and one RED (only France and the coordinators see it,
    reference ``FRA-SECRET-1`` so a test can search every page and export for it). Germany's pledge is
    AMBER, releasable to Ukraine.
    """
    factories.item("dm121-155mm")
    records.kyiv()
    approved = records.list_version(VersionStatus.APPROVED, label="2026-10", number=1)
    draft = records.list_version(VersionStatus.DRAFT, label="2026-11", number=2, approved_at=None)
    critical = records.requirement(
        approved, reference="UKR-ART-0001", priority=Priority.CRITICAL, quantity=20000, need_by=today()
    )
    draft_need = records.requirement(
        draft, reference="UKR-ART-0002", status=RequirementStatus.DRAFT, quantity=300
    )
    german = records.pledge(
        "DEU",
        reference="DEU-0001",
        label=SharingLabel.AMBER,
        releasable_to=["UKR"],
        status=PledgeStatus.COMMITTED,
        quantity=4000,
        available=today() + _dt.timedelta(days=10),
    )
    french_green = records.pledge(
        "FRA",
        reference="FRA-OPEN-1",
        label=SharingLabel.GREEN,
        quantity=1500,
        available=today() - _dt.timedelta(days=20),
    )
    french_red = records.pledge(
        "FRA",
        reference="FRA-SECRET-1",
        label=SharingLabel.RED,
        quantity=777,
        available=today() - _dt.timedelta(days=40),
        status=PledgeStatus.COMMITTED,
    )
    return {
        "approved": approved,
        "draft": draft,
        "critical": critical,
        "draft_need": draft_need,
        "german": german,
        "french_green": french_green,
        "french_red": french_red,
    }


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """A test client signed in as the given user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
