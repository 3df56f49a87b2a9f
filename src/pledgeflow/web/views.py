"""Pages (HTMX over server-rendered templates)."""

from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    """The landing page."""
    return HttpResponse("pledgeflow")
