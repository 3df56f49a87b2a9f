"""Fixtures of the plan-run, donor and burden-sharing page tests: the planning tests' theatre, tasks run at
once, and a page client signed in as a given user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.db.api.conftest import _static_root  # noqa: F401 - WhiteNoise needs an existing static root
from tests.db.planning.conftest import (  # noqa: F401 - fixtures shared with the planning tests
    Theatre,
    _plan_start,
    immediate_tasks,
    theatre,
)


@pytest.fixture
def client_as(db: None) -> Callable[[Any], Client]:
    """``client_as(user)``: a page client signed in as ``user`` (a session, as a browser has)."""

    def make(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
