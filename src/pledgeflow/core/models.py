"""What every bounded context shares: the change history and the versioned base model."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class VersionedModel(models.Model):
    """Base of every editable record: a version that each change increments, and creation/update times.

    Updates name the version they were based on; :func:`pledgeflow.core.services.apply_update` refuses a stale
    one with :class:`pledgeflow.core.errors.StaleVersion`.
    """

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class ChangeRecord(models.Model):
    """One entry of the change history: who did what to which record, when, with the values before and after.

    ``entity`` is the model's label (``"catalogue.item"``), ``object_id`` the record's primary key as a
    string. ``before`` is null for a creation. Records are written in the same transaction as the change and
    are never edited or deleted.
    """

    entity = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # History outlives accounts, which are deactivated rather than deleted; PROTECT keeps "who" truthful.
        on_delete=models.PROTECT,
        related_name="changes",
    )
    at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["entity", "object_id", "at"], name="core_change_entity_obj_at"),
            models.Index(fields=["at"], name="core_change_at"),
            models.Index(fields=["action"], name="core_change_action"),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.object_id} {self.action} at {self.at:%Y-%m-%d %H:%M:%S}"
