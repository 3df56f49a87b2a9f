"""What changed between two plan runs, and why.

Works on what each run stored: its snapshot (the scenario planned) and its plan. Each pledge-requirement pair
whose quantity differs is reported as added, removed or changed, with the requirement's priority, the days
late before and after, and the reasons found by comparing the two snapshots: the pledge or the requirement
appeared, disappeared or changed (quantity, dates, priority, places), or a lock on the pair changed. A pair
whose own records did not change moved because something else in its family did (another pledge or
requirement competing for the same units); that is said too, naming the family.

Pure Python over plain dictionaries, so it is easy to test and to reuse from the command line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

PRIORITY_KEYS = ("1", "2", "3", "4")
SUMMARY_KEYS = ("required", "on_time", "late", "unmet")

#: Fields of a snapshot entry worth naming when they change, in the order they are reported.
_PLEDGE_FIELDS = ("item", "quantity", "available", "origin", "destinations")
_REQUIREMENT_FIELDS = ("family", "item", "quantity", "priority", "need_by", "destination")


def _by_id(entries: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {str(entry["id"]): entry for entry in entries}


def _pairs(plan: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    return {(str(a["pledge"]), str(a["requirement"])): a for a in plan.get("allocations", [])}


def _locks(snapshot: Mapping[str, Any]) -> dict[tuple[str, str], int]:
    return {
        (str(lock["pledge"]), str(lock["requirement"])): int(lock["quantity"])
        for lock in snapshot.get("locks", [])
    }


def _field_changes(
    kind: str,
    key: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    fields: tuple[str, ...],
) -> list[str]:
    if before is None and after is None:
        return []
    if before is None:
        return [f"{kind} {key} is new in this run's snapshot"]
    if after is None:
        return [
            f"{kind} {key} is no longer in the snapshot (fully committed, dispatched, withdrawn or closed)"
        ]
    reasons = []
    for name in fields:
        old, new = before.get(name), after.get(name)
        if old != new:
            reasons.append(f"{kind} {key} {name} changed from {_show(old)} to {_show(new)}")
    return reasons


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def compare_runs(
    base_snapshot: Mapping[str, Any],
    base_plan: Mapping[str, Any],
    other_snapshot: Mapping[str, Any],
    other_plan: Mapping[str, Any],
) -> dict[str, Any]:
    """Compare ``other_plan`` with ``base_plan`` (usually the earlier run): pairs and summary deltas.

    Returns ``{"pairs": [...], "summary": {...}}``. Each pair is ``{"pledge", "requirement", "change"
    ("added", "removed" or "changed"), "quantity_before", "quantity_after", "delta", "priority",
    "days_late_before", "days_late_after", "reasons"}``, sorted by priority, then pledge id, then requirement
    id. ``summary`` gives both objectives and, per priority, the units on time, late and unmet before, after
    and the difference.
    """
    base_pairs, other_pairs = _pairs(base_plan), _pairs(other_plan)
    base_pledges, other_pledges = (
        _by_id(base_snapshot.get("pledges", [])),
        _by_id(other_snapshot.get("pledges", [])),
    )
    base_reqs = _by_id(base_snapshot.get("requirements", []))
    other_reqs = _by_id(other_snapshot.get("requirements", []))
    base_locks, other_locks = _locks(base_snapshot), _locks(other_snapshot)
    families = _item_families(base_snapshot) | _item_families(other_snapshot)
    family_changes = _changes_by_family(base_snapshot, other_snapshot, families)
    global_changes = _global_changes(base_snapshot, other_snapshot)

    pairs: list[dict[str, Any]] = []
    for key in sorted(set(base_pairs) | set(other_pairs)):
        before, after = base_pairs.get(key), other_pairs.get(key)
        q_before = int(before["quantity"]) if before else 0
        q_after = int(after["quantity"]) if after else 0
        if q_before == q_after and before and after and before.get("days_late") == after.get("days_late"):
            continue
        pledge_id, requirement_id = key
        requirement = other_reqs.get(requirement_id) or base_reqs.get(requirement_id) or {}
        reasons = _field_changes(
            "pledge", pledge_id, base_pledges.get(pledge_id), other_pledges.get(pledge_id), _PLEDGE_FIELDS
        )
        reasons += _field_changes(
            "requirement",
            requirement_id,
            base_reqs.get(requirement_id),
            other_reqs.get(requirement_id),
            _REQUIREMENT_FIELDS,
        )
        lock_before, lock_after = base_locks.get(key, 0), other_locks.get(key, 0)
        if lock_before != lock_after:
            if lock_before == 0:
                reasons.append(f"a lock of {lock_after} was put on this pair")
            elif lock_after == 0:
                reasons.append(f"the lock of {lock_before} on this pair was released")
            else:
                reasons.append(f"the lock on this pair changed from {lock_before} to {lock_after}")
        if not reasons:
            family = requirement.get("family") or families.get(
                str(_pledge_item(base_pledges, other_pledges, pledge_id))
            )
            reasons.append(_why_moved(family, family_changes.get(family), global_changes))
        pairs.append(
            {
                "pledge": pledge_id,
                "requirement": requirement_id,
                "change": "added" if before is None else "removed" if after is None else "changed",
                "quantity_before": q_before,
                "quantity_after": q_after,
                "delta": q_after - q_before,
                "priority": requirement.get("priority"),
                "days_late_before": before.get("days_late") if before else None,
                "days_late_after": after.get("days_late") if after else None,
                "reasons": reasons,
            }
        )
    pairs.sort(key=lambda p: (p["priority"] or 9, p["pledge"], p["requirement"]))
    return {"pairs": pairs, "summary": summary_delta(base_plan, other_plan)}


def _changes_by_family(
    base: Mapping[str, Any], other: Mapping[str, Any], families: Mapping[str, str]
) -> dict[str | None, dict[str, int]]:
    """How many pledges, requirements and locks of each family differ between two snapshots."""
    counts: dict[str | None, dict[str, int]] = {}

    def count(family: str | None, kind: str) -> None:
        counts.setdefault(family, {"pledges": 0, "requirements": 0, "locks": 0})[kind] += 1

    for kind, fields in (("pledges", _PLEDGE_FIELDS), ("requirements", _REQUIREMENT_FIELDS)):
        before, after = _by_id(base.get(kind, [])), _by_id(other.get(kind, []))
        for key in set(before) | set(after):
            old, new = before.get(key), after.get(key)
            if old is not None and new is not None and all(old.get(f) == new.get(f) for f in fields):
                continue
            for entry in (old, new):
                if entry is None:
                    continue
                family = (
                    entry.get("family") if kind == "requirements" else families.get(str(entry.get("item")))
                )
                count(family, kind)
                break
    requirement_family = {
        str(r["id"]): r.get("family") for r in [*base.get("requirements", []), *other.get("requirements", [])]
    }
    base_locks, other_locks = _locks(base), _locks(other)
    for pair in set(base_locks) | set(other_locks):
        if base_locks.get(pair) != other_locks.get(pair):
            count(requirement_family.get(pair[1]), "locks")
    return counts


def _global_changes(base: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    """Changes that can move every allocation: the start day, the routes, the policy weights."""
    changes = []
    if base.get("start") != other.get("start"):
        changes.append(f"the plan starts on {other.get('start')} instead of {base.get('start')}")
    routes = [{(r["from"], r["to"], r["days"]) for r in doc.get("routes", [])} for doc in (base, other)]
    if routes[0] != routes[1]:
        changes.append("routes changed")
    if base.get("policy") != other.get("policy"):
        changes.append("the policy weights changed")
    return changes


def _why_moved(family: str | None, changed: Mapping[str, int] | None, global_changes: list[str]) -> str:
    """Why a pair moved when neither its pledge, its requirement nor a lock on it changed."""
    name = family or "unknown"
    parts = [f"{n} {kind[:-1] if n == 1 else kind}" for kind, n in (changed or {}).items() if n]
    if parts:
        listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        return f"re-optimised: {listed} of family {name} changed, so the units were better spent elsewhere"
    if global_changes:
        return f"re-optimised: {'; '.join(global_changes)}"
    return (
        f"no pledge, requirement or lock of family {name} changed: the planner chose another allocation of "
        "equal cost (several plans are equally good)"
    )


def _pledge_item(
    a: Mapping[str, Mapping[str, Any]], b: Mapping[str, Mapping[str, Any]], pledge_id: str
) -> Any:
    entry = b.get(pledge_id) or a.get(pledge_id) or {}
    return entry.get("item")


def _item_families(snapshot: Mapping[str, Any]) -> dict[str, str]:
    return {str(item["code"]): str(item["family"]) for item in snapshot.get("items", [])}


def summary_delta(base_plan: Mapping[str, Any], other_plan: Mapping[str, Any]) -> dict[str, Any]:
    """Objectives and per-priority unit counts of two plans, with the differences (other minus base)."""
    by_priority: dict[str, dict[str, dict[str, int]]] = {}
    for key in PRIORITY_KEYS:
        before = base_plan.get("summary", {}).get("by_priority", {}).get(key, {})
        after = other_plan.get("summary", {}).get("by_priority", {}).get(key, {})
        by_priority[key] = {
            name: {
                "before": int(before.get(name, 0)),
                "after": int(after.get(name, 0)),
                "delta": int(after.get(name, 0)) - int(before.get(name, 0)),
            }
            for name in SUMMARY_KEYS
        }
    base_objective, other_objective = base_plan.get("objective"), other_plan.get("objective")
    return {
        "objective_before": base_objective,
        "objective_after": other_objective,
        "objective_delta": (
            other_objective - base_objective
            if base_objective is not None and other_objective is not None
            else None
        ),
        "by_priority": by_priority,
    }
