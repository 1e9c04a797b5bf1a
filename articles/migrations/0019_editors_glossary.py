"""Editors also keep the glossary."""

from django.db import migrations

from core.roles import grant


def grant_editors(apps, schema_editor):
    grant(apps, "Editors", "articles", ["term"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_glossary")]

    operations = [migrations.RunPython(grant_editors, migrations.RunPython.noop)]
