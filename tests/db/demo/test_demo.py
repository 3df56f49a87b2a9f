"""The demo: it loads what it promises, once, quickly, with history; its users can sign in."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count
from django.test import RequestFactory

from pledgeflow.catalogue.models import Family, Item
from pledgeflow.core.models import ChangeRecord
from pledgeflow.demo import DEMO_USERS, ensure_demo_data, ensure_demo_users
from pledgeflow.interchange import import_scenario
from pledgeflow.logistics.models import Location, Route
from pledgeflow.pledges.choices import MilestoneKind, PledgeStatus
from pledgeflow.pledges.models import Pledge, PledgeMilestone
from pledgeflow.requirements.models import PriorityListVersion, Requirement
from pledgeflow.requirements.selectors import current_version, draft_version
from tests.db.interchange.documents import document, encode

pytestmark = pytest.mark.django_db


def test_the_demo_loads_the_promised_record_once(django_assert_max_num_queries: Any) -> None:
    messages: list[str] = []

    summary = ensure_demo_data(messages.append)

    assert "430 pledges from 38 donors" in summary and messages
    assert Family.objects.count() >= 20
    assert Family.objects.values("capability_area").distinct().count() == 11
    approved = current_version()
    assert approved is not None and approved.requirements.count() >= 300
    draft = draft_version()
    assert draft is not None and draft.based_on == approved
    assert (
        draft.requirements.filter(status="draft").exists()
        and draft.requirements.filter(status="cancelled").exists()
    )
    assert Pledge.objects.count() >= 400
    donors = Pledge.objects.values("donor").distinct().count()
    assert donors >= 25
    # Every milestone appears, in the pledges' status and in the milestone log.
    assert set(Pledge.objects.values_list("status", flat=True)) == set(PledgeStatus.values)
    assert set(PledgeMilestone.objects.values_list("milestone", flat=True)) == set(MilestoneKind.values)
    assert Location.objects.filter(kind="hub").count() == 2
    assert set(Location.objects.filter(kind="hub").values_list("country", flat=True)) == {"POL", "ROU"}
    assert Location.objects.filter(kind="destination", country="UKR").count() >= 4
    assert Location.objects.filter(kind="depot").exclude(country="UKR").count() >= 25
    assert not Route.objects.filter(days__lt=0).exists()
    labels = Counter(Pledge.objects.values_list("sharing_label", flat=True))
    assert {"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"} <= set(labels)
    assert (
        Pledge.objects.filter(sharing_label="AMBER")
        .annotate(n=Count("releasable_to"))
        .filter(n__gt=0)
        .exists()
    )

    with django_assert_max_num_queries(3):
        again = ensure_demo_data()
    assert again.startswith("already loaded")
    assert Pledge.objects.count() == 430
    assert PriorityListVersion.objects.count() == 2


def test_demo_records_carry_their_history_with_who_and_when() -> None:
    ensure_demo_data()
    pledge = (
        Pledge.objects.filter(status="received", donor="DEU")
        .select_related("item")
        .order_by("reference")
        .first()
    )
    assert pledge is not None
    log = list(pledge.milestones.order_by("recorded_at"))
    assert log[0].milestone == "offered" and log[-1].milestone == "received"
    assert log[0].recorded_by.username == "liaison-deu"
    assert log[-1].recorded_by.username == "recipient-ukr" and log[-1].quantity_received is not None
    assert [m.recorded_at for m in log] == sorted(m.recorded_at for m in log)
    history = list(
        ChangeRecord.objects.filter(entity="pledges.pledge", object_id=str(pledge.pk)).order_by("at")
    )
    assert history[0].action == "create" and history[-1].action == "received"
    assert history[0].actor.username == "liaison-deu"
    slip = PledgeMilestone.objects.filter(milestone="slipped").first()
    assert slip is not None and slip.old_date < slip.new_date
    for model in (Item, Location, Requirement):
        created = ChangeRecord.objects.filter(entity=model._meta.label_lower, action="create").count()
        assert created == model.objects.count()


def test_demo_users_can_sign_in_with_the_printed_passwords(settings: Any) -> None:
    users = ensure_demo_users()

    assert [u.username for u in users] == [name for name, _role, _nation in DEMO_USERS]
    assert users[1].description == "Donor liaison for DEU (Germany)"
    assert users[3].description == "Recipient requirements officer for UKR (Ukraine)"
    request = RequestFactory().post("/accounts/sign-in/")
    for user in users:
        signed_in = authenticate(request, username=user.username, password=user.password)
        assert signed_in is not None and signed_in.username == user.username

    again = ensure_demo_users()

    assert all(old.password != new.password for old, new in zip(users, again, strict=True))
    assert authenticate(request, username="coordinator", password=users[0].password) is None
    assert authenticate(request, username="coordinator", password=again[0].password) is not None


def test_demo_users_are_restored_when_someone_changed_them() -> None:
    from pledgeflow.accounts.models import User

    ensure_demo_users()
    User.objects.filter(username="viewer").update(role="coordinator", is_active=False, failed_sign_ins=9)

    ensure_demo_users()

    viewer = User.objects.get(username="viewer")
    assert (viewer.role, viewer.is_active, viewer.failed_sign_ins) == ("viewer", True, 0)


def test_the_demo_is_not_loaded_over_a_record_of_its_own() -> None:
    import_scenario(encode(document()))

    summary = ensure_demo_data()

    assert summary.startswith("not loaded")
    assert Pledge.objects.count() == 2
