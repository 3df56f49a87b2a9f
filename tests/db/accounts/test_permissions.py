"""Who may do what: every role against every action rule, each refusal proven."""

from __future__ import annotations

import pytest

from pledgeflow.accounts import permissions as p
from tests.db import factories

pytestmark = pytest.mark.django_db

ROLES = ("coordinator", "liaison_deu", "recipient_officer", "training_coordinator", "viewer")

# rule -> the roles allowed (any other role is refused)
EXPECTED = {
    "can_read_catalogue": set(ROLES),
    "can_read_requirements": set(ROLES),
    "can_manage_catalogue": {"coordinator"},
    "can_manage_logistics": {"coordinator"},
    "can_manage_nations": {"coordinator"},
    "can_manage_users": {"coordinator"},
    "can_run_planner": {"coordinator"},
    "can_manage_requirements": {"coordinator", "recipient_officer"},
    "can_confirm_receipt": {"coordinator", "recipient_officer"},
    "can_manage_training": {"coordinator", "training_coordinator"},
}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_exactly_what_the_table_says(request, rule, role) -> None:
    user = request.getfixturevalue(role)
    assert getattr(p, rule)(user) is (role in EXPECTED[rule])


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_anonymous_and_deactivated_users_may_do_nothing(rule) -> None:
    from django.contrib.auth.models import AnonymousUser

    retired = factories.coordinator(is_active=False)
    assert getattr(p, rule)(AnonymousUser()) is False
    assert getattr(p, rule)(retired) is False
    assert getattr(p, rule)(None) is False


def test_a_donor_liaison_manages_only_its_own_nations_pledges(liaison_deu) -> None:
    assert p.can_manage_pledge(liaison_deu, "DEU")
    assert not p.can_manage_pledge(liaison_deu, "FRA")
    assert not p.can_manage_pledge(liaison_deu, None)
    assert p.can_respond_to_proposal(liaison_deu, "DEU")
    assert not p.can_respond_to_proposal(liaison_deu, "FRA")


def test_a_coordinator_manages_every_donors_pledges(coordinator) -> None:
    assert p.can_manage_pledge(coordinator, "DEU")
    assert p.can_manage_pledge(coordinator, "USA")
    assert p.can_respond_to_proposal(coordinator, "FRA")


@pytest.mark.parametrize("role", ["recipient_officer", "training_coordinator", "viewer"])
def test_other_roles_manage_no_pledge_even_of_their_own_nation(request, role) -> None:
    user = request.getfixturevalue(role)
    nation = user.nation_code or "POL"
    assert not p.can_manage_pledge(user, nation)
    assert not p.can_respond_to_proposal(user, nation)


def test_a_user_manages_their_own_tokens_and_a_coordinator_everyones(
    liaison_deu, liaison_fra, coordinator
) -> None:
    assert p.can_manage_tokens_of(liaison_deu, liaison_deu)
    assert not p.can_manage_tokens_of(liaison_fra, liaison_deu)
    assert p.can_manage_tokens_of(coordinator, liaison_deu)


def test_require_raises_permission_denied_with_the_message() -> None:
    p.require(True, "never shown")
    with pytest.raises(p.PermissionDenied, match="Only coordinators"):
        p.require(False, "Only coordinators run the planner.")
