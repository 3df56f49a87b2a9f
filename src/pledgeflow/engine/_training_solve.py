"""The CP-SAT model of one component of the training problem (spec rules 2-5).

Variables: ``x[c, s]`` is true when cohort ``c`` attends candidate session ``s``. For each cohort, every
needed skill gets exactly ``y_c`` of its candidate sessions, where ``y_c`` (the sum over the target skill's
candidates)
says whether the cohort is assigned: whole cohorts, one session per needed skill or none at all.

Precedence: for a prerequisite ``p`` of ``s``, ``sum end(a) x[c, a] <= sum start(b) x[c, b]`` over their
candidates. When the cohort is assigned each side picks exactly one session, so this is exactly "ends on or
before"; when it is not, both sides are zero. Skills that no prerequisite chain orders must not overlap: on
every day, at most one of their sessions running that day is taken. Seats: the sizes of
the cohorts attending a session add up to at most its seats.

Objective: ``sum late_cost(c, target session) x + sum unmet_cost(c) (1 - y_c)``, all integers.

The solver runs with one search worker and a fixed seed, and a limit only in deterministic time, so the same
component and limit give the same plan every time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from pledgeflow.engine._training_chains import Chain, all_chains
from pledgeflow.engine._training_prep import CohortTask, SessionSlot
from pledgeflow.engine.errors import PlanError

SEED = 20260101
# Cohorts with at most this many valid chains get one literal per chain; others one per session.
CHAIN_LIMIT = 400
# ... unless listing chains would make the component's model more than this many times larger than one literal
# per candidate session: then every cohort of the component gets one literal per session. Measured on the
# benchmark: per-chain models prove optimality about 2.5 times faster when chains are few, but when they are
# many the per-session model is the one that gets a useful bound at all.
CHAIN_GROWTH_LIMIT = 3.0


@dataclass(frozen=True, slots=True)
class ComponentSolution:
    """What solving one component produced: chosen chains, objective, proven bound, whether optimal."""

    chains: dict[int, Chain]
    objective: int
    bound: int
    optimal: bool
    deterministic_time: float
    variables: int


def solve_component(
    tasks: Sequence[CohortTask],
    sessions: Sequence[SessionSlot],
    indexes: Sequence[int],
    hint: Mapping[int, Chain],
    deterministic_limit: float | None,
) -> ComponentSolution:
    """Solve the cohorts ``indexes`` (one independent component) to optimality or until the limit.

    ``hint`` is a valid plan (from the greedy heuristic) given to the solver as its starting point; it is also
    returned unchanged if the solver finds nothing better in time, so the result is always a valid plan.
    """
    model = cp_model.CpModel()
    # Per cohort, the variables telling which session it attends for each needed skill (read back below).
    picks: dict[int, list[tuple[cp_model.IntVar, Chain]]] = {}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    usage: dict[int, list[tuple[cp_model.IntVar, int]]] = {}
    objective_vars: list[cp_model.IntVar] = []
    objective_coeffs: list[int] = []
    offset = 0
    listings = _chain_listings(tasks, sessions, indexes)
    for i in indexes:
        task = tasks[i]
        hinted = hint.get(i)
        if task.needs_nothing:
            offset += task.late_cost(0)  # complete on the start, nothing to decide
            continue
        offset += task.unmet_cost
        if task.impossible:
            continue
        listed = listings.get(i)
        if listed is not None:
            # One literal per valid chain: precedence and overlap are then exact, not relaxed.
            row = []
            for chain in listed:
                var = model.new_bool_var(f"z_{task.id}_{'_'.join(sessions[s].id for s in chain)}")
                row.append((var, chain))
                for slot in chain:
                    usage.setdefault(slot, []).append((var, task.size))
                model.add_hint(var, hinted == chain)
                objective_vars.append(var)
                objective_coeffs.append(task.late_cost(sessions[chain[-1]].end) - task.unmet_cost)
            model.add_at_most_one([v for v, _ in row])
            picks[i] = row
            continue
        _add_session_choice(model, task, sessions, i, hinted, x, usage)
        target = len(task.needed) - 1
        for slot in task.candidates[target]:
            objective_vars.append(x[i, slot])
            objective_coeffs.append(task.late_cost(sessions[slot].end) - task.unmet_cost)
    for slot in sorted(usage):
        users = usage[slot]
        if sum(size for _, size in users) > sessions[slot].seats:
            model.add(
                cp_model.LinearExpr.weighted_sum([v for v, _ in users], [size for _, size in users])
                <= sessions[slot].seats
            )
    model.minimize(cp_model.LinearExpr.weighted_sum(objective_vars, objective_coeffs) + offset)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    # Put every constraint in the linear relaxation: measured, this is what gives the per-session model a
    # useful bound at all, and it proves the per-chain models optimal about 15 % sooner.
    solver.parameters.linearization_level = 2
    if deterministic_limit is not None:
        solver.parameters.max_deterministic_time = max(deterministic_limit, 0.01)
    status = solver.solve(model)

    hint_objective = _objective(tasks, sessions, indexes, hint)
    if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
        # Leaving every cohort unassigned is always a plan, so this can only be a defect in the model.
        raise PlanError(
            f"the training model of cohorts {', '.join(tasks[i].id for i in indexes[:5])}... was reported "
            f"{solver.status_name(status)}; this is a defect in pledgeflow: please report it with the "
            "scenario"
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Only possible when the limit ran out before the solver even read the hint back: keep the hint.
        bound = _safe_bound(solver, hint_objective)
        return ComponentSolution(
            dict(hint),
            hint_objective,
            bound,
            False,
            solver.deterministic_time,
            len(x) + sum(len(r) for r in picks.values()),
        )
    chains: dict[int, Chain] = {}
    for i in indexes:
        task = tasks[i]
        if task.needs_nothing or task.impossible:
            continue
        if i in picks:
            chosen = next((chain for var, chain in picks[i] if solver.boolean_value(var)), None)
            if chosen is not None:
                chains[i] = chosen
            continue
        picked = [next((s for s in cand if solver.boolean_value(x[i, s])), None) for cand in task.candidates]
        if picked and all(p is not None for p in picked):
            chains[i] = tuple(p for p in picked if p is not None)
    objective = _objective(tasks, sessions, indexes, chains)
    optimal = status == cp_model.OPTIMAL
    if objective > hint_objective:
        # The solver did not reach the hinted plan within its limit; the hint is the better plan to report.
        chains, objective = dict(hint), hint_objective
    bound = objective if optimal else _safe_bound(solver, objective)
    return ComponentSolution(
        chains,
        objective,
        bound,
        optimal,
        solver.deterministic_time,
        len(x) + sum(len(r) for r in picks.values()),
    )


def _chain_listings(
    tasks: Sequence[CohortTask], sessions: Sequence[SessionSlot], indexes: Sequence[int]
) -> dict[int, list[Chain]]:
    """The cohorts of the component to model by chains, with their chains (see ``CHAIN_GROWTH_LIMIT``)."""
    listings: dict[int, list[Chain]] = {}
    chain_literals = session_literals = 0
    for i in indexes:
        task = tasks[i]
        if task.needs_nothing or task.impossible:
            continue
        per_session = sum(len(c) for c in task.candidates)
        session_literals += per_session
        listed = all_chains(task, sessions, CHAIN_LIMIT)
        if listed is None:
            chain_literals += per_session
        else:
            listings[i] = listed
            chain_literals += len(listed)
    if chain_literals > CHAIN_GROWTH_LIMIT * session_literals:
        return {}
    return listings


def _ends(
    task: CohortTask,
    sessions: Sequence[SessionSlot],
    k: int,
    x: Mapping[tuple[int, int], cp_model.IntVar],
    i: int,
) -> cp_model.LinearExpr:
    cand = task.candidates[k]
    return cp_model.LinearExpr.weighted_sum([x[i, s] for s in cand], [sessions[s].end for s in cand])


def _starts(
    task: CohortTask,
    sessions: Sequence[SessionSlot],
    k: int,
    x: Mapping[tuple[int, int], cp_model.IntVar],
    i: int,
) -> cp_model.LinearExpr:
    cand = task.candidates[k]
    return cp_model.LinearExpr.weighted_sum([x[i, s] for s in cand], [sessions[s].start for s in cand])


def _objective(
    tasks: Sequence[CohortTask],
    sessions: Sequence[SessionSlot],
    indexes: Sequence[int],
    chains: Mapping[int, Chain],
) -> int:
    """The exact objective of a plan, recomputed from the chains rather than read back from the solver."""
    total = 0
    for i in indexes:
        task = tasks[i]
        chain = chains.get(i)
        if task.needs_nothing:
            total += task.late_cost(0)
        else:
            total += task.unmet_cost if chain is None else task.late_cost(sessions[chain[-1]].end)
    return total


def _safe_bound(solver: cp_model.CpSolver, objective: int) -> int:
    """The solver's proven lower bound as an integer, never above the plan's objective."""
    raw = solver.best_objective_bound
    if not math.isfinite(raw):
        return 0
    return max(0, min(objective, math.ceil(raw - 1e-6)))


def _add_session_choice(
    model: cp_model.CpModel,
    task: CohortTask,
    sessions: Sequence[SessionSlot],
    i: int,
    hinted: Chain | None,
    x: dict[tuple[int, int], cp_model.IntVar],
    usage: dict[int, list[tuple[cp_model.IntVar, int]]],
) -> None:
    """One literal per candidate session, for cohorts with too many valid chains to list."""
    per_skill: list[list[cp_model.IntVar]] = []
    for k, cand in enumerate(task.candidates):
        row = []
        for slot in cand:
            var = model.new_bool_var(f"x_{task.id}_{sessions[slot].id}")
            x[i, slot] = var
            row.append(var)
            usage.setdefault(slot, []).append((var, task.size))
            model.add_hint(var, hinted is not None and hinted[k] == slot)
        per_skill.append(row)
    target = len(task.needed) - 1
    # Whole cohort: every needed skill gets as many sessions (0 or 1) as the target does.
    model.add_at_most_one(per_skill[target])
    for k in range(target):
        model.add(sum(per_skill[k]) == sum(per_skill[target]))
    for p, s in task.edges:
        model.add(_ends(task, sessions, p, x, i) <= _starts(task, sessions, s, x, i))
        # The same precedence at every start date of the dependant: whoever starts s by day t has finished p
        # by day t. Implied by the line above for whole solutions, but much tighter in the relaxation.
        for t in sorted({sessions[b].start for b in task.candidates[s]}):
            early = [x[i, b] for b in task.candidates[s] if sessions[b].start <= t]
            done = [x[i, a] for a in task.candidates[p] if sessions[a].end <= t]
            model.add(sum(early) <= sum(done))
    for a, b in task.unrelated:
        # Days are whole, so two sessions overlap exactly when both run on the later one's start day: at each
        # start day, at most one of the two skills' sessions running that day may be taken. This is exact and,
        # unlike an order literal with conditional constraints, tight in the relaxation.
        pair = [*task.candidates[a], *task.candidates[b]]
        for d in sorted({sessions[u].start for u in pair}):
            running = [x[i, u] for u in pair if sessions[u].start <= d < sessions[u].end]
            if len(running) > 1:
                model.add_at_most_one(running)
