"""Fixtures of the planning tests: a small theatre of shells, and tasks run at once.

The theatre: Ukraine's approved list ``2026-11`` needs 1500 shells in Kyiv by 1 February (critical,
UKR-ART-0001) and 1000 by 1 March (medium, UKR-ART-0002). Germany offers 1000 shells (GREEN, DEU-0001,
in Kyiv on 20 January) and France 800 (RED, FRA-0001, in Kyiv on 3 February, two days late for the critical
need), both through the Polish hub. Supply (1800) is short of need (2500). The one optimal plan: all German
shells and 500 French ones (late) to the critical need, the other 300 French ones to the medium need, 700
units of it unmet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.pledges.models import Pledge
from pledgeflow.requirements.choices import Priority
from pledgeflow.requirements.models import PriorityListVersion, Requirement
from tests.db import factories, factories_records

START = dt.date(2026, 12, 1)
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@dataclass
class Theatre:
    """The records of the default test theatre."""

    version: PriorityListVersion
    critical: Requirement
    medium: Requirement
    german: Pledge
    french: Pledge


@pytest.fixture
def theatre(db: None) -> Theatre:
    """Two needs for 155 mm shells in Kyiv, a German GREEN and a French RED pledge (see the module)."""
    factories.location("DEPOT-DEU", kind="depot", country="DEU")
    factories.location("DEPOT-FRA", kind="depot", country="FRA")
    factories.location("HUB-PL", kind="hub", country="POL")
    kyiv = factories_records.kyiv()
    factories.route("DEPOT-DEU", "HUB-PL", days=3)
    factories.route("DEPOT-FRA", "HUB-PL", days=4)
    factories.route("HUB-PL", "DEST-KYIV", days=2)
    version = factories_records.list_version(label="2026-11", number=1)
    critical = factories_records.requirement(
        version,
        reference="UKR-ART-0001",
        quantity=1500,
        priority=Priority.CRITICAL,
        need_by=dt.date(2027, 2, 1),
        destination=kyiv,
    )
    medium = factories_records.requirement(
        version,
        reference="UKR-ART-0002",
        quantity=1000,
        priority=Priority.MEDIUM,
        need_by=dt.date(2027, 3, 1),
        destination=kyiv,
    )
    german = factories_records.pledge(
        "DEU", reference="DEU-0001", quantity=1000, available=dt.date(2027, 1, 15), label=SharingLabel.GREEN
    )
    french = factories_records.pledge(
        "FRA", reference="FRA-0001", quantity=800, available=dt.date(2027, 1, 28), label=SharingLabel.RED
    )
    return Theatre(version, critical, medium, german, french)


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run enqueued tasks at once, in the caller (django-tasks' immediate backend)."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _plan_start(monkeypatch: pytest.MonkeyPatch) -> dt.date:
    """Every run plans from 1 December 2026, whatever today is, so arrivals and lateness are reproducible."""
    from pledgeflow.planning import snapshot

    real = snapshot.build_snapshot
    monkeypatch.setattr(snapshot, "build_snapshot", lambda start=None: real(start or START))
    from pledgeflow.planning import services

    monkeypatch.setattr(services, "build_snapshot", lambda start=None: real(start or START))
    return START
