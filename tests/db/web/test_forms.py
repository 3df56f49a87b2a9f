"""Forms call the services: errors beside the fields, input kept, stale saves explained, actions recorded."""

from __future__ import annotations

import datetime as _dt
from typing import Any

import pytest

from pledgeflow.core.models import ChangeRecord
from pledgeflow.pledges.choices import PledgeStatus
from pledgeflow.pledges.models import Pledge
from pledgeflow.requirements.choices import RequirementStatus
from pledgeflow.requirements.models import Requirement
from tests.db import factories
from tests.db import factories_records as records

from .conftest import today

pytestmark = pytest.mark.django_db


def _requirement_post(**changes: Any) -> dict[str, Any]:
    data = {
        "family": "155mm-artillery-ammunition",
        "item": "",
        "quantity": "1200",
        "priority": "1",
        "need_by": "2027-04-30",
        "destination": "DEST-KYIV",
        "package_code": "",
        "justification": "Counter-battery fire on the southern front",
    }
    data.update(changes)
    return data


def test_a_requirement_with_a_bad_quantity_shows_the_message_beside_the_field_and_keeps_the_input(
    record, client_for
):
    client = client_for(factories.recipient_officer("UKR"))
    response = client.post("/requirements/new/", _requirement_post(quantity="0"))
    assert response.status_code == 422
    body = response.content.decode()
    form = response.context["form"]
    assert "The quantity must be at least 1; got 0." in form.errors["quantity"]
    assert 'id="id_quantity_error"' in body and 'aria-invalid="true"' in body
    # What the user typed is still there.
    assert "Counter-battery fire on the southern front" in body
    assert 'value="2027-04-30"' in body
    assert not Requirement.objects.filter(justification__startswith="Counter-battery").exists()


def test_a_quantity_that_is_not_a_number_is_refused_beside_the_field_with_the_text_kept(record, client_for):
    client = client_for(factories.recipient_officer("UKR"))
    response = client.post("/requirements/new/", _requirement_post(quantity="lots"))
    assert response.status_code == 422
    assert "quantity" in response.context["form"].errors
    assert 'value="lots"' in response.content.decode()


def test_a_corrected_requirement_is_saved_as_a_draft_with_its_history(record, client_for):
    officer = factories.recipient_officer("UKR")
    response = client_for(officer).post("/requirements/new/", _requirement_post())
    assert response.status_code == 302
    created = Requirement.objects.get(justification__startswith="Counter-battery")
    assert response["Location"] == f"/requirements/{created.pk}/"
    assert created.status == RequirementStatus.DRAFT and created.quantity == 1200
    assert (
        ChangeRecord.objects.filter(entity="requirements.requirement", object_id=str(created.pk)).count() == 1
    )


def test_a_stale_save_explains_what_happened_and_keeps_the_users_changes(record, client_for):
    officer = factories.recipient_officer("UKR")
    need = record["draft_need"]
    client = client_for(officer)
    data = _requirement_post(quantity="450", version=str(need.version))
    # Someone else saves first.
    from pledgeflow.requirements import services

    services.update_requirement(factories.coordinator(), need, {"quantity": 500}, need.version)
    response = client.post(f"/requirements/{need.pk}/edit/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Someone else changed this record" in body
    assert 'value="450"' in body  # the user's input, not the other save's
    assert "Current value: 500" in body
    # Saving again applies the user's change to the current version.
    again = client.post(f"/requirements/{need.pk}/edit/", response.context["form"].data)
    assert again.status_code == 302
    need.refresh_from_db()
    assert need.quantity == 450


def test_requirement_status_buttons_submit_and_approve_through_the_services(record, client_for, coordinator):
    need = record["draft_need"]
    officer_client = client_for(factories.recipient_officer("UKR"))
    detail = officer_client.get(f"/requirements/{need.pk}/").content.decode()
    assert 'value="submitted"' in detail and 'value="approved"' not in detail
    officer_client.post(f"/requirements/{need.pk}/status/", {"target": "submitted", "version": need.version})
    need.refresh_from_db()
    assert need.status == RequirementStatus.SUBMITTED
    client_for(coordinator).post(
        f"/requirements/{need.pk}/status/", {"target": "approved", "version": need.version}
    )
    need.refresh_from_db()
    assert need.status == RequirementStatus.APPROVED


def test_cancelling_a_requirement_asks_first_and_keeps_the_record(record, client_for):
    need = record["draft_need"]
    client = client_for(factories.recipient_officer("UKR"))
    confirm = client.get(f"/requirements/{need.pk}/cancel/")
    assert confirm.status_code == 200 and "Cancel the requirement" in confirm.content.decode()
    need.refresh_from_db()
    assert need.status == RequirementStatus.DRAFT
    client.post(f"/requirements/{need.pk}/cancel/", {"version": need.version, "note": "Covered by EU"})
    need.refresh_from_db()
    assert need.status == RequirementStatus.CANCELLED


def test_a_liaison_records_a_pledge_of_its_nation_and_a_wrong_label_is_refused_beside_the_field(
    record, client_for
):
    liaison = factories.donor_liaison("DEU")
    client = client_for(liaison)
    data = {
        "donor": "DEU",
        "item": "dm121-155mm",
        "quantity": "2500",
        "available": (today() + _dt.timedelta(days=30)).isoformat(),
        "origin": "DEPOT-DEU",
        "source": "stock",
        "channel": "bilateral",
        "sharing_label": "RED",
        "releasable_to": ["UKR"],
        "note": "From Bundeswehr stocks",
    }
    refused = client.post("/pledges/new/", data)
    assert refused.status_code == 422
    assert "Only a TLP:AMBER pledge is released to named nations" in " ".join(
        refused.context["form"].errors["releasable_to"]
    )
    assert "From Bundeswehr stocks" in refused.content.decode()
    data["sharing_label"] = "AMBER"
    saved = client.post("/pledges/new/", data)
    assert saved.status_code == 302
    pledge = Pledge.objects.get(note="From Bundeswehr stocks")
    assert pledge.donor_id == "DEU" and pledge.status == PledgeStatus.OFFERED


def test_milestone_buttons_move_a_pledge_along_and_the_timeline_shows_it(record, client_for):
    german = record["german"]
    client = client_for(factories.donor_liaison("DEU"))
    page = client.get(f"/pledges/{german.pk}/").content.decode()
    assert 'value="dispatched"' in page
    client.post(f"/pledges/{german.pk}/milestone/", {"target": "dispatched", "version": german.version})
    german.refresh_from_db()
    assert german.status == PledgeStatus.DISPATCHED
    timeline = client.get(f"/pledges/{german.pk}/").context["timeline"]
    assert [step["kind"] for step in timeline if step["state"] != "ahead"][-1] == "dispatched"
    assert [step["kind"] for step in timeline if step["state"] == "ahead"] == ["handed_over", "received"]


def test_a_milestone_based_on_an_old_version_is_refused_with_a_message(record, client_for):
    german = record["german"]
    client = client_for(factories.donor_liaison("DEU"))
    response = client.post(
        f"/pledges/{german.pk}/milestone/",
        {"target": "dispatched", "version": german.version - 1 or 99},
        follow=True,
    )
    assert "has changed" in response.content.decode()
    german.refresh_from_db()
    assert german.status == PledgeStatus.COMMITTED


def test_the_recipient_confirms_receipt_with_quantity_and_condition(record, client_for):
    handed = records.pledge(
        "DEU", reference="DEU-0099", status=PledgeStatus.HANDED_OVER, quantity=100, offered_on=today()
    )
    client = client_for(factories.recipient_officer("UKR"))
    listed = client.get("/recipient/receipts/").content.decode()
    assert "DEU-0099" in listed
    too_many = client.post(
        f"/pledges/{handed.pk}/receipt/",
        {"version": handed.version, "quantity_received": "120", "condition": ""},
    )
    assert too_many.status_code == 422
    errors = too_many.context["form"].errors
    assert "quantity_received" in errors and "condition" in errors
    done = client.post(
        f"/pledges/{handed.pk}/receipt/?next=/recipient/receipts/",
        {
            "version": handed.version,
            "quantity_received": "96",
            "condition": "needs_repair",
            "next": "/recipient/receipts/",
        },
    )
    assert done.status_code == 302 and done["Location"] == "/recipient/receipts/"
    handed.refresh_from_db()
    assert handed.status == PledgeStatus.RECEIVED and handed.quantity_received == 96


def test_withdrawing_a_pledge_asks_first(record, client_for):
    german = record["german"]
    client = client_for(factories.donor_liaison("DEU"))
    assert "Withdraw the pledge" in client.get(f"/pledges/{german.pk}/withdraw/").content.decode()
    client.post(f"/pledges/{german.pk}/withdraw/", {"version": german.version, "note": "Needed at home"})
    german.refresh_from_db()
    assert german.status == PledgeStatus.WITHDRAWN


def test_a_receipt_redirect_never_leaves_the_site(record, client_for):
    handed = records.pledge("DEU", reference="DEU-0098", status=PledgeStatus.HANDED_OVER, offered_on=today())
    client = client_for(factories.recipient_officer("UKR"))
    done = client.post(
        f"/pledges/{handed.pk}/receipt/",
        {
            "version": handed.version,
            "quantity_received": "1",
            "condition": "serviceable",
            "next": "https://evil.example/",
        },
    )
    assert done.status_code == 302 and not done["Location"].startswith("https://evil")


def test_a_slip_keeps_the_old_date_on_the_timeline(record, client_for):
    german = record["german"]
    client = client_for(factories.donor_liaison("DEU"))
    old = german.available
    new = old + _dt.timedelta(days=21)
    response = client.post(
        f"/pledges/{german.pk}/slip/", {"version": german.version, "new_date": new.isoformat()}
    )
    assert response.status_code == 302
    german.refresh_from_db()
    assert german.available == new
    slips = [s for s in client.get(f"/pledges/{german.pk}/").context["timeline"] if s["kind"] == "slipped"]
    assert [(s["old_date"], s["new_date"]) for s in slips] == [(old, new)]


def test_a_slip_to_the_same_date_is_refused_beside_the_date(record, client_for):
    german = record["german"]
    client = client_for(factories.donor_liaison("DEU"))
    response = client.post(
        f"/pledges/{german.pk}/slip/", {"version": german.version, "new_date": german.available.isoformat()}
    )
    assert response.status_code == 422
    assert "already available on" in " ".join(response.context["form"].errors["new_date"])


def test_the_recipient_declines_an_offer_and_a_donor_cannot(record, client_for):
    offer = record["french_green"]
    assert (
        client_for(factories.donor_liaison("FRA")).get(f"/pledges/{offer.pk}/").context["can_decline"]
        is False
    )
    client = client_for(factories.recipient_officer("UKR"))
    assert client.get(f"/pledges/{offer.pk}/").context["can_decline"] is True
    client.post(f"/pledges/{offer.pk}/decline/", {"version": offer.version, "note": "Calibre not in service"})
    offer.refresh_from_db()
    assert offer.status == PledgeStatus.DECLINED


def _pledge_post(pledge: Pledge, **changes: Any) -> dict[str, Any]:
    data = {
        "donor": pledge.donor_id,
        "item": pledge.item.code,
        "quantity": str(pledge.quantity),
        "available": pledge.available.isoformat(),
        "origin": pledge.origin.code,
        "source": pledge.source,
        "channel": pledge.channel,
        "sharing_label": pledge.sharing_label,
        "releasable_to": [n.code for n in pledge.releasable_to.all()],
        "note": pledge.note,
        "version": str(pledge.version),
    }
    data.update(changes)
    return data


def test_a_liaison_changes_its_pledge_and_only_what_changed_is_recorded(record, client_for):
    german = record["german"]
    client = client_for(factories.donor_liaison("DEU"))
    form = client.get(f"/pledges/{german.pk}/edit/").context["form"]
    assert form.fields["donor"].disabled  # a liaison cannot move a pledge to another donor
    response = client.post(f"/pledges/{german.pk}/edit/", _pledge_post(german, quantity="4500"))
    assert response.status_code == 302
    german.refresh_from_db()
    assert german.quantity == 4500 and german.version == 2
    last = (
        ChangeRecord.objects.filter(entity="pledges.pledge", object_id=str(german.pk)).order_by("-id").first()
    )
    assert last.before["quantity"] == 4000 and last.after["quantity"] == 4500


def test_after_dispatch_only_the_label_and_note_change_and_the_form_says_so(record, client_for):
    german = record["german"]
    Pledge.objects.filter(pk=german.pk).update(status=PledgeStatus.DISPATCHED)
    german.refresh_from_db()
    client = client_for(factories.donor_liaison("DEU"))
    refused = client.post(f"/pledges/{german.pk}/edit/", _pledge_post(german, quantity="10"))
    assert refused.status_code == 422
    assert "after dispatch only the sharing label" in " ".join(refused.context["form"].errors["quantity"])
    assert 'value="10"' in refused.content.decode()
    allowed = client.post(f"/pledges/{german.pk}/edit/", _pledge_post(german, note="Convoy left Bremen"))
    assert allowed.status_code == 302
    german.refresh_from_db()
    assert german.note == "Convoy left Bremen" and german.quantity == 4000


def test_a_stale_pledge_save_keeps_the_input_and_shows_the_current_value(record, client_for, coordinator):
    german = record["german"]
    client = client_for(factories.donor_liaison("DEU"))
    data = _pledge_post(german, quantity="4200")
    from pledgeflow.pledges import services

    services.update_pledge(coordinator, german, {"quantity": 3900}, german.version)
    response = client.post(f"/pledges/{german.pk}/edit/", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert (
        "Someone else changed this record" in body
        and 'value="4200"' in body
        and "Current value: 3900" in body
    )


def test_the_timeline_shows_the_current_milestone_even_without_a_log_entry(record, client_for, coordinator):
    # The factory records a committed pledge with only its "offered" entry, as an import may.
    timeline = client_for(coordinator).get(f"/pledges/{record['german'].pk}/").context["timeline"]
    assert [(s["kind"], s["state"]) for s in timeline] == [
        ("offered", "done"),
        ("committed", "current"),
        ("dispatched", "ahead"),
        ("handed_over", "ahead"),
        ("received", "ahead"),
    ]


def test_the_coordinator_approves_the_draft_list_and_the_recipient_starts_the_next(
    record, client_for, coordinator
):
    from pledgeflow.requirements.models import PriorityListVersion
    from pledgeflow.requirements.selectors import current_version, draft_version

    officer = client_for(factories.recipient_officer("UKR"))
    # Approval is joint: the officer may not approve a version, and a draft requirement blocks it.
    assert officer.get("/requirements/versions/approve/").status_code == 403
    cell = client_for(coordinator)
    blocked = cell.post("/requirements/versions/approve/", {"note": ""})
    assert blocked.status_code == 422 and "still has requirements in draft" in blocked.content.decode()
    need = record["draft_need"]
    officer.post(f"/requirements/{need.pk}/status/", {"target": "submitted", "version": need.version})
    approved = cell.post("/requirements/versions/approve/", {"note": "Agreed at the November conference"})
    assert approved.status_code == 302
    assert current_version().label == "2026-11" and draft_version() is None
    # With no draft left, the officer starts the next one: a copy of the approved needs.
    listing = officer.get("/requirements/").content.decode()
    assert "/requirements/versions/next/" in listing
    started = officer.post("/requirements/versions/next/", {"label": "", "note": ""})
    assert started.status_code == 302
    draft = draft_version()
    assert draft is not None and draft.label == "2026-12"
    assert set(draft.requirements.values_list("reference", flat=True)) == {"UKR-ART-0002"}
    assert PriorityListVersion.objects.count() == 3
