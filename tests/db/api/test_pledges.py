"""Pledges through the API: contract, sharing labels through every door, milestones, slips and figures."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import models

from pledgeflow.core.models import ChangeRecord
from pledgeflow.pledges.models import Pledge
from tests.db import factories, factories_records
from tests.db.api.conftest import ApiClient
from tests.db.api.contract import ResourceContract

pytestmark = pytest.mark.django_db

TODAY = factories_records.TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The services' "today" is fixed, so milestone dates are reproducible."""
    from pledgeflow.pledges import services

    monkeypatch.setattr(services, "_today", lambda: TODAY)


class TestPledges(ResourceContract):
    path = "/pledges"
    conditional_get = True
    model = Pledge
    key_field = "id"
    writer = "liaison_deu"
    refused_writers = ("viewer", "recipient_officer", "liaison_fra")
    readers = ("viewer", "liaison_fra", "recipient_officer", "coordinator")
    change: ClassVar[dict[str, Any]] = {"quantity": 1500, "note": "A second batch from the Unterlüß line."}
    invalid_change: ClassVar[dict[str, Any]] = {"quantity": 0}
    invalid_update: ClassVar[dict[str, Any]] = {"quantity": -5}
    invalid_field = "quantity"
    cancel_action = "withdraw"
    cancel_body: ClassVar[dict[str, Any]] = {"note": "Stock needed at home."}
    cancelled: ClassVar[dict[str, Any]] = {"status": "withdrawn", "next_milestones": []}

    def make(self) -> models.Model:
        return factories_records.pledge("DEU", label="GREEN")

    def create_body(self) -> dict[str, Any]:
        factories.item()
        factories.location("DEPOT-DE", country="DEU")
        factories_records.kyiv()
        return {
            "donor": "DEU",
            "item": "dm121-155mm",
            "quantity": 10000,
            "available": "2027-01-15",
            "origin": "DEPOT-DE",
            "allowed_destinations": ["DEST-KYIV"],
            "sharing_label": "AMBER",
            "releasable_to": ["FRA", "POL"],
        }

    def test_a_pledge_answers_its_references_by_code_and_its_next_milestones(self, as_user: Any) -> None:
        answer = as_user("liaison_deu").post(self.path, self.create_body())
        assert answer.status == 201, answer
        pledge = answer.json
        assert pledge["reference"].startswith("DEU-")
        assert (pledge["donor"], pledge["item"], pledge["family"], pledge["capability_area"]) == (
            "DEU",
            "dm121-155mm",
            "155mm-artillery-ammunition",
            "artillery",
        )
        assert pledge["allowed_destinations"] == ["DEST-KYIV"]
        assert pledge["releasable_to"] == ["FRA", "POL"]
        assert pledge["status"] == "offered"
        assert pledge["next_milestones"] == ["committed", "declined", "withdrawn"]

    def test_an_unknown_label_is_named(self, as_user: Any) -> None:
        answer = as_user("liaison_deu").post(self.path, {**self.create_body(), "sharing_label": "PURPLE"})
        assert answer.status == 422
        assert answer.error_fields() == {"sharing_label"}


# -- sharing labels through every door --


@pytest.fixture
def red_deu(db: None) -> Pledge:
    """A German RED pledge: only Germany and the coordinators may see it."""
    return factories_records.pledge("DEU", label="RED", reference="DEU-0666", quantity=40)


@pytest.fixture
def green_deu(db: None) -> Pledge:
    """A German GREEN pledge: every signed-in user sees it."""
    return factories_records.pledge("DEU", label="GREEN", reference="DEU-0001", quantity=1000)


def test_a_donor_cannot_see_another_nations_red_pledge_by_id_list_filter_or_count(
    api_as: Any, liaison_fra: Any, red_deu: Pledge, green_deu: Pledge
) -> None:
    france = api_as(liaison_fra)
    for path in (
        f"/pledges/{red_deu.pk}",
        f"/pledges/{red_deu.pk}/history",
        f"/pledges/{red_deu.pk}/milestones",
    ):
        answer = france.get(path)
        assert answer.status == 404, path
        assert "DEU-0666" not in answer.response.content.decode()
    listed = france.get("/pledges", {"limit": 500}).json
    assert [row["reference"] for row in listed["items"]] == ["DEU-0001"]
    assert listed["count"] == 1
    for params in (
        {"sharing_label": "RED"},
        {"donor": "DEU", "sharing_label": ["RED", "AMBER+STRICT"]},
        {"reference": "DEU-0666"},
        {"donor": "DEU", "status": "offered", "available_from": "2027-01-01"},
    ):
        answer = france.get("/pledges", params).json
        assert "DEU-0666" not in [row["reference"] for row in answer["items"]], params
        assert answer["count"] == (0 if "sharing_label" in params or "reference" in params else 1), params


def test_a_donor_cannot_change_or_move_another_nations_hidden_pledge_and_learns_nothing(
    api_as: Any, liaison_fra: Any, red_deu: Pledge
) -> None:
    france = api_as(liaison_fra)
    history = ChangeRecord.objects.count()
    refusals = [
        france.patch(f"/pledges/{red_deu.pk}", {"quantity": 1, "version": 1}),
        france.post(f"/pledges/{red_deu.pk}/milestones", {"milestone": "committed", "version": 1}),
        france.post(f"/pledges/{red_deu.pk}/withdraw", {"version": 1}),
        france.post(f"/pledges/{red_deu.pk}/slip", {"new_date": "2027-05-01", "version": 1}),
    ]
    unknown = france.get("/pledges/987654")
    for answer in refusals:
        assert answer.status == 404, answer
        assert answer.json["detail"] == unknown.json["detail"].replace("987654", str(red_deu.pk))
    red_deu.refresh_from_db()
    assert (red_deu.version, red_deu.quantity, red_deu.status) == (1, 40, "offered")
    assert ChangeRecord.objects.count() == history


def test_the_donor_itself_and_the_coordinators_see_the_red_pledge(
    api_as: Any, liaison_deu: Any, coordinator: Any, red_deu: Pledge
) -> None:
    for user in (liaison_deu, coordinator):
        client = api_as(user)
        assert client.get(f"/pledges/{red_deu.pk}").status == 200
        assert client.get("/pledges", {"sharing_label": "RED"}).json["count"] == 1


def test_an_amber_pledge_is_seen_by_the_nations_it_is_released_to_only(
    api_as: Any, liaison_fra: Any, viewer: Any, recipient_officer: Any
) -> None:
    amber = factories_records.pledge("DEU", label="AMBER", releasable_to=["FRA"])
    assert api_as(liaison_fra).get(f"/pledges/{amber.pk}").status == 200
    poland = factories.donor_liaison("POL")
    assert api_as(poland).get(f"/pledges/{amber.pk}").status == 404
    assert api_as(viewer).get(f"/pledges/{amber.pk}").status == 404
    assert api_as(recipient_officer).get("/pledges").json["count"] == 0


def test_figures_over_all_donors_count_everything_but_a_nations_row_only_what_the_viewer_may_see(
    api_as: Any, liaison_fra: Any, red_deu: Pledge, green_deu: Pledge
) -> None:
    answer = api_as(liaison_fra).get("/pledges/totals", {"by_donor": True})
    assert answer.status == 200, answer
    assert answer.json["all_donors"]["pledged"]["quantity"] == 1040
    rows = {row["donor"]: row for row in answer.json["by_donor"]}
    assert rows["DEU"]["figures"]["pledged"]["quantity"] == 1000
    about_germany = api_as(liaison_fra).get("/pledges/totals", {"donor": "DEU"}).json
    assert about_germany["all_donors"]["pledged"]["pledges"] == 1


# -- roles --


def test_the_recipient_cannot_create_pledges(api_as: Any, recipient_officer: Any) -> None:
    body = TestPledges().create_body()
    answer = api_as(recipient_officer).post("/pledges", body)
    assert answer.status == 403
    assert not Pledge.objects.exists()


def test_a_liaison_records_pledges_of_its_own_nation_only(api_as: Any, liaison_fra: Any) -> None:
    body = TestPledges().create_body()
    answer = api_as(liaison_fra).post("/pledges", body)
    assert answer.status == 403
    assert "FRA" in answer.json["detail"]
    assert not Pledge.objects.exists()


def test_a_donor_cannot_change_another_nations_visible_pledge(
    api_as: Any, liaison_fra: Any, green_deu: Pledge
) -> None:
    answer = api_as(liaison_fra).patch(f"/pledges/{green_deu.pk}", {"quantity": 1, "version": 1})
    assert answer.status == 403
    green_deu.refresh_from_db()
    assert green_deu.quantity == 1000


# -- milestones --


def test_a_pledge_moves_through_its_milestones_to_receipt(
    api_as: Any, liaison_deu: Any, recipient_officer: Any, green_deu: Pledge
) -> None:
    germany = api_as(liaison_deu)
    url = f"/pledges/{green_deu.pk}/milestones"
    version = 1
    for milestone in ("committed", "dispatched", "at_hub", "handed_over"):
        answer = germany.post(url, {"milestone": milestone, "version": version, "on": "2026-11-20"})
        assert answer.status == 200, answer
        assert answer.json["status"] == milestone
        version = answer.json["version"]
    refused = germany.post(
        url,
        {"milestone": "received", "version": version, "quantity_received": 1000, "condition": "serviceable"},
    )
    assert refused.status == 403
    received = api_as(recipient_officer).post(
        url,
        {"milestone": "received", "version": version, "quantity_received": 990, "condition": "needs_repair"},
    )
    assert received.status == 200, received
    assert received.json["quantity_received"] == 990
    log = germany.get(url).json
    assert [entry["milestone"] for entry in log["items"]] == [
        "offered",
        "committed",
        "dispatched",
        "at_hub",
        "handed_over",
        "received",
    ]
    assert log["items"][-1]["recorded_by"] == recipient_officer.username
    assert log["items"][-1]["condition"] == "needs_repair"


def test_a_milestone_the_state_machine_forbids_gets_409_naming_the_allowed_ones(
    api_as: Any, liaison_deu: Any, green_deu: Pledge
) -> None:
    answer = api_as(liaison_deu).post(
        f"/pledges/{green_deu.pk}/milestones", {"milestone": "handed_over", "version": 1}
    )
    assert answer.status == 409
    assert answer.json["allowed_transitions"] == ["committed", "declined", "withdrawn"]
    green_deu.refresh_from_db()
    assert green_deu.status == "offered"


def test_an_unknown_milestone_is_named(api_as: Any, liaison_deu: Any, green_deu: Pledge) -> None:
    answer = api_as(liaison_deu).post(
        f"/pledges/{green_deu.pk}/milestones", {"milestone": "lost", "version": 1}
    )
    assert answer.status == 422
    assert answer.error_fields() == {"milestone"}


def test_a_receipt_without_quantity_and_condition_names_both_and_stores_nothing(
    api_as: Any, recipient_officer: Any
) -> None:
    pledge = factories_records.pledge("DEU", status="handed_over")
    answer = api_as(recipient_officer).post(
        f"/pledges/{pledge.pk}/milestones", {"milestone": "received", "version": 1}
    )
    assert answer.status == 422
    assert answer.error_fields() == {"quantity_received", "condition"}
    pledge.refresh_from_db()
    assert (pledge.status, pledge.version) == ("handed_over", 1)


def test_a_slip_keeps_the_old_date_in_the_milestone_log(
    api_as: Any, liaison_deu: Any, green_deu: Pledge
) -> None:
    germany = api_as(liaison_deu)
    answer = germany.post(
        f"/pledges/{green_deu.pk}/slip", {"new_date": "2027-03-01", "version": 1, "note": "Late"}
    )
    assert answer.status == 200, answer
    assert answer.json["available"] == "2027-03-01"
    assert answer.json["status"] == "offered"
    slip = germany.get(f"/pledges/{green_deu.pk}/milestones").json["items"][-1]
    assert (slip["milestone"], slip["old_date"], slip["new_date"]) == ("slipped", "2027-01-15", "2027-03-01")


def test_a_stale_withdrawal_gets_409_and_the_pledge_stays(
    api_as: Any, liaison_deu: Any, green_deu: Pledge
) -> None:
    germany = api_as(liaison_deu)
    assert germany.patch(f"/pledges/{green_deu.pk}", {"note": "x", "version": 1}).status == 200
    answer = germany.post(f"/pledges/{green_deu.pk}/withdraw", {}, **{"If-Match": '"1"'})
    assert answer.status == 409
    assert answer.json["current_version"] == 2
    green_deu.refresh_from_db()
    assert green_deu.status == "offered"


# -- filters and ordering --


def test_pledges_filter_by_donor_item_status_channel_source_and_availability(
    api_as: Any, coordinator: Any
) -> None:
    factories.family("152mm-artillery-ammunition")
    factories.item("of-540-152mm", family_code="152mm-artillery-ammunition")
    target = factories_records.pledge(
        "POL",
        item_code="of-540-152mm",
        status="committed",
        channel="pooled_fund",
        source="procurement",
        available=TODAY.replace(year=2027, month=4),
    )
    factories_records.pledge("DEU")
    factories_records.pledge("FRA", status="committed")
    client = api_as(coordinator)

    def refs(**params: Any) -> list[str]:
        answer = client.get("/pledges", params)
        assert answer.status == 200, answer
        assert answer.json["count"] == len(answer.json["items"])
        return [row["reference"] for row in answer.json["items"]]

    assert refs(donor="POL") == [target.reference]
    assert refs(item="of-540-152mm") == [target.reference]
    assert refs(family="152mm-artillery-ammunition") == [target.reference]
    assert refs(channel="pooled_fund") == [target.reference]
    assert refs(source="procurement") == [target.reference]
    assert refs(available_from="2027-04-01", available_to="2027-04-30") == [target.reference]
    assert len(refs(status="committed")) == 2
    assert len(refs(donor=["POL", "FRA"])) == 2
    assert refs(ordering="-quantity,donor")[0] in {p.reference for p in Pledge.objects.all()}


def test_an_unknown_filter_value_is_named_with_its_query_path(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/pledges", {"status": "lost"})
    assert answer.status == 422
    assert answer.json["errors"][0]["field"] == "status"
    assert answer.json["errors"][0]["path"].startswith("query.status")


# -- query counts --


def test_a_page_of_pledges_takes_a_constant_number_of_queries(
    api_as: Any, liaison_fra: Any, django_assert_max_num_queries: Any
) -> None:
    client: ApiClient = api_as(liaison_fra)
    factories_records.kyiv()
    lviv = factories.location("DEST-LVIV", kind="destination", country="UKR")
    for n in range(60):
        pledge = factories_records.pledge(
            ["DEU", "POL", "NLD"][n % 3],
            label="AMBER" if n % 2 else "GREEN",
            releasable_to=["FRA"] if n % 2 else (),
        )
        pledge.allowed_destinations.set([lviv])
    client.get("/pledges")  # the token's last use is written once a minute, not on every call
    # The token, the count, the page's keys, its rows, its destinations, its releasable-to nations.
    with django_assert_max_num_queries(6):
        answer = client.get("/pledges", {"limit": 50})
    assert answer.json["count"] == 60
    assert len(answer.json["items"]) == 50
    assert answer.json["items"][0]["allowed_destinations"] == ["DEST-LVIV"]


def test_a_pledge_refused_for_one_bad_nation_leaves_no_pledge_milestone_or_history(
    api_as: Any, liaison_deu: Any
) -> None:
    from pledgeflow.pledges.models import PledgeMilestone

    client = api_as(liaison_deu)
    history = ChangeRecord.objects.count()
    body = {**TestPledges().create_body(), "releasable_to": ["FRA", "XXX"]}
    answer = client.post("/pledges", body)
    assert answer.status == 422
    assert answer.error_fields() == {"releasable_to"}
    assert "XXX" in answer.json["errors"][0]["message"]
    assert not Pledge.objects.exists()
    assert not PledgeMilestone.objects.exists()
    assert ChangeRecord.objects.count() == history


def test_a_relabelled_pledge_becomes_visible_to_other_nations(
    api_as: Any, liaison_deu: Any, liaison_fra: Any, red_deu: Pledge
) -> None:
    assert api_as(liaison_fra).get(f"/pledges/{red_deu.pk}").status == 404
    relabelled = api_as(liaison_deu).patch(f"/pledges/{red_deu.pk}", {"sharing_label": "GREEN", "version": 1})
    assert relabelled.status == 200, relabelled
    assert api_as(liaison_fra).get(f"/pledges/{red_deu.pk}").status == 200
