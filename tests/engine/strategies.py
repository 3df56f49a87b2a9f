"""Hypothesis strategies building small, valid allocation scenarios straight from the engine's dataclasses.

The scenarios are small enough for an independent pair-by-pair LP, and shaped to reach the awkward corners:
several families and items, requirements naming an item, donors restricting destinations, unreachable
destinations, need-by dates before the plan starts, lateness that can cost more than leaving a unit unmet,
zero late penalty (ties), and locks on admissible pairs.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from pledgeflow.engine.model import Item, Location, Lock, Pledge, Policy, Requirement, Route, Scenario
from pledgeflow.engine.network import is_admissible, item_families, shortest_days

START = date(2026, 3, 2)


@st.composite
def scenarios(
    draw: st.DrawFn,
    max_requirements: int = 7,
    max_pledges: int = 7,
    with_locks: bool = True,
) -> Scenario:
    """A valid allocation scenario (no training part)."""
    n_loc = draw(st.integers(1, 4))
    locations = tuple(Location(id=f"L{i}") for i in range(n_loc))
    loc_ids = [loc.id for loc in locations]
    routes = tuple(
        Route(from_=a, to=b, days=draw(st.integers(0, 6)))
        for a, b in draw(st.lists(st.tuples(st.sampled_from(loc_ids), st.sampled_from(loc_ids)), max_size=6))
    )
    n_fam = draw(st.integers(1, 2))
    items = tuple(
        Item(code=f"F{f}-I{i}", family=f"F{f}")
        for f in range(n_fam)
        for i in range(draw(st.integers(1 if f == 0 else 0, 3)))
    )
    families = sorted({f"F{f}" for f in range(n_fam)})
    item_codes = [item.code for item in items]
    days = st.integers(-8, 12).map(lambda d: START + timedelta(days=d))

    requirements = []
    for i in range(draw(st.integers(0, max_requirements))):
        family = draw(st.sampled_from(families))
        own_items = [item.code for item in items if item.family == family]
        named = draw(st.sampled_from([None, *own_items])) if own_items else None
        requirements.append(
            Requirement(
                id=draw(st.sampled_from(["R", "r", "Ä", "R1"])) + f"-{i}",
                family=family,
                quantity=draw(st.integers(1, 9)),
                priority=draw(st.integers(1, 4)),
                need_by=draw(days),
                destination=draw(st.sampled_from(loc_ids)),
                item=named,
            )
        )
    pledges = []
    for i in range(draw(st.integers(0, max_pledges))):
        restricted = draw(st.booleans()) and draw(st.booleans())
        pledges.append(
            Pledge(
                id=draw(st.sampled_from(["P", "p", "Z"])) + f"-{i}",
                donor=draw(st.sampled_from(["DEU", "POL", "NLD"])),
                item=draw(st.sampled_from(item_codes)),
                quantity=draw(st.integers(1, 9)),
                available=draw(days),
                origin=draw(st.sampled_from(loc_ids)),
                destinations=tuple(
                    draw(st.lists(st.sampled_from(loc_ids), min_size=1, max_size=2, unique=True))
                )
                if restricted
                else None,
            )
        )
    policy = Policy(
        priority_weights={
            1: draw(st.integers(1, 1000)),
            2: draw(st.integers(1, 100)),
            3: draw(st.integers(1, 10)),
            4: 1,
        },
        unmet_penalty=draw(st.integers(1, 60)),
        late_penalty_per_day=draw(st.integers(0, 5)),
    )
    scenario = Scenario(
        start=START,
        items=items,
        locations=locations,
        routes=routes,
        requirements=tuple(requirements),
        pledges=tuple(pledges),
        policy=policy,
    )
    if with_locks:
        scenario = Scenario(**{**_fields(scenario), "locks": draw(_locks(scenario))})
    return scenario


def _fields(scenario: Scenario) -> dict[str, object]:
    return {name: getattr(scenario, name) for name in scenario.__dataclass_fields__}


@st.composite
def _locks(draw: st.DrawFn, scenario: Scenario) -> tuple[Lock, ...]:
    """Locks on distinct admissible pairs whose totals stay within every quantity (spec rule 5)."""
    families = item_families(scenario)
    distances = shortest_days(scenario.routes, {p.origin for p in scenario.pledges})
    pairs = [
        (p, r)
        for p in scenario.pledges
        for r in scenario.requirements
        if is_admissible(p, r, families, distances)
    ]
    if not pairs:
        return ()
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=3, unique_by=lambda pr: (pr[0].id, pr[1].id)))
    give = {p.id: p.quantity for p in scenario.pledges}
    take = {r.id: r.quantity for r in scenario.requirements}
    locks = []
    for p, r in chosen:
        room = min(give[p.id], take[r.id])
        if room <= 0:
            continue
        q = draw(st.integers(1, room))
        give[p.id] -= q
        take[r.id] -= q
        locks.append(Lock(pledge=p.id, requirement=r.id, quantity=q))
    return tuple(locks)
