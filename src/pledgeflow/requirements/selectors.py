"""Read queries of the requirement list, with its visibility rule applied to every list, filter and count.

Every signed-in user may read the list, old versions included (donors plan against it). Requirements still in
**draft** (being written by the recipient, not yet submitted) are visible only to the recipient's requirements
officers and the coordinators; to anyone else they do not exist, in lists, counts and look-ups alike.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from django.db.models import Q, QuerySet

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.permissions import can_read_requirements, is_signed_in
from pledgeflow.core.errors import NotFound
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import history_of
from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from pledgeflow.requirements.models import PriorityListVersion, Requirement

__all__ = [
    "can_see_requirement",
    "current_version",
    "draft_version",
    "get_list_version_for",
    "get_requirement_for",
    "requirement_history_for",
    "requirement_visibility_q",
    "visible_list_versions",
    "visible_requirements",
]

#: Roles that see requirements still in draft.
_DRAFT_READERS = (Role.COORDINATOR, Role.RECIPIENT_OFFICER)


def _sees_drafts(user: Any) -> bool:
    return is_signed_in(user) and getattr(user, "role", None) in _DRAFT_READERS


def requirement_visibility_q(user: Any, prefix: str = "") -> Q:
    """A filter keeping the requirements ``user`` may see; ``prefix`` is a path to them, if any."""
    if not can_read_requirements(user):
        return Q(**{f"{prefix}pk__in": []})
    if _sees_drafts(user):
        return Q()
    return ~Q(**{f"{prefix}status": RequirementStatus.DRAFT})


def can_see_requirement(user: Any, requirement: Requirement) -> bool:
    """Whether ``user`` may see this requirement (the same rule as :func:`requirement_visibility_q`)."""
    if not can_read_requirements(user):
        return False
    return requirement.status != RequirementStatus.DRAFT or _sees_drafts(user)


def current_version() -> PriorityListVersion | None:
    """The current list version: the approved one with the highest number (None before the first approval)."""
    return PriorityListVersion.objects.filter(status=VersionStatus.APPROVED).order_by("-number").first()


def draft_version() -> PriorityListVersion | None:
    """The list version being edited, if any (there is at most one)."""
    return PriorityListVersion.objects.filter(status=VersionStatus.DRAFT).first()


def visible_list_versions(user: Any) -> QuerySet[PriorityListVersion]:
    """Every list version, newest first, for any signed-in user (none for anyone else)."""
    if not can_read_requirements(user):
        return PriorityListVersion.objects.none()
    return PriorityListVersion.objects.select_related("approved_by", "created_by", "based_on").order_by(
        "-number"
    )


def get_list_version_for(user: Any, key: int | str) -> PriorityListVersion:
    """One list version by id, by label (``"2026-11"``) or ``"current"``; NotFound otherwise."""
    versions = visible_list_versions(user)
    if key == "current":
        found = versions.filter(status=VersionStatus.APPROVED).first()
    elif isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        found = versions.filter(pk=int(key)).first()
    else:
        found = versions.filter(label=key).first()
    if found is None:
        raise NotFound("List version", key)
    return found


def visible_requirements(
    user: Any,
    *,
    list_version: PriorityListVersion | int | str | None = None,
    status: str | list[str] | None = None,
    priority: int | list[int] | None = None,
    family: str | None = None,
    item: str | None = None,
    capability_area: str | None = None,
    destination: str | None = None,
    reference: str | None = None,
    package_code: str | None = None,
    need_by_from: _dt.date | None = None,
    need_by_to: _dt.date | None = None,
) -> QuerySet[Requirement]:
    """The requirements ``user`` may see, filtered, with their related records loaded (no N+1).

    ``list_version`` is a version, its id, its label or ``"current"``; None means every version. Filters
    by code: ``family``, ``item``, ``capability_area``, ``destination``. ``status`` and ``priority`` take one
    value or a list. ``need_by_from``/``need_by_to`` are inclusive. Ordered by version, then reference.
    """
    requirements = Requirement.objects.filter(requirement_visibility_q(user)).select_related(
        "list_version", "family", "item", "destination", "capability_area"
    )
    if list_version is not None:
        if isinstance(list_version, PriorityListVersion):
            requirements = requirements.filter(list_version=list_version)
        elif list_version == "current":
            current = current_version()
            requirements = requirements.filter(list_version=current) if current else requirements.none()
        elif isinstance(list_version, int) or str(list_version).isdigit():
            requirements = requirements.filter(list_version_id=int(list_version))
        else:
            requirements = requirements.filter(list_version__label=list_version)
    if status is not None:
        requirements = requirements.filter(status__in=[status] if isinstance(status, str) else list(status))
    if priority is not None:
        requirements = requirements.filter(
            priority__in=[priority] if isinstance(priority, int) else list(priority)
        )
    if family:
        requirements = requirements.filter(family__code=family)
    if item:
        requirements = requirements.filter(item__code=item)
    if capability_area:
        requirements = requirements.filter(capability_area__code=capability_area)
    if destination:
        requirements = requirements.filter(destination__code=destination)
    if reference:
        requirements = requirements.filter(reference=reference)
    if package_code:
        requirements = requirements.filter(package_code=package_code)
    if need_by_from is not None:
        requirements = requirements.filter(need_by__gte=need_by_from)
    if need_by_to is not None:
        requirements = requirements.filter(need_by__lte=need_by_to)
    return requirements.order_by("list_version__number", "reference", "id")


def get_requirement_for(user: Any, requirement_id: int) -> Requirement:
    """One requirement by id if ``user`` may see it; NotFound otherwise (never saying whether it exists)."""
    found = visible_requirements(user).filter(pk=requirement_id).first()
    if found is None:
        raise NotFound("Requirement", requirement_id)
    return found


def requirement_history_for(user: Any, requirement_id: int) -> QuerySet[ChangeRecord]:
    """The change history of a requirement ``user`` may see, oldest first; NotFound otherwise."""
    return history_of(get_requirement_for(user, requirement_id))
