"""Who sees which pledge: through lists, filters, look-ups by id or reference, milestones and history."""

from __future__ import annotations

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import NotFound
from pledgeflow.pledges import selectors
from tests.db import factories
from tests.db import factories_records as records

pytestmark = pytest.mark.django_db

L = SharingLabel


@pytest.fixture
def shelf() -> dict[str, object]:
    """German pledges under every label (AMBER twice: for France, for Ukraine), and a French RED one."""
    return {
        "deu-clear": records.pledge("DEU", reference="DEU-CLEAR", label=L.CLEAR),
        "deu-green": records.pledge("DEU", reference="DEU-GREEN", label=L.GREEN),
        "deu-amber-fra": records.pledge(
            "DEU", reference="DEU-AMBER-FRA", label=L.AMBER, releasable_to=["FRA", "POL", "NLD"]
        ),
        "deu-amber-ukr": records.pledge(
            "DEU", reference="DEU-AMBER-UKR", label=L.AMBER, releasable_to=["UKR"]
        ),
        "deu-strict": records.pledge("DEU", reference="DEU-STRICT", label=L.AMBER_STRICT),
        "deu-red": records.pledge("DEU", reference="DEU-RED", label=L.RED),
        "fra-red": records.pledge("FRA", reference="FRA-RED", label=L.RED),
    }


def _refs(user, **filters) -> list[str]:
    return list(selectors.visible_pledges(user, **filters).values_list("reference", flat=True))


EXPECTED = {
    "coordinator": [
        "DEU-AMBER-FRA",
        "DEU-AMBER-UKR",
        "DEU-CLEAR",
        "DEU-GREEN",
        "DEU-RED",
        "DEU-STRICT",
        "FRA-RED",
    ],
    "liaison_deu": ["DEU-AMBER-FRA", "DEU-AMBER-UKR", "DEU-CLEAR", "DEU-GREEN", "DEU-RED", "DEU-STRICT"],
    "liaison_fra": ["DEU-AMBER-FRA", "DEU-CLEAR", "DEU-GREEN", "FRA-RED"],
    "recipient_officer": ["DEU-AMBER-UKR", "DEU-CLEAR", "DEU-GREEN"],
    "training_coordinator": ["DEU-AMBER-FRA", "DEU-CLEAR", "DEU-GREEN"],
    "viewer": ["DEU-CLEAR", "DEU-GREEN"],
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_the_pledges_the_labels_allow(request, shelf, role) -> None:
    user = request.getfixturevalue(role)
    assert _refs(user) == EXPECTED[role]
    assert selectors.visible_pledges(user).count() == len(EXPECTED[role])


def test_an_amber_pledge_releasable_to_several_nations_is_listed_once(
    coordinator, liaison_fra, shelf
) -> None:
    for user in (coordinator, liaison_fra):
        refs = _refs(user)
        assert len(refs) == len(set(refs))


def test_anonymous_and_deactivated_users_see_nothing(shelf) -> None:
    from django.contrib.auth.models import AnonymousUser

    gone = factories.donor_liaison("DEU", is_active=False)
    assert _refs(AnonymousUser()) == [] and _refs(gone) == []


def test_a_donor_cannot_reach_another_nations_red_or_strict_pledges_through_filters(
    liaison_fra, shelf
) -> None:
    assert _refs(liaison_fra, sharing_label=L.RED) == ["FRA-RED"]
    assert _refs(liaison_fra, sharing_label=[L.AMBER_STRICT, L.RED]) == ["FRA-RED"]
    assert _refs(liaison_fra, donor="DEU") == ["DEU-AMBER-FRA", "DEU-CLEAR", "DEU-GREEN"]
    assert _refs(liaison_fra, reference="DEU-RED") == []
    assert selectors.visible_pledges(liaison_fra, donor="DEU", sharing_label=L.RED).count() == 0
    assert _refs(liaison_fra, item="dm121-155mm", status="offered") == [
        "DEU-AMBER-FRA",
        "DEU-CLEAR",
        "DEU-GREEN",
        "FRA-RED",
    ]


def test_a_hidden_pledge_is_not_found_by_id_exactly_like_a_missing_one(liaison_fra, shelf) -> None:
    hidden = shelf["deu-red"]
    with pytest.raises(NotFound) as by_id:
        selectors.get_pledge_for(liaison_fra, hidden.pk)
    with pytest.raises(NotFound) as missing:
        selectors.get_pledge_for(liaison_fra, 987654)
    assert str(by_id.value) == f"Pledge {hidden.pk} does not exist or is not visible to you."
    assert str(missing.value) == "Pledge 987654 does not exist or is not visible to you."
    with pytest.raises(NotFound):
        selectors.get_pledge_by_reference_for(liaison_fra, "DEU-STRICT")


def test_milestones_and_history_of_a_hidden_pledge_are_not_found(liaison_fra, liaison_deu, shelf) -> None:
    hidden = shelf["deu-strict"]
    with pytest.raises(NotFound):
        selectors.pledge_milestones_for(liaison_fra, hidden.pk)
    with pytest.raises(NotFound):
        selectors.pledge_history_for(liaison_fra, hidden.pk)
    assert [m.milestone for m in selectors.pledge_milestones_for(liaison_deu, hidden.pk)] == ["offered"]


def test_a_visible_pledge_is_found_by_id_and_reference(recipient_officer, shelf) -> None:
    amber = shelf["deu-amber-ukr"]
    assert selectors.get_pledge_for(recipient_officer, amber.pk) == amber
    assert selectors.get_pledge_by_reference_for(recipient_officer, "DEU-AMBER-UKR") == amber


def test_the_one_record_check_agrees_with_the_query_for_every_role_and_pledge(request, shelf) -> None:
    for role, expected in EXPECTED.items():
        user = request.getfixturevalue(role)
        seen = sorted(p.reference for p in shelf.values() if selectors.can_see_pledge(user, p))
        assert seen == expected, role


def test_listing_a_page_of_pledges_costs_three_queries_whatever_its_size(
    django_assert_num_queries, liaison_fra
) -> None:
    for n in range(30):
        records.pledge(
            "DEU" if n % 2 else "NLD",
            label=L.AMBER if n % 3 else L.GREEN,
            releasable_to=["FRA", "UKR"] if n % 3 else (),
        )
    with django_assert_num_queries(3):
        page = list(selectors.visible_pledges(liaison_fra)[:25])
        for pledge in page:
            _ = (pledge.donor.name, pledge.item.family.capability_area.name, pledge.origin.code)
            _ = [d.code for d in pledge.allowed_destinations.all()]
            _ = [n.code for n in pledge.releasable_to.all()]
    assert len(page) == 25
