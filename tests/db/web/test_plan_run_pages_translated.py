"""The plan-run pages in French: run statuses translated, and the note on what the planner minimises."""

from __future__ import annotations

import pytest

from pledgeflow.planning.services import start_plan_run
from tests.db.planning.conftest import (  # noqa: F401 - the planning tests' theatre and tasks run at once
    _plan_start,
    immediate_tasks,
    theatre,
)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("theatre", "immediate_tasks")
def test_run_statuses_and_the_objective_note_are_in_the_users_language(coordinator, client_for) -> None:
    run = start_plan_run(coordinator)
    assert run.status == "succeeded", run.error
    client = client_for(coordinator)
    assert client.post("/i18n/setlang/", {"language": "fr", "next": "/"}).status_code == 302
    runs = client.get("/planning/runs/").content.decode()
    assert ">Réussi</span>" in runs and ">Succeeded<" not in runs
    detail = client.get(f"/planning/runs/{run.pk}/").content.decode()
    assert 'data-testid="objective-note"' in detail
    assert "Le planificateur minimise les jours de retard" in detail
