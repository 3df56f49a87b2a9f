"""Burden sharing: each ally's committed and delivered value against its fair share of an annual baseline.

The method (docs/burden-sharing.md explains it for readers):

- **Value.** In-kind pledges are valued at the catalogue's unit value (EUR) times the quantity; funds are
  pledged as catalogue items worth EUR 1 a unit, so they count at face value. A pledge counts once, for its
  donor (the nation whose goods or money left it). Training seats count at the course's cost per seat, for
  the host nation, once the host has accepted them (:func:`pledgeflow.training.selectors.
  training_contribution`), dated by the session's start; they add to the committed value.
- **Milestones.** *Committed* value counts pledges at committed or later (committed, contracted, dispatched,
  at hub, handed over, received), dated by their *committed* milestone; *delivered* value counts pledges
  handed over or received, dated by their *handed over* milestone. A period (``period_from`` ..
  ``period_to``, both inclusive) keeps the pledges whose milestone falls in it. Withdrawn and declined
  pledges never count.
- **Fair share.** Fair share of ally *i* = baseline x GDP_i / sum of GDP over the participating allies
  (:func:`pledgeflow.reports.fairshare.fair_shares`). Participating: every ally with a GDP figure that is not
  exempted. Partners and organisations give too and are listed, but have no fair share.
- **Visibility** (DOMAIN.md): a figure about one nation counts only what the viewer may see of that nation
  (the same rule as :func:`pledgeflow.pledges.selectors.pledge_totals`, through
  :func:`pledgeflow.pledges.selectors.pledge_visibility_q`), so each nation's row counts only its pledges
  visible to the viewer. The all-donors totals count every pledge. A row is *complete* when the viewer may
  see every pledge of that nation (coordinators; the nation's own users except viewers); otherwise it is a
  lower bound, and the page and the API say so for that row without saying whether anything is missing.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When
from django.utils import timezone

from pledgeflow.accounts.permissions import can_see_labelled, is_coordinator, is_signed_in, require
from pledgeflow.catalogue.models import Item
from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import ValidationError
from pledgeflow.nations.choices import NationKind
from pledgeflow.nations.models import Nation
from pledgeflow.pledges.choices import COMMITTED_STATUSES, DELIVERED_STATUSES, MilestoneKind
from pledgeflow.pledges.models import Pledge, PledgeMilestone
from pledgeflow.pledges.selectors import pledge_visibility_q
from pledgeflow.reports.fairshare import CENT, fair_shares
from pledgeflow.training.selectors import training_contribution

__all__ = [
    "DEFAULT_BASELINE_EUR",
    "MAX_BASELINE_EUR",
    "BurdenQuery",
    "BurdenRow",
    "BurdenSharing",
    "burden_sharing",
    "default_period",
    "nation_burden",
    "parse_burden_query",
]

#: The Washington Summit baseline (July 2024): EUR 40 billion of security assistance a year.
DEFAULT_BASELINE_EUR = Decimal("40000000000")
#: The largest baseline accepted (EUR 10 trillion): larger figures are typing mistakes.
MAX_BASELINE_EUR = Decimal("10000000000000")


@dataclass(frozen=True)
class BurdenQuery:
    """What a burden-sharing report covers: a period (inclusive), the baseline and the exempted allies."""

    period_from: _dt.date | None
    period_to: _dt.date | None
    baseline_eur: Decimal = DEFAULT_BASELINE_EUR
    exempt: tuple[str, ...] = ()


@dataclass(frozen=True)
class BurdenRow:
    """One nation's row: GDP, fair share and the value of its pledges the viewer may see.

    ``committed_eur`` includes ``training_eur``, the value of the training seats the nation hosts (accepted
    seats in sessions starting in the period). ``status`` is ``participating`` (an ally sharing the
    baseline), ``exempt`` (an ally exempted from it), ``no_gdp`` (an ally without a GDP figure) or the
    nation's kind for partners and organisations. ``complete`` is true when the viewer may see every pledge of
    the nation; otherwise the values count only the pledges the viewer may see and are a lower bound.
    Percentages are of the fair share (None without one).
    """

    code: str
    name: str
    kind: str
    status: str
    gdp_usd_bn: Decimal | None
    gdp_year: int | None
    gdp_share_pct: Decimal | None
    fair_share_eur: Decimal | None
    committed_eur: Decimal
    committed_pledges: int
    training_eur: Decimal
    delivered_eur: Decimal
    delivered_pledges: int
    complete: bool

    @property
    def committed_pct(self) -> Decimal | None:
        """Committed value as a percentage of the fair share (one decimal)."""
        return _pct(self.committed_eur, self.fair_share_eur)

    @property
    def delivered_pct(self) -> Decimal | None:
        """Delivered value as a percentage of the fair share (one decimal)."""
        return _pct(self.delivered_eur, self.fair_share_eur)

    @property
    def participating(self) -> bool:
        """Whether the nation shares the baseline (has a fair share)."""
        return self.status == "participating"


@dataclass(frozen=True)
class BurdenSharing:
    """A burden-sharing report: the allies' rows, the other donors' rows, and the all-donors totals.

    ``all_committed_eur`` / ``all_delivered_eur`` count every pledge of every donor in the period, whatever
    its label; the rows count only what the viewer may see, so they may add up to less. ``unattributed_*``
    is that difference: counted in the totals, never attributed to any nation.
    """

    query: BurdenQuery
    allies: tuple[BurdenRow, ...]
    others: tuple[BurdenRow, ...]
    participating_gdp_usd_bn: Decimal
    all_committed_eur: Decimal
    all_delivered_eur: Decimal
    viewer_sees_everything: bool
    rows_committed_eur: Decimal = field(default=Decimal("0.00"))
    rows_delivered_eur: Decimal = field(default=Decimal("0.00"))

    @property
    def unattributed_committed_eur(self) -> Decimal:
        """Committed value in the all-donors total that no row shows the viewer."""
        return self.all_committed_eur - self.rows_committed_eur

    @property
    def unattributed_delivered_eur(self) -> Decimal:
        """Delivered value in the all-donors total that no row shows the viewer."""
        return self.all_delivered_eur - self.rows_delivered_eur

    @property
    def participating_count(self) -> int:
        """How many allies share the baseline."""
        return sum(1 for row in self.allies if row.participating)

    def row(self, code: str) -> BurdenRow | None:
        """The row of one nation (ally or other donor), if it has one."""
        for row in (*self.allies, *self.others):
            if row.code == code:
                return row
        return None


def _pct(value: Decimal, of: Decimal | None) -> Decimal | None:
    if of is None or of <= 0:
        return None
    return (value * 100 / of).quantize(Decimal("0.1"))


def default_period(today: _dt.date | None = None) -> tuple[_dt.date, _dt.date]:
    """The calendar year to date: the baseline is annual, and reports are read during the year."""
    today = today or timezone.localdate()
    return _dt.date(today.year, 1, 1), today


def _parse_date(name: str, value: Any) -> _dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.date):
        return value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            {name: f"Give a date as YYYY-MM-DD (e.g. 2026-01-01); got {value!r}."}
        ) from None


def _parse_codes(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    parts: Iterable[Any] = [value] if isinstance(value, str) else value
    codes: list[str] = []
    for part in parts:
        for code in str(part).replace(";", ",").replace(" ", ",").split(","):
            code = code.strip().upper()
            if code and code not in codes:
                codes.append(code)
    return codes


def parse_burden_query(
    *,
    period_from: Any = None,
    period_to: Any = None,
    baseline_eur: Any = None,
    exempt: Any = None,
    today: _dt.date | None = None,
) -> BurdenQuery:
    """A checked :class:`BurdenQuery` from what a form, a query string or a caller gave.

    Dates are ``YYYY-MM-DD``; both missing means the calendar year to date, one missing means open on that
    side. ``baseline_eur`` is a positive amount (default EUR 40 billion). ``exempt`` lists ally codes, as a
    list or separated by commas. Every problem is reported at once, by field, saying what would be right.
    """
    errors: dict[str, str] = {}
    start = end = None
    try:
        start = _parse_date("from", period_from)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        end = _parse_date("to", period_to)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if start is None and end is None and "from" not in errors and "to" not in errors:
        start, end = default_period(today)
    if start is not None and end is not None and start > end:
        errors["to"] = (
            f"The period ends ({end}) before it starts ({start}); give a 'to' date on or after 'from'."
        )

    baseline = DEFAULT_BASELINE_EUR
    if baseline_eur not in (None, ""):
        try:
            baseline = Decimal(str(baseline_eur).replace(" ", "").replace("_", ""))
            if not baseline.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["baseline_eur"] = (
                f"Give the baseline in euros as a number (e.g. 40000000000); got {baseline_eur!r}."
            )
        else:
            if baseline <= 0 or baseline > MAX_BASELINE_EUR:
                errors["baseline_eur"] = (
                    f"The baseline must be more than 0 and at most {MAX_BASELINE_EUR:,} euros; "
                    f"got {baseline}."
                )
            baseline = baseline.quantize(CENT) if "baseline_eur" not in errors else DEFAULT_BASELINE_EUR

    codes = _parse_codes(exempt)
    if codes:
        allies = set(
            Nation.objects.filter(kind=NationKind.ALLY, code__in=codes).values_list("code", flat=True)
        )
        unknown = [code for code in codes if code not in allies]
        if unknown:
            errors["exempt"] = (
                f"Only allies can be exempted from the baseline; {', '.join(unknown)} "
                f"{'is not an ally' if len(unknown) == 1 else 'are not allies'}. Give ally codes such as HUN."
            )
    if errors:
        raise ValidationError(errors)
    return BurdenQuery(start, end, baseline, tuple(sorted(codes)))


#: A pledge's value counts in one of these two figures (a delivered pledge counts in both).
COMMITTED, DELIVERED = "committed", "delivered"


def _visible_flag(viewer: Any, prefix: str) -> Any:
    """An SQL expression: may ``viewer`` see the pledge (one query serves the totals and the rows)."""
    condition = pledge_visibility_q(viewer, prefix=prefix)
    if not condition:  # coordinators: everything is visible
        return Value(True)
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _grouped_values(viewer: Any, query: BurdenQuery) -> list[tuple[str, int, str, bool, int, int]]:
    """``(donor, item, figure, visible, pledges, units)`` of the pledges counted in the period: one query.

    A bounded period reads the milestone log: the pledges whose *committed* (for the committed figure) or
    *handed over* (for the delivered figure) milestone falls in it, through the log's (milestone, day) index.
    Each pledge reaches each milestone once (the state machine has no way back), so it is counted once. An
    open period counts by status alone, as the pledge totals do.
    """
    if query.period_from is None and query.period_to is None:
        rows = (
            Pledge.objects.filter(status__in=COMMITTED_STATUSES)
            .order_by()
            .annotate(visible=_visible_flag(viewer, ""))
            .values_list("donor", "item", "status", "visible")
            .annotate(n=Count("id"), units=Sum("quantity"))
        )
        out = []
        for donor, item, status, visible, n, units in rows:
            out.append((donor, item, COMMITTED, bool(visible), n, units or 0))
            if status in DELIVERED_STATUSES:
                out.append((donor, item, DELIVERED, bool(visible), n, units or 0))
        return out
    entries = PledgeMilestone.objects.filter(
        Q(milestone=MilestoneKind.COMMITTED, pledge__status__in=COMMITTED_STATUSES)
        | Q(milestone=MilestoneKind.HANDED_OVER, pledge__status__in=DELIVERED_STATUSES)
    )
    if query.period_from is not None:
        entries = entries.filter(on__gte=query.period_from)
    if query.period_to is not None:
        entries = entries.filter(on__lte=query.period_to)
    rows = (
        entries.order_by()
        .annotate(visible=_visible_flag(viewer, "pledge__"))
        .values_list("pledge__donor", "pledge__item", "milestone", "visible")
        .annotate(n=Count("pledge_id"), units=Sum("pledge__quantity"))
    )
    return [
        (
            donor,
            item,
            COMMITTED if kind == MilestoneKind.COMMITTED else DELIVERED,
            bool(visible),
            n,
            units or 0,
        )
        for donor, item, kind, visible, n, units in rows
    ]


def _priced(
    rows: Iterable[tuple[str, int, str, bool, int, int]], unit_values: Mapping[int, Decimal]
) -> tuple[dict[str, Decimal], dict[tuple[str, str], tuple[int, Decimal]]]:
    """All-donors value per figure (every pledge), and per (donor, figure) the visible pledges and value."""
    totals = {COMMITTED: Decimal("0"), DELIVERED: Decimal("0")}
    by_donor: dict[tuple[str, str], list[Any]] = {}
    for donor, item, figure, visible, n, units in rows:
        value = unit_values.get(item, Decimal("0")) * units
        totals[figure] += value
        if visible:
            entry = by_donor.setdefault((donor, figure), [0, Decimal("0")])
            entry[0] += n
            entry[1] += value
    return (
        {figure: value.quantize(CENT) for figure, value in totals.items()},
        {key: (n, value.quantize(CENT)) for key, (n, value) in by_donor.items()},
    )


def burden_sharing(
    viewer: Any, query: BurdenQuery | None = None, *, always_list: Iterable[str] = ()
) -> BurdenSharing:
    """The burden-sharing report for ``query`` (default: this calendar year, EUR 40 billion, no exemptions),
    as ``viewer`` may see it: every signed-in user may read it.

    Every ally has a row; a partner or organisation has one when it has value in the period that the viewer
    may see, or when it is named in ``always_list`` (the donor view shows its own nation even at zero).

    Five queries whatever the number of pledges: the committed and delivered units grouped by donor, item
    and whether the viewer may see them (one query serves the all-donors totals and the rows), the items'
    unit values, the training seats (all hosts, and by host as the viewer may see them), and the nations.
    """
    require(is_signed_in(viewer), "Sign in to read the burden-sharing report.")
    query = query or parse_burden_query()
    rows = _grouped_values(viewer, query)
    unit_values = dict(
        Item.objects.filter(pk__in={row[1] for row in rows}).values_list("pk", "unit_value_eur")
    )
    all_donors, by_donor = _priced(rows, unit_values)
    training = training_contribution(viewer, date_from=query.period_from, date_to=query.period_to)
    training_by = {host.host: host.value_eur for host in training.by_host}

    nations = list(
        Nation.objects.exclude(kind=NationKind.RECIPIENT)
        .order_by("name")
        .values("code", "name", "kind", "gdp_usd_bn", "gdp_year")
    )
    exempt = set(query.exempt)
    listed = set(always_list)
    participants = {
        n["code"]: n["gdp_usd_bn"]
        for n in nations
        if n["kind"] == NationKind.ALLY and n["gdp_usd_bn"] is not None and n["code"] not in exempt
    }
    shares = fair_shares(query.baseline_eur, participants)
    participating_gdp = sum(participants.values(), Decimal("0"))

    allies: list[BurdenRow] = []
    others: list[BurdenRow] = []
    zero = (0, Decimal("0.00"))
    for nation in nations:
        code = nation["code"]
        c_n, c_value = by_donor.get((code, COMMITTED), zero)
        d_n, d_value = by_donor.get((code, DELIVERED), zero)
        t_value = training_by.get(code, Decimal("0.00"))
        is_ally = nation["kind"] == NationKind.ALLY
        if not is_ally and c_n == 0 and d_n == 0 and not t_value and code not in listed:
            continue  # a partner or organisation with nothing (visible) in the period has no row
        if is_ally:
            status = "participating" if code in participants else "exempt" if code in exempt else "no_gdp"
        else:
            status = str(nation["kind"])
        gdp_share = (
            (participants[code] * 100 / participating_gdp).quantize(Decimal("0.01"))
            if code in participants and participating_gdp > 0
            else None
        )
        row = BurdenRow(
            code=code,
            name=nation["name"],
            kind=str(nation["kind"]),
            status=status,
            gdp_usd_bn=nation["gdp_usd_bn"],
            gdp_year=nation["gdp_year"],
            gdp_share_pct=gdp_share,
            fair_share_eur=shares.get(code),
            committed_eur=c_value + t_value,
            committed_pledges=c_n,
            training_eur=t_value,
            delivered_eur=d_value,
            delivered_pledges=d_n,
            # Seeing a nation's RED pledges means seeing all of them: the row is then complete.
            complete=can_see_labelled(viewer, code, SharingLabel.RED),
        )
        (allies if is_ally else others).append(row)
    rows = (*allies, *others)
    return BurdenSharing(
        query=query,
        allies=tuple(allies),
        others=tuple(others),
        participating_gdp_usd_bn=participating_gdp,
        all_committed_eur=all_donors[COMMITTED] + training.all_hosts.value_eur,
        all_delivered_eur=all_donors[DELIVERED],
        viewer_sees_everything=is_coordinator(viewer),
        rows_committed_eur=sum((row.committed_eur for row in rows), Decimal("0.00")),
        rows_delivered_eur=sum((row.delivered_eur for row in rows), Decimal("0.00")),
    )


def nation_burden(viewer: Any, code: str, query: BurdenQuery | None = None) -> BurdenRow | None:
    """One nation's row of the report (its contribution against its fair share), as ``viewer`` may see it."""
    return burden_sharing(viewer, query, always_list=[code]).row(code)
