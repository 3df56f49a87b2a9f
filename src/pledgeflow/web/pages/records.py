"""Requirements and pledges: lists (filter, search, sort, paginate, export), details, forms, status changes.

Every read goes through the selectors (``visible_requirements``, ``visible_pledges``, the ``..._for``
look-ups), every write through the services. A record the user may not see answers 404 here exactly as one
that does not exist; a change the user may not make answers 403 with the service's reason.
"""

from __future__ import annotations

import datetime as _dt
import json
import threading
from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pledgeflow.accounts.permissions import (
    can_confirm_receipt,
    can_manage_pledge,
    can_manage_requirements,
    is_coordinator,
)
from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from pledgeflow.planning.models import PlanRun
from pledgeflow.planning.selectors import get_run, latest_succeeded_run, list_allocations
from pledgeflow.pledges import services as pledge_services
from pledgeflow.pledges.choices import (
    EDITABLE_STATUSES as PLEDGE_EDITABLE,
)
from pledgeflow.pledges.choices import (
    SLIPPABLE,
    MilestoneKind,
    PledgeStatus,
    ReceiptCondition,
    Source,
    allowed_next,
)
from pledgeflow.pledges.models import Pledge
from pledgeflow.pledges.selectors import (
    get_pledge_for,
    pledge_history_for,
    pledge_milestones_for,
    visible_pledges,
)
from pledgeflow.requirements import services as requirement_services
from pledgeflow.requirements.choices import (
    EDITABLE_STATUSES as REQUIREMENT_EDITABLE,
)
from pledgeflow.requirements.choices import (
    REQUIREMENT_TRANSITIONS,
    Priority,
    RequirementStatus,
    VersionStatus,
)
from pledgeflow.requirements.models import Requirement
from pledgeflow.requirements.selectors import (
    current_version,
    draft_version,
    get_requirement_for,
    requirement_history_for,
    visible_requirements,
)
from pledgeflow.web import forms as web_forms
from pledgeflow.web.exports import Column
from pledgeflow.web.views import history_entries, render_table_page, service_call, table_page

__all__ = ["pledge_columns", "requirement_columns", "urlpatterns"]

_REFUSALS = (ValidationError, StaleVersion, InvalidTransition, PermissionDenied)


def _today() -> _dt.date:
    return timezone.localdate()


# --- columns (the table and its exports) -------------------------------------------------------------------


def requirement_columns() -> list[Column]:
    """The requirement table's columns, also its exports' (sortable only on indexed fields)."""
    return [
        Column(
            "reference",
            gettext_lazy("Reference"),
            lambda r: r.reference,
            sort="reference",
            link=lambda r: reverse("requirement-detail", args=[r.pk]),
        ),
        Column("version", gettext_lazy("List version"), lambda r: r.list_version.label),
        Column(
            "priority",
            gettext_lazy("Priority"),
            lambda r: r.priority,
            kind="text",
            sort="priority,need_by",
            display=lambda r: f"{r.priority} \u2013 {_(r.get_priority_display())}",
        ),
        Column("area", gettext_lazy("Capability area"), lambda r: r.capability_area.name),
        Column("family", gettext_lazy("Family"), lambda r: r.family.name),
        Column("item", gettext_lazy("Item"), lambda r: r.item.name if r.item_id else None),
        Column("quantity", gettext_lazy("Quantity"), lambda r: r.quantity, kind="int"),
        Column("need_by", gettext_lazy("Needed by"), lambda r: r.need_by, kind="date", sort="need_by"),
        Column("destination", gettext_lazy("Destination"), lambda r: r.destination.name),
        Column(
            "status",
            gettext_lazy("Status"),
            lambda r: r.status,
            kind="status",
            sort="status",
            display=lambda r: _(r.get_status_display()),
        ),
        Column("package", gettext_lazy("Package"), lambda r: r.package_code),
    ]


def _days_late(pledge: Pledge, today: _dt.date) -> int | None:
    """Days past its availability date for a pledge that has not left yet (None otherwise)."""
    if pledge.status in SLIPPABLE and pledge.available < today:
        return (today - pledge.available).days
    return None


def _releasable_codes(pledge: Pledge) -> str:
    """The nations an AMBER pledge is released to (only AMBER pledges are; the others skip the look-up,
    which matters when an export walks a hundred thousand rows)."""
    if pledge.sharing_label != SharingLabel.AMBER:
        return ""
    return " ".join(n.code for n in pledge.releasable_to.all())


def pledge_columns() -> list[Column]:
    """The pledge table's columns, also its exports'."""
    today = _today()
    return [
        Column(
            "reference",
            gettext_lazy("Reference"),
            lambda p: p.reference,
            sort="reference",
            link=lambda p: reverse("pledge-detail", args=[p.pk]),
        ),
        Column("donor", gettext_lazy("Donor"), lambda p: p.donor_id, sort="donor_id,reference"),
        Column("item", gettext_lazy("Item"), lambda p: p.item.name),
        Column("family", gettext_lazy("Family"), lambda p: p.item.family.name),
        Column("quantity", gettext_lazy("Quantity"), lambda p: p.quantity, kind="int"),
        Column("available", gettext_lazy("Available"), lambda p: p.available, kind="date", sort="available"),
        Column("days_late", gettext_lazy("Days past date"), lambda p: _days_late(p, today), kind="int"),
        Column(
            "status",
            gettext_lazy("Milestone"),
            lambda p: p.status,
            kind="status",
            sort="status,available",
            display=lambda p: _(p.get_status_display()),
        ),
        Column("received", gettext_lazy("Received"), lambda p: p.quantity_received, kind="int"),
        Column("label", gettext_lazy("Sharing label"), lambda p: p.sharing_label, kind="label"),
        Column("releasable_to", gettext_lazy("Releasable to"), _releasable_codes),
        Column("origin", gettext_lazy("Origin"), lambda p: p.origin.name),
        Column("source", gettext_lazy("Source"), lambda p: _(p.get_source_display())),
        Column("channel", gettext_lazy("Channel"), lambda p: _(p.get_channel_display())),
    ]


# --- requirement list -------------------------------------------------------------------------------------


def _default_version_key(user: Any) -> str:
    """The version a list opens on: the draft for those who edit it, else the current approved one."""
    if can_manage_requirements(user):
        draft = draft_version()
        if draft is not None:
            return str(draft.pk)
    current = current_version()
    return str(current.pk) if current is not None else "all"


def filtered_requirements(request: HttpRequest) -> tuple[web_forms.RequirementFilterForm, QuerySet[Any]]:
    """The filter form and the requirements it selects, through the selector (visibility first)."""
    user = request.user
    data = request.GET.copy()
    if not data.get("list_version"):
        data["list_version"] = _default_version_key(user)
    form = web_forms.RequirementFilterForm(data, user=user)
    form.is_valid()
    f = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    version = f.get("list_version") or data["list_version"]
    requirements = visible_requirements(
        user,
        list_version=None if version == "all" else version,
        status=f.get("status") or None,
        priority=int(f["priority"]) if f.get("priority") else None,
        capability_area=f.get("capability_area") or None,
        family=f.get("family") or None,
        need_by_from=f.get("need_by_from"),
        need_by_to=f.get("need_by_to"),
    )
    search = (f.get("q") or "").strip()
    if search:
        requirements = requirements.filter(
            Q(reference__icontains=search)
            | Q(family__name__icontains=search)
            | Q(item__name__icontains=search)
            | Q(package_code__icontains=search)
        )
    return form, requirements


@login_required
def requirement_list(request: HttpRequest) -> HttpResponseBase:
    """The requirement list: filters, search, sort, pages, exports."""
    form, requirements = filtered_requirements(request)
    table = table_page(
        request,
        queryset=requirements,
        columns=requirement_columns(),
        default_sort="priority",
        caption=_("Requirements"),
        export_name="requirements",
    )
    return render_table_page(
        request,
        "web/records/requirement_list.html",
        table,
        {
            "filter_form": form,
            "can_create": can_manage_requirements(request.user),
            "can_approve_version": is_coordinator(request.user),
            "draft": draft_version(),
            "current": current_version(),
        },
    )


# --- requirement detail -----------------------------------------------------------------------------------


def _requirement_actions(user: Any, requirement: Requirement) -> list[dict[str, str]]:
    """The status changes this user may make on this requirement now, as buttons."""
    if not can_manage_requirements(user):
        return []
    names = {
        RequirementStatus.SUBMITTED: _("Submit for approval"),
        RequirementStatus.DRAFT: _("Return to draft"),
        RequirementStatus.APPROVED: _("Approve"),
        RequirementStatus.CLOSED: _("Close (need met)"),
    }
    actions = []
    for target in REQUIREMENT_TRANSITIONS[requirement.status]:
        if target == RequirementStatus.CANCELLED:
            continue  # cancelling has its own confirmation page
        if target == RequirementStatus.APPROVED and not is_coordinator(user):
            continue  # approval is joint: the recipient submits, a coordinator approves
        actions.append({"target": str(target), "label": str(names[target])})
    return actions


@login_required
def requirement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One requirement: what it asks, its status actions, its allocations, its history, the explanation."""
    user = request.user
    try:
        requirement = get_requirement_for(user, pk)
        history = history_entries(requirement_history_for(user, pk))
    except NotFound as exc:
        raise Http404(str(exc)) from None
    run = latest_succeeded_run(user)
    allocations = (
        list(
            list_allocations(user, run, requirement=requirement.reference).order_by(
                "arrival", "pledge__reference"
            )
        )
        if run is not None
        else []
    )
    manage = can_manage_requirements(user)
    editable = (
        manage
        and requirement.list_version.status == VersionStatus.DRAFT
        and requirement.status in REQUIREMENT_EDITABLE
    )
    return render(
        request,
        "web/records/requirement_detail.html",
        {
            "requirement": requirement,
            "history": history,
            "run": run,
            "allocations": allocations,
            "allocated": sum(a.quantity for a in allocations),
            "actions": _requirement_actions(user, requirement),
            "can_edit": editable,
            "can_cancel": manage
            and RequirementStatus.CANCELLED in REQUIREMENT_TRANSITIONS[requirement.status],
            "today": _today(),
        },
    )


def _require_manager(user: Any) -> None:
    if not can_manage_requirements(user):
        raise DjangoPermissionDenied(
            _("Only the recipient's requirements officers and the coordinators manage requirements.")
        )


@login_required
def requirement_create(request: HttpRequest) -> HttpResponse:
    """A new requirement on the draft list version; errors appear beside the fields, input kept."""
    user = request.user
    _require_manager(user)
    draft = draft_version()
    if request.method == "POST":
        form = web_forms.RequirementForm(request.POST, user=user)
        if form.is_valid():
            ok, created = service_call(
                form,
                lambda: requirement_services.create_requirement(
                    user, reference=form.cleaned_data.get("reference") or None, **form.service_values()
                ),
            )
            if ok:
                messages.success(
                    request, _("Requirement %(ref)s saved as a draft.") % {"ref": created.reference}
                )
                return redirect("requirement-detail", pk=created.pk)
    else:
        form = web_forms.RequirementForm(user=user, initial={"priority": Priority.HIGH})
    return render(
        request,
        "web/records/requirement_form.html",
        {"form": form, "draft": draft, "title": _("New requirement")},
        status=422 if request.method == "POST" else 200,
    )


def _requirement_initial(requirement: Requirement) -> dict[str, Any]:
    return {
        "family": requirement.family.code,
        "item": requirement.item.code if requirement.item_id else "",
        "quantity": requirement.quantity,
        "priority": requirement.priority,
        "need_by": requirement.need_by,
        "destination": requirement.destination.code,
        "package_code": requirement.package_code or "",
        "justification": requirement.justification,
        "version": requirement.version,
    }


def _differences(initial_now: dict[str, Any], typed: dict[str, Any]) -> dict[str, Any]:
    """Current values of the record that differ from what the user typed (shown after a stale save)."""
    out = {}
    for name, value in initial_now.items():
        if name == "version":
            continue
        if str(typed.get(name, "") or "") != str(value or ""):
            out[name] = value if value not in (None, "") else "\u2013"
    return out


_MISSING_VERSION = gettext_lazy(
    "This form was sent without the version of the record it changes, so it could overwrite someone else's "
    "change. Reload the page and make your change again."
)


def _version_seen(form: Any) -> bool:
    """True when an edit form names the version it was based on; else say so on the form (nothing is saved).

    Falling back to the current version would let a form opened before someone else's change overwrite it.
    """
    if form.cleaned_data.get("version"):
        return True
    form.add_error(None, str(_MISSING_VERSION))
    return False


@login_required
def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a requirement based on the version the user saw; a stale save keeps the input."""
    user = request.user
    try:
        requirement = get_requirement_for(user, pk)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    _require_manager(user)
    current_values: dict[str, Any] = {}
    if request.method == "POST":
        form = web_forms.RequirementForm(request.POST, user=user, editing=True)
        if form.is_valid() and _version_seen(form):
            expected = form.cleaned_data["version"]
            try:
                updated = requirement_services.update_requirement(
                    user, requirement, form.service_values(), expected
                )
            except _REFUSALS as exc:
                from pledgeflow.web.views import apply_service_error

                apply_service_error(form, exc)
                if isinstance(exc, StaleVersion):
                    fresh = get_requirement_for(user, pk)
                    current_values = _differences(_requirement_initial(fresh), form.cleaned_data)
                    data = request.POST.copy()
                    data["version"] = str(fresh.version)
                    errors = form.errors
                    form = web_forms.RequirementForm(data, user=user, editing=True)
                    form.is_valid()
                    form._errors = errors  # keep the stale-version message with the user's input
            else:
                messages.success(request, _("Requirement %(ref)s saved.") % {"ref": updated.reference})
                return redirect("requirement-detail", pk=updated.pk)
    else:
        form = web_forms.RequirementForm(initial=_requirement_initial(requirement), user=user, editing=True)
    return render(
        request,
        "web/records/requirement_form.html",
        {
            "form": form,
            "requirement": requirement,
            "title": _("Change requirement %(ref)s") % {"ref": requirement.reference},
            "current_values": current_values,
        },
        status=422 if request.method == "POST" else 200,
    )


_REQUIREMENT_MOVES: dict[str, Any] = {
    RequirementStatus.SUBMITTED: requirement_services.submit_requirement,
    RequirementStatus.DRAFT: requirement_services.return_requirement_to_draft,
    RequirementStatus.APPROVED: requirement_services.approve_requirement,
    RequirementStatus.CLOSED: requirement_services.close_requirement,
}


def _refusal_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@login_required
@require_POST
def requirement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, return, approve or close a requirement (one button each on the detail page)."""
    user = request.user
    try:
        requirement = get_requirement_for(user, pk)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    target = request.POST.get("target", "")
    move = _REQUIREMENT_MOVES.get(target)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, str(_MISSING_VERSION))
        return redirect("requirement-detail", pk=pk)
    if move is None:
        messages.error(request, _("Unknown status change %(target)r.") % {"target": target})
        return redirect("requirement-detail", pk=pk)
    try:
        move(user, requirement, version, note=request.POST.get("note", ""))
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc)) from None
    except _REFUSALS as exc:
        messages.error(request, _refusal_message(exc))
    else:
        messages.success(
            request,
            _("Requirement %(ref)s is now %(status)s.")
            % {
                "ref": requirement.reference,
                "status": _(RequirementStatus(target).label),
            },
        )
    return redirect("requirement-detail", pk=pk)


@login_required
def requirement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a requirement after confirmation (nothing is deleted; the history keeps it)."""
    user = request.user
    try:
        requirement = get_requirement_for(user, pk)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    _require_manager(user)
    form = web_forms.NoteForm(request.POST or None, initial={"version": requirement.version})
    if request.method == "POST" and form.is_valid():
        ok, _done = service_call(
            form,
            lambda: requirement_services.cancel_requirement(
                user, requirement, form.cleaned_data["version"], note=form.cleaned_data["note"]
            ),
        )
        if ok:
            messages.success(request, _("Requirement %(ref)s cancelled.") % {"ref": requirement.reference})
            return redirect("requirement-detail", pk=pk)
    return render(
        request,
        "web/components/confirm.html",
        {
            "form": form,
            "title": _("Cancel requirement %(ref)s") % {"ref": requirement.reference},
            "question": _(
                "The requirement stays on record, cancelled, with its history; the planner stops planning "
                "it. Cancel it?"
            ),
            "confirm_label": _("Cancel the requirement"),
            "cancel_href": reverse("requirement-detail", args=[pk]),
        },
    )


# --- list versions --------------------------------------------------------------------------------------


@login_required
def list_version_start(request: HttpRequest) -> HttpResponse:
    """Start the next draft version of the list (a copy of the current one's open needs), on confirmation."""
    user = request.user
    _require_manager(user)
    current = current_version()
    form = web_forms.VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, version = service_call(
            form,
            lambda: requirement_services.start_next_version(
                user, label=form.cleaned_data["label"] or None, note=form.cleaned_data["note"]
            ),
        )
        if ok:
            messages.success(
                request,
                _("List version %(label)s started as a draft, with %(count)s requirements carried over.")
                % {"label": version.label, "count": version.requirements.count()},
            )
            return redirect(reverse("requirement-list") + f"?list_version={version.pk}")
    return render(
        request,
        "web/records/list_version_form.html",
        {
            "form": form,
            "title": _("Start the next list version"),
            "explanation": _(
                "The next version starts as a copy of the approved requirements of the current version "
                "%(label)s; change them there, add new ones, and submit them for approval."
            )
            % {"label": current.label if current else "\u2013"},
            "confirm_label": _("Start the next version"),
        },
        status=422 if form.errors else 200,
    )


@login_required
def list_version_approve(request: HttpRequest) -> HttpResponse:
    """Approve the draft version (coordinators): its submitted requirements are approved, the list frozen."""
    user = request.user
    if not is_coordinator(user):
        raise DjangoPermissionDenied(
            _("Approval is joint: the recipient's requirements officer submits, a coordinator approves.")
        )
    draft = draft_version()
    if draft is None:
        raise Http404(_("There is no draft list version to approve."))
    form = web_forms.VersionForm(request.POST or None)
    form.fields.pop("label")
    if request.method == "POST" and form.is_valid():
        ok, version = service_call(
            form, lambda: requirement_services.approve_version(user, draft, note=form.cleaned_data["note"])
        )
        if ok:
            messages.success(
                request,
                _("List version %(label)s approved; it is now the current list.") % {"label": version.label},
            )
            return redirect(reverse("requirement-list") + f"?list_version={version.pk}")
    return render(
        request,
        "web/records/list_version_form.html",
        {
            "form": form,
            "title": _("Approve list version %(label)s") % {"label": draft.label},
            "explanation": _(
                "Every submitted requirement on %(label)s is approved and the version becomes the current, "
                "frozen list the planner plans. Requirements still in draft must be submitted or cancelled "
                "first."
            )
            % {"label": draft.label},
            "confirm_label": _("Approve the version"),
        },
        status=422 if form.errors else 200,
    )


# --- pledge list ------------------------------------------------------------------------------------------


def filtered_pledges(request: HttpRequest) -> tuple[web_forms.PledgeFilterForm, QuerySet[Any]]:
    """The filter form and the pledges it selects, through the selector (visibility first)."""
    user = request.user
    form = web_forms.PledgeFilterForm(request.GET or None, user=user)
    f = form.cleaned_data if form.is_bound and form.is_valid() else {}
    pledges = visible_pledges(
        user,
        donor=f.get("donor") or None,
        status=f.get("status") or None,
        sharing_label=f.get("sharing_label") or None,
        capability_area=f.get("capability_area") or None,
        family=f.get("family") or None,
        source=f.get("source") or None,
        channel=f.get("channel") or None,
        available_from=f.get("available_from"),
        available_to=f.get("available_to"),
    )
    # The tables show the releasable-to nations but not the allowed destinations: load only the former
    # (same rows; an export of a hundred thousand pledges saves a prefetch per row).
    pledges = pledges.prefetch_related(None).prefetch_related("releasable_to")
    if f.get("late"):
        pledges = pledges.filter(status__in=SLIPPABLE, available__lt=_today())
    search = (f.get("q") or "").strip()
    if search:
        pledges = pledges.filter(
            Q(reference__icontains=search) | Q(item__name__icontains=search) | Q(item__code__icontains=search)
        )
    return form, pledges


@login_required
def pledge_list(request: HttpRequest) -> HttpResponseBase:
    """The pledge list: only the pledges the user may see, filtered, sorted, paged, exported."""
    form, pledges = filtered_pledges(request)
    table = table_page(
        request,
        queryset=pledges,
        columns=pledge_columns(),
        default_sort="reference",
        caption=_("Pledges"),
        export_name="pledges",
    )
    user = request.user
    can_create = is_coordinator(user) or can_manage_pledge(user, getattr(user, "nation_id", None))
    return render_table_page(
        request, "web/records/pledge_list.html", table, {"filter_form": form, "can_create": can_create}
    )


# --- pledge detail ----------------------------------------------------------------------------------------


def _path(pledge: Pledge) -> list[str]:
    """The milestones a pledge goes through on the way to received (contracted only for procurement)."""
    steps = [PledgeStatus.OFFERED, PledgeStatus.COMMITTED]
    if pledge.source == Source.PROCUREMENT:
        steps.append(PledgeStatus.CONTRACTED)
    steps += [PledgeStatus.DISPATCHED, PledgeStatus.AT_HUB, PledgeStatus.HANDED_OVER, PledgeStatus.RECEIVED]
    return [str(s) for s in steps]


def pledge_timeline(pledge: Pledge, log: list[Any]) -> list[dict[str, Any]]:
    """The milestone log as timeline steps (reached, with who and when), then the milestones still ahead."""
    steps: list[dict[str, Any]] = []
    reached = set()
    for entry in log:
        reached.add(entry.milestone)
        steps.append(
            {
                "kind": entry.milestone,
                "label": _(MilestoneKind(entry.milestone).label)
                if entry.milestone in MilestoneKind.values
                else "",
                "state": "done",
                "on": entry.on,
                "by": entry.recorded_by.get_username() if entry.recorded_by_id else "",
                "note": entry.note,
                "old_date": entry.old_date,
                "new_date": entry.new_date,
                "quantity_received": entry.quantity_received,
                "condition": _(ReceiptCondition(entry.condition).label) if entry.condition else "",
            }
        )
    if pledge.status not in reached:
        # A record imported at its milestone carries no log entry for it: show the milestone, undated.
        steps.append({"kind": pledge.status, "label": _(PledgeStatus(pledge.status).label), "state": "done"})
    for step in reversed(steps):
        if step["kind"] != MilestoneKind.SLIPPED:
            step["state"] = "current"
            break
    if pledge.status in (PledgeStatus.WITHDRAWN, PledgeStatus.DECLINED):
        return steps
    path = _path(pledge)
    position = path.index(pledge.status) if pledge.status in path else 0
    for status in path[position + 1 :]:
        if status == PledgeStatus.AT_HUB:
            continue  # an optional stop: shown once reached, not as a step ahead
        steps.append({"kind": status, "label": _(PledgeStatus(status).label), "state": "ahead"})
    return steps


def _pledge_actions(user: Any, pledge: Pledge) -> list[dict[str, str]]:
    """The milestones this user may record on this pledge now (the service checks again on saving)."""
    actions = []
    for target in allowed_next(pledge.status, pledge.source):
        if target in (PledgeStatus.WITHDRAWN, PledgeStatus.DECLINED, PledgeStatus.RECEIVED):
            continue  # each has its own page (confirmation, or the receipt form)
        if can_manage_pledge(user, pledge.donor_id):
            actions.append({"target": str(target), "label": _(PledgeStatus(target).label)})
    return actions


@login_required
def pledge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One pledge: its facts, milestone timeline, actions, allocations, history and the explanation."""
    user = request.user
    try:
        pledge = get_pledge_for(user, pk)
        log = list(pledge_milestones_for(user, pk))
        history = history_entries(pledge_history_for(user, pk))
    except NotFound as exc:
        raise Http404(str(exc)) from None
    run = latest_succeeded_run(user)
    allocations = (
        list(
            list_allocations(user, run, pledge=pledge.reference)
            .select_related("requirement__family")
            .order_by("arrival", "requirement__reference")
        )
        if run is not None
        else []
    )
    next_steps = allowed_next(pledge.status, pledge.source)
    manage = can_manage_pledge(user, pledge.donor_id)
    return render(
        request,
        "web/records/pledge_detail.html",
        {
            "pledge": pledge,
            "timeline": pledge_timeline(pledge, log),
            "history": history,
            "run": run,
            "allocations": allocations,
            "actions": _pledge_actions(user, pledge),
            "can_edit": manage,
            "can_slip": manage and pledge.status in SLIPPABLE,
            "can_withdraw": manage and PledgeStatus.WITHDRAWN in next_steps,
            "can_decline": PledgeStatus.DECLINED in next_steps and can_confirm_receipt(user),
            "can_receive": PledgeStatus.RECEIVED in next_steps and can_confirm_receipt(user),
            "days_late": _days_late(pledge, _today()),
            "today": _today(),
            "frozen": pledge.status not in PLEDGE_EDITABLE,
        },
    )


def _get_pledge_or_404(user: Any, pk: int) -> Pledge:
    try:
        return get_pledge_for(user, pk)
    except NotFound as exc:
        raise Http404(str(exc)) from None


def _pledge_initial(pledge: Pledge) -> dict[str, Any]:
    return {
        "donor": pledge.donor_id,
        "item": pledge.item.code,
        "quantity": pledge.quantity,
        "available": pledge.available,
        "origin": pledge.origin.code,
        "allowed_destinations": [loc.code for loc in pledge.allowed_destinations.all()],
        "source": pledge.source,
        "channel": pledge.channel,
        "sharing_label": pledge.sharing_label,
        "releasable_to": [n.code for n in pledge.releasable_to.all()],
        "note": pledge.note,
        "version": pledge.version,
    }


@login_required
def pledge_create(request: HttpRequest) -> HttpResponse:
    """Record a pledge (donor liaisons for their nation, coordinators for any)."""
    user = request.user
    if not (is_coordinator(user) or can_manage_pledge(user, getattr(user, "nation_id", None))):
        raise DjangoPermissionDenied(_("Only donor liaisons and the coordinators record pledges."))
    if request.method == "POST":
        form = web_forms.PledgeForm(request.POST, user=user)
        if form.is_valid():
            ok, created = service_call(
                form,
                lambda: pledge_services.create_pledge(
                    user,
                    reference=form.cleaned_data.get("reference") or None,
                    offered_on=form.cleaned_data.get("offered_on"),
                    **form.service_values(),
                ),
            )
            if ok:
                messages.success(request, _("Pledge %(ref)s recorded.") % {"ref": created.reference})
                return redirect("pledge-detail", pk=created.pk)
    else:
        form = web_forms.PledgeForm(user=user, initial={"donor": getattr(user, "nation_id", None)})
    return render(
        request,
        "web/records/pledge_form.html",
        {"form": form, "title": _("New pledge")},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def pledge_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a pledge based on the version the user saw; a stale save keeps the input."""
    user = request.user
    pledge = _get_pledge_or_404(user, pk)
    if not can_manage_pledge(user, pledge.donor_id):
        raise DjangoPermissionDenied(
            _("Only the donor nation's liaison and the coordinators change this pledge.")
        )
    current_values: dict[str, Any] = {}
    initial = _pledge_initial(pledge)
    if request.method == "POST":
        form = web_forms.PledgeForm(request.POST, user=user, editing=True, initial=initial)
        if form.is_valid() and _version_seen(form):
            expected = form.cleaned_data["version"]
            changes = {k: v for k, v in form.service_values().items() if k in form.changed_data}
            try:
                updated = pledge_services.update_pledge(user, pledge, changes, expected)
            except _REFUSALS as exc:
                from pledgeflow.web.views import apply_service_error

                apply_service_error(form, exc)
                if isinstance(exc, StaleVersion):
                    fresh = get_pledge_for(user, pk)
                    current_values = _differences(_pledge_initial(fresh), form.cleaned_data)
                    data = request.POST.copy()
                    data["version"] = str(fresh.version)
                    errors = form.errors
                    form = web_forms.PledgeForm(data, user=user, editing=True, initial=_pledge_initial(fresh))
                    form.is_valid()
                    form._errors = errors
            else:
                messages.success(request, _("Pledge %(ref)s saved.") % {"ref": updated.reference})
                return redirect("pledge-detail", pk=updated.pk)
    else:
        form = web_forms.PledgeForm(initial=initial, user=user, editing=True)
    return render(
        request,
        "web/records/pledge_form.html",
        {
            "form": form,
            "pledge": pledge,
            "title": _("Change pledge %(ref)s") % {"ref": pledge.reference},
            "current_values": current_values,
        },
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def pledge_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the next milestone (committed, contracted, dispatched, at hub, handed over)."""
    user = request.user
    pledge = _get_pledge_or_404(user, pk)
    form = web_forms.TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The milestone was not recorded: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return redirect("pledge-detail", pk=pk)
    target = form.cleaned_data["target"]
    try:
        pledge_services.record_milestone(
            user,
            pledge,
            target,
            form.cleaned_data["version"],
            on=form.cleaned_data.get("on"),
            note=form.cleaned_data.get("note", ""),
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc)) from None
    except _REFUSALS as exc:
        messages.error(request, _refusal_message(exc))
    else:
        label = _(PledgeStatus(target).label) if target in PledgeStatus.values else target
        messages.success(
            request,
            _("Pledge %(ref)s: %(milestone)s recorded.")
            % {
                "ref": pledge.reference,
                "milestone": label,
            },
        )
    return redirect("pledge-detail", pk=pk)


def _confirm_pledge(
    request: HttpRequest, pk: int, *, action: Any, title: str, question: str, label: str, done: str
) -> HttpResponse:
    user = request.user
    pledge = _get_pledge_or_404(user, pk)
    form = web_forms.NoteForm(request.POST or None, initial={"version": pledge.version})
    if request.method == "POST" and form.is_valid():
        try:
            action(user, pledge, form.cleaned_data["version"], note=form.cleaned_data["note"])
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(str(exc)) from None
        except _REFUSALS as exc:
            from pledgeflow.web.views import apply_service_error

            apply_service_error(form, exc)
        else:
            messages.success(request, done % {"ref": pledge.reference})
            return redirect("pledge-detail", pk=pk)
    return render(
        request,
        "web/components/confirm.html",
        {
            "form": form,
            "title": title % {"ref": pledge.reference},
            "question": question,
            "confirm_label": label,
            "cancel_href": reverse("pledge-detail", args=[pk]),
        },
    )


@login_required
def pledge_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a pledge after confirmation (it stays on record, withdrawn)."""
    return _confirm_pledge(
        request,
        pk,
        action=pledge_services.withdraw_pledge,
        title=_("Withdraw pledge %(ref)s"),
        question=_(
            "The pledge stays on record, withdrawn, with its history; it no longer counts as pledged."
        ),
        label=_("Withdraw the pledge"),
        done=_("Pledge %(ref)s withdrawn."),
    )


@login_required
def pledge_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """Decline an offered pledge after confirmation (the recipient's officers, coordinators)."""
    return _confirm_pledge(
        request,
        pk,
        action=pledge_services.decline_pledge,
        title=_("Decline pledge %(ref)s"),
        question=_("Declining tells the donor the offer is not wanted; say why below."),
        label=_("Decline the offer"),
        done=_("Pledge %(ref)s declined."),
    )


@login_required
def pledge_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a slip: a new availability date, the old one kept in the milestone log."""
    user = request.user
    pledge = _get_pledge_or_404(user, pk)
    if not can_manage_pledge(user, pledge.donor_id):
        raise DjangoPermissionDenied(_("Only the donor nation's liaison and the coordinators record a slip."))
    form = web_forms.SlipForm(request.POST or None, initial={"version": pledge.version})
    if request.method == "POST" and form.is_valid():
        ok, _done = service_call(
            form,
            lambda: pledge_services.slip_pledge(
                user,
                pledge,
                form.cleaned_data["new_date"],
                form.cleaned_data["version"],
                note=form.cleaned_data["note"],
            ),
        )
        if ok:
            messages.success(
                request, _("Pledge %(ref)s: new availability date recorded.") % {"ref": pledge.reference}
            )
            return redirect("pledge-detail", pk=pk)
    return render(
        request,
        "web/records/pledge_action.html",
        {"form": form, "pledge": pledge, "title": _("Record a slip of %(ref)s") % {"ref": pledge.reference}},
        status=422 if form.errors else 200,
    )


def _safe_next(request: HttpRequest) -> str:
    """The ``next`` page to return to, only when it is on this site (never an open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


@login_required
def pledge_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm receipt of a handed-over pledge: the quantity and condition found."""
    user = request.user
    pledge = _get_pledge_or_404(user, pk)
    if not can_confirm_receipt(user):
        raise DjangoPermissionDenied(
            _("Receipt is confirmed by the recipient's requirements officers and the coordinators.")
        )
    form = web_forms.ReceiptForm(
        request.POST or None, initial={"version": pledge.version, "quantity_received": pledge.quantity}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, _done = service_call(
            form,
            lambda: pledge_services.record_milestone(
                user,
                pledge,
                PledgeStatus.RECEIVED,
                data["version"],
                on=data.get("on"),
                note=data.get("note", ""),
                quantity_received=data["quantity_received"],
                condition=data["condition"] or None,
            ),
        )
        if ok:
            messages.success(request, _("Receipt of %(ref)s confirmed.") % {"ref": pledge.reference})
            return redirect(_safe_next(request) or reverse("pledge-detail", args=[pk]))
    return render(
        request,
        "web/records/pledge_action.html",
        {
            "form": form,
            "pledge": pledge,
            "title": _("Confirm receipt of %(ref)s") % {"ref": pledge.reference},
            "next": _safe_next(request),
        },
        status=422 if form.errors else 200,
    )


# --- the planner's explanation ------------------------------------------------------------------------------


_DATE_KEYS = frozenset({"arrival", "need_by", "available"})


def _with_dates(value: Any) -> Any:
    """An explanation with its ISO dates as dates, so the page writes them the way the language does."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in _DATE_KEYS and isinstance(item, str):
                try:
                    out[key] = _dt.date.fromisoformat(item)
                    continue
                except ValueError:
                    pass
            out[key] = _with_dates(item)
        return out
    if isinstance(value, list):
        return [_with_dates(item) for item in value]
    return value


class _ScenarioCache:
    """The last few runs' scenarios, parsed once: a snapshot of 20k records takes seconds to read."""

    def __init__(self, size: int = 2) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[int, tuple[Any, dict[str, Any]]] = OrderedDict()

    def get(self, run: PlanRun) -> tuple[Any, dict[str, Any]]:
        with self.lock:
            if run.pk in self.entries:
                self.entries.move_to_end(run.pk)
                return self.entries[run.pk]
        from pledgeflow.engine.scenario import load_scenario

        scenario = load_scenario(json.dumps(run.snapshot))
        value = (scenario, run.plan or {})
        with self.lock:
            self.entries[run.pk] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


_SCENARIOS = _ScenarioCache()


def _explanation_inputs(user: Any) -> tuple[PlanRun | None, Any, dict[str, Any]]:
    run = latest_succeeded_run(user)
    if run is None:
        return None, None, {}
    full = get_run(user, run.pk, with_documents=True)
    if not full.snapshot or not full.plan:
        return run, None, {}
    scenario, plan = _SCENARIOS.get(full)
    return run, scenario, plan


def _visible_references(user: Any, references: set[str]) -> set[str]:
    """Which of these pledge references the user may see (through the pledge selector)."""
    if is_coordinator(user):
        return references
    return set(visible_pledges(user).filter(reference__in=references).values_list("reference", flat=True))


def _filter_requirement_explanation(user: Any, explanation: dict[str, Any]) -> dict[str, Any]:
    """Keep only the pledges the user may see; totals over all donors stay (they name no nation)."""
    if is_coordinator(user):
        return explanation
    named = {a["pledge"] for a in explanation["allocations"]} | {
        p["pledge"] for p in explanation["admissible_pledges"]
    }
    visible = _visible_references(user, named)
    explanation = dict(explanation)
    explanation["allocations"] = [a for a in explanation["allocations"] if a["pledge"] in visible]
    explanation["admissible_pledges"] = [
        p for p in explanation["admissible_pledges"] if p["pledge"] in visible
    ]
    # The engine's summary counts every admissible pledge; the page says what it may show instead.
    explanation["summary"] = None
    return explanation


@login_required
def requirement_explanation(request: HttpRequest, pk: int) -> HttpResponse:
    """The planner's explanation for a requirement in the latest run (loaded on demand: it takes a moment)."""
    user = request.user
    try:
        requirement = get_requirement_for(user, pk)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    run, scenario, plan = _explanation_inputs(user)
    explanation = None
    reason = ""
    if scenario is None:
        reason = _("No plan run has succeeded yet.")
    else:
        from pledgeflow.engine.explain import UnknownIdError, explain_requirement

        try:
            explained = explain_requirement(scenario, plan, requirement.reference)
            explanation = _with_dates(_filter_requirement_explanation(user, explained))
        except UnknownIdError:
            reason = _(
                "Plan run %(run)s did not plan this requirement (it was not an approved requirement of the "
                "current list with units left to cover when the run started)."
            ) % {"run": run.number if run else ""}
    template = "web/records/_requirement_explanation.html"
    return render(
        request,
        template,
        {
            "explanation": explanation,
            "reason": reason,
            "run": run,
            "standalone": not request.headers.get("HX-Request"),
            "requirement": requirement,
        },
    )


@login_required
def pledge_explanation(request: HttpRequest, pk: int) -> HttpResponse:
    """The planner's explanation for a pledge in the latest run: where its units went, and why."""
    user = request.user
    pledge = _get_pledge_or_404(user, pk)
    run, scenario, plan = _explanation_inputs(user)
    explanation = None
    reason = ""
    if scenario is None:
        reason = _("No plan run has succeeded yet.")
    else:
        from pledgeflow.engine.explain import UnknownIdError, explain_pledge

        try:
            explanation = _with_dates(explain_pledge(scenario, plan, pledge.reference))
        except UnknownIdError:
            reason = _(
                "Plan run %(run)s did not plan this pledge (only pledges offered, committed or contracted "
                "when the run started are planned)."
            ) % {"run": run.number if run else ""}
    return render(
        request,
        "web/records/_pledge_explanation.html",
        {
            "explanation": explanation,
            "reason": reason,
            "run": run,
            "standalone": not request.headers.get("HX-Request"),
            "pledge": pledge,
        },
    )


urlpatterns = [
    path("requirements/", requirement_list, name="requirement-list"),
    path("requirements/new/", requirement_create, name="requirement-create"),
    path("requirements/<int:pk>/", requirement_detail, name="requirement-detail"),
    path("requirements/<int:pk>/edit/", requirement_edit, name="requirement-edit"),
    path("requirements/<int:pk>/status/", requirement_transition, name="requirement-transition"),
    path("requirements/<int:pk>/cancel/", requirement_cancel, name="requirement-cancel"),
    path("requirements/<int:pk>/explanation/", requirement_explanation, name="requirement-explanation"),
    path("requirements/versions/next/", list_version_start, name="list-version-start"),
    path("requirements/versions/approve/", list_version_approve, name="list-version-approve"),
    path("pledges/", pledge_list, name="pledge-list"),
    path("pledges/new/", pledge_create, name="pledge-create"),
    path("pledges/<int:pk>/", pledge_detail, name="pledge-detail"),
    path("pledges/<int:pk>/edit/", pledge_edit, name="pledge-edit"),
    path("pledges/<int:pk>/milestone/", pledge_milestone, name="pledge-milestone"),
    path("pledges/<int:pk>/slip/", pledge_slip, name="pledge-slip"),
    path("pledges/<int:pk>/withdraw/", pledge_withdraw, name="pledge-withdraw"),
    path("pledges/<int:pk>/decline/", pledge_decline, name="pledge-decline"),
    path("pledges/<int:pk>/receipt/", pledge_receipt, name="pledge-receipt"),
    path("pledges/<int:pk>/explanation/", pledge_explanation, name="pledge-explanation"),
]
