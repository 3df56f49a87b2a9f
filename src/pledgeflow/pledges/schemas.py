"""API schemas of pledges: the pledge, its milestone log, the actions on it and the figures over pledges.

Pledges are addressed by numeric id; answers give the id and the reference (``DEU-0007``) too. Related records
are named by code: donor and releasable-to nations by ISO 3166 alpha-3 code, the item and locations by theirs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from pledgeflow.core.api_support import InputSchema
from pledgeflow.core.choices import SharingLabel
from pledgeflow.pledges.choices import (
    Channel,
    MilestoneKind,
    PledgeStatus,
    ReceiptCondition,
    Source,
    allowed_next,
)


class PledgeOut(Schema):
    """A donor's offer and where it stands."""

    id: int
    reference: str = Field(examples=["DEU-0007"])
    donor: str = Field(alias="donor_id", examples=["DEU"], description="The donor nation's code.")
    item: str = Field(examples=["dm121-155mm"])
    family: str = Field(examples=["155mm-artillery-ammunition"])
    capability_area: str = Field(examples=["artillery"])
    quantity: int
    available: dt.date = Field(description="The day the goods can leave the origin (after any slip).")
    origin: str = Field(examples=["DEPOT-DE"])
    allowed_destinations: list[str] = Field(description="Destination codes the donor allows; empty: any.")
    source: Source
    channel: Channel
    sharing_label: SharingLabel
    releasable_to: list[str] = Field(description="Nations (codes) an AMBER pledge is released to.")
    status: PledgeStatus = Field(description="The latest milestone reached.")
    next_milestones: list[PledgeStatus] = Field(description="The milestones allowed from the current one.")
    quantity_received: int | None = Field(None, description="What the recipient confirmed on receipt.")
    note: str
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="The edit counter this record is at; name it when changing the record.")

    @staticmethod
    def resolve_allowed_destinations(obj: Any) -> list[str]:
        """Codes of the allowed destinations (read from the prefetched rows, sorted here)."""
        return sorted(location.code for location in obj.allowed_destinations.all())

    @staticmethod
    def resolve_releasable_to(obj: Any) -> list[str]:
        """Codes of the releasable-to nations (read from the prefetched rows, sorted here)."""
        return sorted(nation.code for nation in obj.releasable_to.all())

    @staticmethod
    def resolve_next_milestones(obj: Any) -> list[str]:
        """The state machine's next milestones for this pledge's status and source."""
        return list(allowed_next(obj.status, obj.source))

    @staticmethod
    def resolve_item(obj: Any) -> str:
        """``item.code``, read from the related record loaded with the row."""
        return obj.item.code

    @staticmethod
    def resolve_family(obj: Any) -> str:
        """``item.family.code``, read from the related record loaded with the row."""
        return obj.item.family.code

    @staticmethod
    def resolve_capability_area(obj: Any) -> str:
        """``item.family.capability_area.code``, read from the related record loaded with the row."""
        return obj.item.family.capability_area.code

    @staticmethod
    def resolve_origin(obj: Any) -> str:
        """``origin.code``, read from the related record loaded with the row."""
        return obj.origin.code


class PledgeIn(InputSchema):
    """A new pledge (status offered)."""

    donor: str = Field(examples=["DEU"], description="The donor's nation code (a liaison: its own).")
    item: str = Field(examples=["dm121-155mm"], description="An active item's code.")
    quantity: int = Field(examples=[10000])
    available: dt.date = Field(examples=["2027-01-15"])
    origin: str = Field(examples=["DEPOT-DE"], description="An active location's code.")
    allowed_destinations: list[str] = Field(default_factory=list, description="Location codes; empty: any.")
    source: Source = Source.STOCK
    channel: Channel = Channel.BILATERAL
    sharing_label: SharingLabel = SharingLabel.AMBER
    releasable_to: list[str] = Field(default_factory=list, description="Nation codes (AMBER only).")
    note: str = ""
    reference: str | None = Field(None, description="Default: <donor>-<serial>, e.g. DEU-0412.")
    offered_on: dt.date | None = Field(None, description="The day it was offered; default: today.")


class PledgePatch(InputSchema):
    """Changes to a pledge: only the fields sent change. A new ``available`` date is logged as a slip."""

    donor: str | None = Field(None, description="Coordinators only.")
    item: str | None = None
    quantity: int | None = None
    available: dt.date | None = None
    origin: str | None = None
    allowed_destinations: list[str] | None = None
    source: Source | None = None
    channel: Channel | None = None
    sharing_label: SharingLabel | None = None
    releasable_to: list[str] | None = None
    note: str | None = None
    version: int | None = Field(None, description="The version this change is based on (or send If-Match).")


class MilestoneIn(InputSchema):
    """Record the next milestone (committed, contracted, dispatched, at_hub, handed_over, received, declined,
    withdrawn) or a slip (``slipped`` with ``new_date``)."""

    milestone: MilestoneKind
    on: dt.date | None = Field(None, description="The day it happened; default: today.")
    note: str = ""
    quantity_received: int | None = Field(None, description="For 'received': the quantity found.")
    condition: ReceiptCondition | None = Field(None, description="For 'received': the condition found.")
    new_date: dt.date | None = Field(None, description="For 'slipped': the new availability date.")
    version: int | None = Field(None, description="The version this change is based on (or send If-Match).")


class SlipIn(InputSchema):
    """A new availability date; the old one is kept in the milestone log."""

    new_date: dt.date
    on: dt.date | None = Field(None, description="The day the slip became known; default: today.")
    note: str = ""
    version: int | None = Field(None, description="The version this change is based on (or send If-Match).")


class WithdrawIn(InputSchema):
    """Withdraw an offered, committed or contracted pledge; it stays on record, withdrawn."""

    on: dt.date | None = Field(None, description="The day it was withdrawn; default: today.")
    note: str = ""
    version: int | None = Field(None, description="The version this change is based on (or send If-Match).")


class MilestoneOut(Schema):
    """One entry of a pledge's milestone log."""

    id: int
    milestone: MilestoneKind
    on: dt.date
    recorded_by: str | None = None
    recorded_at: dt.datetime
    note: str
    old_date: dt.date | None = Field(None, description="A slip: the availability date before.")
    new_date: dt.date | None = Field(None, description="A slip: the availability date after.")
    quantity_received: int | None = None
    condition: str = ""

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str | None:
        """The user name of whoever recorded it; null for the system."""
        return obj.recorded_by.username if obj.recorded_by_id else None


class PledgeFilters(Schema):
    """Filters of the pledge list. They narrow what you may see: no filter reaches a pledge hidden to you."""

    donor: list[str] | None = Field(None, description="One or more donor codes (repeat the name).")
    item: str | None = Field(None, description="An item code.")
    family: str | None = Field(None, description="A family code.")
    capability_area: str | None = Field(None, description="A capability area code.")
    status: list[PledgeStatus] | None = Field(None, description="One or more milestones.")
    sharing_label: list[SharingLabel] | None = Field(None, description="One or more labels.")
    source: Source | None = None
    channel: Channel | None = None
    origin: str | None = Field(None, description="An origin location code.")
    reference: str | None = Field(None, description="A reference, e.g. DEU-0007.")
    available_from: dt.date | None = Field(None, description="Available on or after this day.")
    available_to: dt.date | None = Field(None, description="Available on or before this day.")


class FigureOut(Schema):
    """How many pledges, units and euros (units x catalogue unit value) a figure counts."""

    pledges: int
    quantity: int
    value_eur: Decimal


class MilestoneFiguresOut(Schema):
    """Figures at each reported milestone: pledged (not declined or withdrawn), committed or later, delivered
    (handed over or received), received (the quantity found)."""

    pledged: FigureOut
    committed: FigureOut
    delivered: FigureOut
    received: FigureOut


class DonorFiguresOut(Schema):
    """One nation's row of the breakdown: only what you may see of that nation."""

    donor: str
    name: str
    figures: MilestoneFiguresOut


class PledgeTotalsOut(Schema):
    """All-donors figures count every pledge; the by-donor rows only what you may see, so they may add up to
    less."""

    all_donors: MilestoneFiguresOut
    by_donor: list[DonorFiguresOut]


class TotalsFilters(Schema):
    """Filters of the pledge figures."""

    by_donor: bool = Field(False, description="Add the by-nation breakdown.")
    donor: str | None = Field(None, description="Figures about one nation: only what you may see of it.")
    item: str | None = None
    family: str | None = None
    capability_area: str | None = None
