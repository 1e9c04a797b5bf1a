"""Editors also keep the topics."""

from django.db import migrations

from core.roles import grant


def grant_editors(apps, schema_editor):
    grant(apps, "Editors", "articles", ["topic"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0020_topics")]

    operations = [migrations.RunPython(grant_editors, migrations.RunPython.noop)]
