"""HTTP <-> training services and selectors, mounted at ``/api/v1/training``.

Skills, courses, sessions, cohorts and capability packages are addressed by code; training proposals by id.
Every list, filter, count and look-up goes through :mod:`pledgeflow.training.selectors`, so a course or
session hidden by its label answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import asdict
from operator import attrgetter
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from pledgeflow.core.api_support import (
    CREATE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    ChangeOut,
    PageParams,
    RecordEndpoints,
    VersionIn,
    actor,
    answer,
    error_responses,
    expected_version,
    filter_arguments,
    order_by,
    page_schema,
    paginate,
)
from pledgeflow.training import selectors, services
from pledgeflow.training.choices import CohortStatus
from pledgeflow.training.schemas import (
    CancelIn,
    CohortFilters,
    CohortIn,
    CohortOut,
    CohortPatch,
    ContributionFilters,
    CourseFilters,
    CourseIn,
    CourseOut,
    CoursePatch,
    DecisionIn,
    PackageDetailOut,
    PackageFilters,
    PackageIn,
    PackageOut,
    PackagePatch,
    ReadinessOut,
    SessionFilters,
    SessionIn,
    SessionOut,
    SessionPatch,
    SkillFilters,
    SkillIn,
    SkillOut,
    SkillPatch,
    TrainingContributionOut,
    TrainingProposalFilters,
    TrainingProposalOut,
)

router = Router(tags=["training"])


SKILL_ORDERING = {"code": "code", "name": "name"}
COURSE_ORDERING = {
    "code": "code",
    "name": "name",
    "host": "host_id",
    "skill": "skill__code",
    "language": "language",
    "seats": "seats",
    "duration_days": "duration_days",
}
SESSION_ORDERING = {"code": "code", "start": "start", "course": "course__code", "status": "status"}
COHORT_ORDERING = {
    "code": "code",
    "ready_by": "ready_by",
    "priority": "priority",
    "size": "size",
    "skill": "skill__code",
    "status": "status",
}
PACKAGE_ORDERING = {"code": "code", "name": "name", "need_by": "need_by", "priority": "priority"}


def _text(payload: Any, name: str) -> str:
    """A text field of an action's optional body ("" without a body)."""
    return str(getattr(payload, name, "") or "") if payload is not None else ""


# -- skills --

SKILLS = RecordEndpoints(selectors.get_skill, changes=selectors.history)


@router.get("/skills", response={200: page_schema(SkillOut), **LIST_ERRORS})
def list_skills(
    request: HttpRequest, filters: Query[SkillFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Skills and their prerequisites; active ones unless ``state`` says otherwise."""
    skills = selectors.list_skills(actor(request), **filter_arguments(filters))
    return paginate(order_by(skills, page.ordering, SKILL_ORDERING, ["code"]), page)


@router.post("/skills", response={201: SkillOut, **CREATE_ERRORS})
def create_skill(request: HttpRequest, payload: SkillIn, response: HttpResponse) -> Any:
    """Create a skill (training coordinators, coordinators); a prerequisite cycle is refused, named."""
    return SKILLS.create(request, response, services.create_skill, payload)


@router.get("/skills/{code}", response={200: SkillOut, **READ_ERRORS})
def get_skill(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One skill by code, its version in the ETag (``If-None-Match`` with it answers 304)."""
    return SKILLS.retrieve(request, response, code)


@router.patch("/skills/{code}", response={200: SkillOut, **WRITE_ERRORS})
def update_skill(request: HttpRequest, code: str, payload: SkillPatch, response: HttpResponse) -> Any:
    """Change a skill; name the version it is based on."""
    return SKILLS.update(request, response, code, services.update_skill, payload)


@router.post("/skills/{code}/retire", response={200: SkillOut, **WRITE_ERRORS})
def retire_skill(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a skill no active course teaches and no planned cohort aims for."""
    return SKILLS.act(request, response, code, services.retire_skill, payload)


@router.post("/skills/{code}/restore", response={200: SkillOut, **WRITE_ERRORS})
def restore_skill(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired skill back."""
    return SKILLS.act(request, response, code, services.restore_skill, payload)


@router.get("/skills/{code}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def skill_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the skill, oldest first."""
    return SKILLS.history(request, code, page)


# -- courses --

COURSES = RecordEndpoints(selectors.get_course, changes=selectors.history)


@router.get("/courses", response={200: page_schema(CourseOut), **LIST_ERRORS})
def list_courses(
    request: HttpRequest, filters: Query[CourseFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The courses you may see; active ones unless ``state`` says otherwise."""
    courses = selectors.list_courses(actor(request), **filter_arguments(filters))
    return paginate(order_by(courses, page.ordering, COURSE_ORDERING, ["code"]), page)


@router.post("/courses", response={201: CourseOut, **CREATE_ERRORS})
def create_course(request: HttpRequest, payload: CourseIn, response: HttpResponse) -> Any:
    """Offer a course (a donor liaison: hosted by its own nation)."""
    return COURSES.create(request, response, services.create_course, payload)


@router.get("/courses/{code}", response={200: CourseOut, **READ_ERRORS})
def get_course(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One course by code, its version in the ETag (``If-None-Match`` with it answers 304)."""
    return COURSES.retrieve(request, response, code)


@router.patch("/courses/{code}", response={200: CourseOut, **WRITE_ERRORS})
def update_course(request: HttpRequest, code: str, payload: CoursePatch, response: HttpResponse) -> Any:
    """Change a course; name the version it is based on."""
    return COURSES.update(request, response, code, services.update_course, payload)


@router.post("/courses/{code}/retire", response={200: CourseOut, **WRITE_ERRORS})
def retire_course(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a course without sessions to come."""
    return COURSES.act(request, response, code, services.retire_course, payload)


@router.post("/courses/{code}/restore", response={200: CourseOut, **WRITE_ERRORS})
def restore_course(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Offer a retired course again."""
    return COURSES.act(request, response, code, services.restore_course, payload)


@router.get("/courses/{code}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def course_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the course, oldest first."""
    return COURSES.history(request, code, page)


# -- sessions --

SESSIONS = RecordEndpoints(selectors.get_session, changes=selectors.history)


@router.get("/sessions", response={200: page_schema(SessionOut), **LIST_ERRORS})
def list_sessions(
    request: HttpRequest, filters: Query[SessionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The sessions you may see, filtered."""
    sessions = selectors.list_sessions(actor(request), **filter_arguments(filters))
    return paginate(order_by(sessions, page.ordering, SESSION_ORDERING, ["code"]), page)


@router.post("/sessions", response={201: SessionOut, **CREATE_ERRORS})
def create_session(request: HttpRequest, payload: SessionIn, response: HttpResponse) -> Any:
    """Schedule a session of an active course."""
    return SESSIONS.create(request, response, services.create_session, payload)


@router.get("/sessions/{code}", response={200: SessionOut, **READ_ERRORS})
def get_session(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One session by code, its version in the ETag (``If-None-Match`` with it answers 304)."""
    return SESSIONS.retrieve(request, response, code)


@router.patch("/sessions/{code}", response={200: SessionOut, **WRITE_ERRORS})
def update_session(request: HttpRequest, code: str, payload: SessionPatch, response: HttpResponse) -> Any:
    """Change a scheduled session; name the version it is based on."""
    return SESSIONS.update(request, response, code, services.update_session, payload)


@router.post("/sessions/{code}/cancel", response={200: SessionOut, **WRITE_ERRORS})
def cancel_session(
    request: HttpRequest, code: str, response: HttpResponse, payload: CancelIn | None = None
) -> Any:
    """Cancel a scheduled session; its open training proposals are declined with it."""
    return SESSIONS.act(
        request, response, code, services.cancel_session, payload, note=_text(payload, "note")
    )


@router.get("/sessions/{code}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def session_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the session, oldest first."""
    return SESSIONS.history(request, code, page)


# -- cohorts --

COHORTS = RecordEndpoints(selectors.get_cohort, changes=selectors.history)


@router.get("/cohorts", response={200: page_schema(CohortOut), **LIST_ERRORS})
def list_cohorts(
    request: HttpRequest, filters: Query[CohortFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Cohorts, filtered."""
    cohorts = selectors.list_cohorts(actor(request), **filter_arguments(filters))
    return paginate(order_by(cohorts, page.ordering, COHORT_ORDERING, ["code"]), page)


@router.post("/cohorts", response={201: CohortOut, **CREATE_ERRORS})
def create_cohort(request: HttpRequest, payload: CohortIn, response: HttpResponse) -> Any:
    """Record a cohort (the recipient's officers, training coordinators, coordinators)."""
    return COHORTS.create(request, response, services.create_cohort, payload)


@router.get("/cohorts/{code}", response={200: CohortOut, **READ_ERRORS})
def get_cohort(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One cohort by code, its version in the ETag (``If-None-Match`` with it answers 304)."""
    return COHORTS.retrieve(request, response, code)


@router.patch("/cohorts/{code}", response={200: CohortOut, **WRITE_ERRORS})
def update_cohort(request: HttpRequest, code: str, payload: CohortPatch, response: HttpResponse) -> Any:
    """Change a planned cohort; name the version it is based on."""
    return COHORTS.update(request, response, code, services.update_cohort, payload)


@router.post("/cohorts/{code}/cancel", response={200: CohortOut, **WRITE_ERRORS})
def cancel_cohort(
    request: HttpRequest, code: str, response: HttpResponse, payload: CancelIn | None = None
) -> Any:
    """Cancel a planned cohort; it stays on record."""
    return COHORTS.act(request, response, code, services.cancel_cohort, payload, note=_text(payload, "note"))


@router.post("/cohorts/{code}/trained", response={200: CohortOut, **WRITE_ERRORS})
def complete_cohort(
    request: HttpRequest, code: str, response: HttpResponse, payload: CancelIn | None = None
) -> Any:
    """Record that a planned cohort holds its target skill; plan runs no longer assign it."""
    return COHORTS.act(
        request, response, code, services.complete_cohort, payload, note=_text(payload, "note")
    )


@router.get("/cohorts/{code}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def cohort_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the cohort, oldest first."""
    return COHORTS.history(request, code, page)


# -- packages --


def _package_detail(user: Any, code: str) -> Any:
    """The package as answered: with the references of its requirements and the codes of its cohorts."""
    package = selectors.get_package(user, code)
    package.requirement_references = selectors.package_requirement_references(user, package)
    package.cohort_codes = sorted(
        package.cohorts.exclude(status=CohortStatus.CANCELLED).values_list("code", flat=True)
    )
    return package


PACKAGES = RecordEndpoints(selectors.get_package, present=_package_detail, changes=selectors.history)


@router.get("/packages", response={200: page_schema(PackageOut), **LIST_ERRORS})
def list_packages(
    request: HttpRequest, filters: Query[PackageFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Capability packages; active ones unless ``state`` says otherwise; ``needs_retiming`` filters."""
    packages = selectors.list_packages(actor(request), **filter_arguments(filters))
    return paginate(order_by(packages, page.ordering, PACKAGE_ORDERING, ["code"]), page)


@router.post("/packages", response={201: PackageDetailOut, **CREATE_ERRORS})
def create_package(request: HttpRequest, payload: PackageIn, response: HttpResponse) -> Any:
    """Define a capability package (the recipient's officers, training coordinators, coordinators)."""
    return PACKAGES.create(request, response, services.create_package, payload)


@router.get("/packages/{code}", response={200: PackageDetailOut, **READ_ERRORS})
def get_package(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One package with its requirements and cohorts, its version in the ETag (304 for If-None-Match)."""
    return PACKAGES.retrieve(request, response, code)


@router.patch("/packages/{code}", response={200: PackageDetailOut, **WRITE_ERRORS})
def update_package(request: HttpRequest, code: str, payload: PackagePatch, response: HttpResponse) -> Any:
    """Change a package; name the version it is based on."""
    return PACKAGES.update(request, response, code, services.update_package, payload)


@router.post("/packages/{code}/retire", response={200: PackageDetailOut, **WRITE_ERRORS})
def retire_package(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a package without planned cohorts."""
    return PACKAGES.act(request, response, code, services.retire_package, payload)


@router.post("/packages/{code}/restore", response={200: PackageDetailOut, **WRITE_ERRORS})
def restore_package(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired package back."""
    return PACKAGES.act(request, response, code, services.restore_package, payload)


@router.get("/packages/{code}/readiness", response={200: page_schema(ReadinessOut), **READ_ERRORS})
def package_readiness(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """The package's readiness in each plan run that planned it, newest run first."""
    user = actor(request)
    rows = selectors.package_readiness_history(user, selectors.get_package(user, code))
    return paginate(order_by(rows, page.ordering, {"run": "run__number"}, ["-run__number"]), page)


@router.get("/packages/{code}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def package_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the package (re-timing flags included), oldest first."""
    return PACKAGES.history(request, code, page)


# -- proposals --

#: Proposals are addressed by id. Only reading one and its history are standard: accepting and declining
#: call their services with the id and an optional version.
PROPOSALS = RecordEndpoints(selectors.get_training_proposal, key=attrgetter("pk"), changes=selectors.history)


def _decision_version(request: HttpRequest, payload: DecisionIn) -> int | None:
    """The version a decision is based on, if it names one (body or If-Match): a decision may name none."""
    if payload.version is None and "If-Match" not in request.headers:
        return None
    return expected_version(request, payload.version)


@router.get("/proposals", response={200: page_schema(TrainingProposalOut), **error_responses(401, 403, 422)})
def list_proposals(
    request: HttpRequest, filters: Query[TrainingProposalFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Training proposals you may read: a host's liaison its own, the recipient's officers their cohorts'."""
    proposals = selectors.list_training_proposals(actor(request), **filter_arguments(filters))
    ordering = {
        "run": "run__number",
        "session": "session__code",
        "start": "session__start",
        "status": "status",
    }
    return paginate(order_by(proposals, page.ordering, ordering, ["-run__number", "session__code"]), page)


@router.get(
    "/proposals/{int:proposal_id}", response={200: TrainingProposalOut, **error_responses(401, 403, 404)}
)
def get_proposal(request: HttpRequest, proposal_id: int, response: HttpResponse) -> Any:
    """One training proposal, its version in the ETag (``If-None-Match`` with it answers 304)."""
    return PROPOSALS.retrieve(request, response, proposal_id)


@router.post("/proposals/{int:proposal_id}/accept", response={200: TrainingProposalOut, **WRITE_ERRORS})
def accept_proposal(
    request: HttpRequest, proposal_id: int, payload: DecisionIn, response: HttpResponse
) -> Any:
    """Accept: the host seats the cohort in the session."""
    user = actor(request)
    services.accept_training_proposal(user, proposal_id, _decision_version(request, payload))
    return answer(response, selectors.get_training_proposal(user, proposal_id))


@router.post("/proposals/{int:proposal_id}/decline", response={200: TrainingProposalOut, **WRITE_ERRORS})
def decline_proposal(
    request: HttpRequest, proposal_id: int, payload: DecisionIn, response: HttpResponse
) -> Any:
    """Decline, optionally with a reason: the next run plans the cohort again."""
    user = actor(request)
    version = _decision_version(request, payload)
    services.decline_training_proposal(user, proposal_id, _text(payload, "reason"), version)
    return answer(response, selectors.get_training_proposal(user, proposal_id))


@router.get(
    "/proposals/{int:proposal_id}/history",
    response={200: page_schema(ChangeOut), **error_responses(401, 403, 404)},
)
def proposal_history(request: HttpRequest, proposal_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Made, accepted, declined or superseded: who and when."""
    return PROPOSALS.history(request, proposal_id, page)


# -- contribution --


@router.get("/contribution", response={200: TrainingContributionOut, **LIST_ERRORS})
def contribution(request: HttpRequest, filters: Query[ContributionFilters]) -> dict[str, Any]:
    """Training seats as contributions per host nation for a period: all hosts together count every seat; the
    by-host rows only the courses you may see."""
    return asdict(selectors.training_contribution(actor(request), **filters.model_dump()))
