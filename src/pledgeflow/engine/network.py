"""Where goods can go and how long it takes: shortest routes and admissibility (spec rules 1 and 2).

The route graph is small (depots, hubs, destinations), while pledges and requirements are many, so the planner
computes shortest days once per distinct origin with Dijkstra's algorithm and looks them up afterwards.

- :func:`shortest_days` gives, from each source location, the least total ``days`` to every reachable location
  (a location reaches itself in 0 days).
- :func:`is_admissible` and :func:`arrival` state rules 1 and 2 for one pledge and one requirement, as plain
  Python; the solver applies the same rules to whole arrays at once, and tests check the two agree.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from pledgeflow.engine.model import Pledge, Requirement, Route, Scenario

__all__ = [
    "DistanceTable",
    "admissible_pledges",
    "arrival",
    "days_late",
    "is_admissible",
    "item_families",
    "shortest_days",
]

#: ``table[origin][destination]`` = least total days; missing keys are unreachable.
DistanceTable = Mapping[str, Mapping[str, int]]


def shortest_days(routes: Iterable[Route], sources: Iterable[str]) -> dict[str, dict[str, int]]:
    """From each source, the least total ``days`` over routes to every location it can reach.

    A source always reaches itself in 0 days, even when no route touches it. Locations that cannot be reached
    are absent from the inner dictionary. Routes are directed; parallel routes are allowed (the shortest
    counts). The result does not depend on the order of ``routes`` or ``sources``.
    """
    adjacency: dict[str, list[tuple[int, str]]] = {}
    for route in routes:
        adjacency.setdefault(route.from_, []).append((route.days, route.to))
    table: dict[str, dict[str, int]] = {}
    for source in sorted(set(sources)):
        best: dict[str, int] = {source: 0}
        heap: list[tuple[int, str]] = [(0, source)]
        done: set[str] = set()
        while heap:
            days, here = heapq.heappop(heap)
            if here in done:
                continue
            done.add(here)
            for step, there in adjacency.get(here, ()):
                candidate = days + step
                if candidate < best.get(there, candidate + 1):
                    best[there] = candidate
                    heapq.heappush(heap, (candidate, there))
        table[source] = best
    return table


def item_families(scenario: Scenario) -> dict[str, str]:
    """The family of every catalogue item, by item code."""
    return {item.code: item.family for item in scenario.items}


def is_admissible(
    pledge: Pledge, requirement: Requirement, families: Mapping[str, str], distances: DistanceTable
) -> bool:
    """Spec rule 1: may units of ``pledge`` serve ``requirement`` at all?

    True when the pledge's item is of the requirement's family, the requirement names no item or this one, the
    donor allows the requirement's destination, and that destination is reachable from the pledge's origin.
    """
    return (
        families.get(pledge.item) == requirement.family
        and (requirement.item is None or requirement.item == pledge.item)
        and (pledge.destinations is None or requirement.destination in pledge.destinations)
        and requirement.destination in distances.get(pledge.origin, {})
    )


def arrival(pledge: Pledge, requirement: Requirement, start: date, distances: DistanceTable) -> date:
    """Spec rule 2: the day units of ``pledge`` reach the requirement's destination.

    ``max(start, available)`` plus the shortest route days from the pledge's origin. Raises ``KeyError`` when
    the destination cannot be reached (the pair is then not admissible).
    """
    leave = max(start, pledge.available)
    return leave + timedelta(days=distances[pledge.origin][requirement.destination])


def days_late(arrives: date, need_by: date) -> int:
    """Spec rule 3: whole days after ``need_by``, or 0 when on time."""
    return max(0, (arrives - need_by).days)


def admissible_pledges(scenario: Scenario, requirement: Requirement) -> list[Pledge]:
    """Every pledge admissible for ``requirement``, by arrival, then pledge id (spec rule 7's order)."""
    families = item_families(scenario)
    distances = shortest_days(scenario.routes, {pledge.origin for pledge in scenario.pledges})
    found = [p for p in scenario.pledges if is_admissible(p, requirement, families, distances)]
    found.sort(key=lambda p: (arrival(p, requirement, scenario.start, distances), p.id))
    return found
