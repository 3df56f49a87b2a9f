"""Successive plans stay quiet: a change in one family leaves other families' allocations as they were."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from bench.generate import generate

from pledgeflow.engine.allocation import allocate
from pledgeflow.engine.scenario import load_scenario


def _plan_by_family(doc: dict[str, Any]) -> dict[str, list[tuple[str, str, int]]]:
    family_of_item = {item["code"]: item["family"] for item in doc["items"]}
    item_of_pledge = {p["id"]: p["item"] for p in doc["pledges"]}
    out: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for a in allocate(load_scenario(json.dumps(doc).encode())).allocations:
        out[family_of_item[item_of_pledge[a.pledge]]].append((a.pledge, a.requirement, a.quantity))
    return out


def test_a_change_in_one_family_leaves_the_other_families_plans_unchanged() -> None:
    doc = generate(4000)
    before = _plan_by_family(doc)
    # One family loses half its pledges (say a donor withdrew them): its network shrinks.
    family_of_item = {item["code"]: item["family"] for item in doc["items"]}
    changed = family_of_item[doc["pledges"][0]["item"]]
    in_family = [p for p in doc["pledges"] if family_of_item[p["item"]] == changed]
    gone = {p["id"] for p in in_family[: len(in_family) // 2]}
    doc["pledges"] = [p for p in doc["pledges"] if p["id"] not in gone]
    after = _plan_by_family(doc)
    moved = sorted(f for f in set(before) | set(after) if f != changed and before[f] != after[f])
    assert not moved, f"families re-planned although nothing in them changed: {moved}"
