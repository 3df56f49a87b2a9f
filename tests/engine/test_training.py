"""The training planner against the spec's rules 1-6, an independent brute force, and itself (determinism)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from tests.engine.training_strategies import (
    FakeAllocation,
    Line,
    brute_force_objective,
    check_plan,
    day,
    scenario,
    training_cases,
)

from pledgeflow.engine import _training_solve, training
from pledgeflow.engine.model import Cohort, Course, Package, Policy, Requirement, Session, Skill
from pledgeflow.engine.training import plan_training

ROOT = Path(__file__).resolve().parents[2]

AIR_DEFENCE = [
    Skill("radar-basics"),
    Skill("launcher-drill", ("radar-basics",)),
    Skill("battery-command", ("launcher-drill",)),
]


def course(id: str, skill: str, *, language: str = "en", days: int = 10, seats: int = 20) -> Course:
    return Course(id=id, skill=skill, host="DEU", language=language, duration_days=days, seats=seats)


def cohort(
    id: str, skill: str, *, size: int = 10, ready: int = 100, priority: int = 2, **extra: object
) -> Cohort:
    return Cohort(
        id=id, skill=skill, size=size, language="en", ready_by=day(ready), priority=priority, **extra
    )  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(training_cases())
def test_every_plan_keeps_every_rule(case: tuple) -> None:
    scn, alloc = case
    document = plan_training(scn, alloc).to_document()
    check_plan(scn, alloc, document)
    assert document["status"] == "optimal"
    assert document["bound"] == document["objective"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(training_cases(max_cohorts=3, max_sessions=5))
def test_objective_equals_an_independent_brute_force(case: tuple) -> None:
    scn, alloc = case
    result = plan_training(scn, alloc)
    assert result.objective == brute_force_objective(scn, alloc)


@settings(max_examples=40, deadline=None)
@given(training_cases())
def test_same_input_gives_the_same_plan(case: tuple) -> None:
    scn, alloc = case
    assert plan_training(scn, alloc).to_document() == plan_training(scn, alloc).to_document()


def test_prerequisites_are_taken_in_order_before_the_target() -> None:
    scn = scenario(
        skills=AIR_DEFENCE,
        courses=[
            course("RB", "radar-basics"),
            course("LD", "launcher-drill"),
            course("BC", "battery-command"),
        ],
        sessions=[
            Session("BC-1", "BC", day(25)),
            Session("LD-1", "LD", day(12)),
            Session("LD-early", "LD", day(5)),  # overlaps radar basics: unusable
            Session("RB-1", "RB", day(0)),
        ],
        cohorts=[cohort("PATRIOT-1", "battery-command", ready=40)],
    )
    document = plan_training(scn, FakeAllocation()).to_document()
    assert document["assignments"] == [
        {
            "cohort": "PATRIOT-1",
            "sessions": ["RB-1", "LD-1", "BC-1"],
            "completion": day(35).isoformat(),
            "days_late": 0,
            "effective_ready_by": day(40).isoformat(),
        }
    ]


def test_a_cohort_holding_its_target_is_complete_on_the_start() -> None:
    scn = scenario(
        skills=AIR_DEFENCE,
        cohorts=[cohort("VETERANS", "battery-command", held=("battery-command",), ready=-3)],
    )
    result = plan_training(scn, FakeAllocation())
    assert result.assignments["VETERANS"].sessions == ()
    assert result.assignments["VETERANS"].completion == day(0)
    assert result.assignments["VETERANS"].days_late == 3
    assert result.objective == 100 * 10 * 1 * 3


def test_held_skills_cut_the_prerequisite_chain() -> None:
    scn = scenario(
        skills=AIR_DEFENCE,
        courses=[course("BC", "battery-command")],
        sessions=[Session("BC-1", "BC", day(0))],
        cohorts=[cohort("EXPERIENCED", "battery-command", held=("launcher-drill",))],
    )
    assert plan_training(scn, FakeAllocation()).assignments["EXPERIENCED"].sessions == ("BC-1",)


def test_a_course_in_another_language_is_no_use() -> None:
    scn = scenario(
        skills=AIR_DEFENCE[:1],
        courses=[course("RB-fr", "radar-basics", language="fr")],
        sessions=[Session("RB-fr-1", "RB-fr", day(0))],
        cohorts=[cohort("CREW", "radar-basics")],
    )
    result = plan_training(scn, FakeAllocation())
    assert result.unassigned == ("CREW",)
    assert result.objective == 100 * 10 * 10000


def test_sessions_before_the_start_cannot_be_attended() -> None:
    scn = scenario(
        skills=AIR_DEFENCE[:1],
        courses=[course("RB", "radar-basics")],
        sessions=[Session("RB-past", "RB", day(-1))],
        cohorts=[cohort("CREW", "radar-basics")],
    )
    assert plan_training(scn, FakeAllocation()).unassigned == ("CREW",)


def test_scarce_seats_go_to_the_crew_whose_lateness_costs_most() -> None:
    scn = scenario(
        skills=AIR_DEFENCE[:1],
        courses=[course("RB", "radar-basics", seats=12)],
        sessions=[Session("RB-1", "RB", day(0)), Session("RB-2", "RB", day(30))],
        cohorts=[
            cohort("ROUTINE", "radar-basics", priority=4, ready=10),
            cohort("CRITICAL", "radar-basics", priority=1, ready=10),
        ],
    )
    result = plan_training(scn, FakeAllocation())
    assert result.assignments["CRITICAL"].sessions == ("RB-1",)
    assert result.assignments["ROUTINE"].sessions == ("RB-2",)
    assert result.objective == 1 * 10 * 1 * 30


def test_a_whole_cohort_never_splits_across_sessions() -> None:
    scn = scenario(
        skills=AIR_DEFENCE[:1],
        courses=[course("RB", "radar-basics", seats=8)],
        sessions=[Session("RB-1", "RB", day(0)), Session("RB-2", "RB", day(0))],
        cohorts=[cohort("BIG", "radar-basics", size=12)],
    )
    assert plan_training(scn, FakeAllocation()).unassigned == ("BIG",)


def test_leaving_a_cohort_out_wins_when_lateness_would_cost_more() -> None:
    scn = scenario(
        skills=AIR_DEFENCE[:1],
        courses=[course("RB", "radar-basics")],
        sessions=[Session("RB-late", "RB", day(90))],
        cohorts=[cohort("CREW", "radar-basics", ready=0)],
        policy=Policy(unmet_penalty=50),
    )
    result = plan_training(scn, FakeAllocation())
    assert result.unassigned == ("CREW",)
    assert result.objective == 100 * 10 * 50


def _package_case(*, unmet: dict[str, int], arrival: int, own_ready: int) -> tuple:
    scn = scenario(
        skills=AIR_DEFENCE[:1],
        courses=[course("RB", "radar-basics", seats=10)],
        sessions=[Session("RB-1", "RB", day(0)), Session("RB-2", "RB", day(50))],
        packages=[Package("IRIS-T", "IRIS-T battery", 1, day(60))],
        requirements=[
            Requirement("LAUNCHERS", "launcher", 4, 1, day(60), "RZE", package="IRIS-T"),
            Requirement("RADARS", "radar", 1, 1, day(60), "RZE", package="IRIS-T"),
        ],
        cohorts=[
            cohort("IRIS-CREW", "radar-basics", ready=own_ready, priority=1, package="IRIS-T"),
            cohort("OTHER-CREW", "radar-basics", ready=15, priority=2),
        ],
    )
    alloc = FakeAllocation(
        allocations=(
            Line("P1", "LAUNCHERS", 4, day(arrival)),
            Line("P2", "RADARS", 1 - unmet.get("RADARS", 0), day(20)),
        ),
        unmet=unmet,
    )
    return scn, alloc


def test_crews_need_not_be_ready_before_their_equipment_arrives() -> None:
    scn, alloc = _package_case(unmet={}, arrival=70, own_ready=10)
    result = plan_training(scn, alloc)
    assert result.effective_ready_by["IRIS-CREW"] == day(70)
    # The only early seats go to the crew whose equipment is already there.
    assert result.assignments["OTHER-CREW"].sessions == ("RB-1",)
    assert result.assignments["IRIS-CREW"].sessions == ("RB-2",)
    assert result.objective == 0


def test_own_ready_by_stands_when_it_is_later_than_the_equipment() -> None:
    scn, alloc = _package_case(unmet={}, arrival=70, own_ready=90)
    assert plan_training(scn, alloc).effective_ready_by["IRIS-CREW"] == day(90)


def test_own_ready_by_stands_when_the_package_has_unmet_requirements() -> None:
    scn, alloc = _package_case(unmet={"RADARS": 1}, arrival=70, own_ready=10)
    assert plan_training(scn, alloc).effective_ready_by["IRIS-CREW"] == day(10)


def test_own_ready_by_stands_for_a_package_without_requirements() -> None:
    scn = scenario(
        skills=AIR_DEFENCE[:1],
        packages=[Package("TRAINING-ONLY", "Instructors", 2, day(60))],
        cohorts=[cohort("INSTRUCTORS", "radar-basics", ready=5, package="TRAINING-ONLY")],
    )
    assert plan_training(scn, FakeAllocation()).effective_ready_by["INSTRUCTORS"] == day(5)


def test_a_tiny_time_limit_still_gives_a_valid_plan_with_a_sound_bound() -> None:
    from bench.training_bench import generate

    scn, alloc = generate(500, 300)
    result = plan_training(scn, alloc, time_limit=0.05)
    assert result.status in {"optimal", "feasible"}
    assert result.bound <= result.objective
    full = plan_training(scn, alloc)
    assert full.status == "optimal"
    assert result.bound <= full.objective <= result.objective


def test_progress_is_reported_in_words() -> None:
    from bench.training_bench import generate

    scn, alloc = generate(100, 60)
    messages: list[str] = []
    plan_training(scn, alloc, progress=messages.append)
    assert messages and all(m.startswith("training:") for m in messages)


def test_the_plan_does_not_depend_on_the_hash_seed() -> None:
    script = (
        "import json; from bench.training_bench import generate; "
        "from pledgeflow.engine.training import plan_training; "
        "s, a = generate(100, 60); print(json.dumps(plan_training(s, a).to_document(), sort_keys=True))"
    )
    outputs = []
    for seed in ("1", "2"):
        run = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"},
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0]["assignments"]


@pytest.mark.parametrize("cohorts,sessions", [(100, 60)])
def test_the_document_lists_every_cohort_once_in_id_order(cohorts: int, sessions: int) -> None:
    from bench.training_bench import generate

    scn, alloc = generate(cohorts, sessions)
    document = plan_training(scn, alloc).to_document()
    check_plan(scn, alloc, document)  # type: ignore[arg-type]
    ids = [a["cohort"] for a in document["assignments"]] + document["unassigned"]
    assert sorted(ids) == sorted(c.id for c in scn.cohorts)
    assert [a["cohort"] for a in document["assignments"]] == sorted(
        a["cohort"] for a in document["assignments"]
    )
    assert set(document) >= {"status", "objective", "bound", "assignments", "unassigned"}


def test_sessions_for_unrelated_prerequisites_do_not_overlap() -> None:
    skills = [Skill("radar"), Skill("launcher"), Skill("battery", ("launcher", "radar"))]
    scn = scenario(
        skills=skills,
        courses=[
            course("R", "radar", days=10),
            course("L", "launcher", days=10),
            course("B", "battery", days=5),
        ],
        sessions=[
            Session("R-1", "R", day(10)),
            Session("L-1", "L", day(12)),  # the latest launcher session, but it overlaps R-1
            Session("L-2", "L", day(0)),
            Session("B-1", "B", day(25)),
        ],
        cohorts=[cohort("CREW", "battery", ready=100)],
    )
    assert plan_training(scn, FakeAllocation()).assignments["CREW"].sessions == ("L-2", "R-1", "B-1")


def test_unrelated_prerequisites_that_can_only_overlap_leave_the_cohort_out() -> None:
    skills = [Skill("radar"), Skill("launcher"), Skill("battery", ("launcher", "radar"))]
    scn = scenario(
        skills=skills,
        courses=[
            course("R", "radar", days=10),
            course("L", "launcher", days=10, seats=10),
            course("B", "battery", days=5),
        ],
        sessions=[Session("R-1", "R", day(0)), Session("L-1", "L", day(5)), Session("B-1", "B", day(20))],
        # Two cohorts contend for L-1's ten seats, so the solver (not the uncontended shortcut) decides.
        cohorts=[cohort("CREW", "battery", ready=100, priority=1), cohort("OTHER", "launcher", ready=100)],
    )
    result = plan_training(scn, FakeAllocation())
    assert result.unassigned == ("CREW",)
    assert result.assignments["OTHER"].sessions == ("L-1",)


@contextmanager
def forced_search(chain_limit: int) -> Iterator[None]:
    """Send every component to the solver (no shortcut), modelling cohorts with up to ``chain_limit`` chains
    by one literal per chain and the others by one literal per session."""
    saved = _training_solve.CHAIN_LIMIT, _training_solve.CHAIN_GROWTH_LIMIT, training._uncontended
    _training_solve.CHAIN_LIMIT = chain_limit
    _training_solve.CHAIN_GROWTH_LIMIT = float("inf")
    training._uncontended = lambda *_args: False  # type: ignore[assignment]
    try:
        yield
    finally:
        _training_solve.CHAIN_LIMIT, _training_solve.CHAIN_GROWTH_LIMIT, training._uncontended = saved  # type: ignore[assignment]


@pytest.mark.parametrize("chain_limit", [0, 400], ids=["per-session model", "per-chain model"])
def test_both_solver_models_are_valid_and_optimal(chain_limit: int) -> None:
    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(training_cases(max_cohorts=3, max_sessions=5))
    def check(case: tuple) -> None:
        scn, alloc = case
        with forced_search(chain_limit):
            document = plan_training(scn, alloc).to_document()
        assert check_plan(scn, alloc, document) == brute_force_objective(scn, alloc)

    check()


def test_the_per_session_model_keeps_unrelated_prerequisites_apart() -> None:
    with forced_search(0):
        test_unrelated_prerequisites_that_can_only_overlap_leave_the_cohort_out()
        test_sessions_for_unrelated_prerequisites_do_not_overlap()


def test_a_time_limit_that_runs_out_gives_a_valid_feasible_plan_the_same_every_time() -> None:
    from bench.training_bench import generate

    scn, alloc = generate(500, 300, skills_count=8)
    first = plan_training(scn, alloc, time_limit=1.0)
    assert first.status == "feasible"
    assert 0 < first.bound < first.objective
    document = first.to_document()
    check_plan(scn, alloc, document)  # type: ignore[arg-type]
    assert document["gap"] == round((first.objective - first.bound) / first.objective, 6)
    assert plan_training(scn, alloc, time_limit=1.0).to_document() == document
