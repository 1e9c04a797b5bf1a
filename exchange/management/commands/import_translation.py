"""Read a translated XLIFF or PO file back into its articles."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from exchange import transfer


class Command(BaseCommand):
    help = "Import a translated file exported by export_translation (or the admin)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="the username its revisions name")

    def handle(self, file, user, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file {file}.")
        checked = transfer.read(path.read_bytes(), path.name)
        written, problems = transfer.apply(checked, path.name, account)
        for line in checked.skipped:
            self.stderr.write(f"Left out: {line}")
        if problems:
            raise CommandError("Nothing was imported:\n" + "\n".join(problems))
        for article in written:
            self.stdout.write(f"Imported {article.slug}.")
