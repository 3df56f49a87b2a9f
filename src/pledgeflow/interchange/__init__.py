"""Mapping between the system of record and ``pledgeflow/scenario-v1`` documents (not a Django app).

- :func:`export_scenario` reads the record into a scenario document (a dict; ``dump_json`` gives its bytes);
- :func:`import_scenario` checks a document as a whole against the contract and the record, then writes it in
  one transaction, or raises :class:`~pledgeflow.engine.errors.ScenarioError` listing every problem.

docs/import-export.md describes both for users.
"""

from __future__ import annotations

from pledgeflow.interchange.exporter import export_bytes, export_scenario
from pledgeflow.interchange.importer import ImportResult, import_scenario

__all__ = ["ImportResult", "export_bytes", "export_scenario", "import_scenario"]
