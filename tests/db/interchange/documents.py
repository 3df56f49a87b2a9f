"""Scenario documents for the import and export tests: a Leopard company, 155 mm shells, two hubs."""

from __future__ import annotations

import copy
import json
from typing import Any

_BASE: dict[str, Any] = {
    "format": "pledgeflow/scenario-v1",
    "start": "2026-01-05",
    "items": [
        {
            "code": "155-M795",
            "family": "155mm-artillery-ammunition",
            "name": "155 mm HE M795",
            "supply_class": "V",
            "unit_value_eur": 3200.5,
            "unit_mass_kg": 46.7,
            "nsn": "1320015550114",
        },
        {
            "code": "155-DM121",
            "family": "155mm-artillery-ammunition",
            "name": "155 mm HE DM121",
            "supply_class": "V",
        },
        {
            "code": "LEO-2A4",
            "family": "leopard-2-tank",
            "name": "Leopard 2A4",
            "supply_class": "II",
            "unit_value_eur": 4500000,
            "unit_mass_kg": 55150,
        },
    ],
    "locations": [
        {"id": "DEP-DEU", "name": "Depot Unterlüß", "country": "DEU", "kind": "depot"},
        {"id": "HUB-RZESZOW", "name": "Rzeszów logistics hub", "country": "POL", "kind": "hub"},
        {"id": "DST-KYIV", "name": "Kyiv reception point", "country": "UKR", "kind": "destination"},
        {"id": "DST-ODESA", "kind": "destination"},
    ],
    "routes": [
        {"from": "DEP-DEU", "to": "HUB-RZESZOW", "days": 3},
        {"from": "HUB-RZESZOW", "to": "DST-KYIV", "days": 2},
        {"from": "HUB-RZESZOW", "to": "DST-ODESA", "days": 3},
    ],
    "requirements": [
        {
            "id": "UKR-ART-0001",
            "family": "155mm-artillery-ammunition",
            "quantity": 5000,
            "priority": 1,
            "need_by": "2026-02-01",
            "destination": "DST-KYIV",
        },
        {
            "id": "UKR-ARM-0001",
            "family": "leopard-2-tank",
            "quantity": 14,
            "priority": 2,
            "need_by": "2026-06-01",
            "destination": "DST-KYIV",
            "item": "LEO-2A4",
            "note": "One tank company.",
        },
    ],
    "pledges": [
        {
            "id": "DEU-0001",
            "donor": "DEU",
            "item": "155-DM121",
            "quantity": 4000,
            "available": "2026-01-10",
            "origin": "DEP-DEU",
        },
        {
            "id": "DEU-0002",
            "donor": "DEU",
            "item": "LEO-2A4",
            "quantity": 10,
            "available": "2026-03-01",
            "origin": "DEP-DEU",
            "destinations": ["DST-ODESA", "DST-KYIV"],
        },
    ],
}


def document(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the valid document, with top-level keys replaced by ``changes``."""
    doc = copy.deepcopy(_BASE)
    doc.update(changes)
    return doc


def encode(doc: dict[str, Any]) -> bytes:
    """The document's bytes."""
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
