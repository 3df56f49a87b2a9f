"""Pledge figures: all donors together count everything; one nation's figure only what the viewer sees."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.pledges.selectors import Figure, pledge_totals
from tests.db import factories
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

L = SharingLabel
S = PledgeStatus


@pytest.fixture
def pledges() -> None:
    """Shells at 3500 EUR: DEU 100 GREEN committed + 40 RED offered; FRA 10 AMBER(UKR) received (8 found)."""
    records.pledge("DEU", quantity=100, label=L.GREEN, status=S.COMMITTED)
    records.pledge("DEU", quantity=40, label=L.RED, status=S.OFFERED)
    records.pledge("DEU", quantity=7, label=L.GREEN, status=S.WITHDRAWN)
    records.pledge(
        "FRA", quantity=10, label=L.AMBER, releasable_to=["UKR"], status=S.RECEIVED, quantity_received=8
    )


def test_totals_over_all_donors_count_every_pledge_even_those_the_viewer_cannot_see(viewer, pledges) -> None:
    totals = pledge_totals(viewer).all_donors
    assert totals.pledged == Figure(3, 150, Decimal("525000.00"))
    assert totals.committed == Figure(2, 110, Decimal("385000.00"))
    assert totals.delivered == Figure(1, 10, Decimal("35000.00"))
    assert totals.received == Figure(1, 8, Decimal("28000.00"))


def test_a_breakdown_by_nation_shows_only_what_the_viewer_may_see_of_each(liaison_fra, pledges) -> None:
    totals = pledge_totals(liaison_fra, by_donor=True)
    rows = {row.donor: row.figures for row in totals.by_donor}
    assert set(rows) == {"DEU", "FRA"}
    # Germany's RED offer is in the all-donors total but in no nation's row.
    assert rows["DEU"].pledged == Figure(1, 100, Decimal("350000.00"))
    assert rows["FRA"].received == Figure(1, 8, Decimal("28000.00"))
    assert totals.all_donors.pledged.quantity == 150
    assert sum(r.pledged.quantity for r in rows.values()) == 110


def test_a_nation_with_only_hidden_pledges_has_no_row(liaison_deu, pledges) -> None:
    records.pledge("POL", quantity=500, label=L.AMBER_STRICT)
    rows = {row.donor for row in pledge_totals(liaison_deu, by_donor=True).by_donor}
    assert "POL" not in rows
    assert pledge_totals(liaison_deu).all_donors.pledged.quantity == 650


def test_a_total_narrowed_to_one_donor_is_a_figure_about_that_nation(
    liaison_fra, coordinator, pledges
) -> None:
    assert pledge_totals(liaison_fra, donor="DEU").all_donors.pledged == Figure(1, 100, Decimal("350000.00"))
    assert pledge_totals(coordinator, donor="DEU").all_donors.pledged.quantity == 140


def test_the_coordinator_and_the_donor_itself_see_every_pledge_of_the_donor_in_the_breakdown(
    coordinator, liaison_deu, pledges
) -> None:
    for user in (coordinator, liaison_deu):
        rows = {row.donor: row.figures for row in pledge_totals(user, by_donor=True).by_donor}
        assert rows["DEU"].pledged.quantity == 140


def test_family_filters_keep_all_donors_together_and_value_each_item_at_its_own_price(
    viewer, pledges
) -> None:
    factories.item("pzh2000", family_code="155mm-howitzers", unit_value_eur="17000000.00", supply_class="II")
    records.pledge("NLD", item_code="pzh2000", quantity=2, label=L.RED)
    howitzers = pledge_totals(viewer, family="155mm-howitzers").all_donors
    assert howitzers.pledged == Figure(1, 2, Decimal("34000000.00"))
    shells = pledge_totals(viewer, item="dm121-155mm").all_donors
    assert shells.pledged.quantity == 150


def test_anonymous_users_get_zeros(pledges) -> None:
    from django.contrib.auth.models import AnonymousUser

    totals = pledge_totals(AnonymousUser(), by_donor=True)
    assert totals.all_donors.pledged == Figure() and totals.by_donor == ()


def test_totals_cost_a_fixed_number_of_queries(django_assert_max_num_queries, liaison_fra, pledges) -> None:
    for _ in range(20):
        records.pledge("NLD", quantity=3)
    with django_assert_max_num_queries(4):
        pledge_totals(liaison_fra, by_donor=True)
