"""Recompute the stored grounds: a district whose default successor is a commune no longer gives that
commune its whole ground (localities.grounds.compute_grounds). Data only; no schema change."""

from django.db import migrations


def recompute_grounds(apps, schema_editor):
    from localities.grounds import refresh_grounds

    refresh_grounds(apps.get_model("localities", "Locality"), apps.get_model("localities", "Succession"))


class Migration(migrations.Migration):
    dependencies = [("localities", "0002_units_through_time")]

    operations = [migrations.RunPython(recompute_grounds, migrations.RunPython.noop)]
