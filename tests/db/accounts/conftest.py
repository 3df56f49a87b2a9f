"""Fixtures of the accounts tests: the tables of the test-only labelled models."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.db.accounts.labelled import LabelledNote, LabelledRecord


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """After the test database is migrated, add the tables of the labelled test models (outside any test)."""
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(LabelledRecord)
        editor.create_model(LabelledNote)
