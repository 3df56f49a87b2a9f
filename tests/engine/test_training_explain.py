"""Explanations of a cohort's sessions and of a package's bottleneck, read from a plan document."""

from __future__ import annotations

from typing import Any

import pytest
from tests.engine.training_strategies import FakeAllocation, Line, day, scenario

from pledgeflow.engine.explain_training import UnknownIdError, explain_cohort, explain_package
from pledgeflow.engine.model import Cohort, Course, Package, Requirement, Session, Skill
from pledgeflow.engine.readiness import package_readiness
from pledgeflow.engine.training import plan_training

SKILLS = [Skill("radar-basics"), Skill("battery-command", ("radar-basics",))]
IRIS = Package("IRIS-T", "IRIS-T SLM battery", 1, day(60))


def plan_document(scn: Any, alloc: FakeAllocation) -> dict[str, Any]:
    """The parts of a plan-v1 document the explanations read, built as the plan command builds them."""
    result = plan_training(scn, alloc)
    return {
        "allocations": [
            {
                "pledge": a.pledge,
                "requirement": a.requirement,
                "quantity": a.quantity,
                "arrival": a.arrival.isoformat(),
            }
            for a in alloc.allocations
        ],
        "unmet": [{"requirement": r, "quantity": q} for r, q in sorted(alloc.unmet.items())],
        "training": result.to_document(),
        "packages": package_readiness(scn, alloc, result),
    }


def contested() -> tuple[Any, FakeAllocation]:
    scn = scenario(
        skills=SKILLS,
        courses=[
            Course("RB", "radar-basics", "DEU", "en", 10, 12),
            Course("BC", "battery-command", "POL", "en", 5, 30),
            Course("BC-fr", "battery-command", "FRA", "fr", 5, 30),
        ],
        sessions=[
            Session("RB-1", "RB", day(0)),
            Session("RB-2", "RB", day(40)),
            Session("BC-1", "BC", day(15)),
            Session("BC-2", "BC", day(55)),
        ],
        packages=[IRIS],
        requirements=[Requirement("LAUNCHERS", "launcher", 4, 1, day(60), "RZE", package="IRIS-T")],
        cohorts=[
            Cohort("IRIS-CREW", "battery-command", 10, "en", day(20), 3, package="IRIS-T"),
            Cohort("PATRIOT-CREW", "battery-command", 10, "en", day(20), 1),
        ],
    )
    alloc = FakeAllocation((Line("P-DEU-1", "LAUNCHERS", 4, day(10)),))
    return scn, alloc


def test_a_late_cohort_sees_who_took_the_seats_it_wanted() -> None:
    scn, alloc = contested()
    explained = explain_cohort(scn, plan_document(scn, alloc), "IRIS-CREW")
    assert explained["status"] == "assigned"
    assert explained["sessions"] == ["RB-2", "BC-2"]
    assert explained["needed"] == ["radar-basics", "battery-command"]
    radar = explained["options"][0]
    first = next(s for s in radar["sessions"] if s["session"] == "RB-1")
    assert first["taken_by"] == [{"cohort": "PATRIOT-CREW", "size": 10}]
    assert first["fits"] is False and first["seats_left"] == 2
    assert explained["options"][1]["other_languages"] == ["fr"]
    assert any("seats went to cohorts" in reason for reason in explained["reasons"])


def test_an_unassigned_cohort_is_told_no_course_teaches_its_skill_in_its_language() -> None:
    scn, alloc = contested()
    scn = scenario(
        skills=SKILLS,
        courses=scn.courses,
        sessions=scn.sessions,
        cohorts=[Cohort("UA-CREW", "battery-command", 10, "uk", day(20), 1)],
    )
    explained = explain_cohort(scn, plan_document(scn, alloc), "UA-CREW")
    assert explained["status"] == "unassigned"
    assert any("in uk" in reason and "en, fr" in reason for reason in explained["reasons"])


def test_a_package_chain_leads_from_the_package_to_its_late_crew() -> None:
    scn, alloc = contested()
    explained = explain_package(scn, plan_document(scn, alloc), "IRIS-T")
    assert explained["bottleneck"] == {"cohort": "IRIS-CREW"}
    assert explained["readiness"] == day(60).isoformat()
    assert [step["what"] for step in explained["chain"][:2]] == ["package", "cohort"]
    assert explained["chain"][1]["id"] == "IRIS-CREW"
    assert explained["requirements"][0]["latest_arrival"] == day(10).isoformat()


def test_a_package_chain_names_the_unmet_requirement() -> None:
    scn, _ = contested()
    alloc = FakeAllocation((Line("P-DEU-1", "LAUNCHERS", 3, day(10)),), unmet={"LAUNCHERS": 1})
    explained = explain_package(scn, plan_document(scn, alloc), "IRIS-T")
    assert explained["readiness"] is None
    assert explained["chain"][-1]["what"] == "requirement"
    assert "1 of 4 units unmet" in explained["chain"][-1]["text"]


def test_unknown_ids_are_refused_with_the_known_ones_listed() -> None:
    scn, alloc = contested()
    document = plan_document(scn, alloc)
    with pytest.raises(UnknownIdError, match="known cohorts: IRIS-CREW, PATRIOT-CREW"):
        explain_cohort(scn, document, "NOBODY")
    with pytest.raises(LookupError, match="known packages: IRIS-T"):
        explain_package(scn, document, "NOTHING")
