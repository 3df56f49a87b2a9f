"""The errors every door of pledgeflow translates in the same way.

::

    PledgeflowError
    ├── NotFound(LookupError)             404: no such record, or one the user may not see
    ├── PermissionDenied                  403: a visible record (or action) the user may not change
    │                                          (also a django.core.exceptions.PermissionDenied)
    ├── StaleVersion                      409: the update was based on an older version;
    │                                          carries current_version
    └── InvalidTransition(ValueError)     409/422: a status or milestone change the state machine does not
                                               allow; carries the allowed next states

Bad input is reported with Django's own :class:`ValidationError` (re-exported here), raised with a dict
mapping each field name to its messages (``ValidationError({"quantity": "Must be greater than 0; got -3."})``)
so the API can answer 422 naming every field. Use ``NON_FIELD_ERRORS`` (``"__all__"``) only for errors that
belong to no single field. Messages say what is wrong, where, and what would be right.

``NotFound`` is deliberately raised for records that exist but are hidden from the user by the visibility
rules, so that no refusal reveals that a record exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core import exceptions as _django_exceptions
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

__all__ = [
    "NON_FIELD_ERRORS",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "PledgeflowError",
    "StaleVersion",
    "ValidationError",
]


class PledgeflowError(Exception):
    """Base class of every domain error pledgeflow raises on purpose."""


class NotFound(PledgeflowError, LookupError):
    """No such record, or a record the user may not see (the two are indistinguishable on purpose)."""

    def __init__(self, entity: str, key: object) -> None:
        self.entity = entity
        self.key = key
        super().__init__(f"{entity} {key!s} does not exist or is not visible to you.")


class PermissionDenied(PledgeflowError, _django_exceptions.PermissionDenied):
    """The user may see the record (or the list) but may not perform this action on it."""


class StaleVersion(PledgeflowError):
    """An update named a version that is no longer current: someone else changed the record in between."""

    def __init__(self, entity: str, key: object, expected_version: int, current_version: int) -> None:
        self.entity = entity
        self.key = key
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"{entity} {key!s} has changed: the update was based on version {expected_version} but the "
            f"current version is {current_version}. Read the record again and reapply the change to "
            f"version {current_version}."
        )


class InvalidTransition(PledgeflowError, ValueError):
    """A status or milestone change that the state machine does not allow from the current state."""

    def __init__(
        self, entity: str, key: object, current: str, requested: str, allowed: Iterable[str]
    ) -> None:
        self.entity = entity
        self.key = key
        self.current = current
        self.requested = requested
        self.allowed = tuple(allowed)
        allowed_text = ", ".join(self.allowed) if self.allowed else "none (this is a final state)"
        super().__init__(
            f"{entity} {key!s} cannot go from {current!r} to {requested!r}; "
            f"allowed next states: {allowed_text}."
        )
