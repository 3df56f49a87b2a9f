"""Fixtures of the pledge tests: a fixed "today" so milestone dates are reproducible."""

from __future__ import annotations

from typing import Any

import pytest

from tests.db.factories_records import TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The services' "today" is 2026-11-27 in every pledge test."""
    from pledgeflow.pledges import services

    monkeypatch.setattr(services, "_today", lambda: TODAY)
    return TODAY
