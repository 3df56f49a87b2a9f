"""The error hierarchy every door translates the same way."""

from __future__ import annotations

import django.core.exceptions

from pledgeflow.core import errors


def test_public_surface_names_every_error_class_once() -> None:
    classes = {
        name for name, value in vars(errors).items() if isinstance(value, type) and not name.startswith("_")
    }
    assert len(errors.__all__) == len(set(errors.__all__))
    assert classes - {"Iterable"} <= set(errors.__all__)
    for name in errors.__all__:
        assert hasattr(errors, name)


def test_not_found_is_a_lookup_error_that_names_no_detail_beyond_the_key() -> None:
    exc = errors.NotFound("Pledge", "P-17")
    assert isinstance(exc, LookupError)
    assert isinstance(exc, errors.PledgeflowError)
    assert str(exc) == "Pledge P-17 does not exist or is not visible to you."


def test_permission_denied_is_also_djangos_so_views_answer_403() -> None:
    exc = errors.PermissionDenied("Only coordinators change the catalogue.")
    assert isinstance(exc, django.core.exceptions.PermissionDenied)
    assert isinstance(exc, errors.PledgeflowError)


def test_stale_version_carries_the_current_version_and_says_what_to_do() -> None:
    exc = errors.StaleVersion("Item", "leopard-2a4", expected_version=2, current_version=5)
    assert exc.current_version == 5
    assert exc.expected_version == 2
    assert "based on version 2" in str(exc)
    assert "current version is 5" in str(exc)


def test_invalid_transition_names_the_allowed_next_states() -> None:
    exc = errors.InvalidTransition("Pledge", "P1", "offered", "received", ["committed", "declined"])
    assert isinstance(exc, ValueError)
    assert exc.allowed == ("committed", "declined")
    assert "allowed next states: committed, declined" in str(exc)


def test_invalid_transition_from_a_final_state_says_so() -> None:
    exc = errors.InvalidTransition("Pledge", "P1", "withdrawn", "committed", [])
    assert "final state" in str(exc)


def test_validation_error_is_djangos_own() -> None:
    assert errors.ValidationError is django.core.exceptions.ValidationError
    assert errors.NON_FIELD_ERRORS == "__all__"
