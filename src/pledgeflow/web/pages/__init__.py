"""Page modules, one per area of the interface; each has ``urlpatterns``."""
