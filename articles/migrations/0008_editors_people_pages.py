"""Editors also write the authors' pages and the site's pages (About)."""

from django.db import migrations

from core.roles import grant


def grant_editors(apps, schema_editor):
    grant(apps, "Editors", "articles", ["person", "page"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_people_pages")]

    operations = [migrations.RunPython(grant_editors, migrations.RunPython.noop)]
