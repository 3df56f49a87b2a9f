"""The benchmark behind ``make bench``: time ``pledgeflow plan`` against the pair-model reference.

    python -m bench.run [--sizes 1k,20k,100k] [--only allocation|training] [--repeat N]

For each size it writes a seeded scenario (bench/generate.py) under ``var/bench/``, runs the real command line
``pledgeflow plan SCENARIO -o PLAN --quiet`` in a child process and measures its wall time, CPU time and peak
memory (the child's own resource usage, from ``wait4``), and reads the solver's time and the objective from
the plan. At sizes up to 20k it also runs the straightforward reference (bench/reference.py: every admissible
pair an arc of one OR-Tools min-cost flow) the same way and compares the objectives, which must be equal. With
``--repeat`` each measurement is taken that many times and the fastest kept (other load on the machine only
ever slows a run down).

Results go to ``bench/results/latest.json`` and a summary to ``docs/performance.md``. The training benchmark
(bench/training_bench.py) runs too when present, unless ``--only allocation``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.generate import write

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
SIZES = {"1k": 1_000, "20k": 20_000, "100k": 100_000}
REFERENCE_UP_TO = 20_000


def measure(command: list[str]) -> dict[str, Any]:
    """Run ``command`` as a child process; its wall seconds, CPU seconds, peak memory (MiB) and output."""
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    # wait4 gives this child's own usage; RUSAGE_CHILDREN would mix in earlier children.
    out, err = b"", b""
    assert child.stdout is not None and child.stderr is not None
    out = child.stdout.read()
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - began
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({child.returncode}):\n{err.decode()}")
    return {
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_memory_mib": round(usage.ru_maxrss / 1024, 1),  # ru_maxrss is in KiB on Linux
        "stdout": out.decode(),
    }


def best_of(command: list[str], repeat: int) -> dict[str, Any]:
    """The fastest of ``repeat`` runs (wall time), with every wall time listed."""
    runs = [measure(command) for _ in range(repeat)]
    best = min(runs, key=lambda run: run["wall_seconds"])
    best["all_wall_seconds"] = [run["wall_seconds"] for run in runs]
    return best


def bench_size(label: str, n: int, repeat: int) -> dict[str, Any]:
    """Plan one generated size with the command line (and the reference when small enough)."""
    scenario = write(n, WORK / f"scenario-{label}.json")
    plan_path = WORK / f"plan-{label}.json"
    print(f"[{label}] pledgeflow plan ...", flush=True)
    run = best_of(
        [sys.executable, "-m", "pledgeflow", "plan", str(scenario), "-o", str(plan_path), "--quiet"], repeat
    )
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    allocation = plan["stats"].get("allocation", {})
    result: dict[str, Any] = {
        "requirements": n,
        "pledges": n,
        "scenario_bytes": scenario.stat().st_size,
        "plan": {
            "wall_seconds": run["wall_seconds"],
            "all_wall_seconds": run["all_wall_seconds"],
            "cpu_seconds": run["cpu_seconds"],
            "peak_memory_mib": run["peak_memory_mib"],
            "solver_seconds": allocation.get("solve_seconds"),
            "allocation_seconds": plan["stats"].get("allocation_seconds"),
            "objective": plan["objective"],
            "baseline_objective": plan["baseline"]["objective"],
            "network_nodes": allocation.get("nodes"),
            "network_arcs": allocation.get("arcs"),
            "solver_processes": allocation.get("processes"),
            "allocated_pairs": len(plan["allocations"]),
        },
    }
    print(f"[{label}] plan: {run['wall_seconds']} s, objective {plan['objective']}", flush=True)
    if n <= REFERENCE_UP_TO:
        print(f"[{label}] reference ...", flush=True)
        ref = best_of([sys.executable, "-m", "bench.reference", str(scenario)], repeat)
        ref_out = json.loads(ref["stdout"])
        result["reference"] = {
            "wall_seconds": ref["wall_seconds"],
            "all_wall_seconds": ref["all_wall_seconds"],
            "cpu_seconds": ref["cpu_seconds"],
            "peak_memory_mib": ref["peak_memory_mib"],
            "solver_seconds": ref_out["solve_seconds"],
            "objective": ref_out["objective"],
            "pairs": ref_out["pairs"],
            "arcs": ref_out["arcs"],
        }
        result["objectives_equal"] = ref_out["objective"] == plan["objective"]
        result["speedup_wall"] = round(ref["wall_seconds"] / run["wall_seconds"], 2)
        result["speedup_cpu"] = round(ref["cpu_seconds"] / run["cpu_seconds"], 2)
        print(
            f"[{label}] reference: {ref['wall_seconds']} s, objective {ref_out['objective']}, "
            f"equal: {result['objectives_equal']}, speed-up {result['speedup_wall']}x",
            flush=True,
        )
    return result


def machine() -> dict[str, Any]:
    """Where the numbers were measured."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line of the benchmark (see the module docstring)."""
    parser = argparse.ArgumentParser(description="Benchmark the planner (see docs/performance.md).")
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated sizes among 1k, 20k, 100k")
    parser.add_argument("--only", choices=("allocation", "training"), help="run one benchmark only")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is kept")
    args = parser.parse_args(argv)
    labels = [label.strip() for label in args.sizes.split(",") if label.strip()]
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; choose among {', '.join(SIZES)}")
    results: dict[str, Any] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "machine": machine(),
    }
    if args.only != "training":
        results["allocation"] = {label: bench_size(label, SIZES[label], args.repeat) for label in labels}
        sizes = results["allocation"]
        if "20k" in sizes and "100k" in sizes:
            for measure_name in ("wall", "cpu"):
                results[f"ratio_100k_to_20k_{measure_name}"] = round(
                    sizes["100k"]["plan"][f"{measure_name}_seconds"]
                    / sizes["20k"]["plan"][f"{measure_name}_seconds"],
                    2,
                )
    if args.only != "allocation" and (ROOT / "bench" / "training_bench.py").exists():
        training = importlib.import_module("bench.training_bench")
        results["training"] = training.run(RESULTS)
    RESULTS.mkdir(parents=True, exist_ok=True)
    latest = RESULTS / "latest.json"
    if args.only is not None and latest.exists():
        # One benchmark only: keep the other one's last results beside it.
        other_keys = {
            "allocation": ("training",),
            "training": ("allocation", "ratio_100k_to_20k_wall", "ratio_100k_to_20k_cpu"),
        }[args.only]
        kept = json.loads(latest.read_text(encoding="utf-8"))
        results.update({key: kept[key] for key in other_keys if key in kept})
    latest.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if "allocation" in results:
        write_summary(results)
    print(f"results: {RESULTS / 'latest.json'}")
    return 0


def write_summary(results: dict[str, Any]) -> None:
    """Replace the measured section of docs/performance.md with these results."""
    rows = []
    for label, size in results["allocation"].items():
        plan = size["plan"]
        ref = size.get("reference")
        rows.append(
            f"| {label} x {label} | {plan['wall_seconds']} s | {plan['cpu_seconds']} s "
            f"| {plan['solver_seconds']} s | {plan['peak_memory_mib']} MiB | {plan['objective']:,} | "
            + (
                f"{ref['wall_seconds']} s | {ref['cpu_seconds']} s | {ref['solver_seconds']} s | "
                f"{ref['peak_memory_mib']} MiB | {ref['objective']:,} | "
                f"{'yes' if size['objectives_equal'] else 'NO'} | {size['speedup_wall']}x | "
                f"{size['speedup_cpu']}x |"
                if ref
                else "not run | | | | | | | |"
            )
        )
    m = results["machine"]
    table = "\n".join(
        [
            f"Measured {results['measured_at']} with `{results['command']}` on {m['cpus']} CPUs "
            f"(load average at start {m['load_average_at_start']}), Python {m['python']}.",
            "",
            "| size | plan wall | plan CPU | solver (wall) | plan peak memory | objective | reference wall "
            "| reference CPU | reference solver (wall) | reference peak memory | reference objective | equal "
            "| speed-up (wall) | speed-up (CPU) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    if "ratio_100k_to_20k_wall" in results:
        table += (
            f"\n\n100k x 100k took {results['ratio_100k_to_20k_wall']} times as long as 20k x 20k in wall "
            f"time and {results['ratio_100k_to_20k_cpu']} times as long in CPU time."
        )
    begin, end = "<!-- measured:begin -->", "<!-- measured:end -->"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Performance\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    DOC.write_text(f"{head}{begin}\n{table}\n{end}{tail}", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
