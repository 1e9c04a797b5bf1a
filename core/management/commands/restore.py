"""Restore an archive written by ``backup`` into this install."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backups import RestoreError, restore
from core.pagecache import restart_versions


def has_content():
    """Whether any of the site's content apps holds a row (a fresh install holds none; core's
    page versions are bookkeeping, not content)."""
    own = [
        c
        for c in apps.get_app_configs()
        if Path(c.path).parent == settings.BASE_DIR and c.name != "core"
    ]
    return any(model._default_manager.exists() for c in own for model in c.get_models())


class Command(BaseCommand):
    help = "Replace this install's database and media with those in a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="overwrite an install that has content"
        )

    def handle(self, archive, force=False, **options):
        if not force and has_content():
            raise CommandError(
                "This install has articles or comments; use --force to replace them."
            )
        if not Path(archive).is_file():
            raise CommandError(f"Cannot restore {archive}: no such file")
        try:
            manifest = restore(archive)
        except RestoreError as error:
            raise CommandError(f"Cannot restore {archive}: {error}. Nothing was changed.")
        restart_versions()  # the restored versions may be older than pages in the cache
        self.stdout.write(
            f"Restored {manifest['database']} and {len(manifest['media'])} media files from {archive}."
        )
