"""Template helpers of the pages: sharing labels, role-aware links, query strings."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from pledgeflow.core.choices import SharingLabel

register = template.Library()


@register.simple_tag
def sharing_label(value: str | None) -> str:
    """A sharing label as a badge (``TLP:AMBER+STRICT``), its colour from the class, its text readable."""
    if not value:
        return ""
    css = str(value).lower().replace("+", "_")
    text = SharingLabel(value).label if value in SharingLabel.values else str(value)
    return format_html('<span class="label label-{}">{}</span>', css, text)


@register.simple_tag
def url_if_exists(name: str, *args: Any) -> str:
    """The URL named ``name``, or "" when no page has that name (an area not installed yet)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (None when absent)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
