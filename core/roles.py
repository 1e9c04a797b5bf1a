"""Staff groups and their permissions, for the data migrations that create them."""

from django.contrib.auth.management import create_permissions


def grant(apps, group_name, app_label, models):
    """Give the group ``group_name`` (made if missing) every permission on ``models`` of
    ``app_label``, with the migration's historical ``apps``.

    Django creates permissions after all migrations have run; a migration that grants them
    creates them first.
    """
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    )
