"""Nations and organisations, identified by their ISO 3166 alpha-3 code."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from pledgeflow.core.models import VersionedModel
from pledgeflow.nations.choices import NationKind

validate_nation_code = RegexValidator(
    r"^[A-Z]{3}\Z",
    message="A nation code is three upper-case letters (ISO 3166 alpha-3, the EU as EUU), e.g. DEU; "
    "got %(value)r.",
    code="invalid_nation_code",
)


class Nation(VersionedModel):
    """A nation or organisation that gives, receives or hosts assistance.

    The ISO 3166 alpha-3 code is the primary key (NATO's STANAG 1059 codes equal it for all allies; the
    European Union is ``EUU`` as in World Bank data), so references to a nation read as its code everywhere.
    GDP is kept with its year and source, because fair shares are computed from it.
    """

    code = models.CharField(max_length=3, primary_key=True, validators=[validate_nation_code])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=NationKind.choices, db_index=True)
    gdp_usd_bn = models.DecimalField(
        "GDP (current US$ billion)",
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message="GDP cannot be negative; got %(value)s.")],
    )
    gdp_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1960, message="The GDP year must be 1960 or later; got %(value)s."),
            MaxValueValidator(2100, message="The GDP year must be 2100 or earlier; got %(value)s."),
        ],
    )
    gdp_source = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        """A GDP figure names its year and source."""
        from django.core.exceptions import ValidationError

        super().clean()
        if self.gdp_usd_bn is not None:
            errors = {}
            if self.gdp_year is None:
                errors["gdp_year"] = "Give the year of the GDP figure (e.g. 2023)."
            if not self.gdp_source:
                errors["gdp_source"] = "Name the source of the GDP figure (e.g. World Bank NY.GDP.MKTP.CD)."
            if errors:
                raise ValidationError(errors)
