"""Fixtures of the training tests: a small training picture and clients of every role.

The picture: skill ``ad-basic`` (no prerequisites) and ``patriot-crew`` (needs ``ad-basic``); Germany hosts
``DEU-AD-BASIC`` (Ukrainian, 10 days, 20 seats, EUR 1000 a seat, GREEN) and ``DEU-PATRIOT`` (Ukrainian, 30
days, 12 seats, EUR 20000 a seat, GREEN); France hosts ``FRA-RED-COURSE`` (RED, 5 days, 8 seats). Sessions
start in 2027. Ukraine's package ``PATRIOT-BTY-1`` needs a crew (cohort ``UKR-CREW-1``, 10 people, ready by
1 May 2027).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from pledgeflow.accounts.models import User
from pledgeflow.training.models import CapabilityPackage, Cohort, Course, Skill, TrainingSession
from tests.db import factories
from tests.db.api.conftest import ApiClient, _static_root, api_as  # noqa: F401 - fixtures the API tests need

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The services' "today" is fixed, so "sessions to come" are reproducible."""
    from pledgeflow.pledges import services as pledge_services
    from pledgeflow.training import services

    monkeypatch.setattr(services, "_today", lambda: TODAY)
    monkeypatch.setattr(pledge_services, "_today", lambda: TODAY)


def skill(code: str, *prerequisites: Skill, **extra: Any) -> Skill:
    """A skill with its prerequisites (the existing one when the code is taken)."""
    existing = Skill.objects.filter(code=code).first()
    if existing is not None:
        return existing
    made = Skill.objects.create(code=code, name=extra.pop("name", code), **extra)
    made.prerequisites.set(prerequisites)
    return made


def course(
    code: str,
    taught: Skill,
    host: str = "DEU",
    *,
    language: str = "uk",
    duration_days: int = 10,
    seats: int = 20,
    cost: str | None = "1000",
    label: str = "GREEN",
    releasable_to: tuple[str, ...] = (),
) -> Course:
    """A course hosted by ``host`` (the existing one when the code is taken)."""
    existing = Course.objects.filter(code=code).first()
    if existing is not None:
        return existing
    made = Course.objects.create(
        code=code,
        name=code,
        skill=taught,
        host=factories.nation(host),
        language=language,
        duration_days=duration_days,
        seats=seats,
        cost_per_seat_eur=Decimal(cost) if cost is not None else None,
        sharing_label=label,
    )
    made.releasable_to.set([factories.nation(n) for n in releasable_to])
    return made


def session(code: str, of: Course, start: dt.date, *, label: str | None = None) -> TrainingSession:
    """A scheduled session of ``of`` (its course's label unless given)."""
    return TrainingSession.objects.create(
        code=code, course=of, start=start, sharing_label=label or of.sharing_label
    )


def package(
    code: str = "PATRIOT-BTY-1", need_by: dt.date = dt.date(2027, 6, 1), **extra: Any
) -> CapabilityPackage:
    """A capability package of Ukraine."""
    return CapabilityPackage.objects.create(
        code=code, name=extra.pop("name", code), need_by=need_by, nation=factories.nation("UKR"), **extra
    )


def cohort(
    code: str,
    target: Skill,
    *,
    size: int = 10,
    language: str = "uk",
    ready_by: dt.date = dt.date(2027, 5, 1),
    priority: int = 1,
    held: tuple[Skill, ...] = (),
    in_package: CapabilityPackage | None = None,
) -> Cohort:
    """A planned cohort of Ukraine."""
    made = Cohort.objects.create(
        code=code,
        nation=factories.nation("UKR"),
        skill=target,
        size=size,
        language=language,
        ready_by=ready_by,
        priority=priority,
        package=in_package,
    )
    made.held.set(held)
    return made


@dataclass
class Picture:
    """The default training picture (see the module documentation)."""

    basic: Skill
    patriot: Skill
    basic_course: Course
    patriot_course: Course
    red_course: Course
    basic_session: TrainingSession
    patriot_session: TrainingSession
    red_session: TrainingSession
    package: CapabilityPackage
    crew: Cohort


@pytest.fixture
def picture(db: None) -> Picture:
    """The default training picture."""
    basic = skill("ad-basic")
    patriot = skill("patriot-crew", basic)
    basic_course = course("DEU-AD-BASIC", basic, "DEU", duration_days=10, seats=20, cost="1000")
    patriot_course = course("DEU-PATRIOT", patriot, "DEU", duration_days=30, seats=12, cost="20000")
    red_course = course("FRA-RED-COURSE", basic, "FRA", duration_days=5, seats=8, label="RED")
    kit = package()
    return Picture(
        basic,
        patriot,
        basic_course,
        patriot_course,
        red_course,
        session("DEU-AD-BASIC-01", basic_course, dt.date(2027, 1, 4)),
        session("DEU-PATRIOT-01", patriot_course, dt.date(2027, 2, 1)),
        session("FRA-RED-01", red_course, dt.date(2027, 1, 11)),
        kit,
        cohort("UKR-CREW-1", patriot, in_package=kit),
    )


@pytest.fixture
def as_role(request: pytest.FixtureRequest) -> Callable[[str], ApiClient]:
    """``as_role("viewer")``: an API client for the user of that fixture."""

    def client(fixture_name: str) -> ApiClient:
        user: User = request.getfixturevalue(fixture_name)
        return ApiClient(user)

    return client
