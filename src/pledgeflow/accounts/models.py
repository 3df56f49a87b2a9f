"""Users and their roles."""

from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A person signed in to pledgeflow."""
