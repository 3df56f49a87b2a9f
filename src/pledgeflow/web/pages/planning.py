"""Pages of this area (filled in as the area is built)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
