"""Plan runs: queued, running with progress, then succeeded with plan and allocations, or failed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from pledgeflow.core.errors import PermissionDenied
from pledgeflow.core.models import ChangeRecord
from pledgeflow.engine.plan import Planners
from pledgeflow.planning import services
from pledgeflow.planning.choices import PlanRunStatus
from pledgeflow.planning.models import AllocationLock, PlanAllocation, PlanRun
from pledgeflow.planning.services import _ProgressWriter, execute_plan_run, start_plan_run
from tests.db import factories
from tests.db.planning.conftest import Theatre


def _statuses(run: PlanRun) -> list[tuple[Any, Any]]:
    changes = ChangeRecord.objects.filter(entity="planning.planrun", object_id=str(run.pk)).order_by(
        "at", "id"
    )
    return [((c.before or {}).get("status"), (c.after or {}).get("status")) for c in changes]


def test_starting_a_run_stores_it_queued_with_its_task_row_in_the_database_queue(
    theatre: Theatre, coordinator
) -> None:
    run = start_plan_run(coordinator)
    assert run.status == PlanRunStatus.QUEUED
    assert run.number == 1
    assert run.created_by == coordinator
    task = DBTaskResult.objects.get(pk=run.task_id)
    assert task.task_path == "pledgeflow.planning.tasks.plan_run"
    assert task.args_kwargs == {"args": [run.pk], "kwargs": {}}
    assert task.status == "READY"
    assert PlanAllocation.objects.count() == 0
    assert _statuses(run) == [(None, "queued")]


def test_runs_are_numbered_in_order(theatre: Theatre, coordinator) -> None:
    assert [start_plan_run(coordinator).number for _ in range(3)] == [1, 2, 3]


@pytest.mark.parametrize("role", ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"])
def test_only_coordinators_start_runs(theatre: Theatre, role: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        start_plan_run(request.getfixturevalue(role))
    assert PlanRun.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_a_queued_run_goes_running_then_succeeded_with_plan_allocations_and_history(
    theatre: Theatre, coordinator
) -> None:
    run = start_plan_run(coordinator)
    seen: list[tuple[str, int, str]] = []
    default = Planners.default()

    def watching_allocate(scenario: Any, progress: Any) -> Any:
        progress(0.5, "half the families allocated")
        fresh = PlanRun.objects.get(pk=run.pk)
        seen.append((fresh.status, fresh.progress, fresh.progress_message))
        return default.allocate(scenario, progress)

    done = execute_plan_run(run.pk, planners=dataclasses.replace(default, allocate=watching_allocate))

    assert seen and seen[0][0] == PlanRunStatus.RUNNING
    assert 5 < seen[0][1] < 95 and seen[0][2] == "half the families allocated"
    assert done.status == PlanRunStatus.SUCCEEDED
    assert done.progress == 100
    assert done.started_at is not None and done.finished_at is not None
    assert done.list_version == "2026-11"
    assert done.plan["format"] == "pledgeflow/plan-v1"
    assert done.scenario_sha256 == done.plan["scenario_sha256"]
    assert done.snapshot["pledges"][0]["id"] == "DEU-0001"
    # Supply 1800 is short of need 2500: the critical need gets all 1500, the medium one 300, 700 unmet.
    rows = {(a.pledge.reference, a.requirement.reference): a.quantity for a in done.allocations.all()}
    assert rows == {
        ("DEU-0001", "UKR-ART-0001"): 1000,
        ("FRA-0001", "UKR-ART-0001"): 500,
        ("FRA-0001", "UKR-ART-0002"): 300,
    }
    late = done.allocations.get(pledge=theatre.french, requirement=theatre.critical)
    assert late.arrival == dt.date(2027, 2, 3) and late.days_late == 2
    assert done.plan["unmet"] == [{"requirement": "UKR-ART-0002", "quantity": 700}]
    german = done.allocations.get(pledge=theatre.german)
    assert german.arrival == dt.date(2027, 1, 20) and german.days_late == 0
    assert done.objective == done.plan["objective"]
    assert done.baseline_objective == done.plan["baseline"]["objective"]
    assert _statuses(done) == [(None, "queued"), ("queued", "running"), ("running", "succeeded")]


def test_the_previous_run_is_the_last_succeeded_one(theatre: Theatre, coordinator) -> None:
    first = execute_plan_run(start_plan_run(coordinator).pk)
    second = execute_plan_run(start_plan_run(coordinator).pk)
    assert first.previous is None
    assert second.previous == first


def test_with_the_immediate_backend_starting_a_run_plans_it_at_once(
    theatre: Theatre, coordinator, immediate_tasks: None
) -> None:
    run = start_plan_run(coordinator)
    assert run.status == PlanRunStatus.SUCCEEDED
    assert sum(a.quantity for a in run.allocations.all()) == 1800
    assert run.task_id


def test_a_run_that_is_not_queued_is_left_alone(theatre: Theatre, coordinator) -> None:
    run = execute_plan_run(start_plan_run(coordinator).pk)
    again = execute_plan_run(run.pk)
    assert again.status == PlanRunStatus.SUCCEEDED
    assert again.allocations.count() == run.allocations.count()


def test_a_lock_that_can_no_longer_hold_fails_the_run_naming_the_records(
    theatre: Theatre, coordinator
) -> None:
    # Germany locked onto the critical need, then Germany changed the pledge to air-defence missiles.
    AllocationLock.objects.create(
        pledge=theatre.german, requirement=theatre.critical, quantity=500, created_by=coordinator
    )
    factories.family("iris-t-slm-interceptors", area="air-defence")
    missile = factories.item("iris-t-missile", family_code="iris-t-slm-interceptors")
    type(theatre.german).objects.filter(pk=theatre.german.pk).update(item=missile)

    run = execute_plan_run(start_plan_run(coordinator).pk)

    assert run.status == PlanRunStatus.FAILED
    assert "locks[0]" in run.error
    assert "lock on pledge DEU-0001 -> requirement UKR-ART-0001" in run.error
    assert run.snapshot is not None and run.plan is None
    assert run.allocations.count() == 0
    assert run.finished_at is not None
    assert _statuses(run)[-1] == ("running", "failed")


def test_a_failure_while_storing_leaves_no_allocation_behind(
    theatre: Theatre, coordinator, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = services._write_allocations

    def write_half_then_break(rows: list[PlanAllocation]) -> None:
        real_write(rows[:1])
        raise OSError("disk full")

    monkeypatch.setattr(services, "_write_allocations", write_half_then_break)
    run = execute_plan_run(start_plan_run(coordinator).pk)

    assert run.status == PlanRunStatus.FAILED
    assert "OSError: disk full" in run.error
    assert PlanAllocation.objects.filter(run=run).count() == 0
    assert run.plan is None and run.objective is None


def test_a_planner_crash_is_captured_on_the_run(theatre: Theatre, coordinator) -> None:
    def broken_allocate(scenario: Any, progress: Any) -> Any:
        raise RuntimeError("solver exploded")

    planners = dataclasses.replace(Planners.default(), allocate=broken_allocate)
    run = execute_plan_run(start_plan_run(coordinator).pk, planners=planners)
    assert run.status == PlanRunStatus.FAILED
    assert "RuntimeError: solver exploded" in run.error
    assert run.allocations.count() == 0


def test_progress_is_written_at_most_twice_a_second_unless_it_jumps(theatre: Theatre, coordinator) -> None:
    run = start_plan_run(coordinator)
    now = [0.0]
    writer = _ProgressWriter(run.pk, clock=lambda: now[0])
    writer(0.10, "a")
    assert PlanRun.objects.get(pk=run.pk).progress == 10
    now[0] = 0.1
    writer(0.15, "b")  # too soon and too small a step: not written
    assert PlanRun.objects.get(pk=run.pk).progress == 10
    writer(0.30, "c")  # too soon but a jump of 20 points: written
    assert PlanRun.objects.get(pk=run.pk).progress_message == "c"
    now[0] = 0.7
    writer(0.31, "d")  # half a second later: written
    assert PlanRun.objects.get(pk=run.pk).progress == 31


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_processes_queued_runs(theatre: Theatre, coordinator) -> None:
    from django.core.management import call_command

    run = start_plan_run(coordinator)
    call_command("db_worker", batch=True, queue_name="*", interval=0, startup_delay=False, verbosity=0)
    run.refresh_from_db()
    assert run.status == PlanRunStatus.SUCCEEDED
    assert DBTaskResult.objects.get(pk=run.task_id).status == "SUCCESSFUL"
