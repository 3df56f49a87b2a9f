"""URL map: the JSON API under /api/v1/, the pages everywhere else."""

from django.urls import include, path

from pledgeflow.site.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("pledgeflow.web.urls")),
]
