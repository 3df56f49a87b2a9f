"""The burden-sharing page: each ally's committed and delivered value against its fair share, chart and table.

The figures come from :func:`pledgeflow.reports.selectors.burden_sharing`, which applies the visibility rule
(a nation's row counts only what the viewer may see of it); the page draws them, and exports the same rows to
CSV and XLSX. docs/burden-sharing.md explains the method.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from pledgeflow.core.errors import ValidationError
from pledgeflow.nations.choices import NationKind
from pledgeflow.nations.selectors import list_nations
from pledgeflow.reports.selectors import (
    DEFAULT_BASELINE_EUR,
    BurdenRow,
    BurdenSharing,
    burden_sharing,
    default_period,
    parse_burden_query,
)
from pledgeflow.web.exports import Column, export_response, requested_export
from pledgeflow.web.forms import DateInput
from pledgeflow.web.views import query_string

__all__ = ["BurdenForm", "burden_columns", "chart_rows", "chart_spec", "urlpatterns"]

BILLION = Decimal("1000000000")


class BurdenForm(forms.Form):
    """The period, the baseline (in EUR billion, as ministers speak of it) and the exempted allies."""

    # The query parameters read as the API's (``from``, ``to``), so a page's address and an API call match.
    field_order = ["from", "to", "baseline_bn", "exempt"]
    baseline_bn = forms.DecimalField(
        label=gettext_lazy("Baseline (EUR billion)"),
        required=False,
        min_value=Decimal("0.001"),
        max_value=Decimal("10000"),
        decimal_places=3,
        help_text=gettext_lazy(
            "The amount shared among the participating allies; the Washington baseline is 40."
        ),
    )
    exempt = forms.MultipleChoiceField(
        label=gettext_lazy("Exempted allies"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Exempted allies keep their row but have no fair share; the others share the baseline."
        ),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(label=_("From"), required=False, widget=DateInput())
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput())
        self.order_fields(self.field_order)
        allies = list_nations(user, kind=NationKind.ALLY)
        self.fields["exempt"].choices = [(n.code, f"{n.code} {n.name}") for n in allies]


def burden_columns() -> list[Column]:
    """The columns of the burden-sharing table and of its exports (one row per nation)."""
    return [
        Column("code", _("Code"), lambda r: r.code, "code"),
        Column("name", _("Nation"), lambda r: r.name),
        Column("status", _("Takes part"), lambda r: r.status, display=_status_text),
        Column("gdp_usd_bn", _("GDP (US$ billion)"), lambda r: r.gdp_usd_bn, "decimal"),
        Column("gdp_year", _("GDP year"), lambda r: r.gdp_year, "text"),
        Column("gdp_share_pct", _("Share of allied GDP (%)"), lambda r: r.gdp_share_pct, "decimal"),
        Column("fair_share_eur", _("Fair share (EUR)"), lambda r: r.fair_share_eur, "money"),
        Column("committed_eur", _("Committed (EUR)"), lambda r: r.committed_eur, "money"),
        Column("training_eur", _("Of which training seats (EUR)"), lambda r: r.training_eur, "money"),
        Column("committed_pct", _("Committed, % of fair share"), lambda r: r.committed_pct, "decimal"),
        Column("delivered_eur", _("Delivered (EUR)"), lambda r: r.delivered_eur, "money"),
        Column("delivered_pct", _("Delivered, % of fair share"), lambda r: r.delivered_pct, "decimal"),
        Column("committed_pledges", _("Pledges committed"), lambda r: r.committed_pledges, "int"),
        Column("delivered_pledges", _("Pledges delivered"), lambda r: r.delivered_pledges, "int"),
        Column(
            "complete",
            _("Row complete for you"),
            lambda r: r.complete,
            display=lambda r: _("yes") if r.complete else _("only what you may see"),
        ),
    ]


def _status_text(row: BurdenRow) -> str:
    return {
        "participating": _("yes"),
        "exempt": _("exempt"),
        "no_gdp": _("no GDP figure"),
        NationKind.PARTNER.value: _("partner (no fair share)"),
        NationKind.ORGANISATION.value: _("organisation (no fair share)"),
    }.get(row.status, row.status)


def chart_rows(report: BurdenSharing) -> list[BurdenRow]:
    """The participating allies, highest committed share of their fair share first (then by code)."""
    rows = [row for row in report.allies if row.participating]
    return sorted(rows, key=lambda row: (-(row.committed_pct or 0), row.code))


def chart_spec(report: BurdenSharing) -> dict[str, Any]:
    """What ``charts.js`` draws: committed and delivered value as a percentage of each ally's fair share."""
    rows = chart_rows(report)
    return {
        "type": "bar",
        "horizontal": True,
        "title": _("Committed and delivered value as a share of each ally's fair share"),
        "valueAxis": _("Share of fair share achieved (%)"),
        "categoryAxis": _("Ally"),
        "unit": "%",
        "reference": {"value": 100, "label": _("fair share (100 %)")},
        # An asterisk marks a row counting only what the viewer may see (as in the table beside the chart).
        "labels": [f"{row.code} {row.name}{'' if row.complete else ' *'}" for row in rows],
        "series": [
            {"label": _("Committed"), "colour": 1, "data": [float(row.committed_pct or 0) for row in rows]},
            {"label": _("Delivered"), "colour": 2, "data": [float(row.delivered_pct or 0) for row in rows]},
        ],
    }


def _query_from(form: BurdenForm) -> Any:
    data = form.cleaned_data
    baseline = data.get("baseline_bn")
    return parse_burden_query(
        period_from=data.get("from"),
        period_to=data.get("to"),
        baseline_eur=baseline * BILLION if baseline is not None else None,
        exempt=data.get("exempt") or [],
    )


@login_required
@require_GET
def burden_page(request: HttpRequest) -> HttpResponseBase:
    """The burden-sharing report for the period, baseline and exemptions the form names."""
    params = request.GET.copy()
    if "from" not in params and "to" not in params:
        start, end = default_period()
        params["from"], params["to"] = start.isoformat(), end.isoformat()
    if "baseline_bn" not in params:
        params["baseline_bn"] = str(DEFAULT_BASELINE_EUR / BILLION)
    form = BurdenForm(params, user=request.user)
    report = None
    status = 200
    if form.is_valid():
        try:
            query = _query_from(form)
        except ValidationError as exc:
            names = {"from": "from", "to": "to", "baseline_eur": "baseline_bn", "exempt": "exempt"}
            for name, problems in exc.message_dict.items():
                form.add_error(names.get(name) if names.get(name) in form.fields else None, problems)
            status = 422
        else:
            report = burden_sharing(request.user, query)
    else:
        status = 422
    if report is not None:
        fmt = requested_export(request)
        if fmt is not None:
            return export_response(fmt, "burden-sharing", burden_columns(), (*report.allies, *report.others))
    keep = {key: params.getlist(key) for key in params if key != "export"}
    context = {
        "form": form,
        "report": report,
        "columns": burden_columns(),
        "chart": chart_spec(report) if report else None,
        "chart_rows": chart_rows(report) if report else [],
        "export_links": [(fmt, query_string(keep, export=fmt)) for fmt in ("csv", "xlsx")],
        "default_baseline_bn": DEFAULT_BASELINE_EUR / BILLION,
    }
    return render(request, "web/burden/burden.html", context, status=status)


urlpatterns = [path("reports/burden-sharing/", burden_page, name="burden-sharing")]
