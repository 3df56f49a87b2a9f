"""Validators shared by several contexts."""

from __future__ import annotations

from django.core.validators import RegexValidator

#: Codes of items, locations and other referenced records: printable, no spaces, at most 64 characters.
validate_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._:/+-]*\Z",
    message="A code starts with a letter or digit and uses only letters, digits and . _ : / + - "
    "(no spaces), e.g. leopard-2a4; got %(value)r.",
    code="invalid_code",
)
