"""Full-text queries on each database, over the terms ``search.text`` makes.

Every term reaches the database as a parameter. In SQLite each phrase is
written inside double quotes in the FTS5 query: terms are letters and digits
only, so no operator or punctuation a visitor types can reach FTS5's syntax.
"""

from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

from articles.models import Article

ARTICLE_ID = (
    f"{connection.ops.quote_name(Article._meta.db_table)}.{connection.ops.quote_name('id')}"
)


def _matching(language, phrases, in_title=False):
    """SQL selecting the ids of articles whose ``language`` entry holds every phrase
    (in the title only, with ``in_title``), and its parameters."""
    if connection.vendor == "postgresql":
        query = " && ".join(["phraseto_tsquery('simple', %s)"] * len(phrases))
        vector = "title_vector" if in_title else "document"
        sql = f"SELECT article_id FROM search_searchentry WHERE language = %s AND {vector} @@ ({query})"  # noqa: S608 (no value in it)
        return sql, [language, *(" ".join(phrase) for phrase in phrases)]
    expression = " ".join(f'"{" ".join(phrase)}"' for phrase in phrases)
    if in_title:
        expression = f"{{title_terms}} : ({expression})"
    sql = (
        "SELECT e.article_id FROM search_fts JOIN search_searchentry e ON e.id = search_fts.rowid"
        " WHERE search_fts MATCH %s AND e.language = %s"
    )
    return sql, [expression, language]


def matching(articles, language, phrases):
    """``articles`` that match every phrase in ``language``: title matches first, then
    the newest."""
    sql, params = _matching(language, phrases)
    title_sql, title_params = _matching(language, phrases, in_title=True)
    # Every value in these is a parameter (see the module docstring).
    in_title = RawSQL(f"{ARTICLE_ID} IN ({title_sql})", title_params, output_field=BooleanField())  # noqa: S611
    return (
        articles.filter(pk__in=RawSQL(sql, params))  # noqa: S611
        .annotate(in_title=in_title)
        .order_by("-in_title", "-publish_at", "-id")
    )
