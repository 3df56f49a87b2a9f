"""Read queries of pledges, with the sharing-label rules applied to every list, filter, count and look-up.

The rules (DOMAIN.md "How the record behaves", :mod:`pledgeflow.accounts.permissions`): coordinators see every
pledge; a nation always sees its own; CLEAR and GREEN pledges are seen by everyone signed in; AMBER by the
nations on the pledge's "releasable to" list; AMBER+STRICT and RED by the donor and the coordinators only.
Viewers see CLEAR and GREEN only.

Figures follow one more rule (:func:`pledge_totals`): a total over **all donors together** may count every
pledge, visible or not, while a figure **about one nation** (a row of a by-nation breakdown, or a total
filtered to one donor) counts only the pledges the viewer may see of that nation. So the rows of a breakdown
may add up to less than the all-donors total; the difference is never attributed to any nation.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from pledgeflow.accounts.permissions import can_see_labelled, is_signed_in, label_visibility_q
from pledgeflow.catalogue.models import Item
from pledgeflow.core.choices import OPEN_LABELS
from pledgeflow.core.errors import NotFound
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import history_of
from pledgeflow.nations.models import Nation
from pledgeflow.pledges.choices import (
    COMMITTED_STATUSES,
    DELIVERED_STATUSES,
    VOID_STATUSES,
    PledgeStatus,
)
from pledgeflow.pledges.models import Pledge, PledgeMilestone

__all__ = [
    "DonorFigures",
    "Figure",
    "MilestoneFigures",
    "PledgeTotals",
    "can_see_pledge",
    "get_pledge_by_reference_for",
    "get_pledge_for",
    "pledge_history_for",
    "pledge_milestones_for",
    "pledge_totals",
    "pledge_visibility_q",
    "visible_pledges",
]


def pledge_visibility_q(user: Any, prefix: str = "") -> Q:
    """A filter keeping the pledges ``user`` may see; ``prefix`` is a path to them (``"pledge__"``)."""
    return label_visibility_q(
        user,
        donor_field=f"{prefix}donor",
        label_field=f"{prefix}sharing_label",
        releasable_field=f"{prefix}releasable_to",
    )


def can_see_pledge(user: Any, pledge: Pledge) -> bool:
    """Whether ``user`` may see this pledge's details (the same rule as :func:`pledge_visibility_q`)."""
    releasable: Iterable[str] = ()
    if pledge.sharing_label not in OPEN_LABELS:
        releasable = pledge.releasable_to.values_list("code", flat=True)
    return can_see_labelled(user, pledge.donor_id, pledge.sharing_label, releasable)


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str | int) else list(value)


def visible_pledges(
    user: Any,
    *,
    donor: str | list[str] | None = None,
    item: str | None = None,
    family: str | None = None,
    capability_area: str | None = None,
    status: str | list[str] | None = None,
    sharing_label: str | list[str] | None = None,
    source: str | None = None,
    channel: str | None = None,
    origin: str | None = None,
    reference: str | None = None,
    available_from: _dt.date | None = None,
    available_to: _dt.date | None = None,
) -> QuerySet[Pledge]:
    """The pledges ``user`` may see, filtered, ordered by reference, related records loaded (no N+1).

    Filters are applied *after* the visibility rule, so no filter (``sharing_label="RED"``, ``donor="FRA"``)
    can reach a pledge the user may not see. Filters by code: ``donor``, ``item``, ``family``,
    ``capability_area``, ``origin``; ``donor``, ``status`` and ``sharing_label`` take one value or a list;
    ``available_from``/``available_to`` are inclusive. Listing a page costs three queries whatever its size:
    the pledges with donor, item, family, area and origin joined, then their destinations and releasable-to
    nations.
    """
    pledges = (
        Pledge.objects.filter(pledge_visibility_q(user))
        .select_related("donor", "item", "item__family", "item__family__capability_area", "origin")
        .prefetch_related("allowed_destinations", "releasable_to")
    )
    if donor:
        pledges = pledges.filter(donor_id__in=_as_list(donor))
    if item:
        pledges = pledges.filter(item__code=item)
    if family:
        pledges = pledges.filter(item__family__code=family)
    if capability_area:
        pledges = pledges.filter(item__family__capability_area__code=capability_area)
    if status:
        pledges = pledges.filter(status__in=_as_list(status))
    if sharing_label:
        pledges = pledges.filter(sharing_label__in=_as_list(sharing_label))
    if source:
        pledges = pledges.filter(source=source)
    if channel:
        pledges = pledges.filter(channel=channel)
    if origin:
        pledges = pledges.filter(origin__code=origin)
    if reference:
        pledges = pledges.filter(reference=reference)
    if available_from is not None:
        pledges = pledges.filter(available__gte=available_from)
    if available_to is not None:
        pledges = pledges.filter(available__lte=available_to)
    # The reference is unique, so it alone gives a stable order, and its unique index serves it.
    return pledges.order_by("reference")


def get_pledge_for(user: Any, pledge_id: int) -> Pledge:
    """One pledge by id if ``user`` may see it; NotFound otherwise, worded exactly as for a missing one."""
    found = visible_pledges(user).filter(pk=pledge_id).first()
    if found is None:
        raise NotFound("Pledge", pledge_id)
    return found


def get_pledge_by_reference_for(user: Any, reference: str) -> Pledge:
    """One pledge by reference (``DEU-0007``) if ``user`` may see it; NotFound otherwise."""
    found = visible_pledges(user).filter(reference=reference).first()
    if found is None:
        raise NotFound("Pledge", reference)
    return found


def pledge_milestones_for(user: Any, pledge_id: int) -> QuerySet[PledgeMilestone]:
    """The milestone log of a pledge ``user`` may see, in the order recorded; NotFound otherwise."""
    pledge = get_pledge_for(user, pledge_id)
    return pledge.milestones.select_related("recorded_by").order_by("recorded_at", "id")


def pledge_history_for(user: Any, pledge_id: int) -> QuerySet[ChangeRecord]:
    """The change history of a pledge ``user`` may see (values before and after), oldest first."""
    return history_of(get_pledge_for(user, pledge_id))


# --- figures ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """How many pledges, units and euros (units x catalogue unit value) a figure counts."""

    pledges: int = 0
    quantity: int = 0
    value_eur: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class MilestoneFigures:
    """Figures at each milestone that reports name (DOMAIN.md: a report says which milestone it counts).

    ``pledged``: every pledge not declined or withdrawn; ``committed``: committed or later; ``delivered``:
    handed over or received; ``received``: confirmed by the recipient, counting the quantity found.
    """

    pledged: Figure = field(default_factory=Figure)
    committed: Figure = field(default_factory=Figure)
    delivered: Figure = field(default_factory=Figure)
    received: Figure = field(default_factory=Figure)


@dataclass(frozen=True)
class DonorFigures:
    """One row of a by-nation breakdown: only what the viewer may see of that nation."""

    donor: str
    name: str
    figures: MilestoneFigures


@dataclass(frozen=True)
class PledgeTotals:
    """All-donors figures (every pledge counted) and, if asked for, the by-nation breakdown (visible only)."""

    all_donors: MilestoneFigures
    by_donor: tuple[DonorFigures, ...] = ()


_MEASURES: dict[str, Q] = {
    "pledged": ~Q(status__in=VOID_STATUSES),
    "committed": Q(status__in=COMMITTED_STATUSES),
    "delivered": Q(status__in=DELIVERED_STATUSES),
    "received": Q(status=PledgeStatus.RECEIVED),
}


def _grouped(pledges: QuerySet[Pledge], by_donor: bool) -> list[dict[str, Any]]:
    """Counts and unit sums per item (and donor), one query; values are priced in Python, exactly."""
    keys = ["donor", "item"] if by_donor else ["item"]
    annotations: dict[str, Any] = {}
    for name, condition in _MEASURES.items():
        units = "quantity_received" if name == "received" else "quantity"
        annotations[f"{name}_n"] = Count("id", filter=condition)
        annotations[f"{name}_q"] = Sum(units, filter=condition)
    # order_by() drops the model's default ordering, which would otherwise split the groups.
    return list(pledges.order_by().values(*keys).annotate(**annotations))


def _figures(rows: Iterable[dict[str, Any]], unit_values: dict[int, Decimal]) -> MilestoneFigures:
    totals: dict[str, list[Any]] = {name: [0, 0, Decimal("0.00")] for name in _MEASURES}
    for row in rows:
        unit = unit_values.get(row["item"], Decimal("0"))
        for name in _MEASURES:
            quantity = row[f"{name}_q"] or 0
            totals[name][0] += row[f"{name}_n"]
            totals[name][1] += quantity
            totals[name][2] += unit * quantity
    return MilestoneFigures(
        **{name: Figure(n, q, v.quantize(Decimal("0.01"))) for name, (n, q, v) in totals.items()}
    )


def all_donor_figures_by_family(user: Any) -> tuple[MilestoneFigures, dict[str, dict[str, int]]]:
    """All-donors figures in total, and units per item family at each milestone, from one grouped query.

    These are :func:`pledge_totals`' all-donors figures (a total over all donors may count every pledge,
    whatever its label), with the units also summed per family; the milestone definitions stay here, in one
    place. Asking :func:`pledge_totals` once per family would scan the pledges once per family instead.
    Nothing in the answer is broken down by nation.
    """
    if not is_signed_in(user):
        return MilestoneFigures(), {}
    items = list(Item.objects.values_list("pk", "family__code", "unit_value_eur"))
    family_of = {pk: family for pk, family, _ in items}
    unit_values = {pk: value for pk, _, value in items}
    rows = _grouped(Pledge.objects.all(), by_donor=False)
    per_family: dict[str, dict[str, int]] = {}
    for row in rows:
        family = family_of.get(row["item"])
        if family is None:
            continue
        units = per_family.setdefault(family, dict.fromkeys(_MEASURES, 0))
        for measure in _MEASURES:
            units[measure] += row[f"{measure}_q"] or 0
    return _figures(rows, unit_values), per_family


def pledge_totals(
    user: Any,
    *,
    by_donor: bool = False,
    donor: str | None = None,
    item: str | None = None,
    family: str | None = None,
    capability_area: str | None = None,
) -> PledgeTotals:
    """Pledge figures at each milestone, over all donors and optionally broken down by donor nation.

    The all-donors figures count every pledge, whatever its label: "totals over all donors together may
    include everything". Figures about one nation count only what ``user`` may see of it: each row of the
    breakdown (``by_donor=True``), and the all-donors figures themselves when ``donor`` narrows them to one
    nation. The other filters (``item``, ``family``, ``capability_area``, by code) keep all donors together.
    Users who are not signed in get zeros. Two to four queries, whatever the number of pledges.
    """
    if not is_signed_in(user):
        return PledgeTotals(all_donors=MilestoneFigures())
    everything = Pledge.objects.all()
    if item:
        everything = everything.filter(item__code=item)
    if family:
        everything = everything.filter(item__family__code=family)
    if capability_area:
        everything = everything.filter(item__family__capability_area__code=capability_area)
    visible = everything.filter(pledge_visibility_q(user))
    if donor:
        # A figure about one nation: only what the viewer may see of it.
        everything = visible.filter(donor_id=donor)
        visible = everything

    overall_rows = _grouped(everything, by_donor=False)
    donor_rows = _grouped(visible, by_donor=True) if by_donor else []
    item_ids = {row["item"] for row in overall_rows} | {row["item"] for row in donor_rows}
    unit_values = dict(Item.objects.filter(pk__in=item_ids).values_list("pk", "unit_value_eur"))

    breakdown: list[DonorFigures] = []
    if by_donor:
        per_donor: dict[str, list[dict[str, Any]]] = {}
        for row in donor_rows:
            per_donor.setdefault(row["donor"], []).append(row)
        names = dict(Nation.objects.filter(code__in=per_donor).values_list("code", "name"))
        breakdown = [
            DonorFigures(code, names.get(code, code), _figures(rows, unit_values))
            for code, rows in sorted(per_donor.items())
        ]
    return PledgeTotals(all_donors=_figures(overall_rows, unit_values), by_donor=tuple(breakdown))
