"""Enumerations of the accounts context."""

from django.db import models


class Role(models.TextChoices):
    """What a user does in pledgeflow; docs/roles.md lists what each role may do."""

    COORDINATOR = "coordinator", "Coordinator"
    DONOR_LIAISON = "donor_liaison", "Donor liaison"
    RECIPIENT_OFFICER = "recipient_officer", "Recipient requirements officer"
    TRAINING_COORDINATOR = "training_coordinator", "Training coordinator"
    VIEWER = "viewer", "Viewer / analyst"


#: Roles that act for one nation and must name it.
ROLES_BOUND_TO_A_NATION: tuple[str, ...] = (Role.DONOR_LIAISON, Role.RECIPIENT_OFFICER)
