"""Load the curated reference nations (32 allies, Ukraine, partners, the EU) into every database."""

from django.db import migrations


def load(apps, schema_editor):
    from pledgeflow.nations.reference import load_reference_nations

    load_reference_nations(apps.get_model("nations", "Nation"))


class Migration(migrations.Migration):
    dependencies = [("nations", "0001_initial")]

    # Reversing leaves the rows: other records may refer to them, and loading again is idempotent.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
