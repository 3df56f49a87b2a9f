"""WSGI entry point for gunicorn (``pledgeflow serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pledgeflow.site.settings")
application = get_wsgi_application()
