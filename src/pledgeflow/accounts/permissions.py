"""Who may do what, and who may see which labelled record: the rules of DOMAIN.md, in one place.

Every door (API, pages, CLI, exports, tasks) reaches these rules through the services and selectors; none
repeats them. docs/roles.md tabulates them.

Action rules are predicates ``can_...(user, ...) -> bool``. Services call them first and raise
:class:`pledgeflow.core.errors.PermissionDenied` (or ``NotFound`` for records the user may not see).

Visibility of labelled records (pledges, courses, sessions) follows the originator's TLP 2.0 label:

- coordinators see everything;
- a nation always sees its own records (the user's nation is the record's donor/originator);
- CLEAR and GREEN: every signed-in user;
- AMBER: also the nations on the record's "releasable to" list;
- AMBER+STRICT and RED: the originator and the coordinators only.

Viewers (analysts) see CLEAR and GREEN records only, whatever nation they belong to. A recipient officer sees
what is releasable to its nation: CLEAR, GREEN, and AMBER records that list it. :func:`label_visibility_q`
expresses these rules as a query filter and :func:`can_see_labelled` for one record already in memory; the two
agree (the tests check both on the same cases).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q

from pledgeflow.accounts.choices import Role
from pledgeflow.core.choices import OPEN_LABELS, SharingLabel
from pledgeflow.core.errors import PermissionDenied

__all__ = [
    "can_confirm_receipt",
    "can_manage_catalogue",
    "can_manage_logistics",
    "can_manage_nations",
    "can_manage_pledge",
    "can_manage_requirements",
    "can_manage_tokens_of",
    "can_manage_training",
    "can_manage_users",
    "can_read_catalogue",
    "can_read_requirements",
    "can_respond_to_proposal",
    "can_run_planner",
    "can_see_labelled",
    "is_coordinator",
    "is_signed_in",
    "label_visibility_q",
    "require",
]


def is_signed_in(user: Any) -> bool:
    """True for an active, authenticated user (never for an anonymous visitor or a deactivated account)."""
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
    )


def _role(user: Any) -> str | None:
    return getattr(user, "role", None) if is_signed_in(user) else None


def _nation(user: Any) -> str | None:
    return getattr(user, "nation_id", None) if is_signed_in(user) else None


def is_coordinator(user: Any) -> bool:
    """The coordination cell: may do everything."""
    return _role(user) == Role.COORDINATOR


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied with ``message`` unless ``allowed``: the guard at the top of a service."""
    if not allowed:
        raise PermissionDenied(message)


# --- reference data -----------------------------------------------------------------------------------------


def can_read_catalogue(user: Any) -> bool:
    """Nations, the catalogue, locations and routes are readable by every signed-in user."""
    return is_signed_in(user)


def can_manage_catalogue(user: Any) -> bool:
    """Creating, changing and retiring families and items: coordinators."""
    return is_coordinator(user)


def can_manage_logistics(user: Any) -> bool:
    """Creating, changing and retiring locations and routes: coordinators."""
    return is_coordinator(user)


def can_manage_nations(user: Any) -> bool:
    """Changing nations (names, GDP figures): coordinators."""
    return is_coordinator(user)


def can_manage_users(user: Any) -> bool:
    """Creating users, changing roles, unlocking and deactivating accounts: coordinators."""
    return is_coordinator(user)


def can_manage_tokens_of(user: Any, owner: Any) -> bool:
    """Listing and revoking ``owner``'s API tokens: the owner and the coordinators."""
    return is_signed_in(user) and (is_coordinator(user) or getattr(owner, "pk", None) == user.pk)


# --- requirements, pledges, planning, training -------------------------------------------------------------


def can_read_requirements(user: Any) -> bool:
    """The recipient's requirement list is readable by every signed-in user (donors plan against it)."""
    return is_signed_in(user)


def can_manage_requirements(user: Any) -> bool:
    """Managing requirements (create, change, submit, approve, cancel): recipient officers, coordinators."""
    return _role(user) in (Role.COORDINATOR, Role.RECIPIENT_OFFICER)


def can_manage_pledge(user: Any, pledge_donor_code: str | None) -> bool:
    """Recording a pledge of ``pledge_donor_code``, its milestones up to hand-over, changing, withdrawing it.

    Coordinators for every donor; a donor liaison for its own nation only.
    """
    if is_coordinator(user):
        return True
    return (
        _role(user) == Role.DONOR_LIAISON
        and pledge_donor_code is not None
        and _nation(user) == pledge_donor_code
    )


def can_respond_to_proposal(user: Any, donor_code: str | None) -> bool:
    """Accepting or declining an allocation proposed to ``donor_code``: its donor liaison or a coordinator."""
    return can_manage_pledge(user, donor_code)


def can_confirm_receipt(user: Any) -> bool:
    """Confirming receipt (quantity and condition found): the recipient's officers, or a coordinator."""
    return _role(user) in (Role.COORDINATOR, Role.RECIPIENT_OFFICER)


def can_run_planner(user: Any) -> bool:
    """Running the planner, locking, publishing allocations: coordinators."""
    return is_coordinator(user)


def can_manage_training(user: Any) -> bool:
    """Courses, sessions, seats and cohorts: training coordinators and coordinators."""
    return _role(user) in (Role.COORDINATOR, Role.TRAINING_COORDINATOR)


# --- visibility of labelled records -------------------------------------------------------------------------


def _extends_by_nation(user: Any) -> str | None:
    """The nation whose own and releasable-to records the user sees beyond CLEAR/GREEN, if any."""
    role = _role(user)
    if role is None or role == Role.VIEWER:
        return None
    return _nation(user)


def can_see_labelled(
    user: Any, donor_code: str | None, label: str, releasable_codes: Iterable[str] = ()
) -> bool:
    """Whether ``user`` may see the details of one record of ``donor_code`` labelled ``label``."""
    if not is_signed_in(user):
        return False
    if is_coordinator(user):
        return True
    if label in OPEN_LABELS:
        return True
    nation = _extends_by_nation(user)
    if nation is None:
        return False
    if donor_code == nation:
        return True
    return label == SharingLabel.AMBER and nation in set(releasable_codes)


class _ReleasableTo(models.Expression):
    """``EXISTS`` the record's "releasable to" list names ``nation``: a filter condition with no join.

    A plain ``releasable_to=nation`` condition inside an OR joins the list and returns a record once per
    nation on it; this subquery keeps lists, counts and pagination exact. The model is taken from the query
    being filtered, so the condition works for any model and any path to the many-to-many field.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, path: str, nation: str) -> None:
        super().__init__()
        self.path = path
        self.nation = nation

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> Any:
        *hops, name = self.path.split("__")
        model = query.model
        for hop in hops:
            model = model._meta.get_field(hop).related_model
        field = model._meta.get_field(name)
        if not field.many_to_many:
            raise TypeError(f"{self.path!r} is not a many-to-many field of {model._meta.label}.")
        through = field.remote_field.through
        owner_column = field.m2m_field_name()
        nation_column = field.m2m_reverse_field_name()
        outer = OuterRef("__".join(hops) if hops else "pk")
        subquery = through._default_manager.filter(**{owner_column: outer, nation_column: self.nation})
        return Exists(subquery).resolve_expression(query, allow_joins, reuse, summarize, for_save)


def label_visibility_q(
    user: Any,
    donor_field: str = "donor",
    label_field: str = "sharing_label",
    releasable_field: str = "releasable_to",
) -> Q:
    """A filter that keeps the labelled records ``user`` may see (see the module documentation).

    ``donor_field`` is the path to the originating nation (a foreign key to ``nations.Nation``, whose key is
    the nation code), ``label_field`` the path to the sharing label and ``releasable_field`` the path to the
    many-to-many "releasable to" nations; paths may cross relations (``"pledge__donor"`` when filtering
    milestones). Apply it with ``queryset.filter(label_visibility_q(user))``; it never duplicates rows.
    """
    if not is_signed_in(user):
        return Q(pk__in=[])
    if is_coordinator(user):
        return Q()
    visible = Q(**{f"{label_field}__in": list(OPEN_LABELS)})
    nation = _extends_by_nation(user)
    if nation is not None:
        visible |= Q(**{donor_field: nation})
        visible |= Q(**{label_field: SharingLabel.AMBER}) & Q(_ReleasableTo(releasable_field, nation))
    return visible
