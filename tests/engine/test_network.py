"""Shortest routes and admissibility (spec rules 1 and 2)."""

from __future__ import annotations

import dataclasses
from datetime import date

from tests.engine.strategies import START, patriots

from pledgeflow.engine.model import Route
from pledgeflow.engine.network import admissible_pledges, arrival, days_late, is_admissible, shortest_days


def test_a_location_reaches_itself_in_zero_days_even_without_routes() -> None:
    assert shortest_days([], ["DEP-DEU"]) == {"DEP-DEU": {"DEP-DEU": 0}}


def test_shortest_days_takes_the_cheapest_path_over_directed_routes() -> None:
    routes = [
        Route("A", "B", 5),
        Route("A", "C", 1),
        Route("C", "B", 2),
        Route("B", "A", 0),
        Route("A", "B", 4),
    ]
    table = shortest_days(routes, ["A", "B"])
    assert table["A"] == {"A": 0, "B": 3, "C": 1}
    assert table["B"] == {"B": 0, "A": 0, "C": 1}
    assert shortest_days(routes, ["C"]) == {"C": {"C": 0, "B": 2, "A": 2}}


def test_routes_are_one_way() -> None:
    assert shortest_days([Route("A", "B", 1)], ["B"]) == {"B": {"B": 0}}


def test_arrival_counts_from_the_later_of_start_and_availability() -> None:
    scenario = patriots()
    distances = shortest_days(scenario.routes, ["DEP-USA", "DEP-DEU"])
    usa, deu = scenario.pledges
    kyiv, lviv, _ = scenario.requirements
    assert arrival(usa, kyiv, START, distances) == date(
        2026, 3, 11
    )  # available before start: counts from start
    assert arrival(deu, lviv, START, distances) == date(2026, 3, 24)
    assert days_late(date(2026, 3, 24), lviv.need_by) == 9
    assert days_late(date(2026, 3, 11), kyiv.need_by) == 0


def test_admissibility_needs_family_item_consent_and_a_route() -> None:
    scenario = patriots()
    families = {item.code: item.family for item in scenario.items}
    distances = shortest_days(scenario.routes, ["DEP-USA", "DEP-DEU"])
    usa, deu = scenario.pledges
    kyiv, lviv, radar = scenario.requirements
    assert is_admissible(usa, kyiv, families, distances)
    assert not is_admissible(deu, kyiv, families, distances)  # the donor allows Lviv only
    assert is_admissible(deu, lviv, families, distances)
    assert not is_admissible(usa, radar, families, distances)  # another family
    assert not is_admissible(usa, dataclasses.replace(kyiv, item="PAC-2-GEM"), families, distances)
    cut_off = shortest_days([r for r in scenario.routes if r.to != "DST-KYIV"], ["DEP-USA"])
    assert not is_admissible(usa, kyiv, families, cut_off)


def test_admissible_pledges_come_in_order_of_arrival_then_id() -> None:
    scenario = patriots()
    assert [p.id for p in admissible_pledges(scenario, scenario.requirements[1])] == ["P-USA", "P-DEU"]
