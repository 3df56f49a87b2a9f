"""Background tasks of the planning context (Django's tasks framework; the database queue in production).

``pledgeflow worker`` (and the worker that ``pledgeflow serve`` and ``pledgeflow demo`` start) runs them.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def plan_run(run_id: int) -> dict[str, Any]:
    """Plan the queued plan run ``run_id`` (see :func:`pledgeflow.planning.services.execute_plan_run`).

    Failures are stored on the run, so the task itself succeeds whenever the run reached a final state.
    """
    from pledgeflow.planning.services import execute_plan_run

    run = execute_plan_run(run_id)
    return {"run": run.number, "status": run.status}
