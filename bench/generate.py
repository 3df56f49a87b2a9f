"""Seeded scenario generator for the allocation benchmark.

    python -m bench.generate 20000 -o var/bench/scenario-20k.json [--seed 7]

``N`` requirement lines and ``N`` pledge lines over 60 families of 1-4 items each, 20 donors (each with its
own depot), 4 hubs and 8 destinations, with dates over six months from the start. A fifth of the
requirements name a specific item and a tenth of the pledges restrict the destinations the donor allows.
Routes run from every depot to two hubs, between hubs, and from every hub to the destinations; one depot in
five also ships directly to two destinations. Pledged and required totals are about equal, so needs compete
for scarce pledges, some of which arrive late. The same ``N`` and seed always give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

FAMILIES = 60
DONORS = (
    "AUS", "CAN", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR",
    "ITA", "LTU", "LVA", "NLD", "NOR", "POL", "PRT", "ROU", "SWE", "USA",
)  # fmt: skip
HUBS = ("HUB-RZE", "HUB-CND", "HUB-KOS", "HUB-SUC")
DESTINATIONS = tuple(f"DST-{i}" for i in range(1, 9))
START = date(2027, 1, 4)
HORIZON_DAYS = 182
SEED = 7
NAMED_FAMILIES = (
    "155mm-artillery-ammunition",
    "main-battle-tank",
    "air-defence-interceptor",
    "infantry-fighting-vehicle",
    "counter-battery-radar",
)


def generate(n: int, seed: int = SEED) -> dict[str, Any]:
    """A ``pledgeflow/scenario-v1`` document of ``n`` requirements and ``n`` pledges (see the module doc)."""
    rng = random.Random(f"pledgeflow-bench-{n}-{seed}")
    families = [*NAMED_FAMILIES, *(f"family-{i:02d}" for i in range(len(NAMED_FAMILIES), FAMILIES))]
    items: list[dict[str, Any]] = []
    items_of: dict[str, list[str]] = {}
    for family in families:
        codes = [f"{family}/v{k}" for k in range(1, rng.randint(1, 4) + 1)]
        items_of[family] = codes
        items.extend({"code": code, "family": family} for code in codes)

    depots = {donor: f"DEP-{donor}" for donor in DONORS}
    locations = [{"id": depots[d], "kind": "depot", "country": d} for d in DONORS]
    locations += [{"id": h, "kind": "hub"} for h in HUBS]
    locations += [{"id": d, "kind": "destination"} for d in DESTINATIONS]
    routes: list[dict[str, Any]] = []
    for index, donor in enumerate(DONORS):
        for hub in rng.sample(HUBS, 2):
            routes.append({"from": depots[donor], "to": hub, "days": rng.randint(2, 12)})
        if index % 5 == 0:
            for dest in rng.sample(DESTINATIONS, 2):
                routes.append({"from": depots[donor], "to": dest, "days": rng.randint(4, 15)})
    for a in HUBS:
        for b in HUBS:
            if a != b and rng.random() < 0.5:
                routes.append({"from": a, "to": b, "days": rng.randint(1, 3)})
    for hub in HUBS:
        for dest in DESTINATIONS:
            if rng.random() < 0.75:
                routes.append({"from": hub, "to": dest, "days": rng.randint(1, 6)})

    def day(offset: int) -> str:
        return (START + timedelta(days=offset)).isoformat()

    requirements: list[dict[str, Any]] = []
    width = len(str(n))
    for i in range(n):
        family = rng.choice(families)
        req: dict[str, Any] = {
            "id": f"R{i:0{width}d}",
            "family": family,
            "quantity": rng.randint(1, 400),
            "priority": rng.choices((1, 2, 3, 4), weights=(1, 2, 3, 4))[0],
            "need_by": day(rng.randint(0, HORIZON_DAYS)),
            "destination": rng.choice(DESTINATIONS),
        }
        if rng.random() < 0.2:
            req["item"] = rng.choice(items_of[family])
        requirements.append(req)
    pledges: list[dict[str, Any]] = []
    for i in range(n):
        donor = rng.choice(DONORS)
        family = rng.choice(families)
        pledge: dict[str, Any] = {
            "id": f"P{i:0{width}d}",
            "donor": donor,
            "item": rng.choice(items_of[family]),
            "quantity": rng.randint(1, 400),
            "available": day(rng.randint(-20, HORIZON_DAYS)),
            "origin": depots[donor],
        }
        if rng.random() < 0.1:
            pledge["destinations"] = sorted(rng.sample(DESTINATIONS, rng.randint(1, 3)))
        pledges.append(pledge)
    return {
        "format": "pledgeflow/scenario-v1",
        "start": START.isoformat(),
        "items": items,
        "locations": locations,
        "routes": routes,
        "requirements": requirements,
        "pledges": pledges,
        "locks": [],
        "policy": {"priority_weights": {"1": 1000, "2": 100, "3": 10, "4": 1}, "unmet_penalty": 10000},
    }


def write(n: int, path: Path, seed: int = SEED) -> Path:
    """Generate and write a scenario of size ``n``; returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(generate(n, seed), separators=(",", ":")), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: write one generated scenario."""
    parser = argparse.ArgumentParser(description="Write a seeded benchmark scenario of N x N lines.")
    parser.add_argument("n", type=int, help="number of requirement lines and of pledge lines")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    write(args.n, args.output, args.seed)
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
