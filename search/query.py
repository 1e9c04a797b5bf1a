"""Full-text queries on each database, over the terms ``search.text`` makes.

Every term reaches the database as a parameter. In SQLite each phrase is
written inside double quotes in the FTS5 query: terms are letters and digits
only, so no operator or punctuation a visitor types can reach FTS5's syntax.
"""

from contextlib import contextmanager

from django.db import connection, transaction
from modeltranslation.utils import build_localized_fieldname

from articles.models import Article, detail_url_pattern, read_datetime, visible_sql
from core.languages import language_codes

TABLE = connection.ops.quote_name(Article._meta.db_table)
ARTICLE_ID = f"{TABLE}.{connection.ops.quote_name('id')}"


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


@contextmanager
def _bitmap_plans():
    """PostgreSQL: read the matches through the GIN index (bitmap scans), in a transaction
    of their own. For a word most entries hold, its planner prefers to scan the table and
    test ``@@`` row by row, which decompresses every entry's long ``tsvector`` (176 ms at
    10,000 articles, 20 ms through the index); the index answers a single-word test
    without reading one."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        yield
        # As they were, should this run inside a longer transaction (on an error, the
        # rollback of this block's savepoint undoes them).
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL enable_indexscan = on")


def _ranking(language, phrases):
    """SQL of the visible articles matching every phrase in ``language`` (``FROM … WHERE``),
    the title-match expression, and their parameters."""
    sql, params = _matching(language, phrases)
    title_sql, title_params = _matching(language, phrases, in_title=True)
    visible, visible_params = visible_sql(language)
    # SQLite: ``+id`` and ``available IN (true)`` keep the planner on the covering
    # (available, status, publish_at) index, with the matches as a set to test against,
    # rather than reading each matching article's row, long with both bodies.
    # PostgreSQL keeps long values apart from the rows and plans this well itself.
    plus = "+" if connection.vendor == "sqlite" else ""
    available = connection.ops.quote_name(build_localized_fieldname("available", language))
    where = (
        f"FROM {TABLE} WHERE {visible} AND {TABLE}.{available} IN (%s)"
        f" AND {plus}{ARTICLE_ID} IN ({sql})"
    )
    return where, [*visible_params, True, *params], f"{ARTICLE_ID} IN ({title_sql})", title_params


def matching(language, phrases, offset, limit):
    """``(id, total)`` for one page of the visible articles matching every phrase in
    ``language``: title matches first, then the newest; ``total`` counts them all.

    Written in SQL: built with the ORM (queryset, window, raw parts) this query cost more
    than the database took to answer it. Visibility is ``visible_sql()``, compiled from
    ``published().available_in()``; tests/test_search.py checks drafts, scheduled and
    untranslated articles are never found. Only ids are read: the ranking reads the
    index, not the long article rows."""
    where, params, in_title, title_params = _ranking(language, phrases)
    with _bitmap_plans(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ARTICLE_ID}, COUNT(*) OVER () {where}"  # noqa: S608 (no value in the text)
            f" ORDER BY ({in_title}) DESC, {TABLE}.publish_at DESC, {ARTICLE_ID} DESC"
            f" LIMIT %s OFFSET %s",
            [*params, *title_params, limit, offset],
        )
        return cursor.fetchall()


def count(language, phrases):
    """How many visible articles match every phrase in ``language``."""
    where, params, _in_title, _title_params = _ranking(language, phrases)
    with _bitmap_plans(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {where}", params)  # noqa: S608 (no value in the text)
        return cursor.fetchone()[0]


def results(language, ids):
    """The rows a result shows, for ``ids`` in that order: title, URL, date, category and
    the entry's plain text (for the snippet), in one query."""
    if not ids:
        return []
    title, category_name = (
        connection.ops.quote_name(build_localized_fieldname(name, language))
        for name in ("title", "name")
    )
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {ARTICLE_ID}, {TABLE}.slug, {TABLE}.{title}, {TABLE}.publish_at,"  # noqa: S608 (no value in the text)
            f" c.slug, c.{category_name}, e.text FROM {TABLE}"
            f" JOIN articles_category c ON c.id = {TABLE}.category_id"
            f" JOIN search_searchentry e ON e.id = {ARTICLE_ID} * 16 + %s"
            f" WHERE {ARTICLE_ID} IN ({marks})",
            [language_codes().index(language), *ids],
        )
        rows = {row[0]: row for row in cursor.fetchall()}
    article_url = detail_url_pattern(language)
    category_url = detail_url_pattern(language, "articles:category")
    return [
        {
            "title": rows[pk][2],
            "url": article_url.format(rows[pk][1]),
            "publish_at": read_datetime(rows[pk][3]),
            "category": rows[pk][5],
            "category_url": category_url.format(rows[pk][4]),
            "text": rows[pk][6],
        }
        for pk in ids
        if pk in rows
    ]
