"""Restore an archive written by ``backup`` into this install."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backups import restore
from core.pagecache import restart_versions


def has_content():
    """Whether any of the site's own apps holds a row (a fresh install holds none)."""
    own = [c for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR]
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
        try:
            manifest = restore(archive)
            restart_versions()  # the restored versions may be older than pages in the cache
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(f"Cannot restore {archive}: {error}")
        self.stdout.write(
            f"Restored {manifest['database']} and {len(manifest['media'])} media files from {archive}."
        )
