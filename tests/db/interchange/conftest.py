"""Fixtures of the import and export tests."""

from __future__ import annotations

from typing import Any

import pytest


def row_counts() -> dict[str, int]:
    """How many rows each table the import writes holds."""
    from pledgeflow.catalogue.models import Family, Item
    from pledgeflow.core.models import ChangeRecord
    from pledgeflow.logistics.models import Location, Route
    from pledgeflow.pledges.models import Pledge, PledgeMilestone
    from pledgeflow.requirements.models import PriorityListVersion, Requirement

    models: list[Any] = [
        Family,
        Item,
        Location,
        Route,
        PriorityListVersion,
        Requirement,
        Pledge,
        PledgeMilestone,
        ChangeRecord,
    ]
    return {m._meta.label: m.objects.count() for m in models}


@pytest.fixture
def counts() -> Any:
    """A function returning the row count of every table an import writes."""
    return row_counts
