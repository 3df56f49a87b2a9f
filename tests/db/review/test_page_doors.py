"""The pages' forms: the same refusals as the API, and hidden records answer 404 to every action."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from pledgeflow.pledges.models import Pledge
from tests.db import factories, factories_records
from tests.db.review.conftest import missing_id

pytestmark = pytest.mark.django_db


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["liaison_deu", "recipient_officer", "viewer", "training_coordinator"])
def test_every_pledge_page_answers_a_hidden_pledge_like_a_missing_one(
    request: pytest.FixtureRequest, red_fra: Pledge, role: str
) -> None:
    client = _signed_in(request.getfixturevalue(role))
    absent = missing_id(Pledge)
    for suffix, body in (
        ("", None),
        ("edit/", None),
        ("edit/", {"quantity": 1, "version": 1}),
        ("milestone/", {"target": "committed", "version": 1}),
        ("slip/", {"version": 1, "new_date": "2027-06-01"}),
        ("withdraw/", {"version": 1}),
        ("decline/", {"version": 1}),
        ("receipt/", {"version": 1, "quantity_received": 1, "condition": "serviceable"}),
        ("explanation/", None),
    ):
        hidden = (
            client.post(f"/pledges/{red_fra.pk}/{suffix}", body)
            if body
            else client.get(f"/pledges/{red_fra.pk}/{suffix}")
        )
        missing = (
            client.post(f"/pledges/{absent}/{suffix}", body)
            if body
            else client.get(f"/pledges/{absent}/{suffix}")
        )
        assert hidden.status_code == missing.status_code == 404, (
            suffix,
            hidden.status_code,
            missing.status_code,
        )
        assert b"FRA-0900" not in hidden.content, suffix
    red_fra.refresh_from_db()
    assert (red_fra.version, red_fra.status, red_fra.quantity) == (1, "offered", 777)


def test_a_liaison_cannot_record_or_move_a_pledge_for_another_nation_through_the_form(
    liaison_deu: Any, green_deu: Pledge
) -> None:
    factories.location("DEPOT-FRA", country="FRA")
    client = _signed_in(liaison_deu)
    form = {
        "donor": "FRA",
        "item": "dm121-155mm",
        "quantity": 5,
        "available": "2027-01-15",
        "origin": "DEPOT-FRA",
        "source": "stock",
        "channel": "bilateral",
        "sharing_label": "GREEN",
    }
    made = client.post("/pledges/new/", form)
    assert made.status_code in (403, 422), made.status_code
    assert not Pledge.objects.filter(donor_id="FRA").exists()
    moved = client.post(f"/pledges/{green_deu.pk}/edit/", {**form, "quantity": 100, "version": 1})
    green_deu.refresh_from_db()
    assert green_deu.donor_id == "DEU", moved.status_code


@pytest.mark.parametrize("role", ["recipient_officer", "viewer", "training_coordinator", "liaison_fra"])
def test_roles_that_do_not_own_a_visible_pledge_cannot_move_it_through_the_pages(
    request: pytest.FixtureRequest, green_deu: Pledge, role: str
) -> None:
    client = _signed_in(request.getfixturevalue(role))
    for suffix, body in (
        ("edit/", {"quantity": 1, "version": 1}),
        ("milestone/", {"target": "committed", "version": 1}),
        ("slip/", {"version": 1, "new_date": "2027-06-01"}),
        ("withdraw/", {"version": 1}),
    ):
        response = client.post(f"/pledges/{green_deu.pk}/{suffix}", body)
        assert response.status_code == 403, (suffix, response.status_code)
    green_deu.refresh_from_db()
    assert (green_deu.version, green_deu.status, green_deu.quantity) == (1, "offered", 100)


def test_the_recipient_declines_and_confirms_only_what_it_may_see(recipient_officer: Any) -> None:
    visible = factories_records.pledge("DEU", reference="DEU-0950", status="handed_over")
    client = _signed_in(recipient_officer)
    response = client.post(
        f"/pledges/{visible.pk}/receipt/",
        {"version": 1, "quantity_received": 1000, "condition": "serviceable"},
    )
    assert response.status_code in (200, 302), response.status_code
    visible.refresh_from_db()
    assert visible.status == "received"


def test_the_burden_page_gives_no_row_to_a_partner_whose_pledges_are_all_hidden(
    liaison_deu: Any, coordinator: Any
) -> None:
    import datetime as dt

    from pledgeflow.pledges.models import PledgeMilestone

    hidden = factories_records.pledge("AUS", reference="AUS-0001", label="RED", status="committed")
    PledgeMilestone.objects.create(pledge=hidden, milestone="committed", on=dt.date(2026, 11, 2))
    params = {"period_from": "2026-01-01", "period_to": "2026-12-31"}
    for user, expect in ((liaison_deu, False), (coordinator, True)):
        from tests.db.api.conftest import ApiClient

        answer = ApiClient(user).get("/reports/burden-sharing", params)
        assert answer.status == 200, answer
        codes = {row["code"] for row in answer.json["others"]}
        assert ("AUS" in codes) is expect, (user, codes)
        page = _signed_in(user).get("/reports/burden-sharing/?from=2026-01-01&to=2026-12-31")
        assert page.status_code == 200


def test_a_pledge_form_without_the_version_it_was_based_on_does_not_overwrite_a_newer_change(
    liaison_deu: Any, green_deu: Pledge
) -> None:
    from pledgeflow.pledges import services as pledge_services

    pledge_services.update_pledge(liaison_deu, green_deu, {"quantity": 250}, 1)  # someone else's change
    form = {
        "donor": "DEU",
        "item": "dm121-155mm",
        "quantity": 90,
        "available": "2027-01-15",
        "origin": green_deu.origin.code,
        "source": "stock",
        "channel": "bilateral",
        "sharing_label": "GREEN",
    }
    response = _signed_in(liaison_deu).post(f"/pledges/{green_deu.pk}/edit/", form)
    green_deu.refresh_from_db()
    assert green_deu.quantity == 250
    assert "sent without the version" in response.content.decode()


def test_a_requirement_status_change_without_its_version_changes_nothing(
    recipient_officer: Any,
) -> None:
    from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
    from tests.db import factories_records

    draft = factories_records.list_version(status=VersionStatus.DRAFT)
    requirement = factories_records.requirement(draft, status=RequirementStatus.DRAFT)
    response = _signed_in(recipient_officer).post(
        f"/requirements/{requirement.pk}/status/", {"target": "submitted"}, follow=True
    )
    requirement.refresh_from_db()
    assert requirement.version == 1
    assert "sent without the version" in response.content.decode()


@pytest.mark.parametrize("role", ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"])
def test_only_coordinators_start_publish_and_lock_through_the_pages(
    request: pytest.FixtureRequest, coordinator: Any, role: str
) -> None:
    from pledgeflow.planning.models import PlanRun

    run = PlanRun.objects.create(number=1, created_by=coordinator, status="succeeded")
    client = _signed_in(request.getfixturevalue(role))
    for path in (
        "/planning/runs/start/",
        f"/planning/runs/{run.pk}/publish/",
        f"/planning/runs/{run.pk}/allocations/1/lock/",
        f"/planning/runs/{run.pk}/allocations/1/unlock/",
    ):
        response = client.post(path, {"quantity": "1", "reason": "x"})
        assert response.status_code in (403, 404), (path, response.status_code)
    assert PlanRun.objects.count() == 1
    run.refresh_from_db()
    assert not run.published
