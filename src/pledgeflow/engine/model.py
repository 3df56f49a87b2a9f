"""The scenario as plain values: what the planner reads.

Every class mirrors one object of ``pledgeflow/scenario-v1`` (docs/scenario-format.md). Values are frozen
dataclasses; lists are tuples, so a scenario can be hashed, shared between threads and never changed by a
planner. Dates are :class:`datetime.date`. Optional fields are ``None`` when the document left them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

SCENARIO_FORMAT = "pledgeflow/scenario-v1"
PLAN_FORMAT = "pledgeflow/plan-v1"

DEFAULT_PRIORITY_WEIGHTS: dict[int, int] = {1: 1000, 2: 100, 3: 10, 4: 1}
DEFAULT_UNMET_PENALTY = 10000
DEFAULT_LATE_PENALTY_PER_DAY = 1
PRIORITIES = (1, 2, 3, 4)


@dataclass(frozen=True, slots=True)
class Item:
    """A catalogue entry; items of one ``family`` are interchangeable."""

    code: str
    family: str
    name: str | None = None
    supply_class: str | None = None
    unit_value_eur: float | None = None
    unit_mass_kg: float | None = None
    nsn: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    """A depot, hub or destination."""

    id: str
    name: str | None = None
    country: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """A directed transport link taking ``days`` days."""

    from_: str
    to: str
    days: int


@dataclass(frozen=True, slots=True)
class Requirement:
    """A need on the recipient's list."""

    id: str
    family: str
    quantity: int
    priority: int
    need_by: date
    destination: str
    item: str | None = None
    package: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Pledge:
    """A donor's offer of ``quantity`` units of ``item``, able to leave ``origin`` on ``available``."""

    id: str
    donor: str
    item: str
    quantity: int
    available: date
    origin: str
    destinations: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Lock:
    """At least ``quantity`` units of ``pledge`` must go to ``requirement``."""

    pledge: str
    requirement: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Policy:
    """Weights of the objective; every field has the spec's default."""

    priority_weights: dict[int, int] = field(default_factory=lambda: dict(DEFAULT_PRIORITY_WEIGHTS))
    unmet_penalty: int = DEFAULT_UNMET_PENALTY
    late_penalty_per_day: int = DEFAULT_LATE_PENALTY_PER_DAY

    def weight(self, priority: int) -> int:
        """The weight ``w`` of a requirement or cohort of this priority."""
        return self.priority_weights[priority]


@dataclass(frozen=True, slots=True)
class Skill:
    """A skill; ``prerequisites`` must be learnt first."""

    id: str
    prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Course:
    """A course teaching ``skill`` in ``language``, hosted by nation ``host``."""

    id: str
    skill: str
    host: str
    language: str
    duration_days: int
    seats: int
    cost_per_seat_eur: float | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """One run of a course, from ``start`` for the course's ``duration_days``."""

    id: str
    course: str
    start: date


@dataclass(frozen=True, slots=True)
class Cohort:
    """A crew or trainee group of the recipient that must reach ``skill``."""

    id: str
    skill: str
    size: int
    language: str
    ready_by: date
    priority: int
    held: tuple[str, ...] = ()
    package: str | None = None


@dataclass(frozen=True, slots=True)
class Package:
    """A capability: the requirements and cohorts that name it."""

    id: str
    name: str
    priority: int
    need_by: date


@dataclass(frozen=True, slots=True)
class Scenario:
    """One validated ``pledgeflow/scenario-v1`` document.

    ``sha256`` is the hex digest of the document's bytes as read, carried into the plan. ``has_training`` is
    true when the document had any of the training keys, even as empty lists (the plan then carries the
    ``training`` and ``packages`` sections).
    """

    start: date
    items: tuple[Item, ...]
    locations: tuple[Location, ...]
    routes: tuple[Route, ...]
    requirements: tuple[Requirement, ...]
    pledges: tuple[Pledge, ...]
    locks: tuple[Lock, ...] = ()
    policy: Policy = field(default_factory=Policy)
    skills: tuple[Skill, ...] = ()
    courses: tuple[Course, ...] = ()
    sessions: tuple[Session, ...] = ()
    cohorts: tuple[Cohort, ...] = ()
    packages: tuple[Package, ...] = ()
    has_training: bool = False
    sha256: str = ""
