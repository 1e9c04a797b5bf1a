"""Restore an archive written by ``backup`` into this install."""

from django.core.management.base import BaseCommand, CommandError

from articles.backups import restore
from articles.models import Article
from comments.models import Comment


class Command(BaseCommand):
    help = "Replace this install's database and media with those in a backup archive."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="overwrite an install that has content"
        )

    def handle(self, archive, force=False, **options):
        if not force and (Article.objects.exists() or Comment.objects.exists()):
            raise CommandError(
                "This install has articles or comments; use --force to replace them."
            )
        try:
            manifest = restore(archive)
        except (OSError, KeyError, ValueError) as error:
            raise CommandError(f"Cannot restore {archive}: {error}")
        self.stdout.write(
            f"Restored {manifest['database']} and {len(manifest['media'])} media files from {archive}."
        )
