"""Creating, changing, slipping, withdrawing and declining pledges: permissions, versions, history."""

from __future__ import annotations

import datetime as _dt

import pytest

from pledgeflow.core.choices import SharingLabel
from pledgeflow.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from pledgeflow.core.models import ChangeRecord
from pledgeflow.core.services import history_of
from pledgeflow.pledges import services
from pledgeflow.pledges.choices import MilestoneKind, PledgeStatus, ReceiptCondition, Source
from pledgeflow.pledges.models import Pledge, PledgeMilestone
from tests.db import factories
from tests.db import factories_records as records
from tests.db.factories_records import days

pytestmark = pytest.mark.django_db


def _new(actor, donor: str = "DEU", **overrides):
    values = {
        "donor": donor,
        "item": factories.item().code,
        "quantity": 2000,
        "available": days(30),
        "origin": factories.location(f"DEPOT-{donor}", country=donor).code,
        "sharing_label": SharingLabel.GREEN,
    }
    values.update(overrides)
    return services.create_pledge(actor, **values)


# --- create -------------------------------------------------------------------------------------------------


def test_a_donor_liaison_records_a_pledge_of_its_own_nation_with_its_offered_milestone(liaison_deu) -> None:
    pledge = _new(liaison_deu)
    assert pledge.status == PledgeStatus.OFFERED and pledge.version == 1
    assert pledge.reference == f"DEU-{pledge.pk:04d}"
    (offered,) = pledge.milestones.all()
    assert (offered.milestone, offered.on, offered.recorded_by) == ("offered", days(0), liaison_deu)
    (created,) = history_of(pledge)
    assert created.action == "create" and created.actor == liaison_deu and created.before is None
    assert created.after["reference"] == pledge.reference
    assert created.after["quantity"] == 2000 and created.after["donor"] == "DEU"


def test_pledge_serials_count_all_donors_so_references_reveal_nothing_about_one_nation(
    liaison_deu, liaison_fra
) -> None:
    first = _new(liaison_deu)
    _new(liaison_fra, "FRA", sharing_label=SharingLabel.RED)
    second = _new(liaison_deu)
    assert second.pk == first.pk + 2
    assert second.reference == f"DEU-{second.pk:04d}"


def test_a_donor_liaison_cannot_record_a_pledge_for_another_nation(liaison_deu) -> None:
    with pytest.raises(PermissionDenied, match=r"own nation \(DEU\) only; this pledge is FRA's"):
        _new(liaison_deu, "FRA")
    assert not Pledge.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "recipient_officer", "training_coordinator"])
def test_viewers_recipients_and_training_coordinators_cannot_record_pledges(request, role) -> None:
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        _new(actor)
    assert not Pledge.objects.exists() and not ChangeRecord.objects.filter(entity="pledges.pledge").exists()


def test_a_coordinator_records_a_pledge_for_any_donor_with_a_reference_of_its_choice(coordinator) -> None:
    pledge = _new(coordinator, "POL", reference="P1")
    assert pledge.donor_id == "POL" and pledge.reference == "P1"


def test_a_liaisons_own_reference_starts_with_its_nation_and_must_be_unused(liaison_deu) -> None:
    with pytest.raises(ValidationError) as wrong_prefix:
        _new(liaison_deu, reference="FRA-0001")
    assert "starts with the donor's code, e.g. DEU-0007" in wrong_prefix.value.message_dict["reference"][0]
    _new(liaison_deu, reference="DEU-2026-1")
    with pytest.raises(ValidationError) as in_use:
        _new(liaison_deu, reference="DEU-2026-1")
    assert "already in use" in in_use.value.message_dict["reference"][0]


def test_invalid_input_names_each_field_and_stores_nothing(liaison_deu) -> None:
    with pytest.raises(ValidationError) as refused:
        _new(liaison_deu, quantity=0, source="barter", sharing_label="PURPLE")
    errors = refused.value.message_dict
    assert "at least 1; got 0" in errors["quantity"][0]
    assert "source" in errors and "sharing_label" in errors
    assert not Pledge.objects.exists() and not PledgeMilestone.objects.exists()


def test_unknown_codes_are_named_per_field(liaison_deu) -> None:
    with pytest.raises(ValidationError) as refused:
        _new(liaison_deu, item="no-such-shell", origin="NOWHERE", allowed_destinations=["DEST-X", "DEST-Y"])
    errors = refused.value.message_dict
    assert "'no-such-shell'" in errors["item"][0]
    assert "'NOWHERE'" in errors["origin"][0]
    assert "'DEST-X', 'DEST-Y'" in errors["allowed_destinations"][0]


def test_the_recipient_cannot_be_a_donor(coordinator) -> None:
    with pytest.raises(ValidationError) as refused:
        _new(coordinator, "UKR")
    assert "UKR is a recipient" in refused.value.message_dict["donor"][0]


@pytest.mark.parametrize("label", [SharingLabel.RED, SharingLabel.AMBER_STRICT, SharingLabel.GREEN])
def test_only_an_amber_pledge_names_nations_it_is_releasable_to(liaison_deu, label) -> None:
    with pytest.raises(ValidationError) as refused:
        _new(liaison_deu, sharing_label=label, releasable_to=["FRA"])
    assert (
        "Only a TLP:AMBER pledge is released to named nations"
        in refused.value.message_dict["releasable_to"][0]
    )
    amber = _new(liaison_deu, sharing_label=SharingLabel.AMBER, releasable_to=["FRA", "UKR"])
    assert sorted(amber.releasable_to.values_list("code", flat=True)) == ["FRA", "UKR"]


def test_allowed_destinations_are_kept_and_empty_means_any(liaison_deu) -> None:
    kyiv = records.kyiv()
    limited = _new(liaison_deu, allowed_destinations=[kyiv.code])
    assert list(limited.allowed_destinations.all()) == [kyiv]
    assert _new(liaison_deu).allowed_destinations.count() == 0


# --- update -------------------------------------------------------------------------------------------------


def test_an_update_increments_the_version_and_records_values_before_and_after(liaison_deu) -> None:
    pledge = records.pledge("DEU")
    updated = services.update_pledge(liaison_deu, pledge, {"quantity": 1500, "note": "second lot"}, 1)
    assert (updated.quantity, updated.version) == (1500, 2)
    (change,) = history_of(pledge)
    assert change.action == "update" and change.actor == liaison_deu
    assert (change.before["quantity"], change.after["quantity"]) == (1000, 1500)
    assert (change.before["version"], change.after["version"]) == (1, 2)


def test_a_stale_update_is_refused_with_the_current_version_and_changes_nothing(liaison_deu) -> None:
    pledge = records.pledge("DEU")
    services.update_pledge(liaison_deu, pledge, {"quantity": 1500}, 1)
    with pytest.raises(StaleVersion) as stale:
        services.update_pledge(liaison_deu, pledge, {"quantity": 900}, 1)
    assert stale.value.current_version == 2
    assert Pledge.objects.get(pk=pledge.pk).quantity == 1500


def test_a_donor_liaison_cannot_edit_another_nations_visible_pledge(liaison_fra) -> None:
    pledge = records.pledge("DEU", label=SharingLabel.GREEN)
    with pytest.raises(PermissionDenied):
        services.update_pledge(liaison_fra, pledge, {"quantity": 1}, 1)
    assert Pledge.objects.get(pk=pledge.pk).quantity == 1000


def test_a_donor_liaison_cannot_move_its_pledge_to_another_donor_but_a_coordinator_can(
    liaison_deu, coordinator
) -> None:
    pledge = records.pledge("DEU", reference="P7")
    with pytest.raises(PermissionDenied, match="Only a coordinator moves a pledge to another donor"):
        services.update_pledge(liaison_deu, pledge, {"donor": "FRA"}, 1)
    moved = services.update_pledge(coordinator, pledge, {"donor": "FRA"}, 1)
    assert moved.donor_id == "FRA"
    assert history_of(pledge).get().after["donor"] == "FRA"


def test_the_reference_and_status_cannot_be_changed_by_an_update(liaison_deu) -> None:
    pledge = records.pledge("DEU")
    with pytest.raises(ValidationError) as refused:
        services.update_pledge(liaison_deu, pledge, {"reference": "DEU-9", "status": "received"}, 1)
    assert set(refused.value.message_dict) == {"reference", "status"}


def test_after_dispatch_only_the_label_releasability_and_note_change(liaison_deu) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.DISPATCHED)
    with pytest.raises(ValidationError) as refused:
        services.update_pledge(liaison_deu, pledge, {"quantity": 10, "note": "x"}, 1)
    assert list(refused.value.message_dict) == ["quantity"]
    assert "dispatched: after dispatch only the sharing label" in refused.value.message_dict["quantity"][0]
    relabelled = services.update_pledge(
        liaison_deu, pledge, {"sharing_label": SharingLabel.AMBER, "releasable_to": ["UKR"]}, 1
    )
    assert relabelled.sharing_label == "AMBER"
    assert history_of(pledge).get().after["releasable_to"] == ["UKR"]


def test_a_contracted_pledge_keeps_procurement_as_its_source(coordinator) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.CONTRACTED, source=Source.PROCUREMENT)
    with pytest.raises(ValidationError) as refused:
        services.update_pledge(coordinator, pledge, {"source": Source.STOCK}, 1)
    assert "procurement only" in refused.value.message_dict["source"][0]


def test_changing_the_availability_date_by_update_is_recorded_as_a_slip(liaison_deu) -> None:
    pledge = records.pledge("DEU", available=days(10))
    services.update_pledge(liaison_deu, pledge, {"available": days(40)}, 1)
    slip = pledge.milestones.get(milestone=MilestoneKind.SLIPPED)
    assert (slip.old_date, slip.new_date) == (days(10), days(40))


def test_a_pledge_is_never_deleted() -> None:
    pledge = records.pledge("DEU")
    with pytest.raises(PermissionDenied, match="withdraw it instead"):
        pledge.delete()
    assert Pledge.objects.filter(pk=pledge.pk).exists()


# --- slips --------------------------------------------------------------------------------------------------


def test_slips_keep_every_old_date_and_leave_the_status_alone(liaison_deu) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.COMMITTED, available=days(10))
    pledge = services.slip_pledge(liaison_deu, pledge, days(45), 1, note="line stoppage")
    pledge = services.slip_pledge(liaison_deu, pledge, days(90), 2)
    assert (pledge.available, pledge.status, pledge.version) == (days(90), "committed", 3)
    slips = list(pledge.milestones.filter(milestone="slipped").order_by("id"))
    assert [(s.old_date, s.new_date) for s in slips] == [(days(10), days(45)), (days(45), days(90))]
    assert slips[0].note == "line stoppage" and slips[0].recorded_by == liaison_deu
    actions = [(c.action, c.before["available"], c.after["available"]) for c in history_of(pledge)]
    assert actions == [
        ("slipped", days(10).isoformat(), days(45).isoformat()),
        ("slipped", days(45).isoformat(), days(90).isoformat()),
    ]


def test_a_slip_is_refused_once_the_goods_have_left(liaison_deu) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.DISPATCHED)
    with pytest.raises(ValidationError) as refused:
        services.slip_pledge(liaison_deu, pledge, days(45), 1)
    assert "can slip only before dispatch" in refused.value.message_dict["new_date"][0]


def test_a_slip_to_the_same_date_is_refused(liaison_deu) -> None:
    pledge = records.pledge("DEU", available=days(10))
    with pytest.raises(ValidationError, match="already available on"):
        services.slip_pledge(liaison_deu, pledge, days(10), 1)


def test_record_milestone_slipped_needs_the_new_date(liaison_deu) -> None:
    pledge = records.pledge("DEU")
    with pytest.raises(ValidationError) as refused:
        services.record_milestone(liaison_deu, pledge, "slipped", 1)
    assert "new_date" in refused.value.message_dict
    slipped = services.record_milestone(liaison_deu, pledge, "slipped", 1, new_date=days(60))
    assert slipped.available == days(60)


# --- milestones: who and when -------------------------------------------------------------------------------


def test_a_donor_withdraws_its_own_pledge_which_stays_on_record(liaison_deu) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.COMMITTED)
    withdrawn = services.withdraw_pledge(liaison_deu, pledge, 1, note="stocks needed at home")
    assert withdrawn.status == "withdrawn"
    assert Pledge.objects.filter(pk=pledge.pk, status="withdrawn").exists()
    change = history_of(pledge).get()
    assert (change.action, change.before["status"], change.after["status"]) == (
        "withdrawn",
        "committed",
        "withdrawn",
    )
    assert change.note == "stocks needed at home"


def test_the_recipient_cannot_withdraw_a_pledge_but_may_decline_an_offer(recipient_officer) -> None:
    pledge = records.pledge("DEU")
    with pytest.raises(PermissionDenied):
        services.withdraw_pledge(recipient_officer, pledge, 1)
    declined = services.decline_pledge(recipient_officer, pledge, 1, note="calibre not in service")
    assert declined.status == "declined"


def test_a_donor_cannot_decline_an_offer(liaison_deu) -> None:
    pledge = records.pledge("DEU")
    with pytest.raises(PermissionDenied, match="withdraws its own offer instead"):
        services.decline_pledge(liaison_deu, pledge, 1)


def test_a_donor_records_up_to_hand_over_but_only_the_recipient_confirms_receipt(
    liaison_deu, recipient_officer
) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.HANDED_OVER)
    with pytest.raises(PermissionDenied, match="Receipt is confirmed by the recipient"):
        services.record_milestone(
            liaison_deu, pledge, "received", 1, quantity_received=1000, condition="serviceable"
        )
    received = services.record_milestone(
        recipient_officer, pledge, "received", 1, quantity_received=1000, condition="serviceable"
    )
    assert received.status == "received" and received.quantity_received == 1000


def test_the_recipient_cannot_record_the_donors_milestones(recipient_officer) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.COMMITTED)
    with pytest.raises(PermissionDenied):
        services.record_milestone(recipient_officer, pledge, "dispatched", 1)


def test_a_receipt_needs_a_quantity_within_the_pledge_and_a_condition(recipient_officer) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.HANDED_OVER)
    with pytest.raises(ValidationError) as refused:
        services.record_milestone(recipient_officer, pledge, "received", 1, quantity_received=1001)
    errors = refused.value.message_dict
    assert "between 0 and 1000" in errors["quantity_received"][0]
    assert "one of serviceable, needs_repair, unserviceable" in errors["condition"][0]
    assert Pledge.objects.get(pk=pledge.pk).status == "handed_over"


def test_only_a_receipt_carries_a_quantity_found(liaison_deu) -> None:
    pledge = records.pledge("DEU", status=PledgeStatus.COMMITTED)
    with pytest.raises(ValidationError) as refused:
        services.record_milestone(liaison_deu, pledge, "dispatched", 1, quantity_received=5)
    assert "quantity_received" in refused.value.message_dict


def test_a_milestone_cannot_be_dated_in_the_future_or_before_the_previous_one(liaison_deu) -> None:
    pledge = records.pledge("DEU", offered_on=days(-20))
    with pytest.raises(ValidationError, match="is in the future"):
        services.record_milestone(liaison_deu, pledge, "committed", 1, on=days(1))
    with pytest.raises(ValidationError) as refused:
        services.record_milestone(liaison_deu, pledge, "committed", 1, on=days(-21))
    assert "before the previous milestone (offered on" in refused.value.message_dict["on"][0]
    committed = services.record_milestone(liaison_deu, pledge, "committed", 1, on=days(-20))
    assert committed.milestones.get(milestone="committed").on == days(-20)


def test_an_unknown_milestone_is_named(liaison_deu) -> None:
    pledge = records.pledge("DEU")
    with pytest.raises(ValidationError) as refused:
        services.record_milestone(liaison_deu, pledge, "delivered", 1)
    assert "'delivered' is not a milestone" in refused.value.message_dict["milestone"][0]


def test_a_stale_milestone_is_refused(liaison_deu) -> None:
    pledge = records.pledge("DEU")
    services.record_milestone(liaison_deu, pledge, "committed", 1)
    with pytest.raises(StaleVersion):
        services.record_milestone(liaison_deu, pledge, "withdrawn", 1)


def test_changes_to_a_pledge_the_actor_cannot_see_are_refused_as_not_found(liaison_fra) -> None:
    hidden = records.pledge("DEU", label=SharingLabel.RED)
    for attempt in (
        lambda: services.update_pledge(liaison_fra, hidden, {"quantity": 1}, 1),
        lambda: services.record_milestone(liaison_fra, hidden, "committed", 1),
        lambda: services.slip_pledge(liaison_fra, hidden, days(9), 1),
        lambda: services.withdraw_pledge(liaison_fra, hidden.pk, 1),
    ):
        with pytest.raises(NotFound) as refused:
            attempt()
        assert str(refused.value) == f"Pledge {hidden.pk} does not exist or is not visible to you."
    assert Pledge.objects.get(pk=hidden.pk).version == 1


def test_a_coordinator_records_every_milestone_from_offer_to_receipt(coordinator) -> None:
    pledge = records.pledge("DEU", offered_on=_dt.date(2026, 11, 1))
    for step in ("committed", "dispatched", "at_hub", "handed_over"):
        pledge = services.record_milestone(coordinator, pledge, step, pledge.version)
    pledge = services.record_milestone(
        coordinator,
        pledge,
        "received",
        pledge.version,
        quantity_received=999,
        condition=ReceiptCondition.SERVICEABLE,
    )
    assert pledge.version == 6
    assert [c.action for c in history_of(pledge)] == [
        "committed",
        "dispatched",
        "at_hub",
        "handed_over",
        "received",
    ]


@pytest.mark.parametrize("role", ["viewer", "training_coordinator"])
@pytest.mark.parametrize(
    ("status", "milestone"),
    [
        ("offered", "committed"),
        ("offered", "declined"),
        ("offered", "withdrawn"),
        ("handed_over", "received"),
    ],
)
def test_viewers_and_training_coordinators_record_no_milestone(request, role, status, milestone) -> None:
    actor = request.getfixturevalue(role)
    pledge = records.pledge("DEU", status=status, label=SharingLabel.GREEN)
    extra = {"quantity_received": 1, "condition": "serviceable"} if milestone == "received" else {}
    with pytest.raises(PermissionDenied):
        services.record_milestone(actor, pledge, milestone, 1, **extra)
    with pytest.raises(PermissionDenied):
        services.slip_pledge(actor, pledge, days(99), 1)
    assert Pledge.objects.get(pk=pledge.pk).version == 1
