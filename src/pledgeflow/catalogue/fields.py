"""A model field for NATO Stock Numbers."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

_NSN = re.compile(r"^(\d{4})-?(\d{2})-?(\d{3})-?(\d{4})\Z")

NSN_MESSAGE = (
    "A NATO Stock Number is 13 digits, written NNNN-NN-NNN-NNNN or without dashes "
    "(e.g. 1320-12-345-6789); got %(value)r."
)


def normalise_nsn(value: str) -> str:
    """Return ``value`` written NNNN-NN-NNN-NNNN; ValidationError unless it is 13 digits (dashes optional)."""
    match = _NSN.match(value.strip())
    if match is None:
        raise ValidationError(NSN_MESSAGE, code="invalid_nsn", params={"value": value})
    return "-".join(match.groups())


class NSNField(models.CharField):
    """An optional NATO Stock Number, accepted with or without dashes and stored as ``NNNN-NN-NNN-NNNN``.

    Blank values are stored as NULL so that the unique constraint allows many items without an NSN.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if value is None or not value.strip():
            return None
        return normalise_nsn(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return normalise_nsn(value)
            except ValidationError:
                # An unnormalisable value is stored or compared as given; full_clean() reports it.
                return value
        return value
