"""API schemas of the requirement list: priority-list versions and the requirements on them.

Requirements are addressed by numeric id (a reference such as ``UKR-AD-0042`` stays the same on every list
version it is carried to, so it is not unique); answers give both. Related records are named by code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from pledgeflow.core.api_support import InputSchema
from pledgeflow.requirements.choices import Priority, RequirementStatus, VersionStatus


class ListVersionOut(Schema):
    """One version of the prioritised requirement list; approved versions are frozen."""

    id: int
    number: int = Field(description="1, 2, 3, ... in the order the versions were started.")
    label: str = Field(examples=["2026-11"])
    status: VersionStatus
    based_on: int | None = Field(None, alias="based_on_id", description="The version this one copied.")
    created_at: dt.datetime
    created_by: str | None = None
    approved_at: dt.datetime | None = None
    approved_by: str | None = None

    @staticmethod
    def resolve_created_by(obj: Any) -> str | None:
        """The user name of whoever started the version."""
        return obj.created_by.username if obj.created_by_id else None

    @staticmethod
    def resolve_approved_by(obj: Any) -> str | None:
        """The user name of the coordinator who approved it."""
        return obj.approved_by.username if obj.approved_by_id else None


class ListVersionIn(InputSchema):
    """Start the next draft version as a copy of the current version's open requirements."""

    label: str | None = Field(
        None, examples=["2026-12"], description="Default: the month after the current one."
    )
    note: str = ""


class NoteIn(InputSchema):
    """An optional note recorded in the history with the action."""

    note: str = ""


class RequirementOut(Schema):
    """One need on one list version."""

    id: int
    reference: str = Field(examples=["UKR-AD-0042"])
    list_version: int = Field(alias="list_version_id", description="The list version's id.")
    list_version_label: str = Field(examples=["2026-11"])
    family: str = Field(description="The family's code: any of its items will do.")
    item: str | None = Field(None, description="An item code when only that item will do.")
    quantity: int
    priority: Priority = Field(description="1 critical, 2 high, 3 medium, 4 routine.")
    need_by: dt.date
    destination: str = Field(description="The destination location's code.")
    capability_area: str
    justification: str
    status: RequirementStatus
    package_code: str | None = None
    carried_from: int | None = Field(
        None, alias="carried_from_id", description="The same requirement on the previous list version."
    )
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="The edit counter this record is at; name it when changing the record.")

    @staticmethod
    def resolve_item(obj: Any) -> str | None:
        """The specific item's code, if the requirement names one."""
        return obj.item.code if obj.item_id else None

    @staticmethod
    def resolve_list_version_label(obj: Any) -> str:
        """``list_version.label``, read from the related record loaded with the row."""
        return obj.list_version.label

    @staticmethod
    def resolve_family(obj: Any) -> str:
        """``family.code``, read from the related record loaded with the row."""
        return obj.family.code

    @staticmethod
    def resolve_destination(obj: Any) -> str:
        """``destination.code``, read from the related record loaded with the row."""
        return obj.destination.code

    @staticmethod
    def resolve_capability_area(obj: Any) -> str:
        """``capability_area.code``, read from the related record loaded with the row."""
        return obj.capability_area.code


class RequirementIn(InputSchema):
    """A new requirement (status draft) on the draft list version."""

    family: str = Field(examples=["155mm-artillery-ammunition"], description="A family code.")
    item: str | None = Field(None, description="An item code of that family, when only it will do.")
    quantity: int = Field(examples=[20000])
    priority: Priority = Field(examples=[1])
    need_by: dt.date = Field(examples=["2027-03-01"])
    destination: str = Field(examples=["DEST-KYIV"], description="A location code.")
    capability_area: str | None = Field(None, description="Default: the family's area.")
    justification: str = ""
    package_code: str | None = None
    reference: str | None = Field(None, description="Default: <recipient>-<area>-<NNNN>, e.g. UKR-ART-0042.")
    list_version: str | None = Field(
        None, description="The draft list version's id or label; default: the draft version."
    )
    note: str = ""


class RequirementPatch(InputSchema):
    """Changes to a requirement on the draft list version: only the fields sent change."""

    family: str | None = None
    item: str | None = Field(None, description="An item code; null for any item of the family.")
    quantity: int | None = None
    priority: Priority | None = None
    need_by: dt.date | None = None
    destination: str | None = None
    capability_area: str | None = None
    justification: str | None = None
    package_code: str | None = None
    note: str = Field("", description="Recorded in the history with the change.")
    version: int | None = Field(None, description="The version this change is based on (or send If-Match).")


class TransitionIn(InputSchema):
    """A status change (submit, return, approve, close, cancel), based on a version."""

    version: int | None = Field(None, description="The version this change is based on (or send If-Match).")
    note: str = Field("", description="Why, recorded in the history.")


class RequirementFilters(Schema):
    """Filters of the requirement list; every one narrows the list (and its count)."""

    list_version: str | None = Field(
        None, description="A list version's id or label, or 'current' (the latest approved); default: all."
    )
    status: list[RequirementStatus] | None = Field(
        None, description="One or more statuses (repeat the name)."
    )
    priority: list[Priority] | None = Field(None, description="One or more priorities 1-4.")
    family: str | None = Field(None, description="A family code.")
    item: str | None = Field(None, description="An item code.")
    capability_area: str | None = Field(None, description="A capability area code.")
    destination: str | None = Field(None, description="A destination location code.")
    reference: str | None = Field(None, description="A reference, e.g. UKR-AD-0042 (on every version).")
    package_code: str | None = None
    need_by_from: dt.date | None = Field(None, description="Needed on or after this day.")
    need_by_to: dt.date | None = Field(None, description="Needed on or before this day.")
