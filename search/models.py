"""The search index: one entry per article and language, in each database's full-text
search (SQLite FTS5, PostgreSQL ``tsvector`` with a GIN index; see migration 0001)."""

from django.db import models

from core.languages import language_codes


def entry_id(article_id, language):
    """An entry's id: its article's id and its language's place in ``LANGUAGES``.

    A search reads the article id off the full-text index's row id (``id >> 4``,
    ``id & 15``) instead of joining this table, whose rows are long (SQLite would
    read a page or more per match).
    """
    return article_id << 4 | language_codes().index(language)


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
        self.id = entry_id(self.article_id, self.language)
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.article_id} ({self.language})"
