"""The capability areas every pledgeflow database holds (the capability coalitions' areas)."""

from __future__ import annotations

CAPABILITY_AREAS: tuple[tuple[str, str], ...] = (
    ("air-defence", "Air defence"),
    ("artillery", "Artillery"),
    ("armour", "Armour"),
    ("aviation", "Aviation"),
    ("maritime", "Maritime"),
    ("drones", "Drones"),
    ("demining", "Demining"),
    ("ew-it", "Electronic warfare and IT"),
    ("engineering", "Engineering"),
    ("medical", "Medical"),
    ("non-lethal", "Non-lethal"),
)


def load_capability_areas(area_model: type) -> int:
    """Create or update the eleven capability areas through ``area_model`` (real or historical model).

    Idempotent: running it again changes nothing.
    """
    for code, name in CAPABILITY_AREAS:
        area_model.objects.update_or_create(code=code, defaults={"name": name})  # type: ignore[attr-defined]
    return len(CAPABILITY_AREAS)
