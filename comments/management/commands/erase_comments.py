"""Erase every comment written with one email address (a visitor's request to be forgotten)."""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from comments.models import Comment, Subscriber
from core import pagecache


class Command(BaseCommand):
    help = (
        "Delete all comments (and replies to them) posted with the given email address, "
        "and their text in the admin's history."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--dry-run", action="store_true", help="only count them")

    def handle(self, email, dry_run=False, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an email address: {email!r}")
        comments = Comment.objects.filter(email=email.casefold())  # stored case-folded
        ids = set(comments.values_list("pk", flat=True))
        ids |= set(Comment.objects.filter(parent__in=ids).values_list("pk", flat=True))
        if dry_run:
            self.stdout.write(f"{len(ids)} comments would be erased.")
            return
        with transaction.atomic():
            Comment.objects.filter(pk__in=ids).delete()
            # And what the address asked for: its confirmation or subscription.
            Subscriber.objects.filter(email=email.casefold()).delete()
            # The admin's history names each comment by its text: keep the entry, not the text.
            erased = LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Comment),
                object_id__in=[str(pk) for pk in ids],
            ).update(object_repr="[erased]", change_message="")
            # Cached pages and parts may hold the erased names and text under old versions.
            pagecache.forget_everything()
        self.stdout.write(f"Erased {len(ids)} comments and their text in {erased} history entries.")
