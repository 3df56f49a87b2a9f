"""``pledgeflow explain``: why a plan does what it does, for one requirement, pledge, cohort or package.

    pledgeflow explain PLAN.json SCENARIO.json (--requirement | --pledge | --cohort | --package) ID [--json]

The plan must have been made from exactly this scenario (its ``scenario_sha256`` must match the scenario's
bytes): an explanation against other data would be confidently wrong. The explanation is printed readably, or
as JSON with ``--json``.

Exit status: 0 explained; 2 invalid input (unreadable or invalid files, a plan of another scenario, an id that
is not in the scenario, a cohort or package of a plan without training); 1 any other failure.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pledgeflow.cli.plan import EXIT_FAILURE, EXIT_INVALID, EXIT_OK, print_scenario_errors
from pledgeflow.engine.errors import PlanDocumentError, PledgeflowError, ScenarioError
from pledgeflow.engine.model import Scenario
from pledgeflow.engine.plan import load_plan
from pledgeflow.engine.scenario import load_scenario

SUBJECTS = ("requirement", "pledge", "cohort", "package")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``pledgeflow explain`` to the command line."""
    parser = sub.add_parser(
        "explain",
        help="explain a plan for one requirement, pledge, cohort or package",
        description=(
            "Explain why PLAN.json does what it does for one requirement, pledge, cohort or package of "
            "SCENARIO.json, the scenario the plan was made from. Exit status 0 on success, 2 on invalid "
            "input."
        ),
    )
    parser.add_argument("plan", metavar="PLAN.json", help="a plan written by `pledgeflow plan`")
    parser.add_argument("scenario", metavar="SCENARIO.json", help="the scenario the plan was made from")
    subject = parser.add_mutually_exclusive_group(required=True)
    for name in SUBJECTS:
        subject.add_argument(f"--{name}", metavar="ID", help=f"the {name} to explain")
    parser.add_argument("--json", action="store_true", help="print the explanation as JSON")
    parser.set_defaults(func=run)


_EXPLAINERS = {
    "requirement": ("pledgeflow.engine.explain", "explain_requirement"),
    "pledge": ("pledgeflow.engine.explain", "explain_pledge"),
    "cohort": ("pledgeflow.engine.explain_training", "explain_cohort"),
    "package": ("pledgeflow.engine.explain_training", "explain_package"),
}


def _explainer(subject: str) -> Callable[[Scenario, dict[str, Any], str], dict[str, Any]]:
    # Imported on use: each explainer pulls in its own planner.
    module, name = _EXPLAINERS[subject]
    function: Callable[[Scenario, dict[str, Any], str], dict[str, Any]] = getattr(
        importlib.import_module(module), name
    )
    return function


def _ids(scenario: Scenario, subject: str) -> set[str]:
    lists: dict[str, Any] = {
        "requirement": scenario.requirements,
        "pledge": scenario.pledges,
        "cohort": scenario.cohorts,
        "package": scenario.packages,
    }
    return {entry.id for entry in lists[subject]}


def run(args: argparse.Namespace) -> int:
    """Carry out ``pledgeflow explain``; returns the exit status."""
    subject = next(name for name in SUBJECTS if getattr(args, name) is not None)
    ident: str = getattr(args, subject)
    try:
        scenario_bytes = Path(args.scenario).read_bytes()
        plan_bytes = Path(args.plan).read_bytes()
    except OSError as exc:
        print(f"error: cannot read {exc.filename!r}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        scenario = load_scenario(scenario_bytes)
    except ScenarioError as exc:
        print_scenario_errors(exc, args.scenario, sys.stderr)
        return EXIT_INVALID
    try:
        plan = load_plan(plan_bytes)
    except PlanDocumentError as exc:
        print(f"error: {args.plan} is not a pledgeflow/plan-v1 document:", file=sys.stderr)
        for issue in exc.errors:
            print(f"{issue.path}: {issue.message}", file=sys.stderr)
        return EXIT_INVALID
    problem = _refusal(plan, scenario, args, subject, ident)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_INVALID
    try:
        explanation = _explainer(subject)(scenario, plan, ident)
    except (PledgeflowError, LookupError, ValueError) as exc:
        print(f"error: cannot explain {subject} {ident!r}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    if args.json:
        print(json.dumps(explanation, indent=2, ensure_ascii=False, default=str))
    else:
        print(f"{subject.capitalize()} {ident}")
        print("\n".join(render(explanation)))
    return EXIT_OK


def _refusal(
    plan: Mapping[str, Any], scenario: Scenario, args: argparse.Namespace, subject: str, ident: str
) -> str:
    """Why this plan cannot be explained for this subject ("" when it can)."""
    if plan["scenario_sha256"] != scenario.sha256:
        return (
            f"{args.plan} was made from another scenario (sha256 {plan['scenario_sha256'][:12]}...), "
            f"not from {args.scenario} (sha256 {scenario.sha256[:12]}...); give the scenario the plan was "
            f"made from, or plan this one again with `pledgeflow plan {args.scenario} -o PLAN.json`"
        )
    if ident not in _ids(scenario, subject):
        return f"there is no {subject} {ident!r} in {args.scenario}; give the id of one of its {subject}s"
    if subject in ("cohort", "package") and "training" not in plan:
        return f"{args.plan} has no training plan, so it cannot explain a {subject}"
    return ""


def _label(key: str) -> str:
    return key.replace("_", " ")


def _scalar(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _flat(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def render(value: Any, indent: int = 0) -> list[str]:
    """An explanation as indented lines: ``key: value`` for scalars, bullets for lists, nested objects."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if _flat(item):
                lines.append(f"{pad}{_label(key)}: {_scalar(item)}")
            elif isinstance(item, list) and all(_flat(x) for x in item):
                lines.append(f"{pad}{_label(key)}: {', '.join(_scalar(x) for x in item) or 'none'}")
            elif isinstance(item, dict) and all(_flat(x) for x in item.values()) and len(item) <= 4:
                inline = ", ".join(f"{_label(k)} {_scalar(v)}" for k, v in item.items())
                lines.append(f"{pad}{_label(key)}: {inline or 'none'}")
            else:
                lines.append(f"{pad}{_label(key)}:")
                lines.extend(render(item, indent + 1))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and all(_flat(x) for x in item.values()):
                lines.append(f"{pad}- " + ", ".join(f"{_label(k)} {_scalar(v)}" for k, v in item.items()))
            elif isinstance(item, dict):
                inner = render(item, indent + 1)
                lines.append(f"{pad}- " + inner[0].lstrip() if inner else f"{pad}-")
                lines.extend(inner[1:])
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(f"{pad}{_scalar(value)}")
    return lines
