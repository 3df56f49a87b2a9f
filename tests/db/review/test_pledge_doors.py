"""Pledges through the JSON API: hidden ones answer like missing ones; nobody sets what is not theirs."""

from __future__ import annotations

from typing import Any

import pytest

from pledgeflow.pledges.models import Pledge, PledgeMilestone
from tests.db import factories, factories_records
from tests.db.review.conftest import missing_id, same_refusal

pytestmark = pytest.mark.django_db


def _probes(pledge_id: int, version: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("get", f"/pledges/{pledge_id}", None),
        ("get", f"/pledges/{pledge_id}/milestones", None),
        ("get", f"/pledges/{pledge_id}/history", None),
        ("patch", f"/pledges/{pledge_id}", {"quantity": 5, "version": version}),
        ("patch", f"/pledges/{pledge_id}", {"quantity": 5, "version": version + 40}),
        ("post", f"/pledges/{pledge_id}/milestones", {"milestone": "committed", "version": version}),
        ("post", f"/pledges/{pledge_id}/milestones", {"milestone": "received", "version": version + 40}),
        ("post", f"/pledges/{pledge_id}/slip", {"new_date": "2027-05-01", "version": version}),
        ("post", f"/pledges/{pledge_id}/withdraw", {"version": version}),
    ]


@pytest.mark.parametrize("role", ["liaison_deu", "recipient_officer", "viewer", "training_coordinator"])
def test_every_pledge_endpoint_answers_a_hidden_pledge_exactly_like_a_missing_one(
    request: pytest.FixtureRequest, api_as: Any, red_fra: Pledge, role: str
) -> None:
    client = api_as(request.getfixturevalue(role))
    absent = missing_id(Pledge)
    for (method, path, body), (_, missing_path, missing_body) in zip(
        _probes(red_fra.pk, red_fra.version), _probes(absent, red_fra.version), strict=True
    ):
        hidden = getattr(client, method)(path, body) if body is not None else getattr(client, method)(path)
        missing = (
            getattr(client, method)(missing_path, missing_body)
            if missing_body is not None
            else getattr(client, method)(missing_path)
        )
        assert hidden.status == 404, (method, path, hidden)
        same_refusal(hidden, missing, red_fra.pk, absent)
    red_fra.refresh_from_db()
    assert (red_fra.quantity, red_fra.version, red_fra.status) == (777, 1, "offered")


def test_a_stale_if_match_on_a_hidden_pledge_answers_404_without_its_version(
    api_as: Any, liaison_deu: Any, red_fra: Pledge
) -> None:
    answer = api_as(liaison_deu).patch(f"/pledges/{red_fra.pk}", {"note": "x"}, **{"If-Match": '"9"'})
    assert answer.status == 404
    assert answer.header("ETag") is None
    assert "current_version" not in (answer.json or {})


def test_lists_filters_and_orderings_never_reach_a_hidden_pledge(
    api_as: Any, liaison_deu: Any, red_fra: Pledge, green_deu: Pledge
) -> None:
    client = api_as(liaison_deu)
    probes = [
        {},
        {"donor": "FRA"},
        {"sharing_label": "RED"},
        {"reference": red_fra.reference},
        {"origin": red_fra.origin.code},
        {"item": red_fra.item.code},
        {"status": "offered", "ordering": "-sharing_label"},
        {"ordering": "-quantity"},
        {"ordering": "donor,-created_at"},
        {"available_from": "2000-01-01", "available_to": "2100-01-01"},
    ]
    for params in probes:
        answer = client.get("/pledges", params)
        assert answer.status == 200, (params, answer)
        references = [row["reference"] for row in answer.json["items"]]
        assert red_fra.reference not in references, params
        assert answer.json["count"] == len(references), params
        assert "FRA-0900" not in answer.response.content.decode()


def test_a_nation_bound_viewer_sees_only_clear_and_green_even_of_its_own_nation(
    api_as: Any, amber_deu_to_pol: Pledge, green_deu: Pledge
) -> None:
    analyst = factories.viewer("DEU", username="analyst-deu")
    client = api_as(analyst)
    assert client.get(f"/pledges/{amber_deu_to_pol.pk}").status == 404
    listed = {row["reference"] for row in client.get("/pledges", {"donor": "DEU"}).json["items"]}
    assert listed == {green_deu.reference}
    totals = client.get("/pledges/totals", {"by_donor": True, "donor": "DEU"}).json
    deu_rows = [row for row in totals["by_donor"] if row["donor"] == "DEU"]
    assert deu_rows and deu_rows[0]["figures"]["pledged"]["quantity"] == 100
    assert totals["all_donors"]["pledged"]["quantity"] == 100


def test_an_amber_pledge_reaches_exactly_the_nations_on_its_list(
    api_as: Any, amber_deu_to_pol: Pledge, liaison_pol: Any, liaison_fra: Any, recipient_officer: Any
) -> None:
    assert api_as(liaison_pol).get(f"/pledges/{amber_deu_to_pol.pk}").status == 200
    assert api_as(liaison_fra).get(f"/pledges/{amber_deu_to_pol.pk}").status == 404
    assert api_as(recipient_officer).get(f"/pledges/{amber_deu_to_pol.pk}").status == 404
    pol_history = api_as(liaison_pol).get(f"/pledges/{amber_deu_to_pol.pk}/history")
    assert pol_history.status == 200


def test_totals_about_one_nation_count_only_what_the_viewer_may_see_of_it(
    api_as: Any, liaison_deu: Any, red_fra: Pledge
) -> None:
    factories_records.pledge("FRA", reference="FRA-0903", quantity=5)  # GREEN
    client = api_as(liaison_deu)
    narrowed = client.get("/pledges/totals", {"donor": "FRA"}).json
    assert narrowed["all_donors"]["pledged"] == {"pledges": 1, "quantity": 5, "value_eur": "17500.00"}
    for params in ({"donor": "FRA", "by_donor": True}, {"by_donor": True, "item": red_fra.item.code}):
        rows = {row["donor"]: row for row in client.get("/pledges/totals", params).json["by_donor"]}
        assert rows["FRA"]["figures"]["pledged"]["quantity"] == 5, params
    # A total over all donors together may count the RED pledge: that is the documented rule.
    overall = client.get("/pledges/totals").json["all_donors"]["pledged"]["quantity"]
    assert overall == 782


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", "committed"),
        ("version", 7),
        ("id", 99999),
        ("created_at", "2020-01-01T00:00:00Z"),
        ("quantity_received", 5),
    ],
)
def test_a_new_pledge_cannot_carry_server_owned_fields(
    api_as: Any, liaison_deu: Any, field: str, value: Any
) -> None:
    factories.item()
    factories.location("DEPOT-DE")
    body = {"donor": "DEU", "item": "dm121-155mm", "quantity": 10, "available": "2027-01-15"}
    body.update({"origin": "DEPOT-DE", field: value})
    answer = api_as(liaison_deu).post("/pledges", body)
    assert answer.status == 422, answer
    assert field in answer.error_fields()
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", "received"),
        ("reference", "DEU-7777"),
        ("id", 1),
        ("quantity_received", 3),
        ("created_by", 1),
    ],
)
def test_a_pledge_change_cannot_set_server_owned_fields(
    api_as: Any, liaison_deu: Any, green_deu: Pledge, field: str, value: Any
) -> None:
    answer = api_as(liaison_deu).patch(f"/pledges/{green_deu.pk}", {field: value, "version": 1})
    assert answer.status == 422, answer
    green_deu.refresh_from_db()
    assert (green_deu.status, green_deu.reference, green_deu.version) == ("offered", "DEU-0901", 1)


def test_a_liaison_cannot_hand_its_pledge_to_another_nation_or_record_one_for_it(
    api_as: Any, liaison_deu: Any, green_deu: Pledge
) -> None:
    client = api_as(liaison_deu)
    moved = client.patch(f"/pledges/{green_deu.pk}", {"donor": "FRA", "version": 1})
    assert moved.status == 403, moved
    green_deu.refresh_from_db()
    assert (green_deu.donor_id, green_deu.version) == ("DEU", 1)
    made = client.post(
        "/pledges",
        {
            "donor": "FRA",
            "item": "dm121-155mm",
            "quantity": 1,
            "available": "2027-01-15",
            "origin": "DEPOT-DEU",
        },
    )
    assert made.status == 403, made
    assert Pledge.objects.filter(donor_id="FRA").count() == 0


def test_a_liaison_cannot_record_the_recipients_milestones_on_its_own_pledge(
    api_as: Any, liaison_deu: Any
) -> None:
    handed = factories_records.pledge("DEU", reference="DEU-0904", status="handed_over")
    offered = factories_records.pledge("DEU", reference="DEU-0905")
    client = api_as(liaison_deu)
    received = client.post(
        f"/pledges/{handed.pk}/milestones",
        {"milestone": "received", "quantity_received": 1, "condition": "serviceable", "version": 1},
    )
    assert received.status == 403, received
    declined = client.post(f"/pledges/{offered.pk}/milestones", {"milestone": "declined", "version": 1})
    assert declined.status == 403, declined
    assert PledgeMilestone.objects.filter(pledge__in=[handed, offered]).count() == 2  # the offered entries


@pytest.mark.parametrize("role", ["recipient_officer", "viewer", "training_coordinator"])
def test_roles_that_do_not_own_a_visible_pledge_cannot_move_it(
    request: pytest.FixtureRequest, api_as: Any, green_deu: Pledge, role: str
) -> None:
    client = api_as(request.getfixturevalue(role))
    for path, body in (
        (f"/pledges/{green_deu.pk}/milestones", {"milestone": "committed", "version": 1}),
        (f"/pledges/{green_deu.pk}/slip", {"new_date": "2027-06-01", "version": 1}),
        (f"/pledges/{green_deu.pk}/withdraw", {"version": 1}),
    ):
        answer = client.post(path, body)
        assert answer.status == 403, (path, answer)
    assert client.patch(f"/pledges/{green_deu.pk}", {"note": "mine now", "version": 1}).status == 403
    green_deu.refresh_from_db()
    assert (green_deu.version, green_deu.status, green_deu.note) == (1, "offered", "")


def test_a_stale_change_to_a_visible_pledge_one_may_not_change_is_refused_403_not_409(
    api_as: Any, liaison_fra: Any, green_deu: Pledge
) -> None:
    answer = api_as(liaison_fra).patch(f"/pledges/{green_deu.pk}", {"note": "x", "version": 55})
    assert answer.status == 403, answer


def test_a_relabelled_red_pledge_disappears_from_other_nations_at_once(
    api_as: Any, liaison_deu: Any, liaison_fra: Any, green_deu: Pledge
) -> None:
    assert api_as(liaison_fra).get(f"/pledges/{green_deu.pk}").status == 200
    relabelled = api_as(liaison_deu).patch(f"/pledges/{green_deu.pk}", {"sharing_label": "RED", "version": 1})
    assert relabelled.status == 200, relabelled
    assert api_as(liaison_fra).get(f"/pledges/{green_deu.pk}").status == 404
    assert api_as(liaison_fra).get("/pledges").json["count"] == 0


def test_a_liaison_choosing_a_reference_learns_nothing_of_another_nations_hidden_pledge(
    api_as: Any, coordinator: Any, liaison_deu: Any
) -> None:
    factories.item()
    factories.location("DEPOT-DE")
    body = {"item": "dm121-155mm", "quantity": 1, "available": "2027-01-15", "origin": "DEPOT-DE"}
    claimed = api_as(coordinator).post(
        "/pledges", {**body, "donor": "FRA", "reference": "DEU-7777", "sharing_label": "RED"}
    )
    assert claimed.status == 422 and "reference" in claimed.error_fields(), claimed
    client = api_as(liaison_deu)
    taken = client.post("/pledges", {**body, "donor": "DEU", "reference": "DEU-7777"})
    free = client.post("/pledges", {**body, "donor": "DEU", "reference": "DEU-7778"})
    assert taken.status == free.status, (taken, free)
