"""Reading the requirement list: everyone signed in, drafts only for the recipient and the coordinators."""

from __future__ import annotations

import datetime as _dt

import pytest
from django.contrib.auth.models import AnonymousUser

from pledgeflow.core.errors import NotFound
from pledgeflow.requirements import selectors
from pledgeflow.requirements.choices import RequirementStatus, VersionStatus
from tests.db import factories
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

R = RequirementStatus


@pytest.fixture
def lists():
    """November (approved) with two lines; December (draft) with one submitted and one draft line."""
    november = records.list_version(label="2026-11")
    december = records.list_version(status=VersionStatus.DRAFT, label="2026-12")
    return {
        "november": november,
        "december": december,
        "nov-1": records.requirement(november, reference="UKR-ART-0001", priority=1),
        "nov-2": records.requirement(
            november, reference="UKR-ART-0002", priority=3, need_by=_dt.date(2027, 6, 1), status=R.CLOSED
        ),
        "dec-1": records.requirement(december, reference="UKR-ART-0001", status=R.SUBMITTED),
        "dec-3": records.requirement(december, reference="UKR-ART-0003", status=R.DRAFT),
    }


def _refs(user, **filters) -> list[tuple[str, str]]:
    return [(r.list_version.label, r.reference) for r in selectors.visible_requirements(user, **filters)]


@pytest.mark.parametrize("role", ["coordinator", "recipient_officer"])
def test_the_recipient_and_the_coordinators_see_drafts(request, lists, role) -> None:
    user = request.getfixturevalue(role)
    assert ("2026-12", "UKR-ART-0003") in _refs(user)
    assert selectors.get_requirement_for(user, lists["dec-3"].pk) == lists["dec-3"]


@pytest.mark.parametrize("role", ["liaison_deu", "viewer", "training_coordinator"])
def test_everyone_else_reads_the_list_without_drafts(request, lists, role) -> None:
    user = request.getfixturevalue(role)
    assert _refs(user) == [
        ("2026-11", "UKR-ART-0001"),
        ("2026-11", "UKR-ART-0002"),
        ("2026-12", "UKR-ART-0001"),
    ]
    assert selectors.visible_requirements(user, status=R.DRAFT).count() == 0
    with pytest.raises(NotFound, match="does not exist or is not visible to you"):
        selectors.get_requirement_for(user, lists["dec-3"].pk)


def test_anonymous_visitors_read_nothing(lists) -> None:
    assert _refs(AnonymousUser()) == []
    assert list(selectors.visible_list_versions(AnonymousUser())) == []


def test_filters_by_version_status_priority_and_dates(viewer, lists) -> None:
    assert _refs(viewer, list_version="current") == [("2026-11", "UKR-ART-0001"), ("2026-11", "UKR-ART-0002")]
    assert _refs(viewer, list_version="2026-12") == [("2026-12", "UKR-ART-0001")]
    assert _refs(viewer, list_version=lists["november"].pk, status=R.CLOSED) == [("2026-11", "UKR-ART-0002")]
    assert _refs(viewer, priority=[1]) == [("2026-11", "UKR-ART-0001")]
    assert _refs(viewer, need_by_from=_dt.date(2027, 5, 1)) == [("2026-11", "UKR-ART-0002")]
    assert _refs(viewer, reference="UKR-ART-0001", family="155mm-artillery-ammunition") == [
        ("2026-11", "UKR-ART-0001"),
        ("2026-12", "UKR-ART-0001"),
    ]
    assert _refs(viewer, destination="DEST-KYIV", capability_area="air-defence") == []


def test_without_an_approved_version_the_current_list_is_empty(viewer) -> None:
    records.requirement(records.list_version(status=VersionStatus.DRAFT), status=R.SUBMITTED)
    assert _refs(viewer, list_version="current") == []
    with pytest.raises(NotFound):
        selectors.get_list_version_for(viewer, "current")


def test_versions_are_listed_newest_first_and_found_by_id_label_or_current(viewer, lists) -> None:
    assert [v.label for v in selectors.visible_list_versions(viewer)] == ["2026-12", "2026-11"]
    assert selectors.get_list_version_for(viewer, "current") == lists["november"]
    assert selectors.get_list_version_for(viewer, lists["december"].pk) == lists["december"]
    with pytest.raises(NotFound):
        selectors.get_list_version_for(viewer, "2025-01")


def test_the_history_of_a_hidden_draft_is_not_found(liaison_deu, recipient_officer, lists) -> None:
    with pytest.raises(NotFound):
        selectors.requirement_history_for(liaison_deu, lists["dec-3"].pk)
    assert list(selectors.requirement_history_for(recipient_officer, lists["dec-3"].pk)) == []


def test_listing_requirements_costs_one_query_whatever_their_number(
    django_assert_num_queries, viewer
) -> None:
    version = records.list_version()
    factories.item("m795-155mm")
    for n in range(25):
        records.requirement(version, item_code="m795-155mm" if n % 2 else None)
    with django_assert_num_queries(1):
        for line in selectors.visible_requirements(viewer):
            _ = (line.list_version.label, line.family.code, line.destination.code, line.capability_area.name)
            _ = line.item.code if line.item else None
