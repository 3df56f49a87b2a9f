"""The committed translations: complete where it matters, and compiled from the catalogues as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages import mofile, pofile

LOCALE = Path(__file__).resolve().parents[2] / "src" / "pledgeflow" / "locale"


def _entries(catalogue: Any) -> dict[Any, Any]:
    """Translated messages as hashable pairs (plural forms become tuples)."""

    def key(value: Any) -> Any:
        return value if isinstance(value, str) else tuple(value)

    return {key(m.id): key(m.string) for m in catalogue if m.id and m.string}


@pytest.mark.parametrize("language", ["fr", "uk"])
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.po").open("rb") as source, (folder / "django.mo").open("rb") as compiled:
        written = _entries(pofile.read_po(source, locale=language))
        shipped = _entries(mofile.read_mo(compiled))
    missing = sorted(str(k) for k in written.keys() - shipped.keys())
    assert not missing, f"{language}: recompile django.mo (docs/web.md); not compiled: {missing[:5]}"
    assert written == shipped


@pytest.mark.parametrize("language", ["fr", "uk"])
def test_every_message_is_translated(language: str) -> None:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as source:
        catalogue = pofile.read_po(source, locale=language)
    untranslated = [
        m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    assert not untranslated, f"{language}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
