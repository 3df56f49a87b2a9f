"""Plan-run pages: start a run and follow it, review it (against the previous run and
first-come-first-served), lock and unlock its allocations, publish it.

Everyone signed in reads runs and their figures (totals over all donors); the allocations and comparisons list
only the pairs whose pledge the reader may see (:mod:`pledgeflow.planning.selectors`). Starting, locking and
publishing are the coordinators' (:mod:`pledgeflow.planning.services` refuses anyone else; the pages only
hide the buttons). Progress is followed by HTMX polling a small status fragment; without JavaScript the page
reloads itself while the run works.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pledgeflow.accounts.permissions import can_run_planner
from pledgeflow.core.errors import InvalidTransition, NotFound, ValidationError
from pledgeflow.planning import selectors, services
from pledgeflow.planning.choices import ACTIVE_RUN_STATUSES, PlanRunStatus
from pledgeflow.planning.models import PlanAllocation, PlanRun
from pledgeflow.planning.schemas import run_out
from pledgeflow.web.exports import Column
from pledgeflow.web.views import Cell, TablePage, is_table_request, not_found, table_page

__all__ = ["urlpatterns"]

PRIORITY_NAMES = {
    "1": gettext_lazy("1 critical"),
    "2": gettext_lazy("2 high"),
    "3": gettext_lazy("3 medium"),
    "4": gettext_lazy("4 routine"),
}
#: Changed pairs shown per page of a comparison.
COMPARE_PAGE_SIZE = 100


class AllocationFilterForm(forms.Form):
    """Filters of a run's allocations (the selector applies them after the visibility rule)."""

    donor = forms.CharField(label=gettext_lazy("Donor"), required=False, max_length=3)
    requirement = forms.CharField(label=gettext_lazy("Requirement"), required=False, max_length=64)
    pledge = forms.CharField(label=gettext_lazy("Pledge"), required=False, max_length=32)
    locked = forms.ChoiceField(
        label=gettext_lazy("Locked in this run"),
        required=False,
        choices=[("", gettext_lazy("any")), ("yes", gettext_lazy("yes")), ("no", gettext_lazy("no"))],
    )


def _run_or_404(request: HttpRequest, run_id: int, *, with_documents: bool = False) -> PlanRun:
    try:
        return selectors.get_run(request.user, run_id, with_documents=with_documents)
    except NotFound as exc:
        raise not_found(exc) from exc


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# --- the list of runs ---------------------------------------------------------------------------------------


@login_required
@require_GET
def run_list(request: HttpRequest) -> HttpResponse:
    """The plan runs, newest first, with the button that starts one (coordinators)."""
    runs = selectors.list_runs(request.user)
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    details = selectors.may_read_run_details(request.user)
    return render(
        request,
        "web/planning/runs.html",
        {
            "page": page,
            "runs": [(run, run_out(run, details=details)) for run in page.object_list],
            "may_run": can_run_planner(request.user),
            "active": any(run.status in ACTIVE_RUN_STATUSES for run in page.object_list),
        },
    )


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    """Start a plan run (coordinators; the service refuses anyone else with 403) and follow it."""
    run = services.start_plan_run(request.user)
    messages.success(request, _("Plan run %(number)s started.") % {"number": run.number})
    return HttpResponseRedirect(reverse("planning-run", args=[run.pk]))


# --- one run ------------------------------------------------------------------------------------------------


def _lock_states(request: HttpRequest, allocations: list[PlanAllocation]) -> dict[int, int]:
    """Active lock quantity per allocation id on this page (coordinators only: locks are theirs)."""
    if not can_run_planner(request.user) or not allocations:
        return {}
    locks = selectors.list_locks(request.user).filter(
        pledge_id__in={a.pledge_id for a in allocations},
        requirement__reference__in={a.requirement.reference for a in allocations},
    )
    by_pair = {(lock.pledge_id, lock.requirement.reference): lock.quantity for lock in locks}
    return {
        a.pk: by_pair[(a.pledge_id, a.requirement.reference)]
        for a in allocations
        if (a.pledge_id, a.requirement.reference) in by_pair
    }


def _allocation_columns() -> list[Column]:
    return [
        Column(
            "pledge",
            _("Pledge"),
            lambda a: a.pledge.reference,
            "code",
            sort="pledge__reference",
            link=lambda a: reverse("pledge-detail", args=[a.pledge_id]),
        ),
        Column(
            "donor",
            _("Donor"),
            lambda a: a.pledge.donor_id,
            "code",
            sort="pledge__donor_id,pledge__reference",
        ),
        Column("item", _("Item"), lambda a: a.pledge.item.name, sort="pledge__item__name"),
        Column(
            "requirement",
            _("Requirement"),
            lambda a: a.requirement.reference,
            "code",
            sort="requirement__reference",
            link=lambda a: reverse("requirement-detail", args=[a.requirement_id]),
        ),
        Column(
            "priority", _("Priority"), lambda a: a.requirement.priority, "int", sort="requirement__priority"
        ),
        Column(
            "need_by", _("Needed by"), lambda a: a.requirement.need_by, "date", sort="requirement__need_by"
        ),
        Column("quantity", _("Units"), lambda a: a.quantity, "int", sort="quantity"),
        Column("arrival", _("Arrives"), lambda a: a.arrival, "date", sort="arrival"),
        Column("days_late", _("Days late"), lambda a: a.days_late, "int", sort="days_late"),
        Column(
            "locked",
            _("Locked in this run"),
            lambda a: a.locked_quantity if a.locked else None,
            "int",
            sort="locked_quantity",
        ),
    ]


def _allocations_table(request: HttpRequest, run: PlanRun) -> TablePage | HttpResponseBase:
    form = AllocationFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "donor": (data["donor"] or "").upper() or None,
            "requirement": data["requirement"] or None,
            "pledge": data["pledge"] or None,
            "locked": {"yes": True, "no": False}.get(data["locked"]),
        }
    allocations = selectors.list_allocations(request.user, run, **filters)
    return table_page(
        request,
        queryset=allocations,
        columns=_allocation_columns(),
        default_sort="priority",
        caption=_("Allocations of plan run %(number)s") % {"number": run.number},
        export_name=f"plan-run-{run.number}-allocations",
        tiebreak=("pledge__reference", "requirement__reference", "pk"),
        empty_text=_("No allocations you may see match these filters."),
    )


def _baseline_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per priority: the plan's units on time, late and unmet beside first-come-first-served's."""
    rows = []
    for key, name in PRIORITY_NAMES.items():
        plan = summary["by_priority"].get(key, {})
        fcfs = summary["baseline_by_priority"].get(key, {})
        rows.append(
            {
                "priority": name,
                "required": plan.get("required", 0),
                "plan": plan,
                "fcfs": fcfs,
                "on_time_gain": plan.get("on_time", 0) - fcfs.get("on_time", 0),
                "unmet_gain": fcfs.get("unmet", 0) - plan.get("unmet", 0),
            }
        )
    return rows


def _compare_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Per priority: required, on time, late and unmet units before, after and the difference."""
    keys = ("required", "on_time", "late", "unmet")
    return [
        {"priority": name, "cells": [summary["by_priority"][key][k] for k in keys]}
        for key, name in PRIORITY_NAMES.items()
    ]


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponseBase:
    """One run: its progress while it works; once succeeded its figures, what moved, and its allocations."""
    # The plan document is large on big runs: exports and table refreshes do without it.
    run = _run_or_404(request, run_id)
    details = selectors.may_read_run_details(request.user)
    context: dict[str, Any] = {
        "run": run,
        "out": run_out(run, details=details),
        "details": details,
        "may_run": can_run_planner(request.user),
        "active": run.status in ACTIVE_RUN_STATUSES,
    }
    if run.status == PlanRunStatus.SUCCEEDED:
        table = _allocations_table(request, run)
        if not isinstance(table, TablePage):
            return table  # an export
        context["table"] = table
        context["filter_form"] = AllocationFilterForm(request.GET or None)
        context["lock_states"] = _lock_states(request, table.objects)
        context["rows"] = list(zip(table.objects, table.rows, strict=True))
        if is_table_request(request):
            return render(request, "web/planning/_allocations.html", context)
        out = run_out(run, details=details, summary=True)  # the summary is stored apart from the plan
        context["out"] = out
        if out.get("summary"):
            context["baseline_rows"] = _baseline_rows(out["summary"])
        if run.previous_id:
            try:
                comparison = selectors.compare(request.user, run.previous_id, run.pk)
            except (NotFound, ValidationError):
                comparison = None
            if comparison is not None:
                context["comparison"] = comparison
                context["compare_rows"] = _compare_rows(comparison["summary"])
                context["moved_preview"] = comparison["pairs"][:10]
        context["other_runs"] = selectors.list_runs(request.user, status=PlanRunStatus.SUCCEEDED).exclude(
            pk=run.pk
        )[:50]
        context["newer_published"] = (
            not run.published
            and selectors.list_runs(request.user).filter(published=True, number__gt=run.number).exists()
        )
    return render(request, "web/planning/run.html", context)


@login_required
@require_GET
def run_status(request: HttpRequest, run_id: int) -> HttpResponse:
    """The status fragment HTMX polls while a run works; once the run is done, it asks for a full reload."""
    run = _run_or_404(request, run_id)
    active = run.status in ACTIVE_RUN_STATUSES
    response = render(
        request,
        "web/planning/_status.html",
        {
            "run": run,
            "out": run_out(run, details=selectors.may_read_run_details(request.user)),
            "active": active,
        },
    )
    if not active and request.headers.get("HX-Request") == "true":
        # The page was drawn while the run worked: reload it whole to show the results.
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def run_compare(request: HttpRequest, run_id: int, other_id: int) -> HttpResponse:
    """What changed from run ``run_id`` to run ``other_id``, pair by pair, and why."""
    base = _run_or_404(request, run_id)
    other = _run_or_404(request, other_id)
    try:
        comparison = selectors.compare(request.user, base.pk, other.pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return render(request, "web/planning/compare.html", {"base": base, "other": other}, status=422)
    page = Paginator(comparison["pairs"], COMPARE_PAGE_SIZE).get_page(request.GET.get("page"))
    runs = selectors.list_runs(request.user, status=PlanRunStatus.SUCCEEDED).exclude(pk=other.pk)[:50]
    return render(
        request,
        "web/planning/compare.html",
        {
            "base": base,
            "other": other,
            "comparison": comparison,
            "compare_rows": _compare_rows(comparison["summary"]),
            "page": page,
            "other_runs": runs,
        },
    )


@login_required
@require_GET
def run_compare_pick(request: HttpRequest, run_id: int) -> HttpResponse:
    """The compare form's target (``?with=<run id>``): redirect to that comparison."""
    try:
        other = int(request.GET.get("with", ""))
    except ValueError:
        other = 0
    if other <= 0:  # no run, or not a run id at all
        return HttpResponseRedirect(reverse("planning-run", args=[run_id]))
    return HttpResponseRedirect(reverse("planning-run-compare", args=[other, run_id]))


# --- locks and publishing -----------------------------------------------------------------------------------


def _row_cells(columns: list[Column], row: Any) -> list[Cell]:
    """One row's cells as the shared table draws them (the same columns as the page and its exports)."""
    return [
        Cell(
            column.display(row) if column.display else column.value(row),
            column.kind,
            column.link(row) if column.link else None,
            column.numeric,
            column.value(row),
        )
        for column in columns
    ]


def _allocation_row(request: HttpRequest, run: PlanRun, allocation_id: int, error: str = "") -> HttpResponse:
    """The one table row HTMX swaps after a lock or unlock."""
    allocation = selectors.list_allocations(request.user, run).filter(pk=allocation_id).first()
    if allocation is None:
        raise not_found(NotFound("Allocation", allocation_id))
    return render(
        request,
        "web/planning/_allocation_row.html",
        {
            "run": run,
            "allocation": allocation,
            "cells": _row_cells(_allocation_columns(), allocation),
            "lock_quantity": _lock_states(request, [allocation]).get(allocation.pk),
            "may_run": can_run_planner(request.user),
            "error": error,
            "next": _safe_next(request, reverse("planning-run", args=[run.pk])),
        },
    )


def _after_lock_change(
    request: HttpRequest, run: PlanRun, allocation_id: int, done: str, error: str
) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return _allocation_row(request, run, allocation_id, error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return HttpResponseRedirect(_safe_next(request, reverse("planning-run", args=[run.pk])))


@login_required
@require_POST
def allocation_lock(request: HttpRequest, run_id: int, allocation_id: int) -> HttpResponse:
    """Lock an allocation (coordinators): every later run keeps at least the quantity on its pair."""
    run = _run_or_404(request, run_id)
    raw = (request.POST.get("quantity") or "").strip()
    error = ""
    quantity: int | None = None
    if raw:
        try:
            quantity = int(raw)
        except ValueError:
            error = _("Give the quantity to lock as a whole number of units; got “%(value)s”.") % {
                "value": raw
            }
    lock = None
    if not error:
        try:
            lock = services.lock_allocation(request.user, run.pk, allocation_id, quantity)
        except NotFound as exc:
            raise not_found(exc) from exc
        except ValidationError as exc:
            error = " ".join(exc.messages)
    done = (
        _("Locked %(quantity)s units of pledge %(pledge)s on requirement %(requirement)s.")
        % {
            "quantity": lock.quantity,
            "pledge": lock.pledge.reference,
            "requirement": lock.requirement.reference,
        }
        if lock
        else ""
    )
    return _after_lock_change(request, run, allocation_id, done, error)


@login_required
@require_POST
def allocation_unlock(request: HttpRequest, run_id: int, allocation_id: int) -> HttpResponse:
    """Release the lock on an allocation's pair (coordinators)."""
    run = _run_or_404(request, run_id)
    error = ""
    lock = None
    try:
        lock = services.unlock_allocation(
            request.user, run.pk, allocation_id, (request.POST.get("reason") or "")[:300]
        )
    except NotFound as exc:
        raise not_found(exc) from exc
    except ValidationError as exc:
        error = " ".join(exc.messages)
    done = (
        _("Released the lock of pledge %(pledge)s on requirement %(requirement)s.")
        % {"pledge": lock.pledge.reference, "requirement": lock.requirement.reference}
        if lock
        else ""
    )
    return _after_lock_change(request, run, allocation_id, done, error)


@login_required
@require_POST
def run_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    """Publish a succeeded run (coordinators): its allocations become proposals to the donors."""
    run = _run_or_404(request, run_id)
    try:
        services.publish_run(request.user, run.pk)
    except NotFound as exc:
        raise not_found(exc) from exc
    except InvalidTransition:
        messages.error(
            request,
            _(
                "Plan run %(number)s cannot be published: only a succeeded run that is not yet "
                "published can be."
            )
            % {"number": run.number},
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        proposals = selectors.list_proposals(request.user, run_id=run.pk).count()
        messages.success(
            request,
            _("Plan run %(number)s published: %(count)s proposals sent to the donors.")
            % {"number": run.number, "count": proposals},
        )
    return HttpResponseRedirect(reverse("planning-run", args=[run.pk]))


urlpatterns = [
    path("planning/runs/", run_list, name="planning-runs"),
    path("planning/runs/start/", run_start, name="planning-run-start"),
    path("planning/runs/<int:run_id>/", run_detail, name="planning-run"),
    path("planning/runs/<int:run_id>/status/", run_status, name="planning-run-status"),
    path("planning/runs/<int:run_id>/compare/", run_compare_pick, name="planning-run-compare-pick"),
    path("planning/runs/<int:run_id>/compare/<int:other_id>/", run_compare, name="planning-run-compare"),
    path("planning/runs/<int:run_id>/publish/", run_publish, name="planning-run-publish"),
    path(
        "planning/runs/<int:run_id>/allocations/<int:allocation_id>/lock/",
        allocation_lock,
        name="planning-allocation-lock",
    ),
    path(
        "planning/runs/<int:run_id>/allocations/<int:allocation_id>/unlock/",
        allocation_unlock,
        name="planning-allocation-unlock",
    ),
]
