"""Package readiness (spec rule 7) and the training coordinator's alerts."""

from __future__ import annotations

from datetime import date

import pytest
from tests.engine.training_strategies import FakeAllocation, Line, day, scenario

from pledgeflow.engine.model import Cohort, Course, Package, Requirement, Session, Skill
from pledgeflow.engine.readiness import package_readiness, training_alerts
from pledgeflow.engine.training import CohortAssignment, TrainingResult, plan_training

RADAR = Skill("radar-basics")


def requirement(id: str, package: str | None = "IRIS-T") -> Requirement:
    return Requirement(id, "launcher", 4, 1, day(60), "RZE", package=package)


def cohort(id: str, package: str | None = "IRIS-T", size: int = 10) -> Cohort:
    return Cohort(id, "radar-basics", size, "en", day(100), 1, package=package)


def training(assigned: dict[str, int], unassigned: tuple[str, ...] = ()) -> TrainingResult:
    """A training result completing each assigned cohort on the given day (sessions are irrelevant here)."""
    return TrainingResult(
        status="optimal",
        objective=0,
        bound=0,
        assignments={c: CohortAssignment((), day(d), 0) for c, d in assigned.items()},
        unassigned=unassigned,
        effective_ready_by={},
    )


IRIS = Package("IRIS-T", "IRIS-T SLM battery", 1, day(60))


def readiness_of(scn_parts: dict, alloc: FakeAllocation, result: TrainingResult) -> dict:
    [entry] = package_readiness(scenario(packages=[IRIS], **scn_parts), alloc, result)
    return entry


def test_the_last_arrival_or_completion_sets_readiness() -> None:
    alloc = FakeAllocation((Line("P1", "LAUNCHERS", 2, day(40)), Line("P2", "LAUNCHERS", 2, day(70))))
    entry = readiness_of(
        {"requirements": [requirement("LAUNCHERS")], "cohorts": [cohort("CREW-A"), cohort("CREW-B")]},
        alloc,
        training({"CREW-A": 50, "CREW-B": 65}),
    )
    assert entry == {
        "id": "IRIS-T",
        "readiness": day(70).isoformat(),
        "days_late": 10,
        "bottleneck": {"requirement": "LAUNCHERS"},
    }


def test_a_late_crew_is_the_bottleneck_when_it_finishes_last() -> None:
    alloc = FakeAllocation((Line("P1", "LAUNCHERS", 4, day(40)),))
    entry = readiness_of(
        {"requirements": [requirement("LAUNCHERS")], "cohorts": [cohort("CREW-A")]},
        alloc,
        training({"CREW-A": 55}),
    )
    assert entry == {
        "id": "IRIS-T",
        "readiness": day(55).isoformat(),
        "days_late": 0,
        "bottleneck": {"cohort": "CREW-A"},
    }


def test_unmet_units_make_a_package_never_ready() -> None:
    alloc = FakeAllocation((Line("P1", "LAUNCHERS", 3, day(40)),), unmet={"LAUNCHERS": 1})
    entry = readiness_of(
        {"requirements": [requirement("LAUNCHERS")], "cohorts": [cohort("CREW-A")]},
        alloc,
        training({"CREW-A": 30}),
    )
    assert entry == {
        "id": "IRIS-T",
        "readiness": None,
        "days_late": None,
        "bottleneck": {"requirement": "LAUNCHERS"},
    }


def test_an_unassigned_cohort_makes_a_package_never_ready() -> None:
    alloc = FakeAllocation((Line("P1", "LAUNCHERS", 4, day(40)),))
    entry = readiness_of(
        {"requirements": [requirement("LAUNCHERS")], "cohorts": [cohort("CREW-A"), cohort("CREW-B")]},
        alloc,
        training({"CREW-A": 30}, unassigned=("CREW-B",)),
    )
    assert entry["readiness"] is None and entry["bottleneck"] == {"cohort": "CREW-B"}


def test_the_smallest_id_is_the_bottleneck_among_several_that_make_it_never() -> None:
    alloc = FakeAllocation(unmet={"Z-RADARS": 1, "LAUNCHERS": 4})
    entry = readiness_of(
        {"requirements": [requirement("Z-RADARS"), requirement("LAUNCHERS")], "cohorts": [cohort("CREW-A")]},
        alloc,
        training({}, unassigned=("CREW-A",)),
    )
    # Ids are compared by code point across requirements and cohorts: "CREW-A" < "LAUNCHERS" < "Z-RADARS".
    assert entry["bottleneck"] == {"cohort": "CREW-A"}


def test_the_smallest_id_is_the_bottleneck_among_several_that_set_the_date() -> None:
    alloc = FakeAllocation((Line("P1", "MISSILES", 4, day(70)), Line("P2", "LAUNCHERS", 4, day(70))))
    entry = readiness_of(
        {"requirements": [requirement("MISSILES"), requirement("LAUNCHERS")], "cohorts": [cohort("Z-CREW")]},
        alloc,
        training({"Z-CREW": 70}),
    )
    assert entry["bottleneck"] == {"requirement": "LAUNCHERS"}


def test_an_empty_package_is_ready_on_the_start_with_no_bottleneck() -> None:
    entry = readiness_of({}, FakeAllocation(), training({}))
    assert entry == {"id": "IRIS-T", "readiness": day(0).isoformat(), "days_late": 0, "bottleneck": None}


def test_packages_are_listed_in_id_order() -> None:
    packages = [Package(p, p, 2, day(10)) for p in ("K2", "K10", "K1")]
    ids = [e["id"] for e in package_readiness(scenario(packages=packages), FakeAllocation(), training({}))]
    assert ids == ["K1", "K10", "K2"]


def test_readiness_follows_the_planned_training() -> None:
    scn = scenario(
        skills=[RADAR],
        courses=[Course("RB", "radar-basics", "DEU", "en", 10, 20)],
        sessions=[Session("RB-1", "RB", day(80))],
        packages=[IRIS],
        requirements=[requirement("LAUNCHERS")],
        cohorts=[cohort("CREW-A")],
    )
    alloc = FakeAllocation((Line("P1", "LAUNCHERS", 4, day(40)),))
    [entry] = package_readiness(scn, alloc, plan_training(scn, alloc))
    assert entry == {
        "id": "IRIS-T",
        "readiness": day(90).isoformat(),
        "days_late": 30,
        "bottleneck": {"cohort": "CREW-A"},
    }


def _alert_case(completion: int, arrival: int) -> list[dict]:
    scn = scenario(
        skills=[RADAR],
        courses=[Course("RB", "radar-basics", "DEU", "en", 10, 40)],
        sessions=[Session("RB-1", "RB", day(0))],
        packages=[IRIS],
        requirements=[requirement("LAUNCHERS")],
        cohorts=[cohort("CREW-A", size=12)],
    )
    alloc = FakeAllocation((Line("P1", "LAUNCHERS", 4, day(arrival)),))
    result = TrainingResult(
        "optimal", 0, 0, {"CREW-A": CohortAssignment(("RB-1",), day(completion), 0)}, (), {}
    )
    return training_alerts(scn, alloc, result)


def test_equipment_waiting_on_its_crew_for_over_thirty_days_is_flagged() -> None:
    alerts = [a for a in _alert_case(completion=80, arrival=40) if a["kind"] == "idle_equipment"]
    assert [(a["package"], a["cohort"], a["idle_days"]) for a in alerts] == [("IRIS-T", "CREW-A", 40)]


def test_a_crew_waiting_on_its_equipment_for_over_thirty_days_is_flagged() -> None:
    alerts = [a for a in _alert_case(completion=10, arrival=50) if a["kind"] == "idle_crew"]
    assert [(a["package"], a["cohort"], a["idle_days"]) for a in alerts] == [("IRIS-T", "CREW-A", 40)]


def test_thirty_days_of_waiting_is_not_yet_an_alert() -> None:
    kinds = {a["kind"] for a in _alert_case(completion=70, arrival=40)} | {
        a["kind"] for a in _alert_case(completion=10, arrival=40)
    }
    assert not kinds & {"idle_equipment", "idle_crew"}


def test_sessions_under_a_quarter_full_are_flagged() -> None:
    # 12 of 40 seats is 30 %: fine; the same cohort in a 60-seat session would be 20 %.
    assert not [a for a in _alert_case(completion=10, arrival=10) if a["kind"] == "underfilled_session"]
    scn = scenario(
        skills=[RADAR],
        courses=[Course("RB", "radar-basics", "DEU", "en", 10, 60)],
        sessions=[Session("RB-1", "RB", day(0)), Session("RB-2", "RB", day(30))],
        cohorts=[cohort("CREW-A", package=None, size=12)],
    )
    result = plan_training(scn, FakeAllocation())
    flagged = [
        a for a in training_alerts(scn, FakeAllocation(), result) if a["kind"] == "underfilled_session"
    ]
    assert [a["session"] for a in flagged] == ["RB-1", "RB-2"]
    assert sorted(a["occupied"] for a in flagged) == [0, 12]


def test_unassigned_cohorts_are_flagged() -> None:
    scn = scenario(skills=[RADAR], cohorts=[cohort("CREW-A", package=None)])
    result = plan_training(scn, FakeAllocation())
    alerts = [a for a in training_alerts(scn, FakeAllocation(), result) if a["kind"] == "unassigned_cohort"]
    assert [a["cohort"] for a in alerts] == ["CREW-A"]


def test_a_negative_idle_threshold_is_refused() -> None:
    scn = scenario(skills=[RADAR])
    with pytest.raises(ValueError, match="idle_days"):
        training_alerts(scn, FakeAllocation(), training({}), idle_days=-1)


def test_dates_in_readiness_are_iso_strings() -> None:
    entry = readiness_of({}, FakeAllocation(), training({}))
    assert date.fromisoformat(entry["readiness"]) == day(0)


def test_an_unassigned_cohort_alert_says_whether_seats_or_the_courses_are_missing() -> None:
    scn = scenario(
        skills=[RADAR],
        courses=[Course("RB", "radar-basics", "DEU", "en", 10, 8)],
        sessions=[Session("RB-1", "RB", day(0))],
        cohorts=[
            cohort("BIG-CREW", package=None, size=12),
            cohort("FIRST", package=None, size=8),
            cohort("SECOND", package=None, size=8),
        ],
    )
    result = plan_training(scn, FakeAllocation())
    messages = {
        a["cohort"]: a["message"]
        for a in training_alerts(scn, FakeAllocation(), result)
        if a["kind"] == "unassigned_cohort"
    }
    assert "no chain of sessions" in messages["BIG-CREW"]
    [crowded_out] = set(messages) - {"BIG-CREW"}
    assert "seats it could use went to cohorts" in messages[crowded_out]
