"""The search index: one entry per article and language, in each database's full-text
search (SQLite FTS5, PostgreSQL ``tsvector`` with a GIN index; see migration 0001)."""

from django.db import models

from core.languages import language_codes

ARTICLE_BITS = 24  # article ids below 16,777,216
LANGUAGE_SHIFT = ARTICLE_BITS + 32  # above the article id and the publication time


def language_range(language):
    """The ids of the entries in ``language``: ``(first, after the last)``."""
    index = language_codes().index(language)
    return index << LANGUAGE_SHIFT, index + 1 << LANGUAGE_SHIFT


def entry_id(article, language):
    """An entry's id: its language's place in ``LANGUAGES``, its article's publication
    time (whole seconds since 1970) and its article's id, in that order of bits.

    Ordered by id, a language's entries are therefore together and newest first, so both
    databases read the matches of a search in the order results are shown, in that
    language only, and stop after the page, instead of finding and sorting every match.
    The article id is read off the id (``id & 0xFFFFFF``) instead of joining this table,
    whose rows are long. Every save of an article writes its entries again, so the time
    is current; whether the article is visible is still decided when a search runs.
    """
    if article.pk >= 1 << ARTICLE_BITS:
        raise ValueError(f"Article ids from {1 << ARTICLE_BITS} on cannot be indexed.")
    seconds = min(max(int(article.publish_at.timestamp()), 0), (1 << 32) - 1)
    return language_range(language)[0] | seconds << ARTICLE_BITS | article.pk


class SearchEntry(models.Model):
    """An article's text in one language, as terms (``search.text``) and as plain text
    for the results' snippets. Whether the article is visible is never stored here:
    searches join the articles and apply ``published()`` when they run."""

    id = models.BigIntegerField(primary_key=True)  # entry_id()
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="search_entries"
    )
    language = models.CharField(max_length=10)
    title_terms = models.TextField()
    body_terms = models.TextField()  # summary, body, category, authors and reviewer
    text = models.TextField()  # summary and body as plain text

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="search_entry_unique")
        ]

    def save(self, *args, **kwargs):
        self.id = entry_id(self.article, self.language)
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.article_id} ({self.language})"
