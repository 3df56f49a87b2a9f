"""Check the planner's optimum family by family against the pair model, where the whole would not fit.

    python -m bench.family_check SCENARIO.json [FAMILY ...]

Families share no pledge and no requirement, so the optimum of a scenario is the sum of its families' optima.
For each family named (default: the first two, in code-point order) this plans the family's own scenario with
the planner and with bench/reference.py's pair model (an arc per admissible pair) and prints both objectives.
At 100k x 100k a family has about two million admissible pairs, which the pair model solves in seconds, while
the whole scenario (about 135 million) would not fit in memory.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bench.reference import solve_pairs

from pledgeflow.engine.allocation import allocate
from pledgeflow.engine.model import Scenario
from pledgeflow.engine.scenario import load_scenario


def family_scenario(scenario: Scenario, family: str) -> Scenario:
    """The requirements, pledges and locks of one family, with everything else unchanged."""
    family_of_item = {item.code: item.family for item in scenario.items}
    requirements = tuple(r for r in scenario.requirements if r.family == family)
    kept = {r.id for r in requirements}
    return Scenario(
        **{
            **{name: getattr(scenario, name) for name in scenario.__dataclass_fields__},
            "requirements": requirements,
            "pledges": tuple(p for p in scenario.pledges if family_of_item.get(p.item) == family),
            "locks": tuple(lock for lock in scenario.locks if lock.requirement in kept),
        }
    )


def main(argv: list[str]) -> int:
    """Command line (see the module docstring); exit status 1 when any objective differs."""
    scenario = load_scenario(Path(argv[0]).read_bytes())
    families = argv[1:] or sorted({r.family for r in scenario.requirements})[:2]
    differ = False
    for family in families:
        part = family_scenario(scenario, family)
        began = time.perf_counter()
        planned = allocate(part).objective
        reference = solve_pairs(part)
        equal = planned == reference["objective"]
        differ |= not equal
        print(
            f"{family}: {reference['pairs']:,} pairs; planner {planned:,}, pair model "
            f"{reference['objective']:,}, {'equal' if equal else 'DIFFERENT'} "
            f"({time.perf_counter() - began:.1f} s)",
            flush=True,
        )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
