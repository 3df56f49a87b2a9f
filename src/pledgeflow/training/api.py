"""HTTP <-> training services and selectors, mounted at ``/api/v1/training``.

Skills, courses, sessions, cohorts and capability packages are addressed by code; training proposals by id.
Every list, filter, count and look-up goes through :mod:`pledgeflow.training.selectors`, so a course or
session hidden by its label answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from pledgeflow.core.api_support import (
    ACTIVE_STATES,
    ChangeOut,
    PageParams,
    VersionIn,
    actor,
    changes_of,
    error_responses,
    expected_version,
    history_page,
    not_modified,
    order_by,
    page_schema,
    paginate,
    set_etag,
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

_READ = error_responses(401, 404)
_LIST = error_responses(401, 422)
_CREATE = error_responses(401, 403, 422)
_WRITE = error_responses(401, 403, 404, 409, 422, 428)

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


def _version(payload: Any) -> int | None:
    """The version an action's optional body names (None: look for If-Match)."""
    return payload.version if payload is not None else None


def _text(payload: Any, name: str) -> str:
    """A text field of an action's optional body ("" without a body)."""
    return str(getattr(payload, name, "") or "") if payload is not None else ""


def _answer(response: HttpResponse, record: Any, status: int = 200) -> Any:
    set_etag(response, record.version)
    return Status(status, record) if status != 200 else record


# -- skills --


@router.get("/skills", response={200: page_schema(SkillOut), **_LIST})
def list_skills(
    request: HttpRequest, filters: Query[SkillFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Skills and their prerequisites; active ones unless ``state`` says otherwise."""
    skills = selectors.list_skills(actor(request), active=ACTIVE_STATES[filters.state], search=filters.search)
    return paginate(order_by(skills, page.ordering, SKILL_ORDERING, ["code"]), page)


@router.post("/skills", response={201: SkillOut, **_CREATE})
def create_skill(request: HttpRequest, payload: SkillIn, response: HttpResponse) -> Any:
    """Create a skill (training coordinators, coordinators); a prerequisite cycle is refused, named."""
    user = actor(request)
    skill = services.create_skill(user, **payload.model_dump())
    return _answer(response, selectors.get_skill(user, skill.code), 201)


@router.get("/skills/{code}", response={200: SkillOut, **_READ})
def get_skill(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One skill by code, its version in the ETag (``If-None-Match`` with it answers 304)."""
    skill = selectors.get_skill(actor(request), code)
    return not_modified(request, skill.version) or _answer(response, skill)


@router.patch("/skills/{code}", response={200: SkillOut, **_WRITE})
def update_skill(request: HttpRequest, code: str, payload: SkillPatch, response: HttpResponse) -> Any:
    """Change a skill; name the version it is based on."""
    user = actor(request)
    skill = selectors.get_skill(user, code)
    updated = services.update_skill(
        user, skill, changes_of(payload), expected_version(request, payload.version)
    )
    return _answer(response, selectors.get_skill(user, updated.code))


@router.post("/skills/{code}/retire", response={200: SkillOut, **_WRITE})
def retire_skill(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a skill no active course teaches and no planned cohort aims for."""
    user = actor(request)
    services.retire_skill(user, selectors.get_skill(user, code), expected_version(request, _version(payload)))
    return _answer(response, selectors.get_skill(user, code))


@router.post("/skills/{code}/restore", response={200: SkillOut, **_WRITE})
def restore_skill(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired skill back."""
    user = actor(request)
    services.restore_skill(
        user, selectors.get_skill(user, code), expected_version(request, _version(payload))
    )
    return _answer(response, selectors.get_skill(user, code))


@router.get("/skills/{code}/history", response={200: page_schema(ChangeOut), **_READ})
def skill_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the skill, oldest first."""
    user = actor(request)
    return history_page(selectors.history(user, selectors.get_skill(user, code)), page)


# -- courses --


@router.get("/courses", response={200: page_schema(CourseOut), **_LIST})
def list_courses(
    request: HttpRequest, filters: Query[CourseFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The courses you may see; active ones unless ``state`` says otherwise."""
    values = filters.model_dump()
    values["active"] = ACTIVE_STATES[values.pop("state")]
    courses = selectors.list_courses(actor(request), **values)
    return paginate(order_by(courses, page.ordering, COURSE_ORDERING, ["code"]), page)


@router.post("/courses", response={201: CourseOut, **_CREATE})
def create_course(request: HttpRequest, payload: CourseIn, response: HttpResponse) -> Any:
    """Offer a course (a donor liaison: hosted by its own nation)."""
    user = actor(request)
    course = services.create_course(user, **payload.model_dump())
    return _answer(response, selectors.get_course(user, course.code), 201)


@router.get("/courses/{code}", response={200: CourseOut, **_READ})
def get_course(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One course by code, its version in the ETag (``If-None-Match`` with it answers 304)."""
    course = selectors.get_course(actor(request), code)
    return not_modified(request, course.version) or _answer(response, course)


@router.patch("/courses/{code}", response={200: CourseOut, **_WRITE})
def update_course(request: HttpRequest, code: str, payload: CoursePatch, response: HttpResponse) -> Any:
    """Change a course; name the version it is based on."""
    user = actor(request)
    course = selectors.get_course(user, code)
    updated = services.update_course(
        user, course, changes_of(payload), expected_version(request, payload.version)
    )
    return _answer(response, selectors.get_course(user, updated.code))


@router.post("/courses/{code}/retire", response={200: CourseOut, **_WRITE})
def retire_course(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a course without sessions to come."""
    user = actor(request)
    services.retire_course(
        user, selectors.get_course(user, code), expected_version(request, _version(payload))
    )
    return _answer(response, selectors.get_course(user, code))


@router.post("/courses/{code}/restore", response={200: CourseOut, **_WRITE})
def restore_course(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Offer a retired course again."""
    user = actor(request)
    services.restore_course(
        user, selectors.get_course(user, code), expected_version(request, _version(payload))
    )
    return _answer(response, selectors.get_course(user, code))


@router.get("/courses/{code}/history", response={200: page_schema(ChangeOut), **_READ})
def course_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the course, oldest first."""
    user = actor(request)
    return history_page(selectors.history(user, selectors.get_course(user, code)), page)


# -- sessions --


@router.get("/sessions", response={200: page_schema(SessionOut), **_LIST})
def list_sessions(
    request: HttpRequest, filters: Query[SessionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The sessions you may see, filtered."""
    sessions = selectors.list_sessions(actor(request), **filters.model_dump())
    return paginate(order_by(sessions, page.ordering, SESSION_ORDERING, ["code"]), page)


@router.post("/sessions", response={201: SessionOut, **_CREATE})
def create_session(request: HttpRequest, payload: SessionIn, response: HttpResponse) -> Any:
    """Schedule a session of an active course."""
    user = actor(request)
    session = services.create_session(user, **payload.model_dump())
    return _answer(response, selectors.get_session(user, session.code), 201)


@router.get("/sessions/{code}", response={200: SessionOut, **_READ})
def get_session(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One session by code, its version in the ETag (``If-None-Match`` with it answers 304)."""
    session = selectors.get_session(actor(request), code)
    return not_modified(request, session.version) or _answer(response, session)


@router.patch("/sessions/{code}", response={200: SessionOut, **_WRITE})
def update_session(request: HttpRequest, code: str, payload: SessionPatch, response: HttpResponse) -> Any:
    """Change a scheduled session; name the version it is based on."""
    user = actor(request)
    session = selectors.get_session(user, code)
    updated = services.update_session(
        user, session, changes_of(payload), expected_version(request, payload.version)
    )
    return _answer(response, selectors.get_session(user, updated.code))


@router.post("/sessions/{code}/cancel", response={200: SessionOut, **_WRITE})
def cancel_session(
    request: HttpRequest, code: str, response: HttpResponse, payload: CancelIn | None = None
) -> Any:
    """Cancel a scheduled session; its open training proposals are declined with it."""
    user = actor(request)
    session = selectors.get_session(user, code)
    services.cancel_session(
        user, session, expected_version(request, _version(payload)), note=_text(payload, "note")
    )
    return _answer(response, selectors.get_session(user, code))


@router.get("/sessions/{code}/history", response={200: page_schema(ChangeOut), **_READ})
def session_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the session, oldest first."""
    user = actor(request)
    return history_page(selectors.history(user, selectors.get_session(user, code)), page)


# -- cohorts --


@router.get("/cohorts", response={200: page_schema(CohortOut), **_LIST})
def list_cohorts(
    request: HttpRequest, filters: Query[CohortFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Cohorts, filtered."""
    cohorts = selectors.list_cohorts(actor(request), **filters.model_dump())
    return paginate(order_by(cohorts, page.ordering, COHORT_ORDERING, ["code"]), page)


@router.post("/cohorts", response={201: CohortOut, **_CREATE})
def create_cohort(request: HttpRequest, payload: CohortIn, response: HttpResponse) -> Any:
    """Record a cohort (the recipient's officers, training coordinators, coordinators)."""
    user = actor(request)
    cohort = services.create_cohort(user, **payload.model_dump())
    return _answer(response, selectors.get_cohort(user, cohort.code), 201)


@router.get("/cohorts/{code}", response={200: CohortOut, **_READ})
def get_cohort(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One cohort by code, its version in the ETag (``If-None-Match`` with it answers 304)."""
    cohort = selectors.get_cohort(actor(request), code)
    return not_modified(request, cohort.version) or _answer(response, cohort)


@router.patch("/cohorts/{code}", response={200: CohortOut, **_WRITE})
def update_cohort(request: HttpRequest, code: str, payload: CohortPatch, response: HttpResponse) -> Any:
    """Change a planned cohort; name the version it is based on."""
    user = actor(request)
    cohort = selectors.get_cohort(user, code)
    updated = services.update_cohort(
        user, cohort, changes_of(payload), expected_version(request, payload.version)
    )
    return _answer(response, selectors.get_cohort(user, updated.code))


@router.post("/cohorts/{code}/cancel", response={200: CohortOut, **_WRITE})
def cancel_cohort(
    request: HttpRequest, code: str, response: HttpResponse, payload: CancelIn | None = None
) -> Any:
    """Cancel a planned cohort; it stays on record."""
    user = actor(request)
    cohort = selectors.get_cohort(user, code)
    services.cancel_cohort(
        user, cohort, expected_version(request, _version(payload)), note=_text(payload, "note")
    )
    return _answer(response, selectors.get_cohort(user, code))


@router.post("/cohorts/{code}/trained", response={200: CohortOut, **_WRITE})
def complete_cohort(
    request: HttpRequest, code: str, response: HttpResponse, payload: CancelIn | None = None
) -> Any:
    """Record that a planned cohort holds its target skill; plan runs no longer assign it."""
    user = actor(request)
    cohort = selectors.get_cohort(user, code)
    services.complete_cohort(
        user, cohort, expected_version(request, _version(payload)), note=_text(payload, "note")
    )
    return _answer(response, selectors.get_cohort(user, code))


@router.get("/cohorts/{code}/history", response={200: page_schema(ChangeOut), **_READ})
def cohort_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the cohort, oldest first."""
    user = actor(request)
    return history_page(selectors.history(user, selectors.get_cohort(user, code)), page)


# -- packages --


def _package_detail(user: Any, code: str) -> Any:
    package = selectors.get_package(user, code)
    package.requirement_references = selectors.package_requirement_references(user, package)
    package.cohort_codes = sorted(
        package.cohorts.exclude(status=CohortStatus.CANCELLED).values_list("code", flat=True)
    )
    return package


@router.get("/packages", response={200: page_schema(PackageOut), **_LIST})
def list_packages(
    request: HttpRequest, filters: Query[PackageFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Capability packages; active ones unless ``state`` says otherwise; ``needs_retiming`` filters."""
    values = filters.model_dump()
    values["active"] = ACTIVE_STATES[values.pop("state")]
    packages = selectors.list_packages(actor(request), **values)
    return paginate(order_by(packages, page.ordering, PACKAGE_ORDERING, ["code"]), page)


@router.post("/packages", response={201: PackageDetailOut, **_CREATE})
def create_package(request: HttpRequest, payload: PackageIn, response: HttpResponse) -> Any:
    """Define a capability package (the recipient's officers, training coordinators, coordinators)."""
    user = actor(request)
    package = services.create_package(user, **payload.model_dump())
    return _answer(response, _package_detail(user, package.code), 201)


@router.get("/packages/{code}", response={200: PackageDetailOut, **_READ})
def get_package(request: HttpRequest, code: str, response: HttpResponse) -> Any:
    """One package with its requirements and cohorts, its version in the ETag (304 for If-None-Match)."""
    package = _package_detail(actor(request), code)
    return not_modified(request, package.version) or _answer(response, package)


@router.patch("/packages/{code}", response={200: PackageDetailOut, **_WRITE})
def update_package(request: HttpRequest, code: str, payload: PackagePatch, response: HttpResponse) -> Any:
    """Change a package; name the version it is based on."""
    user = actor(request)
    package = selectors.get_package(user, code)
    updated = services.update_package(
        user, package, changes_of(payload), expected_version(request, payload.version)
    )
    return _answer(response, _package_detail(user, updated.code))


@router.post("/packages/{code}/retire", response={200: PackageDetailOut, **_WRITE})
def retire_package(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Retire a package without planned cohorts."""
    user = actor(request)
    services.retire_package(
        user, selectors.get_package(user, code), expected_version(request, _version(payload))
    )
    return _answer(response, _package_detail(user, code))


@router.post("/packages/{code}/restore", response={200: PackageDetailOut, **_WRITE})
def restore_package(
    request: HttpRequest, code: str, response: HttpResponse, payload: VersionIn | None = None
) -> Any:
    """Bring a retired package back."""
    user = actor(request)
    services.restore_package(
        user, selectors.get_package(user, code), expected_version(request, _version(payload))
    )
    return _answer(response, _package_detail(user, code))


@router.get("/packages/{code}/readiness", response={200: page_schema(ReadinessOut), **_READ})
def package_readiness(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """The package's readiness in each plan run that planned it, newest run first."""
    user = actor(request)
    rows = selectors.package_readiness_history(user, selectors.get_package(user, code))
    return paginate(order_by(rows, page.ordering, {"run": "run__number"}, ["-run__number"]), page)


@router.get("/packages/{code}/history", response={200: page_schema(ChangeOut), **_READ})
def package_history(request: HttpRequest, code: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the package (re-timing flags included), oldest first."""
    user = actor(request)
    return history_page(selectors.history(user, selectors.get_package(user, code)), page)


# -- proposals --


@router.get("/proposals", response={200: page_schema(TrainingProposalOut), **error_responses(401, 403, 422)})
def list_proposals(
    request: HttpRequest, filters: Query[TrainingProposalFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Training proposals you may read: a host's liaison its own, the recipient's officers their cohorts'."""
    proposals = selectors.list_training_proposals(actor(request), **filters.model_dump())
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
    proposal = selectors.get_training_proposal(actor(request), proposal_id)
    return not_modified(request, proposal.version) or _answer(response, proposal)


@router.post("/proposals/{int:proposal_id}/accept", response={200: TrainingProposalOut, **_WRITE})
def accept_proposal(
    request: HttpRequest, proposal_id: int, payload: DecisionIn, response: HttpResponse
) -> Any:
    """Accept: the host seats the cohort in the session."""
    user = actor(request)
    version = None
    if _version(payload) is not None or "If-Match" in request.headers:
        version = expected_version(request, _version(payload))
    services.accept_training_proposal(user, proposal_id, version)
    return _answer(response, selectors.get_training_proposal(user, proposal_id))


@router.post("/proposals/{int:proposal_id}/decline", response={200: TrainingProposalOut, **_WRITE})
def decline_proposal(
    request: HttpRequest, proposal_id: int, payload: DecisionIn, response: HttpResponse
) -> Any:
    """Decline, optionally with a reason: the next run plans the cohort again."""
    user = actor(request)
    version = None
    if _version(payload) is not None or "If-Match" in request.headers:
        version = expected_version(request, _version(payload))
    services.decline_training_proposal(user, proposal_id, _text(payload, "reason"), version)
    return _answer(response, selectors.get_training_proposal(user, proposal_id))


@router.get(
    "/proposals/{int:proposal_id}/history",
    response={200: page_schema(ChangeOut), **error_responses(401, 403, 404)},
)
def proposal_history(request: HttpRequest, proposal_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Made, accepted, declined or superseded: who and when."""
    user = actor(request)
    return history_page(selectors.history(user, selectors.get_training_proposal(user, proposal_id)), page)


# -- contribution --


@router.get("/contribution", response={200: TrainingContributionOut, **_LIST})
def contribution(request: HttpRequest, filters: Query[ContributionFilters]) -> dict[str, Any]:
    """Training seats as contributions per host nation for a period: all hosts together count every seat; the
    by-host rows only the courses you may see."""
    return asdict(selectors.training_contribution(actor(request), **filters.model_dump()))
