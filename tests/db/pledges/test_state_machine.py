"""The milestone state machine: allowed transitions are accepted, others refused naming the allowed."""

from __future__ import annotations

import pytest

from pledgeflow.core.errors import InvalidTransition
from pledgeflow.pledges import services
from pledgeflow.pledges.choices import (
    TRANSITIONS,
    MilestoneKind,
    PledgeStatus,
    ReceiptCondition,
    Source,
    allowed_next,
    counts_as_committed,
    counts_as_delivered,
)
from pledgeflow.pledges.models import Pledge
from tests.db import factories_records as records
from tests.db.factories_records import days

pytestmark = pytest.mark.django_db

S = PledgeStatus

#: Every (from, to, source) the machine allows; the source matters only around ``contracted``.
ALLOWED = [
    (S.OFFERED, S.COMMITTED, Source.STOCK),
    (S.OFFERED, S.DECLINED, Source.STOCK),
    (S.OFFERED, S.WITHDRAWN, Source.STOCK),
    (S.COMMITTED, S.DISPATCHED, Source.STOCK),
    (S.COMMITTED, S.DISPATCHED, Source.NEW_PRODUCTION),
    (S.COMMITTED, S.CONTRACTED, Source.PROCUREMENT),
    (S.COMMITTED, S.WITHDRAWN, Source.STOCK),
    (S.CONTRACTED, S.DISPATCHED, Source.PROCUREMENT),
    (S.CONTRACTED, S.WITHDRAWN, Source.PROCUREMENT),
    (S.DISPATCHED, S.AT_HUB, Source.STOCK),
    (S.DISPATCHED, S.HANDED_OVER, Source.STOCK),
    (S.AT_HUB, S.HANDED_OVER, Source.STOCK),
    (S.HANDED_OVER, S.RECEIVED, Source.STOCK),
]


def _record(actor, pledge: Pledge, target: str) -> Pledge:
    extra = {"quantity_received": pledge.quantity, "condition": ReceiptCondition.SERVICEABLE}
    return services.record_milestone(
        actor, pledge, target, pledge.version, on=days(-1), **(extra if target == S.RECEIVED else {})
    )


@pytest.mark.parametrize(("current", "target", "source"), ALLOWED)
def test_every_allowed_transition_is_accepted_and_logged(coordinator, current, target, source) -> None:
    pledge = records.pledge(status=current, source=source)
    moved = _record(coordinator, pledge, target)
    assert moved.status == target
    assert moved.version == pledge.version + 1
    last = moved.milestones.order_by("-id").first()
    assert last.milestone == target and last.on == days(-1) and last.recorded_by == coordinator


def test_the_allowed_table_covers_every_transition_of_the_machine() -> None:
    declared = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert declared == {(a, b) for a, b, _ in ALLOWED}


REFUSED = [
    (S.OFFERED, S.DISPATCHED, Source.STOCK, ("committed", "declined", "withdrawn")),
    (S.OFFERED, S.RECEIVED, Source.STOCK, ("committed", "declined", "withdrawn")),
    (S.OFFERED, S.HANDED_OVER, Source.STOCK, ("committed", "declined", "withdrawn")),
    (S.COMMITTED, S.CONTRACTED, Source.STOCK, ("dispatched", "withdrawn")),
    (S.COMMITTED, S.DISPATCHED, Source.PROCUREMENT, ("contracted", "withdrawn")),
    (S.COMMITTED, S.DECLINED, Source.STOCK, ("dispatched", "withdrawn")),
    (S.DISPATCHED, S.WITHDRAWN, Source.STOCK, ("at_hub", "handed_over")),
    (S.DISPATCHED, S.RECEIVED, Source.STOCK, ("at_hub", "handed_over")),
    (S.AT_HUB, S.DISPATCHED, Source.STOCK, ("handed_over",)),
    (S.HANDED_OVER, S.COMMITTED, Source.STOCK, ("received",)),
    (S.RECEIVED, S.WITHDRAWN, Source.STOCK, ()),
    (S.WITHDRAWN, S.COMMITTED, Source.STOCK, ()),
    (S.DECLINED, S.OFFERED, Source.STOCK, ()),
    (S.COMMITTED, S.COMMITTED, Source.STOCK, ("dispatched", "withdrawn")),
]


@pytest.mark.parametrize(("current", "target", "source", "allowed"), REFUSED)
def test_a_refused_transition_names_the_allowed_ones_and_changes_nothing(
    coordinator, current, target, source, allowed
) -> None:
    pledge = records.pledge(status=current, source=source)
    with pytest.raises(InvalidTransition) as refused:
        _record(coordinator, pledge, target)
    assert refused.value.allowed == allowed
    message = str(refused.value)
    assert f"cannot go from '{current}' to '{target}'" in message
    assert pledge.reference in message
    if allowed:
        assert "allowed next states: " + ", ".join(allowed) in message
    else:
        assert "none (this is a final state)" in message
    fresh = Pledge.objects.get(pk=pledge.pk)
    assert (fresh.status, fresh.version) == (current, pledge.version)
    assert fresh.milestones.count() == 1


def test_a_procurement_pledge_passes_through_contracted_all_the_way_to_received(
    liaison_deu, recipient_officer
) -> None:
    pledge = records.pledge(source=Source.PROCUREMENT)
    for step in (S.COMMITTED, S.CONTRACTED, S.DISPATCHED, S.AT_HUB, S.HANDED_OVER):
        pledge = _record(liaison_deu, pledge, step)
    pledge = services.record_milestone(
        recipient_officer,
        pledge,
        S.RECEIVED,
        pledge.version,
        on=days(0),
        quantity_received=990,
        condition=ReceiptCondition.NEEDS_REPAIR,
    )
    assert pledge.status == S.RECEIVED and pledge.quantity_received == 990
    log = list(pledge.milestones.order_by("id").values_list("milestone", flat=True))
    assert log == ["offered", "committed", "contracted", "dispatched", "at_hub", "handed_over", "received"]
    receipt = pledge.milestones.get(milestone=MilestoneKind.RECEIVED)
    assert (receipt.quantity_received, receipt.condition) == (990, "needs_repair")


def test_only_committed_and_later_count_as_committed() -> None:
    assert [s for s in S.values if counts_as_committed(s)] == [
        "committed",
        "contracted",
        "dispatched",
        "at_hub",
        "handed_over",
        "received",
    ]


def test_only_handed_over_and_received_count_as_delivered() -> None:
    assert [s for s in S.values if counts_as_delivered(s)] == ["handed_over", "received"]


def test_allowed_next_hides_contracted_from_stock_and_dispatch_from_procurement() -> None:
    assert allowed_next(S.COMMITTED, Source.STOCK) == ("dispatched", "withdrawn")
    assert allowed_next(S.COMMITTED, Source.PROCUREMENT) == ("contracted", "withdrawn")
    assert allowed_next(S.OFFERED, Source.PROCUREMENT) == ("committed", "declined", "withdrawn")
