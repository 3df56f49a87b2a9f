"""Enumerations of the nations context."""

from django.db import models


class NationKind(models.TextChoices):
    """How a nation or organisation takes part."""

    ALLY = "ally", "NATO ally"
    PARTNER = "partner", "Partner"
    RECIPIENT = "recipient", "Recipient"
    ORGANISATION = "organisation", "Organisation"
