"""The donor view: my nation's pledges, the proposals addressed to us with accept / decline, and our
contribution against our fair share.

A donor liaison sees its own nation; a coordinator chooses the nation (``?nation=DEU``) and may decide on
its behalf. Other roles have no donor view (403). Proposals are read and decided through the planning
selectors and services (another nation's proposal answers 404), pledges through the pledges selectors, the
contribution through the reports app: this module holds no rule of its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.permissions import is_coordinator
from pledgeflow.core.errors import InvalidTransition, NotFound, StaleVersion, ValidationError
from pledgeflow.nations.choices import NationKind
from pledgeflow.nations.models import Nation
from pledgeflow.nations.selectors import get_nation, list_nations
from pledgeflow.planning import selectors as planning_selectors
from pledgeflow.planning import services as planning_services
from pledgeflow.planning.choices import ProposalStatus
from pledgeflow.pledges.selectors import visible_pledges
from pledgeflow.reports.selectors import BurdenRow, nation_burden, parse_burden_query
from pledgeflow.web.pages.records import pledge_columns
from pledgeflow.web.views import TablePage, is_table_request, not_found, table_page

__all__ = ["urlpatterns"]

MILLION = Decimal("1000000")
#: Decided proposals shown under the open ones.
RECENT_DECISIONS = 20


def _nation_for(request: HttpRequest) -> Nation | None:
    """The nation this page is about: the liaison's own, or the one a coordinator chose (None: not yet)."""
    user = request.user
    if getattr(user, "role", None) == Role.DONOR_LIAISON and getattr(user, "nation_id", None):
        return get_nation(user, user.nation_id)
    if is_coordinator(user):
        code = (request.GET.get("nation") or request.POST.get("nation") or "").strip()
        if not code:
            return None
        try:
            nation = get_nation(user, code)
        except NotFound as exc:
            raise not_found(exc) from exc
        if nation.kind == NationKind.RECIPIENT:
            raise not_found(NotFound("Donor nation", code))
        return nation
    raise PermissionDenied(_("The donor view is for donor liaisons and the coordination cell."))


def _contribution_chart(nation: Nation, row: BurdenRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    spec: dict[str, Any] = {
        "type": "bar",
        "horizontal": True,
        "title": _("%(nation)s: value committed and delivered this year (EUR million)")
        % {"nation": nation.name},
        "valueAxis": _("Value (EUR million)"),
        "categoryAxis": _("Milestone"),
        "unit": "M€",
        "labels": [_("Committed"), _("Delivered")],
        "series": [
            {
                "label": _("Value"),
                "colour": 1,
                "data": [float(row.committed_eur / MILLION), float(row.delivered_eur / MILLION)],
            }
        ],
    }
    if row.fair_share_eur is not None:
        spec["reference"] = {
            "value": float(row.fair_share_eur / MILLION),
            "label": _("fair share %(value)s M€")
            % {"value": number_format(row.fair_share_eur / MILLION, decimal_pos=0, force_grouping=True)},
        }
    return spec


def _pledges_table(request: HttpRequest, nation: Nation) -> TablePage | HttpResponseBase:
    return table_page(
        request,
        queryset=visible_pledges(request.user, donor=nation.code),
        columns=pledge_columns(),
        default_sort="reference",
        caption=_("Pledges of %(nation)s") % {"nation": nation.name},
        export_name=f"pledges-{nation.code}",
        empty_text=_("No pledges of this nation that you may see."),
    )


@login_required
@require_GET
def donor_home(request: HttpRequest) -> HttpResponseBase:
    """The donor view of one nation: proposals to decide, contribution against the fair share, pledges."""
    nation = _nation_for(request)
    context: dict[str, Any] = {
        "nation": nation,
        "coordinator": is_coordinator(request.user),
        "nations": list_nations(request.user).exclude(kind=NationKind.RECIPIENT)
        if is_coordinator(request.user)
        else [],
    }
    if nation is None:
        return render(request, "web/donor/home.html", context)
    table = _pledges_table(request, nation)
    if not isinstance(table, TablePage):
        return table  # an export
    context["table"] = table
    if is_table_request(request):
        return render(request, "web/components/table_region.html", context)
    proposals = planning_selectors.list_proposals(request.user, donor=nation.code)
    context["open_proposals"] = list(
        proposals.filter(status=ProposalStatus.PROPOSED).order_by(
            "requirement__priority", "requirement__need_by", "pk"
        )
    )
    context["decided_proposals"] = list(
        proposals.exclude(status=ProposalStatus.PROPOSED).order_by("-decided_at", "-pk")[:RECENT_DECISIONS]
    )
    query = parse_burden_query()
    row = nation_burden(request.user, nation.code, query)
    context["burden_query"] = query
    context["burden"] = row
    context["chart"] = _contribution_chart(nation, row)
    return render(request, "web/donor/home.html", context)


def _back(request: HttpRequest, nation_code: str) -> HttpResponseRedirect:
    url = reverse("donor-home")
    if is_coordinator(request.user):
        url += f"?nation={nation_code}"
    return HttpResponseRedirect(url + "#proposals")


def _decide(request: HttpRequest, proposal_id: int, accept: bool) -> HttpResponse:
    try:
        proposal = planning_selectors.get_proposal(request.user, proposal_id)
    except NotFound as exc:
        raise not_found(exc) from exc
    raw_version = request.POST.get("version") or ""
    version = int(raw_version) if raw_version.isascii() and raw_version.isdigit() else None
    names = {"pledge": proposal.pledge.reference, "requirement": proposal.requirement.reference}
    try:
        if accept:
            planning_services.accept_proposal(request.user, proposal.pk, version)
            messages.success(
                request,
                _("Accepted: %(quantity)s units of %(pledge)s committed to requirement %(requirement)s.")
                % {**names, "quantity": proposal.quantity},
            )
        else:
            reason = (request.POST.get("reason") or "").strip()[:2000]
            planning_services.decline_proposal(request.user, proposal.pk, reason, version)
            messages.success(
                request,
                _("Declined: %(pledge)s for requirement %(requirement)s; the units return to the next run.")
                % names,
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except StaleVersion:
        messages.error(
            request,
            _("This proposal changed while you were reading it; it is shown again as it stands now."),
        )
    except InvalidTransition as exc:
        messages.error(
            request,
            _("This proposal is already %(status)s and cannot be decided again.") % {"status": exc.current},
        )
    return _back(request, proposal.pledge.donor_id)


@login_required
@require_POST
def proposal_accept(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Accept a proposal: its units of the pledge are committed to the requirement."""
    return _decide(request, proposal_id, accept=True)


@login_required
@require_POST
def proposal_decline(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Decline a proposal, optionally saying why: its units return to the next run's pool."""
    return _decide(request, proposal_id, accept=False)


urlpatterns = [
    path("donor/", donor_home, name="donor-home"),
    path("donor/proposals/<int:proposal_id>/accept/", proposal_accept, name="donor-proposal-accept"),
    path("donor/proposals/<int:proposal_id>/decline/", proposal_decline, name="donor-proposal-decline"),
]
