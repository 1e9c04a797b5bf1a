"""Write the database and all media into one .tar.gz archive."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.backups import backup


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump) and media into one archive."

    def add_arguments(self, parser):
        parser.add_argument("archive", nargs="?", help="path of the .tar.gz to write")

    def handle(self, archive=None, **options):
        archive = archive or f"backup-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        manifest = backup(archive)
        self.stdout.write(
            f"Wrote {archive}: {manifest['database']} and {len(manifest['media'])} media files."
        )
