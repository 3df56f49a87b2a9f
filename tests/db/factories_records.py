"""Factories for requirements, list versions and pledges in the database tests.

Like ``tests/db/factories.py`` they write rows directly (no permission checks, no history), so a test sets up
exactly the state it needs; the behaviour under test then goes through the services and selectors.
Memorable defaults: 155 mm shells from a German depot, needed in Kyiv.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from pledgeflow.core.choices import SharingLabel
from pledgeflow.logistics.models import Location
from pledgeflow.pledges.choices import Channel, MilestoneKind, PledgeStatus, Source
from pledgeflow.pledges.models import Pledge, PledgeMilestone
from pledgeflow.requirements.choices import Priority, RequirementStatus, VersionStatus
from pledgeflow.requirements.models import PriorityListVersion, Requirement
from tests.db import factories

_serial = itertools.count(1)

#: The "today" the pledge tests run on (their conftest fixes the services' clock to it).
TODAY = _dt.date(2026, 11, 27)


def days(n: int) -> _dt.date:
    """``n`` days after :data:`TODAY` (negative: before)."""
    return TODAY + _dt.timedelta(days=n)


def kyiv() -> Location:
    """The default destination: a Ukrainian location of kind destination."""
    return factories.location("DEST-KYIV", kind="destination", country="UKR")


def list_version(
    status: str = VersionStatus.APPROVED, label: str | None = None, number: int | None = None, **extra: Any
) -> PriorityListVersion:
    """A priority-list version; approved ones carry an approval time."""
    n = number if number is not None else (PriorityListVersion.objects.count() + 1)
    values: dict[str, Any] = {"number": n, "label": label or f"2026-{n:02d}", "status": status}
    if status == VersionStatus.APPROVED:
        values["approved_at"] = timezone.now()
    values.update(extra)
    return PriorityListVersion.objects.create(**values)


def requirement(
    version: PriorityListVersion | None = None,
    *,
    reference: str | None = None,
    family_code: str = "155mm-artillery-ammunition",
    item_code: str | None = None,
    quantity: int = 5000,
    priority: int = Priority.HIGH,
    need_by: _dt.date = _dt.date(2027, 3, 1),
    destination: Location | None = None,
    status: str = RequirementStatus.APPROVED,
    **extra: Any,
) -> Requirement:
    """A requirement on ``version`` (default: a new approved version), for 155 mm shells to Kyiv."""
    family = factories.family(family_code)
    return Requirement.objects.create(
        reference=reference or f"UKR-ART-{next(_serial):04d}",
        list_version=version or list_version(),
        family=family,
        item=factories.item(item_code, family_code=family_code) if item_code else None,
        quantity=quantity,
        priority=priority,
        need_by=need_by,
        destination=destination or kyiv(),
        capability_area=family.capability_area,
        status=status,
        **extra,
    )


def pledge(
    donor: str = "DEU",
    *,
    reference: str | None = None,
    item_code: str = "dm121-155mm",
    quantity: int = 1000,
    available: _dt.date = _dt.date(2027, 1, 15),
    origin: Location | None = None,
    label: str = SharingLabel.GREEN,
    releasable_to: Iterable[str] = (),
    status: str = PledgeStatus.OFFERED,
    source: str = Source.STOCK,
    channel: str = Channel.BILATERAL,
    offered_on: _dt.date = _dt.date(2026, 10, 1),
    **extra: Any,
) -> Pledge:
    """A pledge of ``donor`` (default: 1000 German 155 mm shells, GREEN, offered), with its offered entry."""
    made = Pledge.objects.create(
        reference=reference or f"{donor}-{next(_serial):04d}",
        donor=factories.nation(donor),
        item=factories.item(item_code),
        quantity=quantity,
        available=available,
        origin=origin or factories.location(f"DEPOT-{donor}", kind="depot", country=donor),
        sharing_label=label,
        status=status,
        source=source,
        channel=channel,
        **extra,
    )
    if releasable_to:
        made.releasable_to.set([factories.nation(code) for code in releasable_to])
    PledgeMilestone.objects.create(pledge=made, milestone=MilestoneKind.OFFERED, on=offered_on)
    return made
