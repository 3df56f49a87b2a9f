"""The contract every writable API resource keeps, written once: list, get, create, update, cancel,
permissions and validation (after netbox's ``APIViewTestCases``).

A resource's test class subclasses :class:`ResourceContract` and says only what differs: where it lives, how
to make one record, a valid and an invalid body, a change, and who may write. Every test below then runs for
it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.db import models

from pledgeflow.core.models import ChangeRecord
from tests.db.api.conftest import ApiClient


class ResourceContract:
    """Base of the per-resource contract tests (not collected itself: its name does not start with Test)."""

    #: The list path, e.g. "/catalogue/items"; a record lives at f"{path}/{key}".
    path: ClassVar[str]
    #: The model behind the resource (to check what is stored).
    model: ClassVar[type[models.Model]]
    #: Fixture names of a user allowed to write, and of users refused every write (403).
    writer: ClassVar[str] = "coordinator"
    refused_writers: ClassVar[tuple[str, ...]] = ("viewer",)
    #: Fixture names of users who may read the record.
    readers: ClassVar[tuple[str, ...]] = ("viewer",)
    #: A PATCH body (without version) and a field -> value it must answer afterwards.
    change: ClassVar[dict[str, Any]]
    #: A create body's change that makes it invalid, and the field the refusal must name.
    invalid_change: ClassVar[dict[str, Any]]
    invalid_field: ClassVar[str]
    #: A PATCH body (without version) with an invalid value for each field it names.
    invalid_update: ClassVar[dict[str, Any]]
    #: The action that cancels/retires/withdraws (POST f"{path}/{key}/{cancel_action}") and the field -> value
    #: it leaves; None when the resource has none.
    cancel_action: ClassVar[str | None] = None
    cancel_body: ClassVar[dict[str, Any]] = {}
    cancelled: ClassVar[dict[str, Any]] = {}
    #: The answer's field that addresses the record in URLs ("code" or "id").
    key_field: ClassVar[str] = "code"
    #: Whether GET answers 304 to an If-None-Match naming the current ETag (``api_support.not_modified``).
    conditional_get: ClassVar[bool] = False

    # -- what each resource provides --

    def make(self) -> models.Model:
        """Store one record directly (factories) and return it."""
        raise NotImplementedError

    def create_body(self) -> dict[str, Any]:
        """A valid body for POST {path}; may set up what it refers to."""
        raise NotImplementedError

    # -- helpers --

    @pytest.fixture
    def as_user(
        self, request: pytest.FixtureRequest, api_as: Callable[[Any], ApiClient]
    ) -> Callable[[str], ApiClient]:
        """``as_user("viewer")``: an API client for the user of that fixture."""

        def client(fixture_name: str) -> ApiClient:
            return api_as(request.getfixturevalue(fixture_name))

        return client

    def key(self, record: models.Model) -> Any:
        """The record's key in URLs."""
        return getattr(record, self.key_field)

    def url(self, record: models.Model) -> str:
        """The record's URL below /api/v1."""
        return f"{self.path}/{self.key(record)}"

    # -- the contract --

    def test_list_answers_the_record_with_a_total_count(self, as_user: Callable[[str], ApiClient]) -> None:
        record = self.make()
        for reader in self.readers:
            answer = as_user(reader).get(self.path, {"limit": 500, "state": "all"})
            assert answer.status == 200, answer
            assert answer.json["count"] >= 1
            keys = [row[self.key_field] for row in answer.json["items"]]
            assert self.key(record) in keys

    def test_get_answers_the_version_and_its_etag(self, as_user: Callable[[str], ApiClient]) -> None:
        record = self.make()
        for reader in self.readers:
            answer = as_user(reader).get(self.url(record))
            assert answer.status == 200, answer
            assert answer.json["version"] == 1
            assert answer.header("ETag") == '"1"'

    def test_a_client_holding_the_current_etag_gets_304_until_the_record_changes(
        self, as_user: Callable[[str], ApiClient]
    ) -> None:
        if not self.conditional_get:
            pytest.skip("this resource does not answer conditional requests")
        record = self.make()
        client = as_user(self.writer)
        unchanged = client.get(self.url(record), **{"If-None-Match": '"1"'})
        assert unchanged.status == 304
        assert unchanged.header("ETag") == '"1"'
        assert unchanged.response.content == b""
        changed = client.patch(self.url(record), {**self.change, "version": 1})
        assert changed.status == 200, changed
        fresh = client.get(f"{self.path}/{changed.json[self.key_field]}", **{"If-None-Match": '"1"'})
        assert fresh.status == 200
        assert fresh.json["version"] == 2

    def test_an_unknown_key_gets_404(self, as_user: Callable[[str], ApiClient]) -> None:
        unknown = 987654321 if self.key_field == "id" else "no-such-record"
        assert as_user(self.writer).get(f"{self.path}/{unknown}").status == 404

    def test_the_writer_creates_a_record_answered_201_with_history(
        self, as_user: Callable[[str], ApiClient]
    ) -> None:
        body = self.create_body()
        before = self.model._default_manager.count()
        answer = as_user(self.writer).post(self.path, body)
        assert answer.status == 201, answer
        assert answer.json["version"] == 1
        assert answer.header("ETag") == '"1"'
        assert self.model._default_manager.count() == before + 1
        stored = self.model._default_manager.get(**{self.key_field: answer.json[self.key_field]})
        assert ChangeRecord.objects.filter(
            entity=stored._meta.label_lower, object_id=str(stored.pk), action="create"
        ).exists()

    def test_an_invalid_field_is_named_with_422_and_nothing_is_stored(
        self, as_user: Callable[[str], ApiClient]
    ) -> None:
        body = {**self.create_body(), **self.invalid_change}
        client = as_user(self.writer)
        before = self.model._default_manager.count()
        history = ChangeRecord.objects.count()
        answer = client.post(self.path, body)
        assert answer.status == 422, answer
        assert self.invalid_field in answer.error_fields()
        assert all(error["message"] for error in answer.json["errors"])
        assert self.model._default_manager.count() == before
        assert ChangeRecord.objects.count() == history

    def test_an_update_naming_the_current_version_is_stored(
        self, as_user: Callable[[str], ApiClient]
    ) -> None:
        record = self.make()
        answer = as_user(self.writer).patch(self.url(record), {**self.change, "version": 1})
        assert answer.status == 200, answer
        assert answer.json["version"] == 2
        assert answer.header("ETag") == '"2"'
        for field, value in self.expected_change().items():
            assert answer.json[field] == value
        reread = as_user(self.writer).get(f"{self.path}/{answer.json[self.key_field]}")
        assert reread.json["version"] == 2

    def test_an_invalid_change_is_named_with_422_and_nothing_changes(
        self, as_user: Callable[[str], ApiClient]
    ) -> None:
        record = self.make()
        client = as_user(self.writer)
        history = ChangeRecord.objects.count()
        answer = client.patch(self.url(record), {**self.invalid_update, "version": 1})
        assert answer.status == 422, answer
        assert set(self.invalid_update) <= answer.error_fields()
        assert self.reload(record).version == 1
        assert ChangeRecord.objects.count() == history

    def test_a_misspelt_field_is_refused_not_ignored(self, as_user: Callable[[str], ApiClient]) -> None:
        record = self.make()
        answer = as_user(self.writer).patch(self.url(record), {"nmae": "typo", "version": 1})
        assert answer.status == 422, answer
        assert answer.error_fields() == {"nmae"}
        assert answer.json["errors"][0]["path"] == "body.nmae"
        assert self.reload(record).version == 1

    def test_an_update_may_name_its_version_in_if_match(self, as_user: Callable[[str], ApiClient]) -> None:
        record = self.make()
        answer = as_user(self.writer).patch(self.url(record), self.change, **{"If-Match": '"1"'})
        assert answer.status == 200, answer
        assert answer.json["version"] == 2

    def test_a_stale_update_gets_409_with_the_current_version_and_changes_nothing(
        self, as_user: Callable[[str], ApiClient]
    ) -> None:
        record = self.make()
        client = as_user(self.writer)
        assert client.patch(self.url(record), {**self.change, "version": 1}).status == 200
        # A second writer still holding version 1 sends its own change.
        answer = client.patch(f"{self.path}/{self.key(self.reload(record))}", {**self.change, "version": 1})
        assert answer.status == 409, answer
        assert answer.json["current_version"] == 2
        assert answer.header("ETag") == '"2"'
        assert self.reload(record).version == 2

    def test_an_update_naming_no_version_gets_428(self, as_user: Callable[[str], ApiClient]) -> None:
        record = self.make()
        answer = as_user(self.writer).patch(self.url(record), self.change)
        assert answer.status == 428, answer
        assert answer.error_fields() == {"version"}
        assert self.reload(record).version == 1

    def test_refused_writers_get_403_and_nothing_is_stored(self, as_user: Callable[[str], ApiClient]) -> None:
        record = self.make()
        for refused in self.refused_writers:
            client = as_user(refused)
            before = self.model._default_manager.count()
            assert client.post(self.path, self.create_body()).status == 403
            assert self.model._default_manager.count() == before
            answer = client.patch(self.url(record), {**self.change, "version": 1})
            assert answer.status == 403, answer
            assert self.reload(record).version == 1

    def test_the_cancel_action_keeps_the_record_and_marks_it(
        self, as_user: Callable[[str], ApiClient]
    ) -> None:
        if self.cancel_action is None:
            pytest.skip("this resource has no cancel action")
        record = self.make()
        answer = as_user(self.writer).post(
            f"{self.url(record)}/{self.cancel_action}", {**self.cancel_body, "version": 1}
        )
        assert answer.status == 200, answer
        for field, value in self.cancelled.items():
            assert answer.json[field] == value
        assert answer.json["version"] == 2
        assert self.model._default_manager.filter(pk=record.pk).exists()

    def test_the_cancel_action_may_send_no_body_and_its_version_as_if_match(
        self, as_user: Callable[[str], ApiClient]
    ) -> None:
        if self.cancel_action is None:
            pytest.skip("this resource has no cancel action")
        record = self.make()
        url = f"{self.url(record)}/{self.cancel_action}"
        answer = as_user(self.writer).post(url, None, **{"If-Match": '"1"'})
        assert answer.status == 200, answer
        assert answer.json["version"] == 2
        assert answer.header("ETag") == '"2"'

    def test_refused_writers_cannot_cancel(self, as_user: Callable[[str], ApiClient]) -> None:
        if self.cancel_action is None:
            pytest.skip("this resource has no cancel action")
        record = self.make()
        for refused in self.refused_writers:
            answer = as_user(refused).post(
                f"{self.url(record)}/{self.cancel_action}", {**self.cancel_body, "version": 1}
            )
            assert answer.status == 403, answer
        assert self.reload(record).version == 1

    def test_the_history_lists_each_change(self, as_user: Callable[[str], ApiClient]) -> None:
        client = as_user(self.writer)
        created = client.post(self.path, self.create_body())
        assert created.status == 201, created
        url = f"{self.path}/{created.json[self.key_field]}"
        updated = client.patch(url, {**self.change, "version": 1})
        assert updated.status == 200, updated
        history = client.get(f"{self.path}/{updated.json[self.key_field]}/history")
        assert history.status == 200, history
        actions = [entry["action"] for entry in history.json["items"]]
        assert actions[0] == "create"
        assert len(actions) == 2
        assert history.json["items"][1]["actor"] == client.user.username  # type: ignore[union-attr]

    # -- overridable details --

    def expected_change(self) -> dict[str, Any]:
        """What the answer to :attr:`change` shows; the change itself by default."""
        return self.change

    def reload(self, record: models.Model) -> Any:
        """The record as stored now."""
        return self.model._default_manager.get(pk=record.pk)
