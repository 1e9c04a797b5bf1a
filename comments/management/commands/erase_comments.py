"""Erase every comment written with one email address (a visitor's request to be forgotten)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.models import Comment


class Command(BaseCommand):
    help = "Delete all comments (and replies to them) posted with the given email address."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--dry-run", action="store_true", help="only count them")

    def handle(self, email, dry_run=False, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an email address: {email!r}")
        comments = Comment.objects.filter(email__iexact=email)
        count = comments.count()
        if dry_run:
            self.stdout.write(f"{count} comments would be erased.")
            return
        deleted, _by_model = comments.delete()
        self.stdout.write(f"Erased {count} comments ({deleted} rows with their replies).")
