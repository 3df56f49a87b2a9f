"""Server-rendered pages."""

from django.urls import path

from pledgeflow.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
