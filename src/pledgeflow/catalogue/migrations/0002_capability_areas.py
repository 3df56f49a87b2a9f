"""Load the eleven capability areas into every database."""

from django.db import migrations


def load(apps, schema_editor):
    from pledgeflow.catalogue.reference import load_capability_areas

    load_capability_areas(apps.get_model("catalogue", "CapabilityArea"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    # Reversing leaves the rows: families refer to them, and loading again is idempotent.
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
