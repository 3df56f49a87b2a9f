"""Pages (HTMX over server-rendered templates)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The overview: the first page every role sees."""
    return render(request, "web/home.html")
