"""HTTP <-> requirement-list services and selectors.

Every signed-in user reads the list (drafts only the recipient's officers and the coordinators: to anyone else
a draft requirement does not exist); the recipient's officers and the coordinators write; approval is joint
(the recipient submits, a coordinator approves).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import Status

from pledgeflow.core.api_support import (
    READ_ERRORS,
    WRITE_ERRORS,
    ChangeOut,
    PageParams,
    actor,
    answer,
    changes_of,
    error_responses,
    expected_version,
    history_page,
    not_modified,
    order_by,
    page_schema,
    paginate,
)
from pledgeflow.core.errors import NotFound, ValidationError
from pledgeflow.requirements import selectors, services
from pledgeflow.requirements.models import Requirement
from pledgeflow.requirements.schemas import (
    ListVersionIn,
    ListVersionOut,
    NoteIn,
    RequirementFilters,
    RequirementIn,
    RequirementOut,
    RequirementPatch,
    TransitionIn,
)

router = Router(tags=["requirements"])

REQUIREMENT_ORDERING = {
    "reference": "reference",
    "priority": "priority",
    "need_by": "need_by",
    "quantity": "quantity",
    "status": "status",
    "list_version": "list_version__number",
    "updated_at": "updated_at",
}
VERSION_ORDERING = {"number": "number", "label": "label"}


# -- priority-list versions --


@router.get("/list-versions", response={200: page_schema(ListVersionOut), **error_responses(401, 422)})
def list_list_versions(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Every version of the priority list, newest first."""
    versions = selectors.visible_list_versions(actor(request))
    return paginate(order_by(versions, page.ordering, VERSION_ORDERING, ["-number"]), page)


@router.post("/list-versions", response={201: ListVersionOut, **error_responses(401, 403, 422)})
def start_next_list_version(request: HttpRequest, payload: ListVersionIn) -> Any:
    """Start the next draft version as a copy of the current version's open requirements.

    Recipient officers and coordinators; refused while another version is still a draft.
    """
    user = actor(request)
    version = services.start_next_version(user, label=payload.label, note=payload.note)
    return Status(201, selectors.get_list_version_for(user, version.pk))


@router.get("/list-versions/{key}", response={200: ListVersionOut, **READ_ERRORS})
def get_list_version(request: HttpRequest, key: str) -> Any:
    """One list version by id, by label (``2026-11``) or ``current`` (the latest approved)."""
    return selectors.get_list_version_for(actor(request), key)


@router.post("/list-versions/{key}/approve", response={200: ListVersionOut, **WRITE_ERRORS})
def approve_list_version(request: HttpRequest, key: str, payload: NoteIn | None = None) -> Any:
    """Approve the draft version and every submitted requirement on it (coordinators); it becomes current."""
    user = actor(request)
    version = selectors.get_list_version_for(user, key)
    services.approve_version(user, version, note=payload.note if payload else "")
    return selectors.get_list_version_for(user, version.pk)


# -- requirements --


@router.get("", response={200: page_schema(RequirementOut), **error_responses(401, 422)})
def list_requirements(
    request: HttpRequest, filters: Query[RequirementFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The requirements you may see, filtered; by list version and reference unless ordered otherwise."""
    requirements = selectors.visible_requirements(actor(request), **filters.model_dump())
    return paginate(
        order_by(requirements, page.ordering, REQUIREMENT_ORDERING, ["list_version__number", "reference"]),
        page,
    )


@router.post("", response={201: RequirementOut, **error_responses(401, 403, 422)})
def create_requirement(request: HttpRequest, payload: RequirementIn, response: HttpResponse) -> Any:
    """Add a requirement (draft) to the draft list version (recipient officers and coordinators)."""
    user = actor(request)
    values = payload.model_dump()
    key = values.pop("list_version")
    list_version = None
    if key:
        try:
            list_version = selectors.get_list_version_for(user, key)
        except NotFound:
            # A bad value in the body is bad input (422), not a missing resource at this URL.
            raise ValidationError(
                {
                    "list_version": f"No list version has the id or label {key!r}; "
                    "omit it to add to the draft version."
                }
            ) from None
    requirement = services.create_requirement(user, list_version=list_version, **values)
    return answer(response, selectors.get_requirement_for(user, requirement.pk), 201)


@router.get("/{int:requirement_id}", response={200: RequirementOut, **READ_ERRORS})
def get_requirement(request: HttpRequest, requirement_id: int, response: HttpResponse) -> Any:
    """One requirement by id, its version in the ETag."""
    requirement = selectors.get_requirement_for(actor(request), requirement_id)
    return not_modified(request, requirement.version) or answer(response, requirement)


@router.patch("/{int:requirement_id}", response={200: RequirementOut, **WRITE_ERRORS})
def update_requirement(
    request: HttpRequest, requirement_id: int, payload: RequirementPatch, response: HttpResponse
) -> Any:
    """Change what a requirement asks for, on the draft list version; name the version it is based on."""
    user = actor(request)
    requirement = selectors.get_requirement_for(user, requirement_id)
    version = expected_version(request, payload.version)
    changes = changes_of(payload)
    note = changes.pop("note", "")
    services.update_requirement(user, requirement, changes, version, note=note)
    return answer(response, selectors.get_requirement_for(user, requirement_id))


def _transition(
    service: Callable[..., Requirement],
    request: HttpRequest,
    requirement_id: int,
    payload: TransitionIn | None,
    response: HttpResponse,
) -> Any:
    user = actor(request)
    requirement = selectors.get_requirement_for(user, requirement_id)
    body = payload or TransitionIn()  # the body is optional: the version may come as If-Match
    service(user, requirement, expected_version(request, body.version), note=body.note)
    return answer(response, selectors.get_requirement_for(user, requirement_id))


@router.post("/{int:requirement_id}/submit", response={200: RequirementOut, **WRITE_ERRORS})
def submit_requirement(
    request: HttpRequest, requirement_id: int, response: HttpResponse, payload: TransitionIn | None = None
) -> Any:
    """Submit a draft requirement for approval (draft -> submitted)."""
    return _transition(services.submit_requirement, request, requirement_id, payload, response)


@router.post("/{int:requirement_id}/return", response={200: RequirementOut, **WRITE_ERRORS})
def return_requirement(
    request: HttpRequest, requirement_id: int, response: HttpResponse, payload: TransitionIn | None = None
) -> Any:
    """Send a submitted requirement back to draft for rework (submitted -> draft); say why in ``note``."""
    return _transition(services.return_requirement_to_draft, request, requirement_id, payload, response)


@router.post("/{int:requirement_id}/approve", response={200: RequirementOut, **WRITE_ERRORS})
def approve_requirement(
    request: HttpRequest, requirement_id: int, response: HttpResponse, payload: TransitionIn | None = None
) -> Any:
    """Approve one submitted requirement (coordinators: approval is joint)."""
    return _transition(services.approve_requirement, request, requirement_id, payload, response)


@router.post("/{int:requirement_id}/close", response={200: RequirementOut, **WRITE_ERRORS})
def close_requirement(
    request: HttpRequest, requirement_id: int, response: HttpResponse, payload: TransitionIn | None = None
) -> Any:
    """Close an approved requirement that has been met (approved -> closed)."""
    return _transition(services.close_requirement, request, requirement_id, payload, response)


@router.post("/{int:requirement_id}/cancel", response={200: RequirementOut, **WRITE_ERRORS})
def cancel_requirement(
    request: HttpRequest, requirement_id: int, response: HttpResponse, payload: TransitionIn | None = None
) -> Any:
    """Cancel a requirement no longer needed; it stays on record, cancelled."""
    return _transition(services.cancel_requirement, request, requirement_id, payload, response)


@router.get("/{int:requirement_id}/history", response={200: page_schema(ChangeOut), **READ_ERRORS})
def requirement_history(request: HttpRequest, requirement_id: int, page: Query[PageParams]) -> dict[str, Any]:
    """Every change to the requirement, oldest first."""
    return history_page(selectors.requirement_history_for(actor(request), requirement_id), page)
