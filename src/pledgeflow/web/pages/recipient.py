"""The recipient's view: my requirements by priority, what is coming and when, receipts to confirm.

For the recipient's requirements officers (and the coordinators, who may do what they do). Reads go through
the selectors, so the pledges listed are those releasable to the recipient; receipt is confirmed through the
pledge service (``record_milestone(..., "received", quantity_received=..., condition=...)``) on the pledge's
receipt page, which returns here.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseBase
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pledgeflow.accounts.permissions import can_confirm_receipt
from pledgeflow.planning.selectors import latest_succeeded_run, list_allocations
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.pledges.selectors import visible_pledges
from pledgeflow.requirements.choices import Priority, RequirementStatus
from pledgeflow.requirements.selectors import current_version, visible_requirements
from pledgeflow.web.exports import Column
from pledgeflow.web.pages.records import pledge_columns, requirement_columns
from pledgeflow.web.views import render_table_page, table_page

__all__ = ["urlpatterns"]

#: Pledges coming: committed (signed) and not yet handed over.
COMING = (PledgeStatus.COMMITTED, PledgeStatus.CONTRACTED, PledgeStatus.DISPATCHED, PledgeStatus.AT_HUB)


def _require_recipient_side(user: Any) -> None:
    if not can_confirm_receipt(user):
        raise PermissionDenied(
            _("The recipient's view is for the recipient's requirements officers and coordinators.")
        )


def _tabs(current: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "recipient-home",
            "label": _("My requirements by priority"),
            "current": current == "recipient-home",
        },
        {
            "name": "recipient-coming",
            "label": _("What is coming and when"),
            "current": current == "recipient-coming",
        },
        {
            "name": "recipient-receipts",
            "label": _("Receipts to confirm"),
            "current": current == "recipient-receipts",
        },
    ]


@login_required
def requirements_by_priority(request: HttpRequest) -> HttpResponseBase:
    """The current list's approved requirements, most urgent first, with a count per priority."""
    user = request.user
    _require_recipient_side(user)
    version = current_version()
    requirements = visible_requirements(user, list_version="current", status=RequirementStatus.APPROVED)
    per_priority = {
        row["priority"]: row
        for row in requirements.order_by().values("priority").annotate(n=Count("id"), units=Sum("quantity"))
    }
    cards = [
        {
            "priority": value,
            "label": _(label),
            "count": per_priority.get(value, {}).get("n", 0),
            "units": per_priority.get(value, {}).get("units") or 0,
            "href": f"?priority={value}",
        }
        for value, label in Priority.choices
    ]
    wanted = request.GET.get("priority")
    if wanted and wanted.isdigit():
        requirements = requirements.filter(priority=int(wanted))
    columns = requirement_columns()
    run = latest_succeeded_run(user)
    if run is not None:
        # Units the latest plan allocates to each requirement from the pledges the user may see: one
        # subquery through the planning selector, so a page costs the same queries whatever its length.
        allocated = (
            list_allocations(user, run)
            .filter(requirement=OuterRef("pk"))
            .order_by()
            .values("requirement")
            .annotate(units=Sum("quantity"))
            .values("units")
        )
        requirements = requirements.annotate(allocated=Coalesce(Subquery(allocated), 0))
        columns.insert(
            [c.key for c in columns].index("quantity") + 1,
            Column(
                "allocated",
                gettext_lazy("Allocated by plan run %(n)s") % {"n": run.number},
                lambda r: r.allocated,
                kind="int",
            ),
        )
    table = table_page(
        request,
        queryset=requirements,
        columns=columns,
        default_sort="priority",
        caption=_("Approved requirements of the current list, most urgent first"),
        export_name="my-requirements",
    )
    return render_table_page(
        request,
        "web/recipient/requirements.html",
        table,
        {"tabs": _tabs("recipient-home"), "version": version, "cards": cards, "wanted": wanted},
    )


@login_required
def coming(request: HttpRequest) -> HttpResponseBase:
    """Committed pledges not yet handed over, by availability date: what is coming and when."""
    user = request.user
    _require_recipient_side(user)
    pledges = visible_pledges(user, status=list(COMING))
    table = table_page(
        request,
        queryset=pledges,
        columns=pledge_columns(),
        default_sort="available",
        caption=_("Committed pledges on their way, earliest first"),
        export_name="coming",
    )
    return render_table_page(request, "web/recipient/coming.html", table, {"tabs": _tabs("recipient-coming")})


def _receipt_columns() -> list[Column]:
    base = [
        c
        for c in pledge_columns()
        if c.key in ("reference", "donor", "item", "quantity", "available", "label")
    ]
    return [
        *base,
        Column(
            "confirm",
            gettext_lazy("Confirm"),
            lambda p: _("Confirm receipt of %(ref)s") % {"ref": p.reference},
            link=lambda p: reverse("pledge-receipt", args=[p.pk]) + "?next=" + reverse("recipient-receipts"),
        ),
    ]


@login_required
def receipts(request: HttpRequest) -> HttpResponseBase:
    """Pledges handed over at the destination, waiting for the recipient to confirm quantity and condition."""
    user = request.user
    _require_recipient_side(user)
    pledges = visible_pledges(user, status=PledgeStatus.HANDED_OVER)
    table = table_page(
        request,
        queryset=pledges,
        columns=_receipt_columns(),
        default_sort="available",
        caption=_("Handed over, waiting for confirmation of receipt"),
        export_name="receipts-to-confirm",
        empty_text=_("Nothing is waiting for confirmation."),
    )
    return render_table_page(
        request, "web/recipient/receipts.html", table, {"tabs": _tabs("recipient-receipts")}
    )


urlpatterns = [
    path("recipient/", requirements_by_priority, name="recipient-home"),
    path("recipient/coming/", coming, name="recipient-coming"),
    path("recipient/receipts/", receipts, name="recipient-receipts"),
]
