"""Training in plan runs: in the snapshot, stored by a succeeded run, proposed to the hosts on publication."""

from __future__ import annotations

import datetime as dt

from pledgeflow.core.models import ChangeRecord
from pledgeflow.planning.choices import PlanRunStatus
from pledgeflow.planning.services import execute_plan_run, publish_run, start_plan_run
from pledgeflow.planning.snapshot import build_snapshot
from pledgeflow.requirements.models import Requirement
from tests.db.planning.conftest import START, Theatre
from tests.db.training.conftest import cohort, course, package, session, skill


def _crew_for_the_critical_need(theatre: Theatre) -> None:
    """A gun crew for the critical shells: course in Germany, one session in January, one Ukrainian cohort."""
    battery = package("ART-BTY-1", need_by=dt.date(2027, 3, 1))
    Requirement.objects.filter(pk=theatre.critical.pk).update(package_code="ART-BTY-1")
    gunnery = skill("gunnery")
    gun_course = course("DEU-GUNNERY", gunnery, duration_days=14, seats=12)
    session("DEU-GUNNERY-2701", gun_course, dt.date(2027, 1, 11))
    cohort("UKR-GUN-CREW-1", gunnery, size=10, ready_by=dt.date(2027, 2, 1), in_package=battery)


def test_the_snapshot_carries_the_training_and_the_package_of_each_requirement(theatre: Theatre) -> None:
    _crew_for_the_critical_need(theatre)
    document = build_snapshot(START).document
    assert [c["id"] for c in document["cohorts"]] == ["UKR-GUN-CREW-1"]
    assert [s["id"] for s in document["sessions"]] == ["DEU-GUNNERY-2701"]
    requirements = {r["id"]: r for r in document["requirements"]}
    assert requirements["UKR-ART-0001"]["package"] == "ART-BTY-1"
    assert "package" not in requirements["UKR-ART-0002"]


def test_a_run_without_training_records_has_no_training_keys(theatre: Theatre) -> None:
    document = build_snapshot(START).document
    assert not {"skills", "courses", "sessions", "cohorts", "packages"} & set(document)


def test_a_succeeded_run_stores_its_training_and_publishing_proposes_it_to_the_host(
    theatre: Theatre, coordinator
) -> None:
    _crew_for_the_critical_need(theatre)
    run = execute_plan_run(start_plan_run(coordinator).pk)
    assert run.status == PlanRunStatus.SUCCEEDED, run.error
    assert run.plan["training"]["assignments"][0]["cohort"] == "UKR-GUN-CREW-1"
    assignment = run.training_assignments.get()
    assert assignment.session.code == "DEU-GUNNERY-2701"
    assert run.package_readiness.get().package.code == "ART-BTY-1"

    publish_run(coordinator, run.pk)

    proposal = run.training_proposals.get()
    assert proposal.host_id == "DEU" and proposal.seats == 10
    note = ChangeRecord.objects.get(entity="planning.planrun", action="publish").note
    assert "1 training proposals made" in note
