"""Enumerations of the catalogue context."""

from django.db import models


class SupplyClass(models.TextChoices):
    """NATO classes of supply."""

    I = "I", "I: subsistence"  # noqa: E741 (the NATO class is called I)
    II = "II", "II: clothing, weapons, tools, spares, vehicles"
    III = "III", "III: fuel and lubricants"
    IV = "IV", "IV: construction and extra equipment"
    V = "V", "V: ammunition and explosives"
