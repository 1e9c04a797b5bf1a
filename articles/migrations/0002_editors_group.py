"""Create the Editors group with the permissions to write articles and categories."""

from django.db import migrations

from core.roles import grant

EDITOR_MODELS = ["article", "category", "relatedlink", "previousslug"]


def create_editors(apps, schema_editor):
    grant(apps, "Editors", "articles", EDITOR_MODELS)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
