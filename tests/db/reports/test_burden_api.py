"""GET /api/v1/reports/burden-sharing: the report's figures as each viewer may see them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.pledges.choices import MilestoneKind, PledgeStatus
from pledgeflow.pledges.models import PledgeMilestone
from tests.db import factories_records as records
from tests.db.api.conftest import ApiClient, _static_root  # noqa: F401 - the fixture WhiteNoise needs

pytestmark = pytest.mark.django_db

PATH = "/reports/burden-sharing"


@pytest.fixture
def german_pledges() -> None:
    """Germany: 1000 GREEN shells committed in March 2026, 40 RED shells committed in April 2026."""
    for quantity, label, on in (
        (1000, SharingLabel.GREEN, dt.date(2026, 3, 1)),
        (40, SharingLabel.RED, dt.date(2026, 4, 1)),
    ):
        pledge = records.pledge("DEU", quantity=quantity, label=label, status=PledgeStatus.COMMITTED)
        PledgeMilestone.objects.create(pledge=pledge, milestone=MilestoneKind.COMMITTED, on=on)


def test_the_api_answers_the_report_with_fair_shares_adding_up_to_the_baseline(
    coordinator, german_pledges
) -> None:
    answer = ApiClient(coordinator).get(
        PATH, {"from": "2026-01-01", "to": "2026-12-31", "baseline_eur": "1000000"}
    )
    assert answer.status == 200, answer
    body = answer.json
    assert body["period_from"] == "2026-01-01" and body["baseline_eur"] == "1000000.00"
    assert sum(Decimal(row["fair_share_eur"]) for row in body["allies"]) == Decimal("1000000.00")
    deu = next(row for row in body["allies"] if row["code"] == "DEU")
    assert deu["committed_eur"] == "3640000.00" and deu["complete"] is True


def test_exemptions_are_given_repeated_or_separated_by_commas(coordinator) -> None:
    client = ApiClient(coordinator)
    repeated = client.client.get("/api/v1" + PATH + "?exempt=USA&exempt=HUN")
    commas = client.get(PATH, {"exempt": "USA,HUN"})
    assert repeated.status_code == 200 and commas.status == 200
    for body in (repeated.json(), commas.json):
        assert body["exempt"] == ["HUN", "USA"] and body["participating_allies"] == 30


def test_another_nation_sees_only_what_it_may_of_a_nations_row(liaison_fra, german_pledges) -> None:
    body = ApiClient(liaison_fra).get(PATH, {"from": "2026-01-01", "to": "2026-12-31"}).json
    deu = next(row for row in body["allies"] if row["code"] == "DEU")
    assert deu["committed_eur"] == "3500000.00" and deu["complete"] is False
    assert body["all_donors"]["committed_eur"] == "3640000.00"
    assert body["all_donors"]["unattributed_committed_eur"] == "140000.00"


def test_bad_parameters_are_refused_422_naming_each_one(coordinator) -> None:
    answer = ApiClient(coordinator).get(PATH, {"from": "2026-06-01", "to": "2026-05-01", "exempt": "XYZ"})
    assert answer.status == 422
    assert {"to", "exempt"} <= answer.error_fields()


def test_without_credentials_the_report_is_refused_401(db) -> None:
    assert ApiClient(None).get(PATH).status == 401


def test_the_period_may_also_be_named_as_in_the_answer(coordinator, german_pledges) -> None:
    answer = ApiClient(coordinator).get(PATH, {"period_from": "2026-04-01", "period_to": "2026-04-30"})
    assert answer.status == 200, answer
    assert (answer.json["period_from"], answer.json["period_to"]) == ("2026-04-01", "2026-04-30")
    deu = next(row for row in answer.json["allies"] if row["code"] == "DEU")
    assert deu["committed_eur"] == "140000.00"  # only the RED shells, committed on 1 April
