"""Plan runs, allocations, comparisons, proposals and explanations: another nation's RED pledge stays unseen.

The theatre's French pledge FRA-0001 is RED: Germany's liaison, the recipient's officer, training
coordinators and analysts must find no trace of it, through the API and the pages alike.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from pledgeflow.planning.models import PlanAllocation, PlanRun, Proposal
from pledgeflow.pledges.models import Pledge
from tests.db.api.conftest import ApiClient
from tests.db.planning.conftest import Theatre
from tests.db.review.conftest import missing_id, same_refusal

HIDDEN = "FRA-0001"
OUTSIDERS = ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"]


@pytest.fixture
def runs(theatre: Theatre, coordinator: Any, immediate_tasks: None) -> tuple[PlanRun, PlanRun]:
    """Two succeeded runs, the first published; France's pledge shrank in between."""
    client = ApiClient(coordinator)
    first = client.post("/plan-runs").json["id"]
    assert client.post(f"/plan-runs/{first}/publish").status == 200
    Pledge.objects.filter(pk=theatre.french.pk).update(quantity=300)
    second = client.post("/plan-runs").json["id"]
    return PlanRun.objects.get(pk=first), PlanRun.objects.get(pk=second)


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_no_planning_answer_names_a_pledge_hidden_from_the_reader(
    request: pytest.FixtureRequest, runs: tuple[PlanRun, PlanRun], theatre: Theatre
) -> None:
    for role in OUTSIDERS:
        _no_trace_in_the_api(ApiClient(request.getfixturevalue(role)), runs, theatre)


def _no_trace_in_the_api(client: ApiClient, runs: tuple[PlanRun, PlanRun], theatre: Theatre) -> None:
    first, second = runs
    paths: list[tuple[str, dict[str, Any]]] = [
        ("/plan-runs", {}),
        (f"/plan-runs/{first.pk}", {}),
        (f"/plan-runs/{second.pk}", {}),
        (f"/plan-runs/{first.pk}/allocations", {}),
        (f"/plan-runs/{first.pk}/allocations", {"pledge": HIDDEN}),
        (f"/plan-runs/{first.pk}/allocations", {"donor": "FRA"}),
        (f"/plan-runs/{first.pk}/allocations", {"requirement": "UKR-ART-0001", "ordering": "-quantity"}),
        (f"/plan-runs/{first.pk}/allocations", {"ordering": "-days_late,priority"}),
        (f"/plan-runs/{first.pk}/compare/{second.pk}", {}),
        (f"/plan-runs/{second.pk}/compare/{first.pk}", {}),
    ]
    for path, params in paths:
        answer = client.get(path, params)
        assert answer.status == 200, (path, answer)
        body = answer.response.content.decode()
        assert HIDDEN not in body, (path, params)
        assert f'"pledge_id": {theatre.french.pk}' not in body, (path, params)
        if "allocations" in path:
            assert answer.json["count"] == len(answer.json["items"]), path
            assert all(row["donor"] != "FRA" for row in answer.json["items"]), path


def test_france_sees_its_own_pledge_in_the_same_answers(
    runs: tuple[PlanRun, PlanRun], liaison_fra: Any
) -> None:
    first, second = runs
    client = ApiClient(liaison_fra)
    assert HIDDEN in client.get(f"/plan-runs/{first.pk}/allocations").response.content.decode()
    assert HIDDEN in client.get(f"/plan-runs/{first.pk}/compare/{second.pk}").response.content.decode()


def test_another_nations_proposal_answers_exactly_like_a_missing_one(
    runs: tuple[PlanRun, PlanRun], liaison_deu: Any
) -> None:
    french = Proposal.objects.get(pledge__reference=HIDDEN, requirement__reference="UKR-ART-0001")
    absent = missing_id(Proposal)
    client = ApiClient(liaison_deu)
    for suffix, body in (("", None), ("/history", None), ("/accept", {}), ("/decline", {"reason": "no"})):
        method = client.get if body is None else client.post
        args = () if body is None else (body,)
        hidden = method(f"/proposals/{french.pk}{suffix}", *args)
        missing = method(f"/proposals/{absent}{suffix}", *args)
        assert hidden.status == 404, (suffix, hidden)
        same_refusal(hidden, missing, french.pk, absent)
    listed = client.get("/proposals", {"donor": "FRA"})
    assert listed.status == 200 and listed.json["count"] == 0
    french.refresh_from_db()
    assert (french.status, french.version) == ("proposed", 1)


def test_roles_without_proposals_cannot_decide_one_through_the_api_or_the_page(
    request: pytest.FixtureRequest, runs: tuple[PlanRun, PlanRun]
) -> None:
    german = Proposal.objects.filter(pledge__reference="DEU-0001").first()
    assert german is not None
    for role in ("recipient_officer", "training_coordinator", "viewer"):
        user = request.getfixturevalue(role)
        assert ApiClient(user).post(f"/proposals/{german.pk}/accept", {}).status == 403
        page = _signed_in(user).post(f"/donor/proposals/{german.pk}/accept/")
        assert page.status_code in (403, 404), page.status_code
    german.refresh_from_db()
    assert german.status == "proposed"


def test_a_liaison_cannot_decide_another_nations_proposal_through_the_page(
    runs: tuple[PlanRun, PlanRun], liaison_deu: Any
) -> None:
    french = Proposal.objects.filter(pledge__reference=HIDDEN).first()
    assert french is not None
    page = _signed_in(liaison_deu).post(f"/donor/proposals/{french.pk}/accept/")
    assert page.status_code == 404
    french.refresh_from_db()
    assert french.status == "proposed"


def test_locks_are_refused_alike_whether_the_allocation_exists_or_not(
    request: pytest.FixtureRequest, runs: tuple[PlanRun, PlanRun]
) -> None:
    first, _ = runs
    allocation = PlanAllocation.objects.filter(run=first, pledge__reference=HIDDEN).first()
    assert allocation is not None
    absent = missing_id(PlanAllocation)
    for role in OUTSIDERS:
        _locks_refused(ApiClient(request.getfixturevalue(role)), first, allocation, absent)


def _locks_refused(client: ApiClient, first: PlanRun, allocation: PlanAllocation, absent: int) -> None:
    for action, body in (("lock", {"quantity": 1}), ("unlock", {"reason": "x"})):
        hidden = client.post(f"/plan-runs/{first.pk}/allocations/{allocation.pk}/{action}", body)
        missing = client.post(f"/plan-runs/{first.pk}/allocations/{absent}/{action}", body)
        assert hidden.status == missing.status == 403, (hidden, missing)
    for path in (f"/plan-runs/{first.pk}/snapshot", f"/plan-runs/{first.pk}/plan", "/plan-locks"):
        answer = client.get(path)
        assert answer.status == 403, (path, answer)
        assert HIDDEN not in answer.response.content.decode()


def test_no_planning_page_names_a_pledge_hidden_from_the_reader(
    request: pytest.FixtureRequest, runs: tuple[PlanRun, PlanRun], theatre: Theatre
) -> None:
    for role in OUTSIDERS:
        _no_trace_in_the_pages(_signed_in(request.getfixturevalue(role)), runs, theatre)


def _no_trace_in_the_pages(client: Client, runs: tuple[PlanRun, PlanRun], theatre: Theatre) -> None:
    first, second = runs
    pages = [
        "/planning/runs/",
        f"/planning/runs/{first.pk}/",
        f"/planning/runs/{second.pk}/",
        f"/planning/runs/{first.pk}/?export=csv",
        f"/planning/runs/{first.pk}/compare/{second.pk}/",
        f"/planning/runs/{first.pk}/status/",
        f"/requirements/{theatre.critical.pk}/",
        f"/requirements/{theatre.critical.pk}/explanation/",
        f"/requirements/{theatre.medium.pk}/explanation/",
        f"/pledges/{theatre.german.pk}/",
        f"/pledges/{theatre.german.pk}/explanation/",
        "/overview/",
        "/pledges/?export=csv",
        "/reports/burden-sharing/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code in (200, 403), (path, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert HIDDEN.encode() not in body, path
    assert client.get(f"/pledges/{theatre.french.pk}/").status_code == 404
    assert client.get(f"/pledges/{theatre.french.pk}/explanation/").status_code == 404
