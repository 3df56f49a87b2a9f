"""Fixtures of the API suites: a JSON client that authenticates as a given user with a real bearer token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from pledgeflow.accounts import services as accounts_services
from pledgeflow.accounts.models import User

API = "/api/v1"


class Answer:
    """An API response with its JSON body decoded."""

    def __init__(self, response: Any) -> None:
        self.response = response
        self.status = response.status_code
        content = response.content
        self.json: Any = (
            json.loads(content) if content and "json" in response.get("Content-Type", "") else None
        )

    def header(self, name: str) -> str | None:
        """A response header, or None."""
        return self.response.get(name)

    def error_fields(self) -> set[str]:
        """The fields named by an error body's ``errors``."""
        return {error["field"] for error in (self.json or {}).get("errors", [])}

    def __repr__(self) -> str:
        return f"<Answer {self.status} {self.json!r}>"


class ApiClient:
    """Calls the API as one user, with a bearer token made by the accounts service (as a script would)."""

    def __init__(self, user: User | None, token: str | None = None) -> None:
        self.user = user
        if token is None and user is not None:
            _, token = accounts_services.create_token(user, "api tests")
        self.token = token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = Client(headers=headers)

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Answer:
        """GET ``path`` (relative to /api/v1) with query ``params``."""
        return Answer(self.client.get(API + path, params or {}, headers=headers))

    def post(self, path: str, body: Any = None, **headers: str) -> Answer:
        """POST a JSON body."""
        data = json.dumps(body) if body is not None else ""
        return Answer(self.client.post(API + path, data, content_type="application/json", headers=headers))

    def patch(self, path: str, body: Any = None, **headers: str) -> Answer:
        """PATCH a JSON body."""
        data = json.dumps(body) if body is not None else ""
        return Answer(self.client.patch(API + path, data, content_type="application/json", headers=headers))


@pytest.fixture(autouse=True)
def _static_root(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Give WhiteNoise an existing static root: it warns (an error here) when ``var/static`` is missing."""
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp() / "static"
    settings.STATIC_ROOT.mkdir(exist_ok=True)


@pytest.fixture
def api_as(db: None) -> Callable[[User | None], ApiClient]:
    """``api_as(user)``: a client acting as ``user`` (None: no credentials at all)."""
    return ApiClient


@pytest.fixture
def anonymous() -> ApiClient:
    """A client without credentials."""
    return ApiClient(None)
