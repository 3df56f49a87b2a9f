"""Users, their roles and the nation they act for, and API tokens."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from pledgeflow.accounts.choices import ROLES_BOUND_TO_A_NATION, Role


class User(AbstractUser):
    """A person signed in to pledgeflow, with one role and, for nation-bound roles, the nation they act for.

    Sign-in failures are counted in a window (``failed_sign_ins`` since ``first_failed_sign_in_at``); enough
    of them lock the account until ``locked_until`` (see :mod:`pledgeflow.accounts.lockout`). Accounts are
    deactivated, never deleted, so the change history keeps who did what.
    """

    role = models.CharField(max_length=32, choices=Role.choices, default=Role.VIEWER, db_index=True)
    nation = models.ForeignKey(
        "nations.Nation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The nation this user acts for; required for donor liaisons and recipient officers.",
    )
    failed_sign_ins = models.PositiveIntegerField(default=0, editable=False)
    first_failed_sign_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    language = models.CharField(
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text="The language of the pages for this user, wherever they sign in; empty: the browser's.",
    )

    def clean(self) -> None:
        """Donor liaisons and recipient officers act for a nation; a recipient officer's is a recipient."""
        super().clean()
        if self.role not in Role.values:
            # Field validation reports it already; nothing more to check.
            return
        if self.role in ROLES_BOUND_TO_A_NATION and self.nation_id is None:
            raise ValidationError(
                {
                    "nation": f"A {Role(self.role).label.lower()} acts for one nation: "
                    "give its code (e.g. DEU)."
                }
            )
        if self.role == Role.RECIPIENT_OFFICER and self.nation_id is not None:
            # Imported lazily: nations imports nothing from accounts, but keep the model modules independent.
            from pledgeflow.nations.choices import NationKind
            from pledgeflow.nations.models import Nation

            try:
                nation = self.nation
            except Nation.DoesNotExist:
                return  # field validation already reports the unknown nation
            if nation.kind != NationKind.RECIPIENT:
                raise ValidationError(
                    {
                        "nation": f"A recipient requirements officer acts for a recipient nation; "
                        f"{self.nation_id} is a {nation.get_kind_display().lower()}, not a recipient."
                    }
                )

    def is_locked(self, at: datetime | None = None) -> bool:
        """True while the account is locked out after repeated failed sign-ins."""
        at = at or timezone.now()
        return self.locked_until is not None and self.locked_until > at

    @property
    def nation_code(self) -> str | None:
        """The code of the nation this user acts for, or None."""
        return self.nation_id


class ApiToken(models.Model):
    """A bearer token for the API: only its SHA-256 hash is stored; the plain text is shown once at creation.

    ``prefix`` (eight characters, also part of the plain text) identifies the token in lists and narrows the
    look-up before the constant-time hash comparison.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user_id", "created_at", "id"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="accounts_token_user_revoked")]

    def __str__(self) -> str:
        return f"{self.name} (pf_{self.prefix}_…)"

    def is_usable(self, at: datetime | None = None) -> bool:
        """True when the token is neither revoked nor expired (the user's own state is checked separately)."""
        at = at or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)
