"""Explanations of a plan for one requirement or one pledge, on the named Patriot and Leopard examples."""

from __future__ import annotations

from typing import Any

import pytest
from tests.engine.strategies import leopards_and_shells, patriots

from pledgeflow.engine.allocation import AllocationResult, allocate
from pledgeflow.engine.explain import UnknownIdError, explain_pledge, explain_requirement
from pledgeflow.engine.model import Scenario


def plan_doc(result: AllocationResult) -> dict[str, Any]:
    """The parts of a plan-v1 document the explanations read."""
    return {
        "allocations": [
            {
                "pledge": a.pledge,
                "requirement": a.requirement,
                "quantity": a.quantity,
                "arrival": a.arrival.isoformat(),
                "days_late": a.days_late,
            }
            for a in result.allocations
        ],
        "unmet": [{"requirement": k, "quantity": v} for k, v in result.unmet.items()],
        "unallocated": [{"pledge": k, "quantity": v} for k, v in result.unallocated.items()],
    }


def explained(scenario: Scenario, requirement: str) -> dict[str, Any]:
    return explain_requirement(scenario, plan_doc(allocate(scenario)), requirement)


def test_short_requirement_names_where_its_admissible_units_went_and_what_one_more_is_worth() -> None:
    out = explained(patriots(), "R-PAT-KYIV")
    assert (out["received"], out["unmet"]) == (6, 2)
    [usa] = out["admissible_pledges"]  # the German pledge may not go to Kyiv
    assert usa["pledge"] == "P-USA"
    assert (usa["arrival"], usa["days_late"], usa["to_this_requirement"]) == ("2026-03-11", 0, 6)
    lviv = {"requirement": "R-PAT-LVIV", "quantity": 6, "priority": 3, "weight": 10}
    assert usa["went_instead_to"] == [{**lviv, "need_by": "2026-03-15", "locked": 6}]
    reason = out["unmet_reason"]
    assert reason["to_lower_weight"] == [{**lviv, "locked": 6}]  # a coordinator's lock holds them there
    assert "lock" in reason["why_lower_weight"]
    assert out["value_of_one_more_unit"] == 1000 * 10_000


def test_requirement_nobody_can_supply_says_there_is_no_admissible_pledge() -> None:
    out = explained(patriots(), "R-RADAR")
    assert out["admissible_pledges"] == []
    assert out["unmet_reason"]["kind"] == "no admissible pledge"
    assert "counter-battery-radar" in out["unmet_reason"]["detail"]
    assert out["value_of_one_more_unit"] == 100 * 10_000


def test_units_taken_by_more_important_needs_are_named_as_such() -> None:
    scenario = leopards_and_shells()
    scenario = Scenario(
        **{
            **{f: getattr(scenario, f) for f in scenario.__dataclass_fields__},
            "requirements": (
                *scenario.requirements,
                # A routine need for tanks that the priority-1 need leaves nothing for.
                type(scenario.requirements[0])(
                    "R-TANK-TRAINING", "main-battle-tank", 5, 4, scenario.start, "DST-1"
                ),
            ),
        }
    )
    out = explained(scenario, "R-TANK-TRAINING")
    assert out["unmet"] == 3  # 16 tanks pledged, 14 to the priority-1 need, 2 left for training
    reason = out["unmet_reason"]
    assert reason["kind"] == "every admissible unit went to needs of equal or higher weight"
    assert [entry["requirement"] for entry in reason["to_equal_or_higher_weight"]] == ["R-TANK"]


def test_met_requirement_has_no_unmet_reason_and_lists_its_allocations() -> None:
    out = explained(leopards_and_shells(), "R-TANK")
    assert out["unmet_reason"] is None
    assert out["allocations"] == [
        {"pledge": "P-DEU-LEO", "quantity": 10, "arrival": "2026-03-15", "days_late": 0},
        {"pledge": "P-POL-LEO", "quantity": 4, "arrival": "2026-03-25", "days_late": 5},
    ]
    # One more on-time tank would replace a late one: 5 days at weight 1000.
    assert out["value_of_one_more_unit"] == 5 * 1000


def test_pledge_explanation_says_where_units_went_and_who_else_could_use_them() -> None:
    scenario = patriots()
    out = explain_pledge(scenario, plan_doc(allocate(scenario)), "P-DEU")
    assert out["went_to"] == [
        {"requirement": "R-PAT-LVIV", "quantity": 2, "priority": 3, "weight": 10, "need_by": "2026-03-15"}
    ]
    assert (out["given"], out["unallocated"]) == (2, 2)
    assert out["could_also_serve"] == []  # Kyiv is not a destination the German donor allows
    usa = explain_pledge(scenario, plan_doc(allocate(scenario)), "P-USA")
    assert {use["requirement"] for use in usa["went_to"]} == {"R-PAT-KYIV", "R-PAT-LVIV"}


def test_pledge_left_over_lists_the_needs_it_could_still_serve() -> None:
    scenario = leopards_and_shells()
    out = explain_pledge(scenario, plan_doc(allocate(scenario)), "P-SHELL-LATE")
    assert [c["requirement"] for c in out["could_also_serve"]] == ["R-SHELL-A"]
    assert out["could_also_serve"][0]["days_late"] == 20


@pytest.mark.parametrize("explain", [explain_requirement, explain_pledge])
def test_unknown_id_is_refused_with_a_message_naming_it(explain: Any) -> None:
    scenario = patriots()
    with pytest.raises(UnknownIdError) as caught:
        explain(scenario, plan_doc(allocate(scenario)), "NOPE")
    assert isinstance(caught.value, KeyError)
    assert "'NOPE'" in str(caught.value) and "in the scenario" in str(caught.value)
