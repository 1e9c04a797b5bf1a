"""Create the Moderators group: comments and the disallowed words, nothing else."""

from django.db import migrations

from core.roles import grant


def create_moderators(apps, schema_editor):
    grant(apps, "Moderators", "comments", ["comment", "disallowedword"])


def remove_moderators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators, remove_moderators)]
