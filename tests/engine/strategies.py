"""Test scenarios in one place: hypothesis strategies for small random ones, and named examples.

The strategies build small, valid allocation scenarios straight from the engine's dataclasses.

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


# Named examples, with objectives worked out by hand (the arithmetic is in each docstring).


def leopards_and_shells() -> Scenario:
    """Leopard 2A4 tanks and 155 mm shells to one destination, five days from the German depot.

    Tanks (priority 1, w = 1000): 14 needed by 20 March. 10 arrive 15 March (on time), 6 arrive 25 March
    (5 days late, 5,000 per unit, far below the 10,000,000 of an unmet unit): 4 late ones are sent, 20,000.

    Shells: 1,000 at priority 2 (w = 100) by 10 March and 500 at priority 1 by 30 March. 1,000 shells arrive
    10 March, 500 arrive 30 March. Optimal: the early 1,000 to the early need, the late 500 to the late need,
    all on time: 0. First come first served serves priority 1 first with the earliest shells, so 500 shells
    reach the priority-2 need 20 days late: 500 * 100 * 20 = 1,000,000.

    Objective 20,000; baseline 1,020,000.
    """
    return Scenario(
        start=START,
        items=(
            Item(code="LEO2A4", family="main-battle-tank", name="Leopard 2A4"),
            Item(code="155-HE-M107", family="155mm-artillery-ammunition", name="155 mm HE M107"),
        ),
        locations=(Location("DEP-DEU", kind="depot"), Location("HUB-RZE", kind="hub"), Location("DST-1")),
        routes=(Route("DEP-DEU", "HUB-RZE", 3), Route("HUB-RZE", "DST-1", 2)),
        requirements=(
            Requirement("R-TANK", "main-battle-tank", 14, 1, date(2026, 3, 20), "DST-1"),
            Requirement("R-SHELL-A", "155mm-artillery-ammunition", 1000, 2, date(2026, 3, 10), "DST-1"),
            Requirement("R-SHELL-B", "155mm-artillery-ammunition", 500, 1, date(2026, 3, 30), "DST-1"),
        ),
        pledges=(
            Pledge("P-DEU-LEO", "DEU", "LEO2A4", 10, date(2026, 3, 10), "DEP-DEU"),
            Pledge("P-POL-LEO", "POL", "LEO2A4", 6, date(2026, 3, 20), "DEP-DEU"),
            Pledge("P-SHELL-EARLY", "DEU", "155-HE-M107", 1000, date(2026, 3, 5), "DEP-DEU"),
            Pledge("P-SHELL-LATE", "NLD", "155-HE-M107", 500, date(2026, 3, 25), "DEP-DEU"),
        ),
    )


def patriots() -> Scenario:
    """Patriot interceptors for Kyiv (priority 1) and Lviv (priority 3), with a lock and a missing radar.

    The US pledge (12, via Rzeszow) reaches Kyiv 11 March and Lviv 10 March, both on time for 15 March. The
    German pledge (4) may only go to Lviv and arrives 24 March, 9 days late (w = 10: 90 per unit). A
    coordinator locked 6 US interceptors to Lviv, so Kyiv gets the other 6 and 2 stay unmet (2 * 1000 *
    10,000 = 20,000,000); Lviv needs 2 more and takes them from Germany, late: 2 * 90 = 180. Nobody pledged
    a counter-battery radar: 2 unmet at priority 2, 2 * 100 * 10,000 = 2,000,000.

    Objective 22,000,180.
    """
    return Scenario(
        start=START,
        items=(Item(code="PAC-3-MSE", family="air-defence-interceptor", name="Patriot PAC-3 MSE"),),
        locations=(
            Location("DEP-USA", kind="depot"),
            Location("DEP-DEU", kind="depot"),
            Location("HUB-RZE", kind="hub"),
            Location("DST-KYIV", kind="destination"),
            Location("DST-LVIV", kind="destination"),
        ),
        routes=(
            Route("DEP-USA", "HUB-RZE", 7),
            Route("DEP-DEU", "HUB-RZE", 3),
            Route("HUB-RZE", "DST-KYIV", 2),
            Route("HUB-RZE", "DST-LVIV", 1),
        ),
        requirements=(
            Requirement("R-PAT-KYIV", "air-defence-interceptor", 8, 1, date(2026, 3, 15), "DST-KYIV"),
            Requirement("R-PAT-LVIV", "air-defence-interceptor", 8, 3, date(2026, 3, 15), "DST-LVIV"),
            Requirement("R-RADAR", "counter-battery-radar", 2, 2, date(2026, 4, 1), "DST-KYIV"),
        ),
        pledges=(
            Pledge("P-USA", "USA", "PAC-3-MSE", 12, date(2026, 3, 1), "DEP-USA"),
            Pledge("P-DEU", "DEU", "PAC-3-MSE", 4, date(2026, 3, 20), "DEP-DEU", destinations=("DST-LVIV",)),
        ),
        locks=(Lock("P-USA", "R-PAT-LVIV", 6),),
    )
