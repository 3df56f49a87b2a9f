"""Burden sharing: fair shares of the baseline, valuation, periods, exemptions and what each viewer sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import PermissionDenied, ValidationError
from pledgeflow.nations.models import Nation
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.pledges.models import Pledge, PledgeMilestone
from pledgeflow.pledges.selectors import pledge_totals
from pledgeflow.reports.fairshare import fair_shares
from pledgeflow.reports.selectors import (
    DEFAULT_BASELINE_EUR,
    BurdenQuery,
    burden_sharing,
    parse_burden_query,
)
from tests.db import factories
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

L = SharingLabel
S = PledgeStatus
YEAR_2026 = BurdenQuery(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
ALL_TIME = BurdenQuery(None, None)


def reached(pledge: Pledge, **milestones: dt.date) -> Pledge:
    """Log the milestones a pledge passed (``committed=date``, ``handed_over=date``)."""
    for kind, on in milestones.items():
        PledgeMilestone.objects.create(pledge=pledge, milestone=kind, on=on)
    return pledge


@pytest.fixture
def contributions() -> dict[str, Pledge]:
    """Shells at EUR 3500 and Leopards at EUR 6 million, committed and delivered at known dates.

    DEU: 1000 shells GREEN committed 2026-03-01 and handed over 2026-06-01 (EUR 3.5 million both ways);
         2 Leopards RED committed 2026-05-01 (EUR 12 million committed, not delivered);
         500 shells GREEN committed 2025-12-20 (last year: outside 2026).
    FRA: 100 shells AMBER releasable to UKR, received, committed 2026-02-01, handed over 2026-04-01.
    POL: 300 shells GREEN offered only (counts nowhere), 50 shells withdrawn after commitment.
    AUS: 10 Leopards GREEN committed 2026-07-01 (a partner: no fair share).
    """
    factories.family("leopard-2", area="armour")
    factories.item("leopard-2a4", family_code="leopard-2", supply_class="II", unit_value_eur="6000000.00")
    made = {
        "deu_shells": reached(
            records.pledge("DEU", quantity=1000, status=S.HANDED_OVER),
            committed=dt.date(2026, 3, 1),
            handed_over=dt.date(2026, 6, 1),
        ),
        "deu_leopards": reached(
            records.pledge("DEU", item_code="leopard-2a4", quantity=2, label=L.RED, status=S.COMMITTED),
            committed=dt.date(2026, 5, 1),
        ),
        "deu_old": reached(
            records.pledge("DEU", quantity=500, status=S.COMMITTED), committed=dt.date(2025, 12, 20)
        ),
        "fra": reached(
            records.pledge(
                "FRA",
                quantity=100,
                label=L.AMBER,
                releasable_to=["UKR"],
                status=S.RECEIVED,
                quantity_received=90,
            ),
            committed=dt.date(2026, 2, 1),
            handed_over=dt.date(2026, 4, 1),
        ),
        "pol_offer": records.pledge("POL", quantity=300),
        "pol_withdrawn": reached(
            records.pledge("POL", quantity=50, status=S.WITHDRAWN), committed=dt.date(2026, 3, 3)
        ),
        "aus": reached(
            records.pledge("AUS", item_code="leopard-2a4", quantity=10, status=S.COMMITTED),
            committed=dt.date(2026, 7, 1),
        ),
    }
    return made


# --- fair shares -------------------------------------------------------------------------------------------


def test_fair_shares_of_the_32_allies_add_up_to_the_baseline_to_the_cent(coordinator) -> None:
    report = burden_sharing(coordinator, YEAR_2026)
    shares = [row.fair_share_eur for row in report.allies if row.fair_share_eur is not None]
    assert len(shares) == 32 == report.participating_count
    assert sum(shares) == DEFAULT_BASELINE_EUR
    assert report.participating_gdp_usd_bn == Decimal("51745.3")


def test_a_fair_share_is_the_baseline_times_the_allys_share_of_allied_gdp(coordinator) -> None:
    row = burden_sharing(coordinator, YEAR_2026).row("DEU")
    assert row is not None
    exact = DEFAULT_BASELINE_EUR * Decimal("4456.1") / Decimal("51745.3")
    assert abs(row.fair_share_eur - exact) <= Decimal("0.01")
    assert row.gdp_share_pct == Decimal("8.61")


def test_exempted_allies_have_no_fair_share_and_the_others_share_the_whole_baseline(coordinator) -> None:
    query = parse_burden_query(period_from="2026-01-01", period_to="2026-12-31", exempt="usa, hun")
    report = burden_sharing(coordinator, query)
    usa, hun, deu = report.row("USA"), report.row("HUN"), report.row("DEU")
    assert usa is not None and hun is not None and deu is not None
    assert (usa.status, usa.fair_share_eur) == ("exempt", None)
    assert (hun.status, hun.fair_share_eur) == ("exempt", None)
    assert report.participating_count == 30
    assert sum(r.fair_share_eur for r in report.allies if r.fair_share_eur) == DEFAULT_BASELINE_EUR
    remaining_gdp = Decimal("51745.3") - Decimal("27360.9") - Decimal("212.4")
    assert abs(deu.fair_share_eur - DEFAULT_BASELINE_EUR * Decimal("4456.1") / remaining_gdp) <= Decimal(
        "0.01"
    )


def test_the_baseline_is_adjustable(coordinator) -> None:
    report = burden_sharing(coordinator, parse_burden_query(baseline_eur="20000000000"))
    assert sum(r.fair_share_eur for r in report.allies if r.fair_share_eur) == Decimal("20000000000.00")


def test_an_ally_without_gdp_takes_no_part_in_the_baseline(coordinator) -> None:
    Nation.objects.filter(code="ISL").update(gdp_usd_bn=None, gdp_year=None, gdp_source="")
    report = burden_sharing(coordinator, YEAR_2026)
    isl = report.row("ISL")
    assert isl is not None and isl.status == "no_gdp" and isl.fair_share_eur is None
    assert report.participating_count == 31


@given(
    baseline=st.decimals(min_value=0, max_value=10**12, places=2),
    gdps=st.dictionaries(
        st.text(alphabet="ABCDEFGHIJ", min_size=3, max_size=3),
        st.decimals(min_value=0, max_value=30000, places=1),
        min_size=1,
        max_size=40,
    ),
)
def test_fair_shares_always_add_up_to_the_baseline_and_follow_gdp(baseline, gdps) -> None:
    shares = fair_shares(baseline, gdps)
    if sum(gdps.values()) == 0:
        assert shares == {}
        return
    assert sum(shares.values()) == baseline
    total = sum(gdps.values())
    for code, gdp in gdps.items():
        # Each share is within a cent of its exact value, and never negative.
        assert abs(shares[code] - baseline * gdp / total) < Decimal("0.01")
        assert shares[code] >= 0


# --- value, milestones, period -----------------------------------------------------------------------------


def test_committed_and_delivered_value_are_units_times_the_catalogue_unit_value(
    coordinator, contributions
) -> None:
    report = burden_sharing(coordinator, YEAR_2026)
    deu, fra = report.row("DEU"), report.row("FRA")
    assert deu is not None and fra is not None
    assert deu.committed_eur == Decimal("3500000.00") + Decimal("12000000.00")
    assert deu.committed_pledges == 2
    assert deu.delivered_eur == Decimal("3500000.00")
    # Delivered counts what was handed over (100 shells), not what the recipient found (90).
    assert (fra.committed_eur, fra.delivered_eur) == (Decimal("350000.00"), Decimal("350000.00"))
    assert deu.committed_pct == (Decimal("15500000") * 100 / deu.fair_share_eur).quantize(Decimal("0.1"))


def test_offered_and_withdrawn_pledges_count_nowhere(coordinator, contributions) -> None:
    pol = burden_sharing(coordinator, YEAR_2026).row("POL")
    assert pol is not None
    assert (pol.committed_eur, pol.delivered_eur, pol.committed_pledges) == (
        Decimal("0.00"),
        Decimal("0.00"),
        0,
    )


def test_the_period_counts_the_committed_and_handed_over_milestones_that_fall_in_it(
    coordinator, contributions
) -> None:
    first_quarter = burden_sharing(
        coordinator, parse_burden_query(period_from="2026-01-01", period_to="2026-03-31")
    )
    deu, fra = first_quarter.row("DEU"), first_quarter.row("FRA")
    assert deu is not None and fra is not None
    assert deu.committed_eur == Decimal("3500000.00")  # the shells, committed 1 March; Leopards came in May
    assert deu.delivered_eur == Decimal("0.00")  # handed over in June
    assert fra.delivered_eur == Decimal("0.00")  # handed over on 1 April
    assert burden_sharing(coordinator, ALL_TIME).row("DEU").committed_eur == Decimal("17250000.00")
    # Both ends are inclusive.
    one_day = burden_sharing(
        coordinator, parse_burden_query(period_from="2026-06-01", period_to="2026-06-01")
    )
    assert one_day.row("DEU").delivered_eur == Decimal("3500000.00")


def test_an_open_ended_period_counts_everything_from_its_start(coordinator, contributions) -> None:
    since_may = burden_sharing(coordinator, parse_burden_query(period_from="2026-05-01"))
    assert since_may.query.period_to is None
    assert since_may.row("DEU").committed_eur == Decimal("12000000.00")


def test_partners_are_listed_beside_the_allies_without_a_fair_share(coordinator, contributions) -> None:
    report = burden_sharing(coordinator, YEAR_2026)
    aus = report.row("AUS")
    assert aus is not None and aus in report.others
    assert (aus.status, aus.fair_share_eur, aus.committed_eur) == ("partner", None, Decimal("60000000.00"))
    assert all(row.kind != "recipient" for row in (*report.allies, *report.others))
    assert report.row("JPN") is None  # a partner with nothing in the period has no row


def test_without_a_period_the_figures_agree_with_the_pledge_totals(liaison_fra, contributions) -> None:
    report = burden_sharing(liaison_fra, ALL_TIME)
    totals = pledge_totals(liaison_fra, by_donor=True)
    by_donor = {row.donor: row.figures for row in totals.by_donor}
    for code, figures in by_donor.items():
        row = report.row(code)
        assert row is not None
        assert row.committed_eur == figures.committed.value_eur
        assert row.delivered_eur == figures.delivered.value_eur
    assert report.all_committed_eur == totals.all_donors.committed.value_eur
    assert report.all_delivered_eur == totals.all_donors.delivered.value_eur


# --- visibility --------------------------------------------------------------------------------------------


def test_a_nations_row_counts_only_what_the_viewer_may_see_of_it(liaison_fra, contributions) -> None:
    report = burden_sharing(liaison_fra, YEAR_2026)
    deu = report.row("DEU")
    assert deu is not None
    # Germany's RED Leopards are invisible to France: not in Germany's row...
    assert deu.committed_eur == Decimal("3500000.00")
    assert deu.complete is False
    # ... but in the all-donors total, unattributed.
    assert report.all_committed_eur == Decimal("3500000.00") + Decimal("12000000.00") + Decimal(
        "350000.00"
    ) + Decimal("60000000.00")
    assert report.unattributed_committed_eur == Decimal("12000000.00")


def test_a_nation_sees_all_of_its_own_row_and_coordinators_see_every_row_complete(
    liaison_deu, coordinator, contributions
) -> None:
    own = burden_sharing(liaison_deu, YEAR_2026)
    assert own.row("DEU").complete and own.row("DEU").committed_eur == Decimal("15500000.00")
    assert own.row("FRA").complete is False
    assert own.row("FRA").committed_eur == Decimal("0.00")  # AMBER, released to Ukraine only
    every = burden_sharing(coordinator, YEAR_2026)
    assert every.viewer_sees_everything
    assert all(row.complete for row in (*every.allies, *every.others))
    assert every.unattributed_committed_eur == Decimal("0.00")


def test_viewers_see_clear_and_green_pledges_only_even_of_their_own_nation(contributions) -> None:
    analyst = factories.viewer("DEU")
    report = burden_sharing(analyst, YEAR_2026)
    assert report.row("DEU").committed_eur == Decimal("3500000.00")
    assert report.row("DEU").complete is False


def test_the_recipient_sees_amber_pledges_released_to_it(recipient_officer, contributions) -> None:
    assert burden_sharing(recipient_officer, YEAR_2026).row("FRA").delivered_eur == Decimal("350000.00")


def test_anonymous_visitors_cannot_read_the_report() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        burden_sharing(AnonymousUser(), YEAR_2026)


# --- the query ---------------------------------------------------------------------------------------------


def test_the_default_report_covers_the_calendar_year_to_date_with_the_washington_baseline() -> None:
    query = parse_burden_query(today=dt.date(2026, 11, 27))
    assert query == BurdenQuery(dt.date(2026, 1, 1), dt.date(2026, 11, 27), DEFAULT_BASELINE_EUR, ())


def test_bad_query_values_are_each_named_with_what_would_be_right() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_burden_query(period_from="2026-13-01", baseline_eur="lots", exempt="AUS,XYZ,DEU")
    errors = caught.value.message_dict
    assert "YYYY-MM-DD" in errors["from"][0]
    assert "as a number" in errors["baseline_eur"][0]
    assert "AUS, XYZ are not allies" in errors["exempt"][0]


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_burden_query(period_from="2026-06-01", period_to="2026-05-31")
    assert "before it starts" in caught.value.message_dict["to"][0]


@pytest.mark.parametrize("baseline", ["0", "-5", "1e20", "NaN"])
def test_a_baseline_must_be_a_positive_sensible_amount(baseline) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_burden_query(baseline_eur=baseline)
    assert "baseline_eur" in caught.value.message_dict


# --- training seats ----------------------------------------------------------------------------------------


def _hosted_seats(host: str, seats: int, cost: str, start: dt.date, *, label: str, status: str) -> None:
    """``seats`` seats a Ukrainian crew takes in a session ``host`` runs from ``start`` at ``cost`` a seat."""
    from decimal import Decimal as D

    from pledgeflow.planning.models import PlanRun
    from pledgeflow.training.models import (
        Cohort,
        Course,
        Skill,
        TrainingAssignment,
        TrainingProposal,
        TrainingSession,
    )

    skill = Skill.objects.get_or_create(code="patriot-crew", defaults={"name": "Patriot crew"})[0]
    course = Course.objects.create(
        code=f"{host}-PATRIOT-{label}-{status}-{start.year}".replace("+", "-"),
        name="Patriot crew course",
        skill=skill,
        host=factories.nation(host),
        language="uk",
        duration_days=30,
        seats=20,
        cost_per_seat_eur=D(cost),
        sharing_label=label,
    )
    session = TrainingSession.objects.create(
        code=f"{course.code}-1", course=course, start=start, sharing_label=label
    )
    cohort = Cohort.objects.create(
        code=f"UKR-CREW-{course.code}",
        nation=factories.nation("UKR"),
        skill=skill,
        size=seats,
        language="uk",
        ready_by=start + dt.timedelta(days=90),
        priority=1,
    )
    run = PlanRun.objects.create(number=PlanRun.objects.count() + 1, created_by=factories.coordinator())
    assignment = TrainingAssignment.objects.create(
        run=run, cohort=cohort, session=session, completion=start + dt.timedelta(days=30)
    )
    TrainingProposal.objects.create(
        run=run,
        assignment=assignment,
        cohort=cohort,
        session=session,
        host=factories.nation(host),
        seats=seats,
        status=status,
    )


def test_accepted_training_seats_count_as_committed_value_of_the_host_at_the_course_cost_per_seat(
    coordinator, liaison_fra
) -> None:
    _hosted_seats("DEU", 10, "20000", dt.date(2026, 9, 1), label=L.GREEN, status="accepted")
    _hosted_seats("DEU", 4, "20000", dt.date(2026, 9, 1), label=L.RED, status="accepted")
    _hosted_seats("DEU", 6, "20000", dt.date(2026, 10, 1), label=L.GREEN, status="proposed")
    _hosted_seats("DEU", 8, "20000", dt.date(2025, 9, 1), label=L.GREEN, status="accepted")
    deu = burden_sharing(coordinator, YEAR_2026).row("DEU")
    # Accepted seats in sessions starting in 2026: 10 + 4 at EUR 20,000; proposed and 2025 ones do not count.
    assert (deu.training_eur, deu.committed_eur, deu.delivered_eur) == (
        Decimal("280000.00"),
        Decimal("280000.00"),
        Decimal("0.00"),
    )
    # France may not see the RED course: Germany's row shows the GREEN seats, the total all of them.
    seen_by_france = burden_sharing(liaison_fra, YEAR_2026)
    assert seen_by_france.row("DEU").training_eur == Decimal("200000.00")
    assert seen_by_france.all_committed_eur == Decimal("280000.00")
