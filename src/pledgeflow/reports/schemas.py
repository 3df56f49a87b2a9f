"""API schemas of the reports context: the burden-sharing report.

Money is given in euros as decimal strings, so no figure is rounded on its way through JSON.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class BurdenFilters(Schema):
    """What the report covers. Dates are inclusive; without both, the calendar year to date.

    The period is ``from`` and ``to``; ``period_from`` and ``period_to`` (the names in the answer) are
    accepted too.
    """

    from_: _dt.date | None = Field(
        None, alias="from", description="First day counted (YYYY-MM-DD): milestones on or after it."
    )
    to: _dt.date | None = Field(
        None, description="Last day counted (YYYY-MM-DD): milestones on or before it."
    )
    period_from: _dt.date | None = Field(None, description="The same as `from`.")
    period_to: _dt.date | None = Field(None, description="The same as `to`.")
    baseline_eur: Decimal | None = Field(
        None, description="The baseline shared among the participating allies, in EUR (default 40 billion)."
    )
    exempt: list[str] = Field(
        default_factory=list,
        description="Allies exempted from the baseline (repeat the parameter or separate codes by commas).",
    )


class BurdenRowOut(Schema):
    """One nation: its fair share and the value of its pledges you may see.

    ``complete`` false means the values count only the pledges you may see of this nation (a lower bound).
    """

    code: str
    name: str
    kind: str
    status: str = Field(description="participating, exempt, no_gdp (allies); partner or organisation.")
    gdp_usd_bn: Decimal | None
    gdp_year: int | None
    gdp_share_pct: Decimal | None = Field(description="Share of the participating allies' GDP, per cent.")
    fair_share_eur: Decimal | None
    committed_eur: Decimal = Field(
        description="Pledges committed or later (dated by the committed milestone) and accepted training "
        "seats."
    )
    committed_pledges: int
    training_eur: Decimal = Field(
        description="Of the committed value: training seats hosted (accepted seats x the course's cost per "
        "seat)."
    )
    committed_pct: Decimal | None = Field(description="Committed value as a percentage of the fair share.")
    delivered_eur: Decimal = Field(description="Handed over or received, dated by the handed-over milestone.")
    delivered_pledges: int
    delivered_pct: Decimal | None = Field(description="Delivered value as a percentage of the fair share.")
    complete: bool = Field(description="Whether you may see every pledge of this nation.")


class BurdenTotalsOut(Schema):
    """All donors together (every pledge counted) and the part no row attributes to a nation."""

    committed_eur: Decimal
    delivered_eur: Decimal
    unattributed_committed_eur: Decimal
    unattributed_delivered_eur: Decimal


class BurdenOut(Schema):
    """The burden-sharing report: allies against their fair shares, other donors, all-donors totals."""

    period_from: _dt.date | None
    period_to: _dt.date | None
    baseline_eur: Decimal
    exempt: list[str]
    participating_allies: int
    participating_gdp_usd_bn: Decimal
    allies: list[BurdenRowOut]
    others: list[BurdenRowOut] = Field(description="Partners and organisations: no fair share.")
    all_donors: BurdenTotalsOut


def row_out(row: Any) -> dict[str, Any]:
    """The API view of one row of the report."""
    return {
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "status": row.status,
        "gdp_usd_bn": row.gdp_usd_bn,
        "gdp_year": row.gdp_year,
        "gdp_share_pct": row.gdp_share_pct,
        "fair_share_eur": row.fair_share_eur,
        "committed_eur": row.committed_eur,
        "committed_pledges": row.committed_pledges,
        "training_eur": row.training_eur,
        "committed_pct": row.committed_pct,
        "delivered_eur": row.delivered_eur,
        "delivered_pledges": row.delivered_pledges,
        "delivered_pct": row.delivered_pct,
        "complete": row.complete,
    }


def burden_out(report: Any) -> dict[str, Any]:
    """The API view of a :class:`pledgeflow.reports.selectors.BurdenSharing`."""
    return {
        "period_from": report.query.period_from,
        "period_to": report.query.period_to,
        "baseline_eur": report.query.baseline_eur,
        "exempt": list(report.query.exempt),
        "participating_allies": report.participating_count,
        "participating_gdp_usd_bn": report.participating_gdp_usd_bn,
        "allies": [row_out(row) for row in report.allies],
        "others": [row_out(row) for row in report.others],
        "all_donors": {
            "committed_eur": report.all_committed_eur,
            "delivered_eur": report.all_delivered_eur,
            "unattributed_committed_eur": report.unattributed_committed_eur,
            "unattributed_delivered_eur": report.unattributed_delivered_eur,
        },
    }
