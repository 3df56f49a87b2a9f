"""The overview: required against pledged, committed, delivered and received, what is short, due and late.

Every figure comes from a selector, so it follows the visibility rules: the figures per capability area and
family are totals over all donors together (``pledge_totals``, which may count every pledge); the lists of
pledges due and past their date name individual pledges, so they hold only those the viewer may see
(``visible_pledges``). Requirements are the approved ones of the current priority-list version.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pledgeflow.accounts.permissions import is_coordinator
from pledgeflow.catalogue.selectors import list_families
from pledgeflow.planning.selectors import get_run, latest_succeeded_run, may_read_run_details
from pledgeflow.pledges.choices import SLIPPABLE, MilestoneKind, PledgeStatus
from pledgeflow.pledges.selectors import all_donor_figures_by_family, visible_pledges
from pledgeflow.requirements.choices import Priority, RequirementStatus
from pledgeflow.requirements.selectors import current_version, visible_requirements
from pledgeflow.web.exports import Column, export_response, requested_export
from pledgeflow.web.views import Cell, HeaderCell, query_string

__all__ = ["overview", "urlpatterns"]

#: How many days ahead "due" looks, and how many rows the short lists show (the exports hold them all).
DUE_DAYS = 30
SHORT_LIST = 15

#: Pledges on their way or about to be: committed (signed) and not yet handed over.
_ON_THEIR_WAY = (
    PledgeStatus.COMMITTED,
    PledgeStatus.CONTRACTED,
    PledgeStatus.DISPATCHED,
    PledgeStatus.AT_HUB,
)


@dataclass
class FamilyRow:
    """One family's figures: units required per priority, then pledged to received (all donors together)."""

    area: str
    area_name: str
    family: str
    name: str
    required: dict[int, int] = field(default_factory=dict)
    pledged: int = 0
    committed: int = 0
    delivered: int = 0
    received: int = 0
    is_area: bool = False

    @property
    def required_total(self) -> int:
        """Units required over every priority."""
        return sum(self.required.values())

    @property
    def critical(self) -> int:
        """Units required at priority 1 (critical)."""
        return self.required.get(Priority.CRITICAL, 0)

    @property
    def critical_shortfall(self) -> int:
        """Critical units not covered by committed pledges of the family (critical needs are served first)."""
        return max(self.critical - self.committed, 0)

    @property
    def shortfall(self) -> int:
        """Units required in all not covered by committed pledges of the family."""
        return max(self.required_total - self.committed, 0)

    @property
    def coverage(self) -> int | None:
        """Committed units as a percentage of the units required, uncapped (740 when 7.4 times covered).

        None when nothing is required: a percentage of zero means nothing.
        """
        if not self.required_total:
            return None
        return round(100 * self.committed / self.required_total)

    @property
    def coverage_bar(self) -> int:
        """The width of the coverage bar in percent: the figure, capped at 100 so the bar fits its cell."""
        return min(self.coverage or 0, 100)


@dataclass
class SimpleTable:
    """A table without pages (the short lists of the overview) for ``web/components/table.html``."""

    caption: str
    headers: list[HeaderCell]
    rows: list[list[Cell]]
    export_links: list[tuple[str, str]]
    empty_text: str
    total: int = 0


def _simple_table(
    caption: str,
    columns: list[Column],
    rows: list[Any],
    name: str,
    params: dict[str, Any],
    empty: str,
    total: int,
) -> SimpleTable:
    return SimpleTable(
        caption=caption,
        headers=[HeaderCell(c.key, str(c.header), c.numeric) for c in columns],
        rows=[
            [
                Cell(
                    c.display(r) if c.display else c.value(r),
                    c.kind,
                    c.link(r) if c.link else None,
                    c.numeric,
                    c.value(r),
                )
                for c in columns
            ]
            for r in rows
        ],
        export_links=[(fmt, query_string(params, export=fmt, table=name)) for fmt in ("csv", "xlsx")],
        empty_text=empty,
        total=total,
    )


# --- figures ----------------------------------------------------------------------------------------------


def family_rows(user: Any, units: dict[str, dict[str, int]], version: Any) -> list[FamilyRow]:
    """Per family, with a subtotal row per capability area before its families; families with figures only.

    ``version`` is the priority-list version whose approved requirements count (the current one).
    """
    required: dict[int, dict[int, int]] = defaultdict(dict)
    if version is not None:
        grouped = (
            visible_requirements(user, list_version=version, status=RequirementStatus.APPROVED)
            .order_by()
            # Grouped by the family's key, not its code: a join here leads SQLite away from the version index.
            .values("family", "priority")
            .annotate(units=Sum("quantity"))
        )
        for row in grouped:
            required[row["family"]][row["priority"]] = row["units"] or 0
    rows: list[FamilyRow] = []
    for family in list_families(user, active=None):
        pledged = units.get(family.code, {})
        if family.pk not in required and not pledged.get("pledged"):
            continue
        rows.append(
            FamilyRow(
                area=family.capability_area.code,
                area_name=family.capability_area.name,
                family=family.code,
                name=family.name,
                required=required.get(family.pk, {}),
                pledged=pledged.get("pledged", 0),
                committed=pledged.get("committed", 0),
                delivered=pledged.get("delivered", 0),
                received=pledged.get("received", 0),
            )
        )
    rows.sort(key=lambda r: (r.area_name, r.name))
    out: list[FamilyRow] = []
    for area in sorted({(r.area_name, r.area) for r in rows}):
        members = [r for r in rows if r.area == area[1]]
        subtotal = FamilyRow(area=area[1], area_name=area[0], family="", name=area[0], is_area=True)
        for r in members:
            for p, q in r.required.items():
                subtotal.required[p] = subtotal.required.get(p, 0) + q
            subtotal.pledged += r.pledged
            subtotal.committed += r.committed
            subtotal.delivered += r.delivered
            subtotal.received += r.received
        out.append(subtotal)
        out.extend(members)
    return out


def _family_columns() -> list[Column]:
    columns = [
        Column("area", gettext_lazy("Capability area"), lambda r: r.area_name),
        Column("family", gettext_lazy("Family"), lambda r: "" if r.is_area else r.name),
    ]
    for value, _label in Priority.choices:
        columns.append(
            Column(
                f"required_p{value}",
                gettext_lazy("Required, priority %(p)s") % {"p": value},
                lambda r, v=value: r.required.get(v, 0),
                kind="int",
            )
        )
    columns += [
        Column("required", gettext_lazy("Required"), lambda r: r.required_total, kind="int"),
        Column("pledged", gettext_lazy("Pledged"), lambda r: r.pledged, kind="int"),
        Column("committed", gettext_lazy("Committed"), lambda r: r.committed, kind="int"),
        Column("delivered", gettext_lazy("Delivered"), lambda r: r.delivered, kind="int"),
        Column("received", gettext_lazy("Received"), lambda r: r.received, kind="int"),
        Column("shortfall", gettext_lazy("Not yet committed"), lambda r: r.shortfall, kind="int"),
    ]
    return columns


def _pledge_link(p: Any) -> str:
    return reverse("pledge-detail", args=[p.pk])


def _due_columns() -> list[Column]:
    return [
        Column("reference", gettext_lazy("Pledge"), lambda p: p.reference, link=_pledge_link),
        Column("donor", gettext_lazy("Donor"), lambda p: p.donor_id),
        Column("item", gettext_lazy("Item"), lambda p: p.item.name),
        Column("quantity", gettext_lazy("Quantity"), lambda p: p.quantity, kind="int"),
        Column(
            "status",
            gettext_lazy("Milestone"),
            lambda p: p.status,
            kind="status",
            display=lambda p: _(p.get_status_display()),
        ),
        Column("available", gettext_lazy("Available"), lambda p: p.available, kind="date"),
    ]


def _slipped_columns(today: _dt.date) -> list[Column]:
    return [
        Column("reference", gettext_lazy("Pledge"), lambda p: p.reference, link=_pledge_link),
        Column("donor", gettext_lazy("Donor"), lambda p: p.donor_id),
        Column("item", gettext_lazy("Item"), lambda p: p.item.name),
        Column("quantity", gettext_lazy("Quantity"), lambda p: p.quantity, kind="int"),
        Column(
            "status",
            gettext_lazy("Milestone"),
            lambda p: p.status,
            kind="status",
            display=lambda p: _(p.get_status_display()),
        ),
        Column("available", gettext_lazy("Was due"), lambda p: p.available, kind="date"),
        Column("age", gettext_lazy("Days past its date"), lambda p: (today - p.available).days, kind="int"),
        Column("slips", gettext_lazy("Slips recorded"), lambda p: p.slips, kind="int"),
    ]


def _shortfall_columns() -> list[Column]:
    return [
        Column("area", gettext_lazy("Capability area"), lambda r: r.area_name),
        Column(
            "family",
            gettext_lazy("Family"),
            lambda r: r.name,
            link=lambda r: reverse("requirement-list") + query_string({"family": r.family, "priority": 1}),
        ),
        Column("critical", gettext_lazy("Critical units required"), lambda r: r.critical, kind="int"),
        Column("committed", gettext_lazy("Committed (all priorities)"), lambda r: r.committed, kind="int"),
        Column("shortfall", gettext_lazy("Critical shortfall"), lambda r: r.critical_shortfall, kind="int"),
    ]


def _package_readiness(user: Any) -> tuple[Any, list[dict[str, Any]]]:
    """The latest succeeded run's package readiness, for those who may read run details (else nothing)."""
    if not may_read_run_details(user):
        return None, []
    run = latest_succeeded_run(user)
    if run is None:
        return None, []
    full = get_run(user, run.pk, with_documents=True)
    plan = full.plan or {}
    packages = list(plan.get("packages") or [])
    if not packages:
        return run, []
    start = _dt.date.fromisoformat(
        str(plan.get("start") or (full.snapshot or {}).get("start") or timezone.localdate())
    )
    dates = [_dt.date.fromisoformat(p["readiness"]) for p in packages if p.get("readiness")]
    end = max([*dates, start + _dt.timedelta(days=1)])
    span = max((end - start).days, 1)
    out = []
    for p in packages:
        ready = _dt.date.fromisoformat(p["readiness"]) if p.get("readiness") else None
        bottleneck = p.get("bottleneck") or {}
        out.append(
            {
                "id": p.get("id"),
                "readiness": ready,
                "days_late": p.get("days_late"),
                "bottleneck": ", ".join(f"{k} {v}" for k, v in bottleneck.items()),
                "position": round(100 * (ready - start).days / span, 1) if ready else None,
            }
        )
    return run, out


@login_required
def overview(request: HttpRequest) -> HttpResponseBase:
    """The overview page (and its tables' exports: ``?export=csv&table=families``)."""
    user = request.user
    today = timezone.localdate()
    params = {k: v for k, v in request.GET.items() if k not in ("export", "table")}

    totals, units = all_donor_figures_by_family(user)
    version = current_version()
    rows = family_rows(user, units, version)
    families_only = [r for r in rows if not r.is_area]
    shortfalls = sorted(
        (r for r in families_only if r.critical_shortfall > 0), key=lambda r: (-r.critical_shortfall, r.name)
    )
    due = visible_pledges(
        user,
        status=list(_ON_THEIR_WAY),
        available_from=today,
        available_to=today + _dt.timedelta(days=DUE_DAYS),
    ).order_by("available", "reference")
    slipped = (
        visible_pledges(user, status=list(SLIPPABLE), available_to=today - _dt.timedelta(days=1))
        .annotate(slips=Count("milestones", filter=Q(milestones__milestone=MilestoneKind.SLIPPED)))
        .order_by("available", "reference")
    )

    fmt = requested_export(request)
    if fmt is not None:
        table = request.GET.get("table", "families")
        if table == "shortfalls":
            return export_response(fmt, "critical-shortfalls", _shortfall_columns(), shortfalls)
        if table == "due":
            return export_response(fmt, "deliveries-due", _due_columns(), due)
        if table == "slipped":
            return export_response(fmt, "pledges-past-their-date", _slipped_columns(today), slipped)
        return export_response(fmt, "overview-by-family", _family_columns(), rows)

    due_count = due.count()
    slipped_count = slipped.count()
    required_units = sum(r.required_total for r in families_only)
    critical_units = sum(r.critical for r in families_only)
    run, packages = _package_readiness(user)
    max_units = max(
        [r.required_total for r in rows if r.is_area] + [r.pledged for r in rows if r.is_area] + [1]
    )
    context = {
        "version": version,
        "rows": rows,
        "max_units": max_units,
        "priorities": Priority.choices,
        "required_units": required_units,
        "critical_units": critical_units,
        "totals": totals,
        "family_exports": [(f, query_string(params, export=f, table="families")) for f in ("csv", "xlsx")],
        "shortfalls": _simple_table(
            _("Largest shortfalls of critical needs"),
            _shortfall_columns(),
            shortfalls[:SHORT_LIST],
            "shortfalls",
            params,
            _("Every critical need is covered by committed pledges."),
            len(shortfalls),
        ),
        "due": _simple_table(
            _("Deliveries due in the next %(days)s days") % {"days": DUE_DAYS},
            _due_columns(),
            list(due[:SHORT_LIST]),
            "due",
            params,
            _("No delivery you may see is due in the next %(days)s days.") % {"days": DUE_DAYS},
            due_count,
        ),
        "slipped": _simple_table(
            _("Pledges past their date"),
            _slipped_columns(today),
            list(slipped[:SHORT_LIST]),
            "slipped",
            params,
            _("No pledge you may see is past its date."),
            slipped_count,
        ),
        "due_href": reverse("pledge-list")
        + query_string(
            {
                "available_from": today.isoformat(),
                "available_to": (today + _dt.timedelta(days=DUE_DAYS)).isoformat(),
            }
        ),
        "slipped_href": reverse("pledge-list") + query_string({"late": "on", "sort": "available"}),
        "run": run,
        "packages": packages,
        "short_list": SHORT_LIST,
        "today": today,
        "sees_everything": is_coordinator(user),
    }
    return render(request, "web/overview/overview.html", context)


urlpatterns = [path("overview/", overview, name="overview")]
