"""Editors give translation work; Translators see their own queue (and, through their open
assignments, export, import and translate side by side those articles only)."""

from django.db import migrations

from core.roles import grant, grant_only


def grant_groups(apps, schema_editor):
    grant(apps, "Editors", "exchange", ["assignment"])
    grant_only(apps, "Translators", "exchange", ["view_assignment"])


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]

    operations = [migrations.RunPython(grant_groups, migrations.RunPython.noop)]
