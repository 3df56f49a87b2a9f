"""The record's choice labels (milestones, statuses, priorities, roles...) as translatable messages.

The choices classes of the bounded contexts keep plain English labels; the pages translate them when they
show them (``gettext(label)``, ``{% translate label %}``). Listing them here puts them in the catalogues.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext, gettext_lazy, gettext_noop

__all__ = ["FIELD_LABELS", "LABELS", "translated"]

LABELS = (
    gettext_noop("Offered"),
    gettext_noop("Committed"),
    gettext_noop("Contracted"),
    gettext_noop("Dispatched"),
    gettext_noop("At hub"),
    gettext_noop("Handed over"),
    gettext_noop("Received"),
    gettext_noop("Declined"),
    gettext_noop("Withdrawn"),
    gettext_noop("Slipped"),
    gettext_noop("From stock"),
    gettext_noop("New production"),
    gettext_noop("Procurement"),
    gettext_noop("Bilateral"),
    gettext_noop("Pooled fund"),
    gettext_noop("NATO trust fund"),
    gettext_noop("EU"),
    gettext_noop("Serviceable"),
    gettext_noop("Needs repair"),
    gettext_noop("Unserviceable"),
    gettext_noop("Critical"),
    gettext_noop("High"),
    gettext_noop("Medium"),
    gettext_noop("Routine"),
    gettext_noop("Draft"),
    gettext_noop("Submitted"),
    gettext_noop("Approved"),
    gettext_noop("Closed"),
    gettext_noop("Cancelled"),
    gettext_noop("Coordinator"),
    gettext_noop("Donor liaison"),
    gettext_noop("Recipient requirements officer"),
    gettext_noop("Training coordinator"),
    gettext_noop("Viewer / analyst"),
    gettext_noop("Queued"),
    gettext_noop("Running"),
    gettext_noop("Succeeded"),
    gettext_noop("Failed"),
    gettext_noop("Proposed"),
    gettext_noop("Accepted"),
    gettext_noop("Superseded"),
    gettext_noop("Depot"),
    gettext_noop("Hub"),
    gettext_noop("Destination"),
)


#: The fields of requirements and pledges as the change history names them (the models' verbose names are
#: plain English); the same words as the forms use where a form has the field.
FIELD_LABELS = {
    "reference": gettext_lazy("Reference"),
    "list_version": gettext_lazy("List version"),
    "family": gettext_lazy("Family"),
    "item": gettext_lazy("Item"),
    "quantity": gettext_lazy("Quantity"),
    "priority": gettext_lazy("Priority"),
    "need_by": gettext_lazy("Needed by"),
    "destination": gettext_lazy("Destination"),
    "capability_area": gettext_lazy("Capability area"),
    "justification": gettext_lazy("Justification"),
    "status": gettext_lazy("Status"),
    "package_code": gettext_lazy("Capability package"),
    "carried_from": gettext_lazy("Carried from"),
    "donor": gettext_lazy("Donor"),
    "available": gettext_lazy("Available from"),
    "origin": gettext_lazy("Origin"),
    "source": gettext_lazy("Source"),
    "channel": gettext_lazy("Channel"),
    "sharing_label": gettext_lazy("Sharing label"),
    "quantity_received": gettext_lazy("Quantity received"),
    "note": gettext_lazy("Note"),
    "allowed_destinations": gettext_lazy("Allowed destinations"),
    "releasable_to": gettext_lazy("Releasable to"),
    "label": gettext_lazy("Label"),
    "number": gettext_lazy("Number"),
    "based_on": gettext_lazy("Based on"),
    "approved_at": gettext_lazy("Approved at"),
    "approved_by": gettext_lazy("Approved by"),
}


def translated(choices: Iterable[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """``choices`` with their labels translated into the active language."""
    return [(value, gettext(str(label))) for value, label in choices]
