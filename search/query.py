"""Full-text queries on each database, over the terms ``search.text`` makes.

Every term reaches the database as a parameter. In SQLite each phrase is
written inside double quotes in the FTS5 query: terms are letters and digits
only, so no operator or punctuation a visitor types can reach FTS5's syntax.
"""

from django.db import connection
from django.db.models import BooleanField, Count, Window
from django.db.models.expressions import RawSQL
from modeltranslation.utils import build_localized_fieldname

from articles.models import Article
from core.languages import language_codes

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
    # The article id and the language are read off the row id (search.models.entry_id).
    sql = "SELECT rowid >> 4 FROM search_fts WHERE search_fts MATCH %s AND rowid & 15 = %s"
    return sql, [expression, language_codes().index(language)]


def matching(articles, language, phrases):
    """The ids of ``articles`` that match every phrase in ``language``, title matches
    first, then the newest, each with the number of matches: ``(id, total)`` rows.

    Only ids: the ranking then reads the index and nothing of the long article rows,
    which the caller reads for one page of ids."""
    sql, params = _matching(language, phrases)
    title_sql, title_params = _matching(language, phrases, in_title=True)
    in_title = RawSQL(f"{ARTICLE_ID} IN ({title_sql})", title_params, output_field=BooleanField())  # noqa: S611 (parameters only)
    # SQLite: ``+id`` and ``available IN (true)`` keep the planner on the covering
    # (available, status, publish_at) index, with the matches as a set to test against,
    # rather than reading each matching article's row, long with both bodies.
    # PostgreSQL keeps long values apart from the rows and plans this well itself.
    plus = "+" if connection.vendor == "sqlite" else ""
    member = RawSQL(f"{plus}{ARTICLE_ID} IN ({sql})", params, output_field=BooleanField())  # noqa: S611 (parameters only)
    return (
        articles.filter(
            member, **{f"{build_localized_fieldname('available', language)}__in": [True]}
        )
        .annotate(in_title=in_title, total=Window(Count("id")))
        .order_by("-in_title", "-publish_at", "-id")
        .values_list("id", "total")
    )
