"""Training pages: capability packages and their readiness, courses, sessions and cohorts.

Everyone signed in reads them, each through :mod:`pledgeflow.training.selectors`, so a course or session the
reader may not see (its sharing label) is missing from every list, filter, count and export, exactly as in
the API. The figures of a plan run (seats planned in a session, a cohort's sessions, completion and days
late, a package's readiness and bottleneck) come from the latest succeeded run; its alerts (idle equipment,
idle crews, unassigned cohorts, under-filled sessions) are shown to those who see every course and session
(training coordinators and coordinators), since they name sessions of every label.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from pledgeflow.accounts.permissions import can_manage_training
from pledgeflow.core.errors import NotFound
from pledgeflow.planning.models import PlanRun
from pledgeflow.planning.selectors import get_run, latest_succeeded_run
from pledgeflow.training import selectors, services
from pledgeflow.training.choices import TrainingProposalStatus
from pledgeflow.training.models import PackageReadiness, TrainingAssignment, TrainingProposal
from pledgeflow.web.exports import Column
from pledgeflow.web.forms import AccessibleForm, DateInput
from pledgeflow.web.views import (
    TablePage,
    history_entries,
    not_found,
    render_table_page,
    service_call,
    table_page,
)

__all__ = ["urlpatterns"]

PRIORITY_NAMES = {
    1: gettext_lazy("1 critical"),
    2: gettext_lazy("2 high"),
    3: gettext_lazy("3 medium"),
    4: gettext_lazy("4 routine"),
}
LANGUAGE_CHOICES = [
    ("", gettext_lazy("any")),
    ("en", gettext_lazy("English")),
    ("fr", gettext_lazy("French")),
    ("uk", gettext_lazy("Ukrainian")),
    ("de", gettext_lazy("German")),
    ("pl", gettext_lazy("Polish")),
]
ALERT_NAMES = {
    "idle_equipment": gettext_lazy("Idle equipment"),
    "idle_crew": gettext_lazy("Idle crew"),
    "unassigned_cohort": gettext_lazy("Unassigned cohort"),
    "underfilled_session": gettext_lazy("Under-filled session"),
}


def _priority(value: int | None) -> str:
    return str(PRIORITY_NAMES.get(value or 0, value or ""))


# --- filters ------------------------------------------------------------------------------------------------


class CourseFilterForm(forms.Form):
    """Filters of the course and session lists (applied by the selectors after the visibility rule)."""

    search = forms.CharField(label=gettext_lazy("Search code or name"), required=False, max_length=100)
    host = forms.CharField(label=gettext_lazy("Host nation"), required=False, max_length=3)
    skill = forms.CharField(label=gettext_lazy("Skill"), required=False, max_length=64)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False, choices=LANGUAGE_CHOICES)


class CohortFilterForm(forms.Form):
    """Filters of the cohort list."""

    search = forms.CharField(label=gettext_lazy("Search code or name"), required=False, max_length=100)
    skill = forms.CharField(label=gettext_lazy("Skill"), required=False, max_length=64)
    package = forms.CharField(label=gettext_lazy("Capability package"), required=False, max_length=64)
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False, choices=LANGUAGE_CHOICES)
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"),
        required=False,
        choices=[("", gettext_lazy("any")), *[(str(k), v) for k, v in PRIORITY_NAMES.items()]],
    )


def _filters(form: forms.Form) -> dict[str, Any]:
    if not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}


def _context(request: HttpRequest, run: PlanRun | None, **extra: Any) -> dict[str, Any]:
    return {"run": run, "sees_all": can_manage_training(request.user), **extra}


# --- packages -----------------------------------------------------------------------------------------------


def _package_columns() -> list[Column]:
    return [
        Column(
            "code",
            _("Package"),
            lambda p: p.code,
            "code",
            sort="code",
            link=lambda p: reverse("training-package", args=[p.code]),
        ),
        Column("name", _("Name"), lambda p: p.name, sort="name"),
        Column(
            "priority",
            _("Priority"),
            lambda p: p.priority,
            "int",
            sort="priority",
            display=lambda p: _priority(p.priority),
        ),
        Column("need_by", _("Needed by"), lambda p: p.need_by, "date", sort="need_by"),
        Column(
            "readiness",
            _("Ready on"),
            lambda p: p.ready_on,
            "date",
            sort="ready_on",
            display=lambda p: p.ready_on if p.ready_on or not p.has_readiness else _("never"),
        ),
        Column("days_late", _("Days late"), lambda p: p.ready_days_late, "int", sort="ready_days_late"),
        Column(
            "bottleneck",
            _("Bottleneck"),
            lambda p: f"{p.bottleneck_kind} {p.bottleneck_code}".strip() if p.bottleneck_code else None,
        ),
        Column(
            "retiming",
            _("Needs re-timing"),
            lambda p: p.retiming_reason if p.needs_retiming else None,
        ),
    ]


def _packages_with_readiness(user: Any, run: PlanRun | None, search: str | None) -> QuerySet[Any]:
    packages = selectors.list_packages(user, search=search)
    readiness = PackageReadiness.objects.filter(run=run, package=OuterRef("pk"))
    return packages.annotate(
        ready_on=Subquery(readiness.values("readiness")[:1]),
        ready_days_late=Subquery(readiness.values("days_late")[:1], output_field=IntegerField()),
        bottleneck_kind=Subquery(readiness.values("bottleneck_kind")[:1]),
        bottleneck_code=Subquery(readiness.values("bottleneck")[:1]),
        has_readiness=Subquery(readiness.values("pk")[:1], output_field=IntegerField()),
    )


def _timeline(packages: list[Any], today: _dt.date) -> list[dict[str, Any]]:
    """Per package, where its need-by and its readiness fall on one axis from today to the latest date."""
    dates = [p.need_by for p in packages] + [p.ready_on for p in packages if p.ready_on]
    end = max([*dates, today + _dt.timedelta(days=30)])
    span = max((end - today).days, 1)

    def at(day: _dt.date) -> float:
        return round(100 * min(max((day - today).days, 0), span) / span, 1)

    return [
        {
            "package": p,
            "need_at": at(p.need_by),
            "ready_at": at(p.ready_on) if p.ready_on else None,
            "never": p.has_readiness is not None and p.ready_on is None,
            "late": bool(p.ready_days_late),
        }
        for p in packages
    ]


def _alerts(user: Any, run: PlanRun | None) -> list[dict[str, Any]]:
    """The run's training alerts for those who see every course and session; none for others."""
    if run is None or not can_manage_training(user):
        return []
    plan = get_run(user, run.pk, with_documents=True).plan or {}
    alerts = [
        {"kind": a.get("kind", ""), "name": ALERT_NAMES.get(a.get("kind", ""), a.get("kind", "")), **a}
        for a in plan.get("alerts") or []
    ]
    # Grouped by kind on the page (a stable sort keeps the planner's order within a kind).
    return sorted(alerts, key=lambda a: str(a["kind"]))


class PackageFilterForm(forms.Form):
    """The package list's search."""

    search = forms.CharField(label=gettext_lazy("Search code or name"), required=False, max_length=100)


@login_required
@require_GET
def package_list(request: HttpRequest) -> HttpResponseBase:
    """Capability packages with their readiness in the latest succeeded run, on a timeline, and its alerts."""
    run = latest_succeeded_run(request.user)
    form = PackageFilterForm(request.GET or None)
    packages = _packages_with_readiness(request.user, run, _filters(form).get("search"))
    table = table_page(
        request,
        queryset=packages,
        columns=_package_columns(),
        default_sort="need_by",
        caption=_("Capability packages"),
        export_name="capability-packages",
        tiebreak=("code",),
        empty_text=_("No capability package matches these filters."),
    )
    context = _context(request, run, filter_form=form)
    if isinstance(table, TablePage):
        context["timeline"] = _timeline(table.objects, _dt.date.today())
        context["alerts"] = _alerts(request.user, run)
    return render_table_page(request, "web/training/packages.html", table, context)


@login_required
@require_GET
def package_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One package: its requirements and cohorts, its readiness in every run that planned it, its history."""
    user = request.user
    try:
        package = selectors.get_package(user, code)
    except NotFound as exc:
        raise not_found(exc) from exc
    return render(
        request,
        "web/training/package_detail.html",
        {
            "package": package,
            "requirements": selectors.package_requirement_references(user, package),
            "cohorts": selectors.list_cohorts(user, package=package.code),
            "readiness": selectors.package_readiness_history(user, package)[:20],
            "history": history_entries(selectors.history(user, package)),
        },
    )


# --- courses and sessions -----------------------------------------------------------------------------------


def _course_columns() -> list[Column]:
    return [
        Column("code", _("Course"), lambda c: c.code, "code", sort="code"),
        Column("name", _("Name"), lambda c: c.name, sort="name"),
        Column("skill", _("Skill"), lambda c: c.skill.code, "code", sort="skill__code,code"),
        Column("host", _("Host nation"), lambda c: c.host_id, "code", sort="host_id,code"),
        Column("language", _("Language"), lambda c: c.language, "code", sort="language,code"),
        Column("duration", _("Days"), lambda c: c.duration_days, "int", sort="duration_days"),
        Column("seats", _("Seats per session"), lambda c: c.seats, "int", sort="seats"),
        Column(
            "cost", _("Cost per seat (EUR)"), lambda c: c.cost_per_seat_eur, "money", sort="cost_per_seat_eur"
        ),
        Column("label", _("Sharing label"), lambda c: c.sharing_label, "label", sort="sharing_label,code"),
    ]


@login_required
@require_GET
def course_list(request: HttpRequest) -> HttpResponseBase:
    """The courses the reader may see."""
    form = CourseFilterForm(request.GET or None)
    filters = _filters(form)
    if "host" in filters:
        filters["host"] = filters["host"].upper()
    courses = selectors.list_courses(request.user, **filters)
    table = table_page(
        request,
        queryset=courses,
        columns=_course_columns(),
        default_sort="code",
        caption=_("Courses"),
        export_name="training-courses",
        tiebreak=("code",),
        empty_text=_("No course you may see matches these filters."),
    )
    return render_table_page(
        request, "web/training/courses.html", table, _context(request, None, filter_form=form)
    )


def _session_columns() -> list[Column]:
    def left(s: Any) -> int:
        return int(s.course.seats) - int(s.seats_taken or 0)

    return [
        Column("code", _("Session"), lambda s: s.code, "code", sort="code"),
        Column("course", _("Course"), lambda s: s.course.code, "code", sort="course__code,start"),
        Column("skill", _("Skill"), lambda s: s.course.skill.code, "code", sort="course__skill__code,start"),
        Column("host", _("Host nation"), lambda s: s.course.host_id, "code", sort="course__host_id,start"),
        Column("language", _("Language"), lambda s: s.course.language, "code", sort="course__language,start"),
        Column("start", _("Starts"), lambda s: s.start, "date", sort="start"),
        Column("end", _("Ends"), lambda s: s.start + _dt.timedelta(days=s.course.duration_days), "date"),
        Column(
            "status",
            _("Status"),
            lambda s: s.status,
            "status",
            sort="status,start",
            display=lambda s: s.get_status_display(),
        ),
        Column("seats", _("Seats"), lambda s: s.course.seats, "int"),
        Column("accepted", _("Seats accepted"), lambda s: s.accepted_seats or 0, "int"),
        Column("taken", _("Seats taken"), lambda s: s.seats_taken or 0, "int", sort="seats_taken"),
        Column("left", _("Seats left"), left, "int"),
        Column("label", _("Sharing label"), lambda s: s.sharing_label, "label", sort="sharing_label,code"),
    ]


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponseBase:
    """The sessions the reader may see, with the seats taken in each: those the hosts accepted, and those the
    latest succeeded run assigns besides (an assignment already accepted counts once)."""
    run = latest_succeeded_run(request.user)
    form = CourseFilterForm(request.GET or None)
    filters = _filters(form)
    filters.pop("search", None)
    if "host" in filters:
        filters["host"] = filters["host"].upper()
    planned = (
        TrainingAssignment.objects.filter(run=run, session=OuterRef("pk"))
        .exclude(proposal__status=TrainingProposalStatus.ACCEPTED)
        .values("session")
        .annotate(seats=Sum("cohort__size"))
        .values("seats")
    )
    accepted = (
        TrainingProposal.objects.filter(session=OuterRef("pk"), status=TrainingProposalStatus.ACCEPTED)
        .values("session")
        .annotate(seats=Sum("seats"))
        .values("seats")
    )
    sessions = selectors.list_sessions(request.user, **filters).annotate(
        planned_seats=Coalesce(Subquery(planned[:1], output_field=IntegerField()), 0),
        accepted_seats=Coalesce(Subquery(accepted[:1], output_field=IntegerField()), 0),
        seats_taken=F("planned_seats") + F("accepted_seats"),
    )
    table = table_page(
        request,
        queryset=sessions,
        columns=_session_columns(),
        default_sort="start",
        caption=_("Sessions"),
        export_name="training-sessions",
        tiebreak=("code",),
        empty_text=_("No session you may see matches these filters."),
    )
    form.fields.pop("search")
    return render_table_page(
        request, "web/training/sessions.html", table, _context(request, run, filter_form=form)
    )


# --- cohorts ------------------------------------------------------------------------------------------------


def _cohort_columns() -> list[Column]:
    return [
        Column("code", _("Cohort"), lambda c: c.code, "code", sort="code"),
        Column("skill", _("Target skill"), lambda c: c.skill.code, "code", sort="skill__code,code"),
        Column("size", _("People"), lambda c: c.size, "int", sort="size"),
        Column("language", _("Language"), lambda c: c.language, "code", sort="language,code"),
        Column("ready_by", _("Ready by"), lambda c: c.ready_by, "date", sort="ready_by"),
        Column(
            "priority",
            _("Priority"),
            lambda c: c.priority,
            "int",
            sort="priority,ready_by",
            display=lambda c: _priority(c.priority),
        ),
        Column("held", _("Skills held"), lambda c: ", ".join(s.code for s in c.held.all()) or None),
        Column(
            "package",
            _("Capability package"),
            lambda c: c.package.code if c.package else None,
            "code",
            sort="package__code,code",
        ),
        Column(
            "status",
            _("Status"),
            lambda c: c.status,
            "status",
            sort="status,code",
            display=lambda c: c.get_status_display(),
        ),
        Column(
            "sessions",
            _("Sessions in the latest run"),
            lambda c: " → ".join(a.session.code for a in c.run_assignments) or None,
        ),
        Column("completion", _("Completes"), lambda c: c.run_completion, "date", sort="run_completion"),
        Column("days_late", _("Days late"), lambda c: c.run_days_late, "int", sort="run_days_late"),
    ]


@login_required
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponseBase:
    """Cohorts with their sessions, completion and days late in the latest succeeded run."""
    from django.db.models import Prefetch

    run = latest_succeeded_run(request.user)
    form = CohortFilterForm(request.GET or None)
    filters = _filters(form)
    if "priority" in filters:
        filters["priority"] = int(filters["priority"])
    last = TrainingAssignment.objects.filter(run=run, cohort=OuterRef("pk")).order_by("-sequence")
    # Only the sessions the reader may see are named; completion and days late are the cohort's own.
    visible = (
        TrainingAssignment.objects.filter(run=run)
        .filter(selectors.session_visibility_q(request.user, prefix="session__"))
        .select_related("session")
        .distinct()
        .order_by("sequence")
    )
    cohorts = (
        selectors.list_cohorts(request.user, **filters)
        .annotate(
            run_completion=Subquery(last.values("completion")[:1]),
            run_days_late=Subquery(last.values("days_late")[:1], output_field=IntegerField()),
        )
        .prefetch_related(Prefetch("assignments", queryset=visible, to_attr="run_assignments"))
    )
    table = table_page(
        request,
        queryset=cohorts,
        columns=_cohort_columns(),
        default_sort="priority",
        caption=_("Cohorts"),
        export_name="training-cohorts",
        tiebreak=("code",),
        empty_text=_("No cohort matches these filters."),
    )
    context = _context(request, run, filter_form=form, may_create=_may_create_cohort(request.user))
    return render_table_page(request, "web/training/cohorts.html", table, context)


# --- a new cohort -----------------------------------------------------------------------------------------


def _may_create_cohort(user: Any) -> bool:
    """Training coordinators and coordinators (any recipient), and the recipient's own officers."""
    return services.can_manage_cohort(user, getattr(user, "nation_id", None))


class CohortForm(AccessibleForm):
    """A new cohort of the recipient: the choices come from the training selectors."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=64,
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. CRW-PATRIOT-3-OPS."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    skill = forms.ChoiceField(label=gettext_lazy("Target skill"))
    size = forms.IntegerField(label=gettext_lazy("People"), min_value=1)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGE_CHOICES[1:])
    ready_by = forms.DateField(label=gettext_lazy("Ready by"), widget=DateInput())
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"), coerce=int, choices=list(PRIORITY_NAMES.items()), initial=2
    )
    held = forms.MultipleChoiceField(label=gettext_lazy("Skills held"), required=False)
    package = forms.ChoiceField(label=gettext_lazy("Capability package"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skills = [(s.code, f"{s.code}: {s.name}") for s in selectors.list_skills(user)]
        self.fields["skill"].choices = [("", "—"), *skills]  # type: ignore[attr-defined]
        self.fields["held"].choices = skills  # type: ignore[attr-defined]
        packages = [(p.code, f"{p.code}: {p.name}") for p in selectors.list_packages(user)]
        self.fields["package"].choices = [("", "—"), *packages]  # type: ignore[attr-defined]


@login_required
def cohort_create(request: HttpRequest) -> HttpResponse:
    """A new cohort (planned); the service's refusals appear beside the fields and the input stays."""
    user = request.user
    if not _may_create_cohort(user):
        raise DjangoPermissionDenied(
            _("Only training coordinators and the recipient's officers add cohorts.")
        )
    form = CohortForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ok, created = service_call(
            form,
            lambda: services.create_cohort(
                user,
                code=data["code"],
                name=data["name"],
                skill=data["skill"],
                size=data["size"],
                language=data["language"],
                ready_by=data["ready_by"],
                priority=data["priority"],
                held=data["held"],
                package=data["package"] or None,
            ),
        )
        if ok:
            messages.success(request, _("Cohort %(code)s saved as planned.") % {"code": created.code})
            return redirect(f"{reverse('training-cohorts')}?search={created.code}")
    return render(
        request,
        "web/training/cohort_form.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("training/", package_list, name="training-packages"),
    path("training/packages/<str:code>/", package_detail, name="training-package"),
    path("training/courses/", course_list, name="training-courses"),
    path("training/sessions/", session_list, name="training-sessions"),
    path("training/cohorts/", cohort_list, name="training-cohorts"),
    path("training/cohorts/new/", cohort_create, name="training-cohort-create"),
]
