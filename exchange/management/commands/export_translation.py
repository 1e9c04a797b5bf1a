"""Write articles' text for translation as XLIFF 2.0 or PO."""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from core.languages import language_codes
from exchange import transfer


class Command(BaseCommand):
    help = "Export articles for translation into a language (XLIFF 2.0 or PO)."

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, choices=language_codes(), dest="target")
        parser.add_argument("--format", choices=sorted(transfer.FORMATS), default="xliff")
        parser.add_argument("--output", "-o", help="file to write (default: a name of its own)")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--slug", nargs="+", help="these articles")
        which.add_argument(
            "--waiting", action="store_true", help="every missing or stale version in the language"
        )

    def handle(self, target, format, output, slug, waiting, **options):
        if waiting:
            articles = Article.objects.stale_in(target) | Article.objects.missing_in(target)
        else:
            articles = Article.objects.filter(slug__in=slug)
            missing = set(slug) - set(articles.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No article with the slug {', '.join(sorted(missing))}.")
        jobs, left_out = transfer.export(articles.distinct().order_by("pk"), target)
        for article in left_out:
            self.stderr.write(f"Left out {article.slug}: no version to translate from.")
        if not jobs:
            raise CommandError("No article to export.")
        path = output or transfer.filename(jobs, format)
        with open(path, "wb") as file:
            file.write(transfer.write(jobs, format))
        units = sum(len(job.units) for job in jobs)
        self.stdout.write(f"Wrote {path}: {len(jobs)} articles, {units} units.")
