"""Test-only labelled models, shaped like a pledge and its milestones, for the visibility rules.

Their app label belongs to no installed app, so migrations never see them; ``conftest.py`` creates their
tables once per test database.
"""

from __future__ import annotations

from django.db import models

from pledgeflow.core.choices import SharingLabel
from pledgeflow.nations.models import Nation


class LabelledRecord(models.Model):
    """A record with an originator, a sharing label and a releasable-to list (test-only table)."""

    ref = models.CharField(max_length=20)
    # No database constraints towards nations: a flush (TRUNCATE on PostgreSQL) of the real tables after a
    # transactional test must not be blocked by these test-only tables.
    donor = models.ForeignKey(
        Nation, on_delete=models.DO_NOTHING, related_name="visibility_test_records", db_constraint=False
    )
    sharing_label = models.CharField(max_length=16, choices=SharingLabel.choices)
    releasable_to = models.ManyToManyField(
        Nation, related_name="visibility_test_releasable", blank=True, db_constraint=False
    )

    class Meta:
        # An app label of no installed app: migrations never see this model.
        app_label = "pledgeflow_visibility_tests"

    def __str__(self) -> str:
        return self.ref


class LabelledNote(models.Model):
    """A record reached through another (as a milestone is reached through its pledge)."""

    record = models.ForeignKey(LabelledRecord, on_delete=models.CASCADE, related_name="notes")

    class Meta:
        app_label = "pledgeflow_visibility_tests"

    def __str__(self) -> str:
        return f"note on {self.record_id}"
