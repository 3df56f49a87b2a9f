"""The plan-run pages as each role uses them: start and follow a run, review it, lock, unlock, publish."""

from __future__ import annotations

from typing import Any

import pytest

from pledgeflow.planning.models import AllocationLock, PlanAllocation, PlanRun, Proposal
from pledgeflow.planning.services import start_plan_run
from tests.db.web_planning.conftest import Theatre

pytestmark = pytest.mark.django_db

OTHER_ROLES = ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"]


@pytest.fixture
def run(theatre: Theatre, coordinator, immediate_tasks: None) -> PlanRun:
    """A succeeded run of the theatre."""
    made = start_plan_run(coordinator)
    assert made.status == "succeeded", made.error
    return made


def test_a_coordinator_starts_a_run_from_the_page_and_lands_on_it(
    theatre: Theatre, coordinator, client_as: Any, immediate_tasks: None
) -> None:
    client = client_as(coordinator)
    listing = client.get("/planning/runs/")
    assert listing.status_code == 200
    assert b'data-testid="start-run"' in listing.content
    started = client.post("/planning/runs/start/")
    run = PlanRun.objects.get()
    assert started.status_code == 302 and started["Location"] == f"/planning/runs/{run.pk}/"
    page = client.get(started["Location"])
    assert page.status_code == 200
    assert b'data-status="succeeded"' in page.content
    assert b'data-testid="baseline"' in page.content


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_coordinators_may_start_a_run(
    role: str, request: pytest.FixtureRequest, theatre: Theatre, client_as: Any
) -> None:
    client = client_as(request.getfixturevalue(role))
    assert b'data-testid="start-run"' not in client.get("/planning/runs/").content
    assert client.post("/planning/runs/start/").status_code == 403
    assert not PlanRun.objects.exists()


def test_the_status_fragment_polls_while_the_run_works_and_asks_for_a_reload_when_done(
    theatre: Theatre, coordinator, client_as: Any
) -> None:
    run = start_plan_run(coordinator)  # the database queue: stays queued in this test
    client = client_as(coordinator)
    page = client.get(f"/planning/runs/{run.pk}/")
    assert b'hx-trigger="every 1s"' in page.content
    assert b'http-equiv="refresh"' in page.content  # without JavaScript the page reloads itself
    fragment = client.get(f"/planning/runs/{run.pk}/status/", headers={"HX-Request": "true"})
    assert b'data-status="queued"' in fragment.content and "HX-Refresh" not in fragment
    from pledgeflow.planning.services import execute_plan_run

    execute_plan_run(run.pk)
    done = client.get(f"/planning/runs/{run.pk}/status/", headers={"HX-Request": "true"})
    assert b'data-status="succeeded"' in done.content and done["HX-Refresh"] == "true"
    assert b"every 1s" not in done.content


def test_the_run_page_compares_with_the_previous_run_and_says_why_pairs_moved(
    run: PlanRun, theatre: Theatre, coordinator, client_as: Any, immediate_tasks: None
) -> None:
    theatre.german.quantity = 400
    theatre.german.save()
    second = start_plan_run(coordinator)
    client = client_as(coordinator)
    page = client.get(f"/planning/runs/{second.pk}/").content.decode()
    assert 'data-testid="compare-summary"' in page
    assert "pledge DEU-0001 quantity changed from 1000 to 400" in page
    full = client.get(f"/planning/runs/{run.pk}/compare/{second.pk}/")
    assert full.status_code == 200
    assert "pledge DEU-0001 quantity changed from 1000 to 400" in full.content.decode()


def test_allocations_show_only_pledges_the_reader_may_see(run: PlanRun, liaison_deu, client_as: Any) -> None:
    page = client_as(liaison_deu).get(f"/planning/runs/{run.pk}/").content.decode()
    assert 'data-pledge="DEU-0001"' in page
    assert "FRA-0001" not in page  # France's RED pledge
    assert "Lock for later runs" not in page


def test_the_allocations_export_holds_only_what_the_reader_may_see(
    run: PlanRun, liaison_deu, coordinator, client_as: Any
) -> None:
    donor_csv = b"".join(client_as(liaison_deu).get(f"/planning/runs/{run.pk}/?export=csv").streaming_content)
    assert b"DEU-0001" in donor_csv and b"FRA-0001" not in donor_csv
    cell_csv = b"".join(client_as(coordinator).get(f"/planning/runs/{run.pk}/?export=csv").streaming_content)
    assert b"FRA-0001" in cell_csv


def test_a_coordinator_locks_and_unlocks_an_allocation(run: PlanRun, coordinator, client_as: Any) -> None:
    client = client_as(coordinator)
    allocation = PlanAllocation.objects.filter(run=run).first()
    locked = client.post(
        f"/planning/runs/{run.pk}/allocations/{allocation.pk}/lock/",
        {"quantity": "1"},
        headers={"HX-Request": "true"},
    )
    assert locked.status_code == 200
    assert b"Locked: 1 units" in locked.content
    lock = AllocationLock.objects.get(active=True)
    assert (lock.pledge_id, lock.quantity, lock.created_by) == (allocation.pledge_id, 1, coordinator)
    unlocked = client.post(f"/planning/runs/{run.pk}/allocations/{allocation.pk}/unlock/")
    assert unlocked.status_code == 302
    assert not AllocationLock.objects.filter(active=True).exists()


def test_a_lock_beyond_the_allocation_is_refused_with_the_services_message(
    run: PlanRun, coordinator, client_as: Any
) -> None:
    allocation = PlanAllocation.objects.filter(run=run).first()
    answer = client_as(coordinator).post(
        f"/planning/runs/{run.pk}/allocations/{allocation.pk}/lock/",
        {"quantity": str(allocation.quantity + 1)},
        headers={"HX-Request": "true"},
    )
    assert f"takes 1 to {allocation.quantity} units".encode() in answer.content
    assert not AllocationLock.objects.exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_coordinators_lock_unlock_and_publish(
    role: str, request: pytest.FixtureRequest, run: PlanRun, client_as: Any
) -> None:
    client = client_as(request.getfixturevalue(role))
    allocation = PlanAllocation.objects.filter(run=run, pledge__reference="DEU-0001").first()
    assert client.post(f"/planning/runs/{run.pk}/allocations/{allocation.pk}/lock/").status_code == 403
    assert client.post(f"/planning/runs/{run.pk}/allocations/{allocation.pk}/unlock/").status_code == 403
    assert client.post(f"/planning/runs/{run.pk}/publish/").status_code == 403
    assert not AllocationLock.objects.exists() and not Proposal.objects.exists()
    assert b'data-testid="publish"' not in client.get(f"/planning/runs/{run.pk}/").content


def test_a_coordinator_publishes_a_run_once(run: PlanRun, coordinator, client_as: Any) -> None:
    client = client_as(coordinator)
    assert b'data-testid="publish"' in client.get(f"/planning/runs/{run.pk}/").content
    assert client.post(f"/planning/runs/{run.pk}/publish/").status_code == 302
    run.refresh_from_db()
    assert run.published and Proposal.objects.filter(run=run).count() == run.allocations.count()
    page = client.get(f"/planning/runs/{run.pk}/").content
    assert b'data-testid="published"' in page
    again = client.post(f"/planning/runs/{run.pk}/publish/", follow=True)
    assert b"cannot be published" in again.content


def test_a_run_that_does_not_exist_answers_404(db, coordinator, client_as: Any) -> None:
    assert client_as(coordinator).get("/planning/runs/999/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(db, client) -> None:
    answer = client.get("/planning/runs/")
    assert answer.status_code == 302 and "/accounts/sign-in/" in answer["Location"]


def test_a_comparison_lists_only_the_pairs_the_reader_may_see(
    run: PlanRun, theatre: Theatre, coordinator, liaison_deu, client_as: Any, immediate_tasks: None
) -> None:
    theatre.french.quantity = 300
    theatre.french.save()
    second = start_plan_run(coordinator)
    cell = client_as(coordinator).get(f"/planning/runs/{run.pk}/compare/{second.pk}/").content.decode()
    assert "pledge FRA-0001 quantity changed from 800 to 300" in cell
    donor = client_as(liaison_deu).get(f"/planning/runs/{run.pk}/compare/{second.pk}/").content.decode()
    assert "FRA-0001" not in donor


def test_the_allocations_table_costs_the_same_queries_whatever_the_number_of_rows(
    theatre: Theatre, coordinator, client_as: Any, immediate_tasks: None
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.db import factories_records

    client = client_as(coordinator)
    region = {"HX-Request": "true", "HX-Target": "table-region"}

    def queries_for(run_pk: int) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(f"/planning/runs/{run_pk}/", headers=region)
        return len(captured), answer.content.decode().count('data-testid="allocation"')

    small = start_plan_run(coordinator)
    for n in range(12):
        factories_records.requirement(
            theatre.version, reference=f"UKR-ART-{100 + n}", quantity=10, need_by=theatre.critical.need_by
        )
        factories_records.pledge("DEU", reference=f"DEU-{100 + n}", quantity=10)
    large = start_plan_run(coordinator)
    small_queries, small_rows = queries_for(small.pk)
    large_queries, large_rows = queries_for(large.pk)
    assert large_rows > small_rows + 10
    assert large_queries == small_queries


def test_the_run_list_refreshes_itself_while_a_run_works(
    theatre: Theatre, coordinator, client_as: Any
) -> None:
    client = client_as(coordinator)
    assert b"every 2s" not in client.get("/planning/runs/").content
    start_plan_run(coordinator)  # the database queue: stays queued in this test
    assert b'hx-trigger="every 2s"' in client.get("/planning/runs/").content


def test_the_compare_form_leads_to_the_comparison_with_the_chosen_run(
    run: PlanRun, coordinator, client_as: Any, immediate_tasks: None
) -> None:
    second = start_plan_run(coordinator)
    answer = client_as(coordinator).get(f"/planning/runs/{second.pk}/compare/", {"with": run.pk})
    assert answer.status_code == 302
    assert answer["Location"] == f"/planning/runs/{run.pk}/compare/{second.pk}/"
