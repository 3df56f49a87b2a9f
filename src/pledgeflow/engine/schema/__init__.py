"""The published JSON Schemas (draft 2020-12) of pledgeflow's documents.

``scenario-v1.schema.json`` describes ``pledgeflow/scenario-v1`` and ``plan-v1.schema.json`` describes
``pledgeflow/plan-v1``. They ship inside the package, so editors and other tools can validate documents
offline. A schema checks shape only; the planner's own reader
(:func:`pledgeflow.engine.scenario.load_scenario`) also checks ids, references, prerequisites and locks, which
a schema cannot express.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["PLAN_SCHEMA", "SCENARIO_SCHEMA", "load_schema", "schema_text"]

SCENARIO_SCHEMA = "scenario-v1.schema.json"
PLAN_SCHEMA = "plan-v1.schema.json"


def schema_text(name: str) -> str:
    """The text of the schema file ``name`` (one of :data:`SCENARIO_SCHEMA`, :data:`PLAN_SCHEMA`)."""
    if name not in (SCENARIO_SCHEMA, PLAN_SCHEMA):
        raise ValueError(f"no schema named {name!r}; there are {SCENARIO_SCHEMA!r} and {PLAN_SCHEMA!r}")
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


@cache
def _load(name: str) -> str:
    return schema_text(name)


def load_schema(name: str) -> dict[str, Any]:
    """The schema ``name`` as a fresh dictionary (callers may change it)."""
    schema: dict[str, Any] = json.loads(_load(name))
    return schema
