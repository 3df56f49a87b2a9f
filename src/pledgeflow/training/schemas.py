"""API schemas of training: skills, courses, sessions, cohorts, capability packages and training proposals.

Records are addressed and related by code (a course's ``skill`` is the skill's code, its ``host`` the host
nation's ISO 3166 alpha-3 code). Money is a decimal string, so no figure is rounded on its way through JSON.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ValidationInfo, field_validator

from pledgeflow.core.api_support import InputSchema, StateFilter, state_field, version_field
from pledgeflow.core.choices import SharingLabel
from pledgeflow.training.choices import (
    COHORT_TRANSITIONS,
    CohortStatus,
    SessionStatus,
    TrainingProposalStatus,
)


def _codes(related: Any) -> list[str]:
    return sorted(obj.code for obj in related.all())


# --- skills -------------------------------------------------------------------------------------------------


class SkillOut(Schema):
    """A skill and the skills it requires first."""

    id: int
    code: str = Field(examples=["patriot-launcher-crew"])
    name: str
    prerequisites: list[str] = Field(description="Codes of the skills needed first.")
    description: str
    active: bool
    version: int

    @staticmethod
    def resolve_prerequisites(obj: Any) -> list[str]:
        """Codes of the prerequisites (prefetched rows)."""
        return _codes(obj.prerequisites)


class SkillIn(InputSchema):
    """A new skill; its prerequisites must not form a cycle."""

    code: str = Field(examples=["patriot-launcher-crew"])
    name: str = Field(examples=["Patriot launcher crew"])
    prerequisites: list[str] = Field(default_factory=list, description="Skill codes.")
    description: str = ""


class SkillPatch(InputSchema):
    """Changes to a skill: only the fields sent change."""

    code: str | None = None
    name: str | None = None
    prerequisites: list[str] | None = None
    description: str | None = None
    version: int | None = version_field()


class SkillFilters(Schema):
    """Filters of the skill list."""

    state: StateFilter = state_field()
    search: str | None = Field(None, description="Part of the code or name.")


# --- courses ------------------------------------------------------------------------------------------------


class CourseOut(Schema):
    """A course a host nation offers."""

    id: int
    code: str = Field(examples=["DEU-PATRIOT-OPS"])
    name: str
    skill: str = Field(description="The skill's code.")
    host: str = Field(alias="host_id", description="The host nation's code.")
    language: str = Field(examples=["uk"], description="ISO 639-1.")
    duration_days: int
    seats: int = Field(description="Seats per session.")
    cost_per_seat_eur: Decimal | None = None
    sharing_label: SharingLabel
    releasable_to: list[str]
    note: str
    active: bool
    version: int

    @staticmethod
    def resolve_skill(obj: Any) -> str:
        """``skill.code``, loaded with the row."""
        return obj.skill.code

    @staticmethod
    def resolve_releasable_to(obj: Any) -> list[str]:
        """Codes of the releasable-to nations."""
        return _codes(obj.releasable_to)


class CourseIn(InputSchema):
    """A new course, hosted by your nation (a donor liaison) or any nation."""

    code: str = Field(examples=["DEU-PATRIOT-OPS"])
    name: str = Field(examples=["Patriot operator course"])
    skill: str = Field(description="An active skill's code.")
    host: str = Field(examples=["DEU"])
    language: str = Field(examples=["uk"])
    duration_days: int = Field(examples=[42])
    seats: int = Field(examples=[24])
    cost_per_seat_eur: Decimal | None = Field(None, examples=["18500.00"])
    sharing_label: SharingLabel = SharingLabel.AMBER
    releasable_to: list[str] = Field(default_factory=list, description="Nation codes (AMBER only).")
    note: str = ""


class CoursePatch(InputSchema):
    """Changes to a course: only the fields sent change."""

    code: str | None = None
    name: str | None = None
    skill: str | None = None
    host: str | None = Field(None, description="Training coordinators and coordinators only.")
    language: str | None = None
    duration_days: int | None = None
    seats: int | None = None
    cost_per_seat_eur: Decimal | None = None
    sharing_label: SharingLabel | None = None
    releasable_to: list[str] | None = None
    note: str | None = None
    version: int | None = version_field()


class CourseFilters(Schema):
    """Filters of the course list; they narrow what you may see."""

    host: list[str] | None = Field(None, description="One or more host codes.")
    skill: str | None = None
    language: str | None = None
    sharing_label: list[SharingLabel] | None = None
    state: StateFilter = state_field()
    search: str | None = None


# --- sessions -----------------------------------------------------------------------------------------------


class SessionOut(Schema):
    """One run of a course, from ``start`` to ``end``."""

    id: int
    code: str = Field(examples=["DEU-PATRIOT-OPS-2027-02"])
    course: str
    skill: str
    host: str
    language: str
    start: dt.date
    end: dt.date = Field(description="start + the course's duration.")
    seats: int = Field(description="The course's seats per session.")
    status: SessionStatus
    sharing_label: SharingLabel
    releasable_to: list[str]
    note: str
    version: int

    @staticmethod
    def resolve_course(obj: Any) -> str:
        """``course.code``."""
        return obj.course.code

    @staticmethod
    def resolve_skill(obj: Any) -> str:
        """``course.skill.code``."""
        return obj.course.skill.code

    @staticmethod
    def resolve_host(obj: Any) -> str:
        """``course.host``."""
        return obj.course.host_id

    @staticmethod
    def resolve_language(obj: Any) -> str:
        """``course.language``."""
        return obj.course.language

    @staticmethod
    def resolve_seats(obj: Any) -> int:
        """``course.seats``."""
        return obj.course.seats

    @staticmethod
    def resolve_releasable_to(obj: Any) -> list[str]:
        """Codes of the releasable-to nations."""
        return _codes(obj.releasable_to)


class SessionIn(InputSchema):
    """A new session of an active course; without a label it takes its course's."""

    code: str
    course: str
    start: dt.date
    sharing_label: SharingLabel | None = None
    releasable_to: list[str] | None = None
    note: str = ""


class SessionPatch(InputSchema):
    """Changes to a scheduled session: only the fields sent change."""

    code: str | None = None
    start: dt.date | None = None
    sharing_label: SharingLabel | None = None
    releasable_to: list[str] | None = None
    note: str | None = None
    version: int | None = version_field()


class SessionFilters(Schema):
    """Filters of the session list; they narrow what you may see."""

    course: str | None = None
    host: list[str] | None = None
    skill: str | None = None
    language: str | None = None
    status: list[SessionStatus] | None = None
    start_from: dt.date | None = None
    start_to: dt.date | None = None


class CancelIn(InputSchema):
    """Cancel a record; it stays on record, cancelled."""

    note: str = ""
    version: int | None = version_field()


# --- cohorts ------------------------------------------------------------------------------------------------


class CohortOut(Schema):
    """A crew or trainee group of the recipient."""

    id: int
    code: str = Field(examples=["UKR-AD-CREW-07"])
    name: str
    nation: str = Field(alias="nation_id")
    skill: str = Field(description="The skill it must reach.")
    size: int
    language: str
    ready_by: dt.date
    priority: int
    held: list[str] = Field(description="Skills it already holds.")
    package: str | None = None
    status: CohortStatus
    next_statuses: list[CohortStatus]
    note: str
    version: int

    @staticmethod
    def resolve_skill(obj: Any) -> str:
        """``skill.code``."""
        return obj.skill.code

    @staticmethod
    def resolve_held(obj: Any) -> list[str]:
        """Codes of the held skills."""
        return _codes(obj.held)

    @staticmethod
    def resolve_package(obj: Any) -> str | None:
        """``package.code``, or null."""
        return obj.package.code if obj.package_id else None

    @staticmethod
    def resolve_next_statuses(obj: Any) -> list[str]:
        """The statuses allowed from the current one."""
        return list(COHORT_TRANSITIONS[obj.status])


class CohortIn(InputSchema):
    """A new cohort (planned)."""

    code: str
    skill: str
    size: int
    language: str
    ready_by: dt.date
    priority: int = Field(2, description="1 critical .. 4 routine.")
    held: list[str] = Field(default_factory=list)
    package: str | None = None
    nation: str | None = Field(None, description="The recipient; default: yours, or the recipient nation.")
    name: str = ""
    note: str = ""


class CohortPatch(InputSchema):
    """Changes to a planned cohort: only the fields sent change (``"package": null`` takes it out of its
    package)."""

    code: str | None = None
    name: str | None = None
    skill: str | None = None
    size: int | None = None
    language: str | None = None
    ready_by: dt.date | None = None
    priority: int | None = None
    held: list[str] | None = None
    package: str | None = None
    note: str | None = None
    version: int | None = version_field()


class CohortFilters(Schema):
    """Filters of the cohort list."""

    nation: str | None = None
    skill: str | None = None
    language: str | None = None
    status: list[CohortStatus] | None = None
    package: str | None = None
    priority: int | None = None
    search: str | None = None


# --- packages -----------------------------------------------------------------------------------------------


class PackageOut(Schema):
    """A capability package: the requirements and cohorts that make one capability."""

    id: int
    code: str = Field(examples=["PATRIOT-BTY-3"])
    name: str
    nation: str = Field(alias="nation_id")
    priority: int
    need_by: dt.date
    note: str
    active: bool
    needs_retiming: bool = Field(description="A pledge allocated to it slipped since the last plan run.")
    retiming_reason: str
    version: int


class PackageDetailOut(PackageOut):
    """A package with its members."""

    requirements: list[str] = Field(
        alias="requirement_references", description="References on the current priority list naming it."
    )
    cohorts: list[str] = Field(
        alias="cohort_codes", description="Codes of its cohorts that are not cancelled."
    )


class PackageIn(InputSchema):
    """A new capability package."""

    code: str
    name: str
    need_by: dt.date
    priority: int = 2
    nation: str | None = None
    note: str = ""


class PackagePatch(InputSchema):
    """Changes to a package: only the fields sent change."""

    code: str | None = None
    name: str | None = None
    priority: int | None = None
    need_by: dt.date | None = None
    note: str | None = None
    version: int | None = version_field()


class PackageFilters(Schema):
    """Filters of the package list."""

    state: StateFilter = state_field()
    needs_retiming: bool | None = None
    nation: str | None = None
    search: str | None = None


class ReadinessOut(Schema):
    """A plan run's readiness of a package."""

    run: int
    readiness: dt.date | None = Field(None, description="Null: never (something is unmet or unassigned).")
    days_late: int | None = None
    bottleneck_kind: str = Field(description="requirement, cohort, or empty.")
    bottleneck: str

    @staticmethod
    def resolve_run(obj: Any) -> int:
        """The run's number."""
        return int(obj.run.number)


# --- proposals ----------------------------------------------------------------------------------------------


class TrainingProposalOut(Schema):
    """A published training assignment awaiting the host nation's decision."""

    id: int
    run: int
    cohort: str
    session: str
    course: str
    host: str = Field(alias="host_id")
    start: dt.date
    seats: int
    status: TrainingProposalStatus
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    reason: str
    version: int

    @staticmethod
    def resolve_run(obj: Any) -> int:
        """The run's number."""
        return int(obj.run.number)

    @staticmethod
    def resolve_cohort(obj: Any) -> str:
        """``cohort.code``."""
        return obj.cohort.code

    @staticmethod
    def resolve_session(obj: Any) -> str:
        """``session.code``."""
        return obj.session.code

    @staticmethod
    def resolve_course(obj: Any) -> str:
        """``session.course.code``."""
        return obj.session.course.code

    @staticmethod
    def resolve_start(obj: Any) -> dt.date:
        """``session.start``."""
        return obj.session.start  # type: ignore[no-any-return]

    @staticmethod
    def resolve_decided_by(obj: Any) -> str | None:
        """Who decided, or null."""
        return obj.decided_by.username if obj.decided_by_id else None


class TrainingProposalFilters(Schema):
    """Filters of the training proposals."""

    status: list[TrainingProposalStatus] | None = None
    run: int | None = Field(None, description="The run's number.")
    host: str | None = None
    cohort: str | None = None
    session: str | None = None


class DecisionIn(InputSchema):
    """A decision on a training proposal."""

    reason: str = ""
    version: int | None = version_field()


class HostContributionOut(Schema):
    """Training seats one host gave in a period."""

    host: str
    seats_proposed: int
    seats_accepted: int
    value_eur: Decimal


class TrainingContributionOut(Schema):
    """All hosts together (every seat) and by host (only what you may see)."""

    all_hosts: HostContributionOut
    by_host: list[HostContributionOut]


class ContributionFilters(Schema):
    """The period (by session start, inclusive) and optionally one host."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    host: str | None = None

    @field_validator("date_to")
    @classmethod
    def _period_runs_forward(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("date_from")
        if value is not None and start is not None and value < start:
            raise ValueError(
                f"the period ends ({value}) before it starts ({start}): give date_to >= date_from"
            )
        return value
