"""The record's choice labels (milestones, statuses, priorities, roles...) as translatable messages.

The choices classes of the bounded contexts keep plain English labels; the pages translate them when they
show them (``gettext(label)``, ``{% translate label %}``). Listing them here puts them in the catalogues.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext, gettext_noop

__all__ = ["LABELS", "translated"]

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


def translated(choices: Iterable[tuple[Any, str]]) -> list[tuple[Any, str]]:
    """``choices`` with their labels translated into the active language."""
    return [(value, gettext(str(label))) for value, label in choices]
