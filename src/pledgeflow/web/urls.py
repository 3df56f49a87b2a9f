"""Server-rendered pages: one module per area under ``pledgeflow.web.pages``."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from pledgeflow.web import language, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="sign-in"),
    path("accounts/sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("", include("pledgeflow.web.pages.overview")),
    path("", include("pledgeflow.web.pages.records")),
    path("", include("pledgeflow.web.pages.planning")),
    path("", include("pledgeflow.web.pages.donor")),
    path("", include("pledgeflow.web.pages.recipient")),
    path("", include("pledgeflow.web.pages.burden")),
    path("", include("pledgeflow.web.pages.training")),
]
