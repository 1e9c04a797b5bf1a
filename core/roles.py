"""Staff groups and their permissions, for the data migrations that create them."""

from django.contrib.auth.management import create_permissions


def _created_permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None


def grant(apps, group_name, app_label, models):
    """Give the group ``group_name`` (made if missing) every permission on ``models`` of
    ``app_label``, with the migration's historical ``apps``.

    Django creates permissions after all migrations have run; a migration that grants them
    creates them first.
    """
    _created_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label=app_label, content_type__model__in=models
        )
    )


def grant_only(apps, group_name, app_label, codenames):
    """Give the group ``group_name`` (made if missing) the permissions ``codenames`` of
    ``app_label`` (``view_article``, ``sign_off_article``)."""
    _created_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=group_name)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )
