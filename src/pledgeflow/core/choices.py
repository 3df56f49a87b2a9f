"""Enumerations shared by several bounded contexts."""

from django.db import models


class SharingLabel(models.TextChoices):
    """The originator's sharing label (Traffic Light Protocol 2.0) carried by pledges, courses and sessions.

    CLEAR and GREEN: every signed-in user may see the record. AMBER: the nations on its "releasable to" list.
    AMBER+STRICT and RED: the originating nation and the coordinators only.
    """

    CLEAR = "CLEAR", "TLP:CLEAR"
    GREEN = "GREEN", "TLP:GREEN"
    AMBER = "AMBER", "TLP:AMBER"
    AMBER_STRICT = "AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "RED", "TLP:RED"


#: Labels whose records every signed-in user may see.
OPEN_LABELS: tuple[str, ...] = (SharingLabel.CLEAR, SharingLabel.GREEN)


class ChangeAction(models.TextChoices):
    """The usual actions written to the change history; apps may record others (e.g. a milestone name)."""

    CREATE = "create", "created"
    UPDATE = "update", "updated"
    RETIRE = "retire", "retired"
    RESTORE = "restore", "restored"
    CANCEL = "cancel", "cancelled"
    WITHDRAW = "withdraw", "withdrawn"
    TRANSITION = "transition", "status changed"
