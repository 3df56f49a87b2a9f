"""Visibility of labelled records (TLP 2.0 with "releasable to"), as a query filter and for one record.

The rules are checked on a small labelled model of the tests' own, shaped like a pledge (donor, sharing label,
releasable-to nations), so they hold for every labelled record: pledges, courses, sessions.
"""

from __future__ import annotations

import pytest

from pledgeflow.accounts.permissions import can_see_labelled, label_visibility_q
from pledgeflow.core.choices import SharingLabel
from tests.db import factories
from tests.db.accounts.labelled import LabelledNote, LabelledRecord


def record(ref: str, donor: str, label: str, releasable: tuple[str, ...] = ()) -> LabelledRecord:
    obj = LabelledRecord.objects.create(ref=ref, donor_id=donor, sharing_label=label)
    # Through rows directly: Nation has no reverse accessor to a model outside the installed apps.
    through = LabelledRecord.releasable_to.through
    through.objects.bulk_create([through(labelledrecord=obj, nation_id=code) for code in releasable])
    LabelledNote.objects.create(record=obj)
    return obj


@pytest.fixture
def records(db):
    """German records under every label, AMBER ones releasable to several nations, and one French RED."""
    return [
        record("deu-clear", "DEU", SharingLabel.CLEAR, ("UKR", "POL", "FRA")),
        record("deu-green", "DEU", SharingLabel.GREEN),
        record("deu-amber-ukr", "DEU", SharingLabel.AMBER, ("UKR", "POL", "NLD")),
        record("deu-amber-fra", "DEU", SharingLabel.AMBER, ("FRA",)),
        record("deu-amber-strict", "DEU", SharingLabel.AMBER_STRICT, ("UKR", "FRA")),
        record("deu-red", "DEU", SharingLabel.RED, ("UKR", "FRA")),
        record("fra-red", "FRA", SharingLabel.RED),
    ]


EXPECTED = {
    "coordinator": {
        "deu-clear",
        "deu-green",
        "deu-amber-ukr",
        "deu-amber-fra",
        "deu-amber-strict",
        "deu-red",
        "fra-red",
    },
    "liaison_deu": {
        "deu-clear",
        "deu-green",
        "deu-amber-ukr",
        "deu-amber-fra",
        "deu-amber-strict",
        "deu-red",
    },
    "liaison_fra": {"deu-clear", "deu-green", "deu-amber-fra", "fra-red"},
    "recipient_officer": {"deu-clear", "deu-green", "deu-amber-ukr"},
    "training_coordinator": {"deu-clear", "deu-green", "deu-amber-ukr"},  # acts for POL
    "viewer": {"deu-clear", "deu-green"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_what_the_labels_allow_without_duplicates(request, records, role) -> None:
    user = request.getfixturevalue(role)
    visible = LabelledRecord.objects.filter(label_visibility_q(user))
    refs = list(visible.values_list("ref", flat=True))
    assert len(refs) == len(set(refs)), "a record listed twice"
    assert set(refs) == EXPECTED[role]
    assert visible.count() == len(EXPECTED[role])


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_filter_and_the_single_record_check_agree(request, records, role) -> None:
    user = request.getfixturevalue(role)
    for obj in records:
        through = LabelledRecord.releasable_to.through
        releasable = list(through.objects.filter(labelledrecord=obj).values_list("nation_id", flat=True))
        assert can_see_labelled(user, obj.donor_id, obj.sharing_label, releasable) is (
            obj.ref in EXPECTED[role]
        )


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_rules_hold_through_a_relation(request, records, role) -> None:
    user = request.getfixturevalue(role)
    q = label_visibility_q(
        user,
        donor_field="record__donor",
        label_field="record__sharing_label",
        releasable_field="record__releasable_to",
    )
    refs = list(LabelledNote.objects.filter(q).values_list("record__ref", flat=True))
    assert sorted(refs) == sorted(EXPECTED[role])


def test_a_viewer_of_a_nation_still_sees_only_clear_and_green(records) -> None:
    analyst = factories.viewer("DEU")
    refs = set(LabelledRecord.objects.filter(label_visibility_q(analyst)).values_list("ref", flat=True))
    assert refs == {"deu-clear", "deu-green"}


def test_an_anonymous_or_deactivated_user_sees_nothing(records) -> None:
    from django.contrib.auth.models import AnonymousUser

    retired = factories.coordinator(is_active=False)
    assert not LabelledRecord.objects.filter(label_visibility_q(AnonymousUser())).exists()
    assert not LabelledRecord.objects.filter(label_visibility_q(retired)).exists()
    assert not can_see_labelled(AnonymousUser(), "DEU", SharingLabel.CLEAR)


def test_the_filter_combines_with_other_filters_and_exclusions(records, liaison_fra) -> None:
    q = label_visibility_q(liaison_fra)
    assert set(LabelledRecord.objects.filter(q, donor_id="DEU").values_list("ref", flat=True)) == {
        "deu-clear",
        "deu-green",
        "deu-amber-fra",
    }
    hidden = set(LabelledRecord.objects.exclude(q).values_list("ref", flat=True))
    assert hidden == {"deu-amber-ukr", "deu-amber-strict", "deu-red"}
