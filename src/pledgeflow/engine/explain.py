"""Why a plan does what it does, for one requirement or one pledge.

- :func:`explain_requirement`: every admissible pledge with its arrival, days late and cost per unit here, how
  much of it this requirement got and where the rest went instead; why units are unmet (no admissible pledge;
  every admissible unit went to needs of equal or higher weight, named; units that would arrive so late that
  sending them costs more than leaving the need unmet; or units given to a lower-weight need because that
  frees the plan from a costlier lateness, with the figures); and what one more unit would be worth (the dual
  value, :func:`pledgeflow.engine.allocation.marginal_values`).
- :func:`explain_pledge`: where its units went, what is left, and every requirement that could also use it.

Both read the plan as a ``pledgeflow/plan-v1`` document (what the command line has), and the scenario it was
made from, and return plain JSON-ready dictionaries. An id not in the scenario raises :class:`UnknownIdError`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from pledgeflow.engine.allocation import marginal_values
from pledgeflow.engine.errors import PledgeflowError
from pledgeflow.engine.model import Pledge, Requirement, Scenario
from pledgeflow.engine.network import arrival, days_late, is_admissible, item_families, shortest_days

__all__ = ["UnknownIdError", "explain_pledge", "explain_requirement"]


class UnknownIdError(PledgeflowError, KeyError):
    """The requirement or pledge to explain is not in the scenario."""

    def __str__(self) -> str:
        # KeyError would print the message quoted, as a repr.
        return str(self.args[0]) if self.args else ""


def explain_requirement(
    scenario: Scenario, plan_doc: Mapping[str, Any], requirement_id: str
) -> dict[str, Any]:
    """Explain the plan for one requirement (see the module docstring)."""
    requirement = _find(scenario.requirements, requirement_id, "requirement")
    context = _Context(scenario, plan_doc)
    w = context.weight(requirement)
    received = sum(q for _, q in context.to_requirement[requirement.id])
    unmet = requirement.quantity - received
    options = []
    elsewhere: dict[str, int] = defaultdict(int)
    held: dict[str, int] = defaultdict(int)  # of which locked there by a coordinator
    too_late_spare = 0
    cost_unmet = w * scenario.policy.unmet_penalty
    for pledge in context.admissible_for(requirement):
        arrives = arrival(pledge, requirement, scenario.start, context.distances)
        late = days_late(arrives, requirement.need_by)
        unit_cost = w * scenario.policy.late_penalty_per_day * late
        others = [
            context.describe_use(pledge.id, rid, q)
            for rid, q in context.from_pledge[pledge.id]
            if rid != requirement.id
        ]
        for other in others:
            elsewhere[other["requirement"]] += other["quantity"]
            held[other["requirement"]] += other.get("locked", 0)
        spare = context.unallocated.get(pledge.id, 0)
        if unit_cost >= cost_unmet:
            too_late_spare += spare
        options.append(
            {
                "pledge": pledge.id,
                "donor": pledge.donor,
                "item": pledge.item,
                "quantity": pledge.quantity,
                "arrival": arrives.isoformat(),
                "days_late": late,
                "cost_per_unit_here": unit_cost,
                "to_this_requirement": dict(context.from_pledge[pledge.id]).get(requirement.id, 0),
                "went_instead_to": others,
                "unallocated": spare,
            }
        )
    value = marginal_values(scenario, [requirement.id])[requirement.id]
    explanation: dict[str, Any] = {
        "summary": _requirement_summary(requirement, received, unmet, options, value),
        "requirement": {
            "id": requirement.id,
            "family": requirement.family,
            "item": requirement.item,
            "quantity": requirement.quantity,
            "priority": requirement.priority,
            "weight": w,
            "need_by": requirement.need_by.isoformat(),
            "destination": requirement.destination,
        },
        "received": received,
        "unmet": unmet,
        "allocations": [
            {
                "pledge": pid,
                "quantity": q,
                "arrival": context.arrival_of[pid, requirement.id],
                "days_late": context.late_of[pid, requirement.id],
            }
            for pid, q in context.to_requirement[requirement.id]
        ],
        "admissible_pledges": options,
        "unmet_reason": _unmet_reason(context, requirement, unmet, options, elsewhere, held, too_late_spare),
        "value_of_one_more_unit": value,
        "value_of_one_more_unit_means": (
            f"the plan's objective would fall by {value:,} if one more unit, usable by {requirement.id} "
            f"only, reached {requirement.destination} on the first day of the plan (the dual value of its "
            "quantity)"
        ),
    }
    return explanation


def explain_pledge(scenario: Scenario, plan_doc: Mapping[str, Any], pledge_id: str) -> dict[str, Any]:
    """Explain the plan for one pledge: where its units went and who else could use them."""
    pledge = _find(scenario.pledges, pledge_id, "pledge")
    context = _Context(scenario, plan_doc)
    uses = [context.describe_use(pledge.id, rid, q) for rid, q in context.from_pledge[pledge.id]]
    given = sum(use["quantity"] for use in uses)
    served = {use["requirement"] for use in uses}
    could: list[dict[str, Any]] = []
    for requirement in scenario.requirements:
        if requirement.id in served or not is_admissible(
            pledge, requirement, context.families, context.distances
        ):
            continue
        arrives = arrival(pledge, requirement, scenario.start, context.distances)
        late = days_late(arrives, requirement.need_by)
        could.append(
            {
                "requirement": requirement.id,
                "priority": requirement.priority,
                "weight": context.weight(requirement),
                "need_by": requirement.need_by.isoformat(),
                "arrival": arrives.isoformat(),
                "days_late": late,
                "cost_per_unit": context.weight(requirement) * scenario.policy.late_penalty_per_day * late,
                "unmet": context.unmet.get(requirement.id, 0),
            }
        )
    # Needs still short first, then the most important and the most urgent.
    could.sort(key=lambda c: (c["unmet"] == 0, c["priority"], c["need_by"], c["requirement"]))
    spare = context.unallocated.get(pledge.id, 0)
    short = [c["requirement"] for c in could if c["unmet"] > 0]
    if not uses and not could:
        summary = (
            f"{pledge.id} can serve no requirement: none of its family is at a destination it can reach and "
            "its donor allows"
        )
    else:
        summary = f"{pledge.id} gives {given:,} of {pledge.quantity:,} units to {len(uses)} requirement(s)"
        if spare:
            summary += f"; {spare:,} stay unallocated"
            if short:
                summary += (
                    f" although {len(short)} admissible requirement(s) are short ({', '.join(short[:5])}"
                    f"{', ...' if len(short) > 5 else ''}): the units would arrive so late there that "
                    "sending them costs at least as much as leaving the need unmet"
                )
    return {
        "summary": summary,
        "pledge": {
            "id": pledge.id,
            "donor": pledge.donor,
            "item": pledge.item,
            "family": context.families.get(pledge.item),
            "quantity": pledge.quantity,
            "available": pledge.available.isoformat(),
            "origin": pledge.origin,
            "destinations": list(pledge.destinations) if pledge.destinations is not None else None,
        },
        "given": given,
        "unallocated": spare,
        "went_to": uses,
        "could_also_serve": could,
    }


class _Context:
    """The scenario and plan, indexed for explaining."""

    def __init__(self, scenario: Scenario, plan_doc: Mapping[str, Any]) -> None:
        self.scenario = scenario
        self.families = item_families(scenario)
        self.distances = shortest_days(scenario.routes, {p.origin for p in scenario.pledges})
        self.requirements = {r.id: r for r in scenario.requirements}
        self.from_pledge: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.to_requirement: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self.arrival_of: dict[tuple[str, str], str] = {}
        self.late_of: dict[tuple[str, str], int] = {}
        for line in plan_doc.get("allocations", []):
            pid, rid, q = line["pledge"], line["requirement"], int(line["quantity"])
            self.from_pledge[pid].append((rid, q))
            self.to_requirement[rid].append((pid, q))
            self.arrival_of[pid, rid] = str(line["arrival"])
            self.late_of[pid, rid] = int(line["days_late"])
        self.locked = {(lock.pledge, lock.requirement): lock.quantity for lock in scenario.locks}
        self.unmet = {e["requirement"]: int(e["quantity"]) for e in plan_doc.get("unmet", [])}
        self.unallocated = {e["pledge"]: int(e["quantity"]) for e in plan_doc.get("unallocated", [])}

    def weight(self, requirement: Requirement) -> int:
        return self.scenario.policy.weight(requirement.priority)

    def admissible_for(self, requirement: Requirement) -> list[Pledge]:
        found = [
            p for p in self.scenario.pledges if is_admissible(p, requirement, self.families, self.distances)
        ]
        found.sort(key=lambda p: (arrival(p, requirement, self.scenario.start, self.distances), p.id))
        return found

    def describe_use(self, pledge_id: str, requirement_id: str, quantity: int) -> dict[str, Any]:
        other = self.requirements[requirement_id]
        use: dict[str, Any] = {
            "requirement": requirement_id,
            "quantity": quantity,
            "priority": other.priority,
            "weight": self.weight(other),
            "need_by": other.need_by.isoformat(),
        }
        locked = self.locked.get((pledge_id, requirement_id), 0)
        if locked:
            use["locked"] = locked
        return use


def _find(entries: Any, ident: str, kind: str) -> Any:
    for entry in entries:
        if entry.id == ident:
            return entry
    raise UnknownIdError(f"there is no {kind} {ident!r} in the scenario; give the id of one of its {kind}s")


def _unmet_reason(
    context: _Context,
    requirement: Requirement,
    unmet: int,
    options: list[dict[str, Any]],
    elsewhere: Mapping[str, int],
    held: Mapping[str, int],
    too_late_spare: int,
) -> dict[str, Any] | None:
    """Why ``unmet`` units of ``requirement`` are left unmet, or None when none are."""
    if unmet == 0:
        return None
    if not options:
        return {
            "kind": "no admissible pledge",
            "detail": (
                f"no pledge of family {requirement.family}"
                + (f" and item {requirement.item}" if requirement.item else "")
                + f" can reach {requirement.destination} with its donor's consent"
            ),
        }
    w = context.weight(requirement)
    heavier: list[dict[str, Any]] = []
    lighter: list[dict[str, Any]] = []
    for rid, q in sorted(elsewhere.items()):
        other = context.requirements[rid]
        entry = {
            "requirement": rid,
            "quantity": q,
            "priority": other.priority,
            "weight": context.weight(other),
        }
        if held.get(rid):
            entry["locked"] = held[rid]
        (heavier if context.weight(other) >= w else lighter).append(entry)
    reason: dict[str, Any] = {
        "kind": "every admissible unit went to needs of equal or higher weight"
        if not lighter and not too_late_spare
        else "admissible units went elsewhere or would arrive too late",
        "to_equal_or_higher_weight": heavier,
    }
    if lighter:
        reason["to_lower_weight"] = lighter
        reason["why_lower_weight"] = (
            "units marked locked are held there by a coordinator's lock and must stay; the others would be "
            "late here: giving them to the lower-weight needs and leaving this one "
            "short costs less in total than the lateness here plus what those needs would then lack "
            "(compare cost_per_unit_here of each pledge with the unmet cost "
            f"{w * context.scenario.policy.unmet_penalty:,} per unit)"
        )
    if too_late_spare:
        reason["too_late_to_be_worth_sending"] = too_late_spare
        reason["why_too_late"] = (
            f"{too_late_spare:,} admissible units stay unallocated because they would arrive so late that "
            "sending them costs at least as much as leaving the need unmet "
            f"({w * context.scenario.policy.unmet_penalty:,} per unit)"
        )
    return reason


def _requirement_summary(
    requirement: Requirement, received: int, unmet: int, options: list[dict[str, Any]], value: int
) -> str:
    text = f"{requirement.id} receives {received:,} of {requirement.quantity:,} units"
    if unmet:
        text += f"; {unmet:,} unmet"
    text += f"; {len(options)} admissible pledge(s)"
    if value:
        text += f"; one more unit would be worth {value:,}"
    return text
