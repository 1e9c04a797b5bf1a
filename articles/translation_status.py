"""Which translations are missing or stale, and what changed in the other language.

The stamps live on the article (``changed_*``, ``synced_*``, see
``Article.translation_status``); the text as it was comes from its revisions.
"""

from modeltranslation.utils import build_localized_fieldname

from core.languages import language_codes, language_name

from . import revisions
from .models import Article


def changes_since_sync(article, language):
    """The other language's title, summary and body changes since ``language`` was last
    written or checked against it: a list of diffs, or None when no revision is that old."""
    source = Article.other_language(language)
    past = article.revision_at_sync(language)
    if past is None:
        return None
    diffs = []
    for name in ("title", "summary", "body"):
        column = build_localized_fieldname(name, source)
        before, now = getattr(past, column) or "", getattr(article, column) or ""
        if before != now:
            label = str(Article._meta.get_field(name).verbose_name)
            diffs.append({"field": label, "diff": revisions.text_diff(before, now)})
    return diffs


def report():
    """Every article with a missing or stale translation, the longest waiting first."""
    names = {code: language_name(code) for code in language_codes()}
    rows = []
    for code in names:
        for article in Article.objects.stale_in(code).select_related("category"):
            since = getattr(article, Article.status_field("changed", Article.other_language(code)))
            rows.append(
                {"article": article, "language": names[code], "status": "stale", "since": since}
            )
        for article in Article.objects.missing_in(code).select_related("category"):
            rows.append(
                {
                    "article": article,
                    "language": names[code],
                    "status": "missing",
                    "since": article.created_at,
                }
            )
    return sorted(rows, key=lambda row: row["since"])
