"""JSON paths of a scenario document, written and ordered the way the scenario reader writes them."""

from __future__ import annotations

import json
import re

from pledgeflow.engine.errors import ValidationIssue

# The order of the contract's top-level keys: errors are listed in this order, then by position in each list.
TOP_ORDER = (
    "$",
    "format",
    "start",
    "items",
    "locations",
    "routes",
    "requirements",
    "pledges",
    "locks",
    "policy",
    "skills",
    "courses",
    "sessions",
    "cohorts",
    "packages",
)
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEAD = re.compile(r"^(\$|[A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?")


def join(base: str, key: str) -> str:
    """The path of ``key`` inside the object at ``base`` (as the scenario reader writes it)."""
    if _PLAIN_KEY.fullmatch(key):
        return f"{base}.{key}" if base else key
    return f"{base or '$'}[{json.dumps(key, ensure_ascii=False)}]"


def entry(list_key: str, index: int, key: str | None = None) -> str:
    """``requirements[3]`` or ``requirements[3].quantity``."""
    base = f"{list_key}[{index}]"
    return join(base, key) if key else base


def document_order(issue: ValidationIssue) -> tuple[int, int]:
    """Sort key putting issues in document order: top-level key, then position in its list."""
    match = _HEAD.match(issue.path)
    if match is None:
        return (len(TOP_ORDER), 0)
    head, index = match.group(1), match.group(2)
    rank = TOP_ORDER.index(head) if head in TOP_ORDER else len(TOP_ORDER)
    return (rank, int(index) if index is not None else -1)


def sorted_issues(issues: list[ValidationIssue]) -> list[ValidationIssue]:
    """``issues`` in document order (stable: issues of one entry keep the order they were found in)."""
    return sorted(issues, key=document_order)
