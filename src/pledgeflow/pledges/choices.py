"""Enumerations of the pledges context: milestones, sources, channels, receipt conditions.

The milestone state machine is a table here (``TRANSITIONS``) so the model, the services, the API error
messages and docs/records.md all read the same rules.
"""

from __future__ import annotations

from django.db import models


class PledgeStatus(models.TextChoices):
    """The current milestone of a pledge (DOMAIN.md "Pledge milestones")."""

    OFFERED = "offered", "Offered"
    COMMITTED = "committed", "Committed"
    CONTRACTED = "contracted", "Contracted"
    DISPATCHED = "dispatched", "Dispatched"
    AT_HUB = "at_hub", "At hub"
    HANDED_OVER = "handed_over", "Handed over"
    RECEIVED = "received", "Received"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MilestoneKind(models.TextChoices):
    """What one entry of a pledge's milestone log records: a status reached, or a slip of its date."""

    OFFERED = "offered", "Offered"
    COMMITTED = "committed", "Committed"
    CONTRACTED = "contracted", "Contracted"
    DISPATCHED = "dispatched", "Dispatched"
    AT_HUB = "at_hub", "At hub"
    HANDED_OVER = "handed_over", "Handed over"
    RECEIVED = "received", "Received"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SLIPPED = "slipped", "Slipped"


class Source(models.TextChoices):
    """Where the pledged goods come from."""

    STOCK = "stock", "From stock"
    NEW_PRODUCTION = "new_production", "New production"
    PROCUREMENT = "procurement", "Procurement"


class Channel(models.TextChoices):
    """The channel through which the donor gives."""

    BILATERAL = "bilateral", "Bilateral"
    POOLED_FUND = "pooled_fund", "Pooled fund"
    NATO_TRUST_FUND = "nato_trust_fund", "NATO trust fund"
    EU = "eu", "EU"


class ReceiptCondition(models.TextChoices):
    """The condition the recipient found the goods in when confirming receipt."""

    SERVICEABLE = "serviceable", "Serviceable"
    NEEDS_REPAIR = "needs_repair", "Needs repair"
    UNSERVICEABLE = "unserviceable", "Unserviceable"


S = PledgeStatus

#: The milestone state machine: from -> statuses that may follow. Received, declined and withdrawn are final.
#: ``contracted`` exists only for procurement pledges, which must pass through it (see ``allowed_next``).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.OFFERED: (S.COMMITTED, S.DECLINED, S.WITHDRAWN),
    S.COMMITTED: (S.CONTRACTED, S.DISPATCHED, S.WITHDRAWN),
    S.CONTRACTED: (S.DISPATCHED, S.WITHDRAWN),
    S.DISPATCHED: (S.AT_HUB, S.HANDED_OVER),
    S.AT_HUB: (S.HANDED_OVER,),
    S.HANDED_OVER: (S.RECEIVED,),
    S.RECEIVED: (),
    S.DECLINED: (),
    S.WITHDRAWN: (),
}

#: Statuses in which a slip (a new availability date) may be recorded: before the goods leave.
SLIPPABLE: tuple[str, ...] = (S.OFFERED, S.COMMITTED, S.CONTRACTED)

#: Statuses counted as a commitment (DOMAIN.md: "only committed and later count as commitments").
COMMITTED_STATUSES: tuple[str, ...] = (
    S.COMMITTED,
    S.CONTRACTED,
    S.DISPATCHED,
    S.AT_HUB,
    S.HANDED_OVER,
    S.RECEIVED,
)

#: Statuses counted as delivered (DOMAIN.md: "delivered = handed over to the recipient at its destination").
DELIVERED_STATUSES: tuple[str, ...] = (S.HANDED_OVER, S.RECEIVED)

#: Statuses that no longer stand for anything offered (excluded from "pledged" totals).
VOID_STATUSES: tuple[str, ...] = (S.DECLINED, S.WITHDRAWN)

#: Statuses in which the pledge's content (item, quantity, origin, ...) may still change: before dispatch.
EDITABLE_STATUSES: tuple[str, ...] = SLIPPABLE


def allowed_next(status: str, source: str) -> tuple[str, ...]:
    """The statuses a pledge at ``status`` with ``source`` may move to next.

    Procurement pledges are bought on the market, so between signature and dispatch there is a contract:
    they must be ``contracted`` before ``dispatched``. Pledges from stock or new production never are.
    """
    following = TRANSITIONS[status]
    if status == S.COMMITTED:
        if source == Source.PROCUREMENT:
            following = tuple(s for s in following if s != S.DISPATCHED)
        else:
            following = tuple(s for s in following if s != S.CONTRACTED)
    return following


def counts_as_committed(status: str) -> bool:
    """True when a pledge at ``status`` counts as a commitment (committed or later, not void)."""
    return status in COMMITTED_STATUSES


def counts_as_delivered(status: str) -> bool:
    """True when a pledge at ``status`` counts as delivered (handed over or received)."""
    return status in DELIVERED_STATUSES
