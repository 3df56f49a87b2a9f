"""The planning API as each role uses it: start, follow, read, compare, lock, publish, accept, decline."""

from __future__ import annotations

from typing import Any

import pytest

from pledgeflow.planning.models import PlanRun, Proposal
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.pledges.models import Pledge
from tests.db.api.conftest import ApiClient, _static_root  # noqa: F401 - the fixture WhiteNoise needs
from tests.db.planning.conftest import Theatre

ROLES_WITHOUT_PLANNING = ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"]


@pytest.fixture
def as_(db: None) -> Any:
    """``as_(user)``: an API client acting as ``user`` with a bearer token."""
    return ApiClient


@pytest.fixture
def published(theatre: Theatre, coordinator, immediate_tasks: None) -> PlanRun:
    """A succeeded and published run of the theatre, started through the API."""
    client = ApiClient(coordinator)
    started = client.post("/plan-runs")
    assert started.status == 202, started
    assert client.post(f"/plan-runs/{started.json['id']}/publish").status == 200
    return PlanRun.objects.get(pk=started.json["id"])


def test_a_coordinator_starts_a_run_answered_202_and_follows_it_to_success(
    theatre: Theatre, coordinator, as_: Any, immediate_tasks: None
) -> None:
    client = as_(coordinator)
    started = client.post("/plan-runs")
    assert started.status == 202
    assert set(started.json) == {"id", "number", "status", "progress"}
    run = client.get(f"/plan-runs/{started.json['id']}")
    assert run.status == 200
    body = run.json
    assert body["status"] == "succeeded" and body["progress"] == 100
    assert body["improvement"] == body["baseline_objective"] - body["objective"]
    assert body["summary"]["by_priority"]["1"] == {"required": 1500, "on_time": 1000, "late": 500, "unmet": 0}
    assert body["summary"]["units_unmet"] == 700
    assert body["allocation_count"] == 3
    listed = client.get("/plan-runs")
    assert listed.json["count"] == 1 and listed.json["items"][0]["number"] == 1


def test_a_run_started_through_the_api_waits_in_the_database_queue(
    theatre: Theatre, coordinator, as_: Any
) -> None:
    started = as_(coordinator).post("/plan-runs")
    assert started.status == 202 and started.json["status"] == "queued"
    assert as_(coordinator).get(f"/plan-runs/{started.json['id']}").json["progress"] == 0


@pytest.mark.parametrize("role", ROLES_WITHOUT_PLANNING)
def test_only_coordinators_start_runs_through_the_api(
    theatre: Theatre, role: str, request: pytest.FixtureRequest, as_: Any
) -> None:
    answer = as_(request.getfixturevalue(role)).post("/plan-runs")
    assert answer.status == 403
    assert PlanRun.objects.count() == 0


def test_without_credentials_nothing_is_answered(theatre: Theatre, as_: Any) -> None:
    assert as_(None).post("/plan-runs").status == 401
    assert as_(None).get("/plan-runs").status == 401
    assert as_(None).get("/proposals").status == 401


def test_allocations_follow_the_pledges_sharing_labels(
    published: PlanRun, coordinator, liaison_deu, liaison_fra, viewer, as_: Any
) -> None:
    def pledges(user: Any) -> set[str]:
        answer = as_(user).get(f"/plan-runs/{published.pk}/allocations")
        assert answer.status == 200
        return {row["pledge"] for row in answer.json["items"]}

    assert pledges(coordinator) == {"DEU-0001", "FRA-0001"}
    assert pledges(liaison_fra) == {"DEU-0001", "FRA-0001"}
    # France's pledge is RED: Germany and analysts see only the GREEN German one.
    assert pledges(liaison_deu) == {"DEU-0001"}
    assert pledges(viewer) == {"DEU-0001"}


def test_allocation_rows_say_what_goes_where_and_when(published: PlanRun, coordinator, as_: Any) -> None:
    rows = (
        as_(coordinator).get(f"/plan-runs/{published.pk}/allocations", {"pledge": "DEU-0001"}).json["items"]
    )
    assert rows == [
        {
            "id": rows[0]["id"],
            "run": published.pk,
            "pledge": "DEU-0001",
            "pledge_id": published.allocations.get(pledge__reference="DEU-0001").pledge_id,
            "donor": "DEU",
            "item": "dm121-155mm",
            "requirement": "UKR-ART-0001",
            "requirement_id": rows[0]["requirement_id"],
            "priority": 1,
            "need_by": "2027-02-01",
            "quantity": 1000,
            "arrival": "2027-01-20",
            "days_late": 0,
            "locked": False,
            "locked_quantity": 0,
        }
    ]


def test_snapshot_plan_notes_and_errors_are_for_coordinators(
    published: PlanRun, coordinator, liaison_deu, as_: Any
) -> None:
    assert (
        as_(coordinator).get(f"/plan-runs/{published.pk}/snapshot").json["format"] == "pledgeflow/scenario-v1"
    )
    assert as_(coordinator).get(f"/plan-runs/{published.pk}/plan").json["format"] == "pledgeflow/plan-v1"
    assert as_(liaison_deu).get(f"/plan-runs/{published.pk}/snapshot").status == 403
    assert as_(liaison_deu).get(f"/plan-runs/{published.pk}/plan").status == 403
    assert as_(liaison_deu).get(f"/plan-runs/{published.pk}").json["scenario_sha256"] == ""
    assert (
        as_(coordinator).get(f"/plan-runs/{published.pk}").json["scenario_sha256"]
        == published.scenario_sha256
    )


def test_compare_answers_pairs_and_summary(
    published: PlanRun, theatre: Theatre, coordinator, as_: Any
) -> None:
    Pledge.objects.filter(pk=theatre.french.pk).update(quantity=300)
    second = as_(coordinator).post("/plan-runs").json["id"]
    answer = as_(coordinator).get(f"/plan-runs/{published.pk}/compare/{second}")
    assert answer.status == 200
    assert answer.json["other"]["id"] == second
    assert {p["pledge"] for p in answer.json["pairs"]} == {"FRA-0001"}
    assert answer.json["summary"]["by_priority"]["3"]["unmet"]["delta"] == 300
    assert as_(coordinator).get(f"/plan-runs/{published.pk}/compare/999999").status == 404


def test_a_coordinator_locks_and_unlocks_an_allocation(published: PlanRun, coordinator, as_: Any) -> None:
    allocation = published.allocations.get(pledge__reference="DEU-0001")
    path = f"/plan-runs/{published.pk}/allocations/{allocation.pk}"
    locked = as_(coordinator).post(f"{path}/lock", {"quantity": 400})
    assert locked.status == 201
    assert locked.json["quantity"] == 400 and locked.json["active"] is True
    assert as_(coordinator).get("/plan-locks").json["count"] == 1
    too_many = as_(coordinator).post(f"{path}/lock", {"quantity": 5000})
    assert too_many.status == 422 and "quantity" in too_many.error_fields()
    unlocked = as_(coordinator).post(f"{path}/unlock", {"reason": "re-plan"})
    assert unlocked.status == 200 and unlocked.json["active"] is False
    assert as_(coordinator).get("/plan-locks").json["count"] == 0


@pytest.mark.parametrize("role", ROLES_WITHOUT_PLANNING)
def test_only_coordinators_lock_publish_and_read_locks_through_the_api(
    theatre: Theatre, coordinator, role: str, request: pytest.FixtureRequest, as_: Any, immediate_tasks: None
) -> None:
    run_id = as_(coordinator).post("/plan-runs").json["id"]
    allocation = PlanRun.objects.get(pk=run_id).allocations.first()
    user = as_(request.getfixturevalue(role))
    assert user.post(f"/plan-runs/{run_id}/allocations/{allocation.pk}/lock", {}).status == 403
    assert user.post(f"/plan-runs/{run_id}/allocations/{allocation.pk}/unlock", {}).status == 403
    assert user.post(f"/plan-runs/{run_id}/publish").status == 403
    assert user.get("/plan-locks").status == 403
    assert not PlanRun.objects.get(pk=run_id).published


def test_publishing_a_failed_or_published_run_is_refused_with_409(
    published: PlanRun, coordinator, as_: Any
) -> None:
    again = as_(coordinator).post(f"/plan-runs/{published.pk}/publish")
    assert again.status == 409


def test_a_donor_lists_only_its_nations_proposals(
    published: PlanRun, coordinator, liaison_deu, liaison_fra, as_: Any
) -> None:
    def listed(user: Any, **params: Any) -> set[str]:
        answer = as_(user).get("/proposals", params)
        assert answer.status == 200
        return {row["pledge"] for row in answer.json["items"]}

    assert listed(liaison_deu) == {"DEU-0001"}
    assert listed(liaison_fra) == {"FRA-0001"}
    assert listed(coordinator) == {"DEU-0001", "FRA-0001"}
    assert listed(coordinator, donor="FRA") == {"FRA-0001"}
    assert listed(liaison_deu, status="accepted") == set()


@pytest.mark.parametrize("role", ["recipient_officer", "training_coordinator", "viewer"])
def test_roles_without_proposals_are_refused_them(
    published: PlanRun, role: str, request: pytest.FixtureRequest, as_: Any
) -> None:
    user = as_(request.getfixturevalue(role))
    proposal = published.proposals.first()
    assert user.get("/proposals").status == 403
    assert user.get(f"/proposals/{proposal.pk}").status == 403
    assert user.post(f"/proposals/{proposal.pk}/accept", {}).status == 403
    assert user.post(f"/proposals/{proposal.pk}/decline", {}).status == 403


def test_a_donor_accepts_its_proposal_and_the_pledge_is_committed(
    published: PlanRun, liaison_deu, liaison_fra, as_: Any
) -> None:
    proposal = published.proposals.get(pledge__reference="DEU-0001")
    shown = as_(liaison_deu).get(f"/proposals/{proposal.pk}")
    assert shown.status == 200 and shown.header("ETag") == '"1"'
    assert as_(liaison_fra).post(f"/proposals/{proposal.pk}/accept", {}).status == 404
    stale = as_(liaison_deu).post(f"/proposals/{proposal.pk}/accept", {}, **{"If-Match": '"3"'})
    assert stale.status == 409 and stale.json["current_version"] == 1
    accepted = as_(liaison_deu).post(f"/proposals/{proposal.pk}/accept", {}, **{"If-Match": '"1"'})
    assert accepted.status == 200, accepted
    assert accepted.json["status"] == "accepted" and accepted.json["decided_by"] == "liaison-deu"
    assert accepted.json["version"] == 2 and accepted.header("ETag") == '"2"'
    assert Pledge.objects.get(reference="DEU-0001").status == PledgeStatus.COMMITTED
    twice = as_(liaison_deu).post(f"/proposals/{proposal.pk}/accept", {})
    assert twice.status == 409 and twice.json["allowed_transitions"] == []


def test_a_stale_decision_is_refused_with_the_current_version(
    published: PlanRun, liaison_deu, as_: Any
) -> None:
    proposal = published.proposals.get(pledge__reference="DEU-0001")
    stale = as_(liaison_deu).post(f"/proposals/{proposal.pk}/decline", {"version": 5})
    assert stale.status == 409 and stale.json["current_version"] == 1
    assert Proposal.objects.get(pk=proposal.pk).status == "proposed"


def test_a_donor_declines_with_a_reason(published: PlanRun, liaison_fra, as_: Any) -> None:
    proposal = published.proposals.filter(pledge__reference="FRA-0001").first()
    declined = as_(liaison_fra).post(f"/proposals/{proposal.pk}/decline", {"reason": "Needed at home"})
    assert declined.status == 200
    assert declined.json["status"] == "declined" and declined.json["reason"] == "Needed at home"
    assert Pledge.objects.get(reference="FRA-0001").status == PledgeStatus.OFFERED


def test_a_failed_run_tells_donors_only_that_it_failed(
    theatre: Theatre,
    coordinator,
    liaison_deu,
    as_: Any,
    monkeypatch: pytest.MonkeyPatch,
    immediate_tasks: None,
) -> None:
    from pledgeflow.planning import services

    def broken(rows: list[Any]) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(services, "_write_allocations", broken)
    run_id = as_(coordinator).post("/plan-runs").json["id"]
    assert "disk full" in as_(coordinator).get(f"/plan-runs/{run_id}").json["error"]
    donor_view = as_(liaison_deu).get(f"/plan-runs/{run_id}").json
    assert donor_view["status"] == "failed" and "disk full" not in donor_view["error"]


def test_list_endpoints_take_the_same_number_of_queries_whatever_the_number_of_rows(
    published: PlanRun, coordinator, liaison_deu, as_: Any, django_assert_max_num_queries: Any
) -> None:
    client, donor = as_(coordinator), as_(liaison_deu)
    paths = [
        (client, "/plan-runs"),
        (client, f"/plan-runs/{published.pk}/allocations"),
        (donor, f"/plan-runs/{published.pk}/allocations"),
        (client, "/proposals"),
        (donor, "/proposals"),
    ]
    # The token look-up, the run, a count and a page (3 allocations, 3 proposals): never a query per row.
    for who, path in paths:
        who.get(path)  # the token's last-use stamp is written once a minute: take it out of the count
        with django_assert_max_num_queries(5):
            assert who.get(path).status == 200


def test_the_history_of_a_proposal_and_of_a_run_can_be_read(
    published: PlanRun, coordinator, liaison_deu, liaison_fra, as_: Any
) -> None:
    proposal = published.proposals.get(pledge__reference="DEU-0001")
    as_(liaison_deu).post(f"/proposals/{proposal.pk}/accept", {})
    history = as_(liaison_deu).get(f"/proposals/{proposal.pk}/history").json["items"]
    assert [(h["action"], h["actor"]) for h in history] == [
        ("create", "cell-coordinator"),
        ("transition", "liaison-deu"),
    ]
    assert as_(liaison_fra).get(f"/proposals/{proposal.pk}/history").status == 404
    run_history = as_(coordinator).get(f"/plan-runs/{published.pk}/history").json["items"]
    assert [h["action"] for h in run_history] == ["create", "transition", "transition", "publish"]
    assert as_(liaison_deu).get(f"/plan-runs/{published.pk}/history").status == 403


def test_a_misspelt_field_is_refused_not_ignored(
    published: PlanRun, coordinator, liaison_fra, as_: Any
) -> None:
    allocation = published.allocations.get(pledge__reference="DEU-0001")
    answer = as_(coordinator).post(
        f"/plan-runs/{published.pk}/allocations/{allocation.pk}/lock", {"quantiy": 5}
    )
    assert answer.status == 422 and "quantiy" in answer.error_fields()
    proposal = published.proposals.get(pledge__reference="FRA-0001", requirement__reference="UKR-ART-0002")
    declined = as_(liaison_fra).post(f"/proposals/{proposal.pk}/decline", {"reasn": "typo"})
    assert declined.status == 422
    assert Proposal.objects.get(pk=proposal.pk).status == "proposed"
