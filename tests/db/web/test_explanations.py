"""Allocations and the planner's explanation on the detail pages, within what each user may see."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest

from pledgeflow.planning.models import PlanRun
from pledgeflow.planning.services import execute_plan_run, start_plan_run
from tests.db import factories

pytestmark = pytest.mark.django_db

SECRET = "FRA-SECRET-1"


@pytest.fixture
def planned(record: dict[str, Any], coordinator: Any) -> dict[str, Any]:
    """The record with routes to Kyiv and one succeeded plan run over it."""
    factories.route("DEPOT-DEU", "DEST-KYIV", days=4)
    factories.route("DEPOT-FRA", "DEST-KYIV", days=5)
    run = start_plan_run(coordinator)
    execute_plan_run(run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    return {**record, "run": run}


def test_the_coordinator_sees_every_admissible_pledge_in_the_explanation(planned, client_for, coordinator):
    critical = planned["critical"]
    response = client_for(coordinator).get(f"/requirements/{critical.pk}/explanation/")
    explained = {p["pledge"] for p in response.context["explanation"]["admissible_pledges"]}
    assert {"DEU-0001", "FRA-OPEN-1", SECRET} <= explained
    assert "<html" in response.content.decode()  # asked without HTMX: a page of its own


def test_the_explanation_leaves_out_pledges_the_user_may_not_see(planned, client_for):
    critical = planned["critical"]
    client = client_for(factories.donor_liaison("DEU"))
    response = client.get(f"/requirements/{critical.pk}/explanation/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body  # the HTMX fragment only
    explanation = response.context["explanation"]
    assert SECRET not in body
    assert all(p["pledge"] != SECRET for p in explanation["admissible_pledges"])
    assert all(a["pledge"] != SECRET for a in explanation["allocations"])
    # The all-donors total it receives still counts the French units (a total names no nation).
    assert explanation["received"] == explanation["requirement"]["quantity"] - explanation["unmet"]
    detail = client.get(f"/requirements/{critical.pk}/").content.decode()
    assert SECRET not in detail
    assert client.get(f"/pledges/{planned['french_red'].pk}/explanation/").status_code == 404


def test_a_pledge_explanation_says_where_its_units_went(planned, client_for, coordinator):
    german = planned["german"]
    response = client_for(factories.donor_liaison("DEU")).get(f"/pledges/{german.pk}/explanation/")
    explanation = response.context["explanation"]
    assert explanation["pledge"]["id"] == "DEU-0001"
    assert explanation["given"] + explanation["unallocated"] == german.quantity


def test_package_readiness_appears_on_the_overview_only_when_a_plan_has_packages(
    record, client_for, coordinator
):
    client = client_for(coordinator)
    assert b"Readiness of capability packages" not in client.get("/").content
    start = _dt.date.today()
    PlanRun.objects.create(
        number=1,
        created_by=coordinator,
        status="succeeded",
        snapshot={"start": start.isoformat()},
        plan={
            "start": start.isoformat(),
            "packages": [
                {"id": "PATRIOT-BTY-3", "readiness": (start + _dt.timedelta(days=40)).isoformat(),
                 "days_late": 10, "bottleneck": {"cohort": "CREW-7"}},
                {"id": "LEO-COY-2", "readiness": None, "days_late": None,
                 "bottleneck": {"requirement": "UKR-ARM-1"}},
            ],
        },
    )  # fmt: skip
    body = client.get("/").content.decode()
    assert "Readiness of capability packages" in body
    assert "PATRIOT-BTY-3" in body and "cohort CREW-7" in body and "never (something is missing)" in body
    # Plan documents are the coordinators': others do not get the section.
    assert b"Readiness of capability packages" not in client_for(factories.viewer()).get("/").content


def test_the_recipient_sees_what_the_latest_plan_allocates_to_each_need_from_visible_pledges(
    planned, client_for
):
    officer = factories.recipient_officer("UKR")
    response = client_for(officer).get("/recipient/")
    table = response.context["table"]
    critical = next(r for r in table.objects if r.reference == "UKR-ART-0001")
    from pledgeflow.planning.selectors import list_allocations

    visible = sum(a.quantity for a in list_allocations(officer, planned["run"], requirement="UKR-ART-0001"))
    assert critical.allocated == visible
    everything = sum(
        a.quantity for a in planned["run"].allocations.filter(requirement__reference="UKR-ART-0001")
    )
    secret = sum(
        a.quantity
        for a in planned["run"].allocations.filter(
            requirement__reference="UKR-ART-0001", pledge__reference=SECRET
        )
    )
    # France's RED pledge is planned for this need too, but the recipient may not see it: not counted here.
    assert secret > 0 and visible == everything - secret
    assert "Allocated by plan run 1" in response.content.decode()
