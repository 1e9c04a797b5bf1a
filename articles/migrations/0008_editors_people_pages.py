"""Editors also write the authors' pages and the site's pages (About)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", content_type__model__in=["person", "page"]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_people_pages")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
