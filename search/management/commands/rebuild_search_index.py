from django.core.management.base import BaseCommand

from search import index


class Command(BaseCommand):
    help = "Write the search index again from the articles (after bulk loads and restores)."

    def handle(self, *args, **options):
        count = index.rebuild()
        self.stdout.write(f"Indexed {count} articles.")
