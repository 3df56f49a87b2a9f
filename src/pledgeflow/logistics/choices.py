"""Enumerations of the logistics context."""

from django.db import models


class LocationKind(models.TextChoices):
    """The role a location plays in the network."""

    DEPOT = "depot", "Depot"
    HUB = "hub", "Hub"
    DESTINATION = "destination", "Destination"
