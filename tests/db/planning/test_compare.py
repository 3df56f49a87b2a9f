"""Comparing two runs: which pairs changed, by how much, and why."""

from __future__ import annotations

import pytest

from pledgeflow.core.errors import ValidationError
from pledgeflow.planning.compare import compare_runs
from pledgeflow.planning.models import PlanRun
from pledgeflow.planning.selectors import compare
from pledgeflow.planning.services import execute_plan_run, lock_allocation, start_plan_run
from pledgeflow.pledges.models import Pledge
from tests.db.planning.conftest import Theatre


def _run(coordinator) -> PlanRun:
    return execute_plan_run(start_plan_run(coordinator).pk)


def _pairs(result: dict) -> dict[tuple[str, str], dict]:
    return {(p["pledge"], p["requirement"]): p for p in result["pairs"]}


def test_comparing_a_run_with_itself_finds_nothing_changed(theatre: Theatre, coordinator) -> None:
    run = _run(coordinator)
    result = compare(coordinator, run.pk, run.pk)
    assert result["pairs"] == []
    assert result["summary"]["objective_delta"] == 0


def test_a_cut_pledge_shows_as_changed_pairs_with_the_cut_as_the_reason(
    theatre: Theatre, coordinator
) -> None:
    before = _run(coordinator)
    Pledge.objects.filter(pk=theatre.french.pk).update(quantity=300)
    after = _run(coordinator)

    result = compare(coordinator, before.pk, after.pk)

    pairs = _pairs(result)
    medium = pairs[("FRA-0001", "UKR-ART-0002")]
    assert medium["change"] == "removed"
    assert (medium["quantity_before"], medium["quantity_after"], medium["delta"]) == (300, 0, -300)
    assert medium["priority"] == 3
    assert medium["days_late_before"] == 0 and medium["days_late_after"] is None
    assert "pledge FRA-0001 quantity changed from 800 to 300" in medium["reasons"]
    critical = pairs[("FRA-0001", "UKR-ART-0001")]
    assert critical["change"] == "changed" and critical["delta"] == -200
    # The German pair did not move, so it is not listed.
    assert ("DEU-0001", "UKR-ART-0001") not in pairs
    medium_summary = result["summary"]["by_priority"]["3"]
    assert medium_summary["unmet"] == {"before": 700, "after": 1000, "delta": 300}
    assert result["summary"]["objective_delta"] == after.objective - before.objective
    assert result["run"] == {"id": before.pk, "number": before.number}


def test_pairs_are_listed_most_urgent_first(theatre: Theatre, coordinator) -> None:
    before = _run(coordinator)
    Pledge.objects.filter(pk=theatre.french.pk).update(quantity=300)
    after = _run(coordinator)
    priorities = [p["priority"] for p in compare(coordinator, before.pk, after.pk)["pairs"]]
    assert priorities == sorted(priorities)


def test_a_lock_is_named_as_the_reason_for_a_change() -> None:
    snapshot_before = {
        "pledges": [{"id": "P1", "item": "a", "quantity": 10}],
        "requirements": [],
        "locks": [],
    }
    snapshot_after = {**snapshot_before, "locks": [{"pledge": "P1", "requirement": "R2", "quantity": 4}]}
    plan_before = {"allocations": [{"pledge": "P1", "requirement": "R1", "quantity": 10, "days_late": 0}]}
    plan_after = {
        "allocations": [
            {"pledge": "P1", "requirement": "R1", "quantity": 6, "days_late": 0},
            {"pledge": "P1", "requirement": "R2", "quantity": 4, "days_late": 2},
        ]
    }
    pairs = _pairs(compare_runs(snapshot_before, plan_before, snapshot_after, plan_after))
    assert pairs[("P1", "R2")]["reasons"] == ["a lock of 4 was put on this pair"]
    assert pairs[("P1", "R2")]["change"] == "added"


_ITEMS = [{"code": "shell", "family": "155mm"}]
_P1 = {"id": "P1", "item": "shell", "quantity": 10}
_R1 = {"id": "R1", "family": "155mm", "quantity": 10, "priority": 2}
_BEFORE = {"allocations": [{"pledge": "P1", "requirement": "R1", "quantity": 10, "days_late": 0}]}
_AFTER = {"allocations": [{"pledge": "P1", "requirement": "R1", "quantity": 5, "days_late": 0}]}


def test_a_pair_moved_by_competition_counts_what_changed_in_its_family() -> None:
    base = {"items": _ITEMS, "pledges": [_P1], "requirements": [_R1]}
    rival = {"id": "R2", "family": "155mm", "quantity": 5, "priority": 1}
    other = {**base, "requirements": [_R1, rival]}
    pair = compare_runs(base, _BEFORE, other, _AFTER)["pairs"][0]
    assert pair["reasons"] == [
        "re-optimised: 1 requirement of family 155mm changed, so the units were better spent elsewhere"
    ]


def test_a_pair_moved_though_nothing_changed_is_called_an_equally_good_alternative() -> None:
    base = {"items": _ITEMS, "pledges": [_P1], "requirements": [_R1]}
    pair = compare_runs(base, _BEFORE, base, _AFTER)["pairs"][0]
    assert pair["reasons"] == [
        "no pledge, requirement or lock of family 155mm changed: the planner chose another allocation of "
        "equal cost (several plans are equally good)"
    ]


def test_a_later_start_is_named_when_nothing_else_changed() -> None:
    base = {"start": "2026-12-01", "items": _ITEMS, "pledges": [_P1], "requirements": [_R1]}
    later = {**base, "start": "2026-12-08"}
    pair = compare_runs(base, _BEFORE, later, _AFTER)["pairs"][0]
    assert pair["reasons"] == ["re-optimised: the plan starts on 2026-12-08 instead of 2026-12-01"]


def test_a_donor_sees_only_the_pairs_of_pledges_it_may_see(
    theatre: Theatre, coordinator, liaison_deu, liaison_fra
) -> None:
    before = _run(coordinator)
    Pledge.objects.filter(pk=theatre.french.pk).update(quantity=300)
    Pledge.objects.filter(pk=theatre.german.pk).update(quantity=900)
    after = _run(coordinator)
    everyone = {p["pledge"] for p in compare(coordinator, before.pk, after.pk)["pairs"]}
    assert everyone == {"DEU-0001", "FRA-0001"}
    # France's pledge is RED: Germany does not see its pairs; France sees its own and Germany's GREEN one.
    assert {p["pledge"] for p in compare(liaison_deu, before.pk, after.pk)["pairs"]} == {"DEU-0001"}
    assert {p["pledge"] for p in compare(liaison_fra, before.pk, after.pk)["pairs"]} == everyone


def test_only_succeeded_runs_are_compared(theatre: Theatre, coordinator) -> None:
    done = _run(coordinator)
    queued = start_plan_run(coordinator)
    with pytest.raises(ValidationError):
        compare(coordinator, done.pk, queued.pk)


def test_the_next_run_names_the_lock_it_kept(theatre: Theatre, coordinator) -> None:
    first = _run(coordinator)
    allocation = first.allocations.get(pledge=theatre.french, requirement=theatre.medium)
    lock_allocation(coordinator, first.pk, allocation.pk)
    Pledge.objects.filter(pk=theatre.german.pk).update(quantity=500)
    second = _run(coordinator)
    pairs = _pairs(compare(coordinator, first.pk, second.pk))
    # The German cut would have pulled France's medium units to the critical need; the lock kept them.
    assert ("FRA-0001", "UKR-ART-0002") not in pairs
    assert (
        "pledge DEU-0001 quantity changed from 1000 to 500" in pairs[("DEU-0001", "UKR-ART-0001")]["reasons"]
    )
