"""Full-text queries on each database, over the terms ``search.text`` makes.

A search is a set of terms that an entry must all hold. Every term reaches the database
as a parameter: in SQLite each is written inside double quotes in the FTS5 query, in
PostgreSQL inside single quotes in a ``tsquery``. Terms are letters and digits only, so
no operator or punctuation a visitor types can reach either syntax.

Entry ids are in publication order (``search.models.entry_id``): a page of results
reads the title matches, then the other matches, each newest first, and stops when
the page is full, instead of finding and sorting every match.
"""

import time
from contextlib import contextmanager

from django.conf import settings
from django.db import OperationalError, connection, transaction
from modeltranslation.utils import build_localized_fieldname

from articles.models import Article, detail_url_pattern, read_datetime, visible_sql
from core.pagecache import remember_many

from .models import ARTICLE_BITS, language_range

# How many matches a search reads, counts and pages through: beyond it, "more than 100".
# Counting them all would read every match, and a common word matches most articles
# (Elasticsearch, likewise, counts to 10,000 and pages no further by default).
COUNT_LIMIT = 100
# A query of more terms than this is taken to match few entries (see ``_matches``).
SELECTIVE_TERMS = 2

TABLE = connection.ops.quote_name(Article._meta.db_table)
ARTICLE_ID = f"{TABLE}.{connection.ops.quote_name('id')}"
ARTICLE_MASK = (1 << ARTICLE_BITS) - 1


def article_id(entry_id):
    return entry_id & ARTICLE_MASK


def _tsquery(groups):
    """PostgreSQL's query for entries holding every term of one of ``groups``."""
    ands = [" & ".join(f"'{term}'" for term in group) for group in groups]
    return ands[0] if len(ands) == 1 else " | ".join(f"({each})" for each in ands)


def _fts(groups):
    """SQLite FTS5's query for entries holding every term of one of ``groups``."""
    ands = [" ".join(f'"{term}"' for term in group) for group in groups]
    return ands[0] if len(ands) == 1 else " OR ".join(f"({each})" for each in ands)


def _entries(language, groups, titles=False):
    """``(table, condition, parameters, entry id, article id)`` of the entries in
    ``language`` that hold every term of one of ``groups`` (in their title, with
    ``titles``), as ``f``."""
    if connection.vendor == "postgresql":
        vector = "title_vector" if titles else "document"
        if min(len(group) for group in groups) > SELECTIVE_TERMS:
            # Few entries hold them all: the GIN index alone finds them (OFFSET 0 keeps the
            # planner from folding the language's id range in and walking that instead).
            table = (f"(SELECT id, article_id, title_vector FROM search_searchentry"  # noqa: S608 (no value in it)
                     f" WHERE {vector} @@ %s::tsquery OFFSET 0)")  # fmt: skip
            params = [_tsquery(groups), *language_range(language)]
            return table, "f.id >= %s AND f.id < %s", params, "f.id", "f.article_id"
        condition = f"f.id >= %s AND f.id < %s AND f.{vector} @@ %s::tsquery"
        params = [*language_range(language), _tsquery(groups)]
        return "search_searchentry", condition, params, "f.id", "f.article_id"
    table = "search_title_fts" if titles else "search_fts"
    condition = f"{table} MATCH %s AND f.rowid >= %s AND f.rowid < %s"
    params = [_fts(groups), *language_range(language)]
    return table, condition, params, "f.rowid", f"(f.rowid & {ARTICLE_MASK})"


def _matches(language, groups, titles=False, not_titles=False):
    """SQL selecting the entry ids of the visible articles whose ``language`` entry holds
    every term of one of ``groups`` (in the title, with ``titles``; not in it, with
    ``not_titles``), and
    its parameters. Visibility is ``visible_sql()``, compiled from
    ``published().available_in()``; tests/test_search.py checks drafts, scheduled and
    untranslated articles are never found."""
    table, condition, params, entry, article = _entries(language, groups, titles)
    visible, visible_params = visible_sql(language)
    sql = (
        f"SELECT {entry} AS id FROM {table} f JOIN {TABLE} ON {ARTICLE_ID} = {article}"  # noqa: S608 (no value in it)
        f" WHERE {condition} AND {visible}"
    )
    params = [*params, *visible_params]
    if not_titles:
        if connection.vendor == "postgresql":
            sql += " AND NOT f.title_vector @@ %s::tsquery"
            params.append(_tsquery(groups))
        else:
            _table, title, title_params, *_ids = _entries(language, groups, titles=True)
            sql += f" AND f.rowid NOT IN (SELECT f.rowid FROM search_title_fts f WHERE {title})"  # noqa: S608 (no value in it)
            params += title_params
    selective = min(len(group) for group in groups) > SELECTIVE_TERMS
    if connection.vendor == "postgresql" and (titles or selective):
        # Sorted by an expression, not read in the primary key's order: for a term its
        # statistics call common, PostgreSQL would read the entries newest first and test
        # each one, which for terms few entries hold together means reading them all; the
        # GIN index answers without reading one. Titles always; the other matches when the
        # query has several terms (a long Chinese phrase), which few entries hold at once.
        return f"{sql} ORDER BY {entry} + 0 DESC", params
    return f"{sql} ORDER BY {entry} DESC", params


def matching(language, *groups, limit=COUNT_LIMIT + 1):
    """The article ids of the first ``limit`` visible articles in ``language`` holding every
    term of a group of terms (a query is one group; the other forms of a glossary term
    are one each): title matches first, then the others, each newest first. Their number
    is the count (``COUNT_LIMIT + 1``: more than ``COUNT_LIMIT``).

    Two queries, each ending in its own ``LIMIT``, so that both databases read the other
    matches in id order and stop there (PostgreSQL plans a ``UNION ALL`` of the two as if
    every row were wanted, and sorts all the matches); on PostgreSQL in one message (one
    round trip: Django's client-side binding sends it as it is)."""
    titles, title_params = _matches(language, groups, titles=True)
    others, other_params = _matches(language, groups, not_titles=True)
    with time_limit() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"{titles} LIMIT %s; {others} LIMIT %s",
                [*title_params, limit, *other_params, limit],
            )
            found = cursor.fetchall()
            cursor.nextset()
            found += cursor.fetchall()
        else:
            cursor.execute(f"{titles} LIMIT %s", [*title_params, limit])
            found = cursor.fetchall()
            if len(found) < limit:
                cursor.execute(f"{others} LIMIT %s", [*other_params, limit - len(found)])
                found += cursor.fetchall()
    return [article_id(entry) for (entry,) in found[:limit]]


class TooSlow(Exception):
    """A search stopped at ``settings.SEARCH_TIME_LIMIT_MS``."""


# For a search query on PostgreSQL: a time limit, and no sequential scan: for a query of many
# terms the planner guesses reading every entry is cheaper than the GIN index, and each
# entry's document is then read from TOAST and tested (bench/README.md).
LIMITS = "SET LOCAL statement_timeout = %s; SET LOCAL enable_seqscan = off"


class _Limited:
    """A PostgreSQL cursor that sends its statement with ``LIMITS`` in front, in one message:
    outside a transaction the message is one transaction of its own, which the settings
    last for (one round trip, where a transaction of its own would take four)."""

    def __init__(self, cursor, limit):
        self.cursor, self.limit = cursor, limit

    def execute(self, sql, params):
        self.cursor.execute(f"{LIMITS}; {sql}", [self.limit, *params])
        self.cursor.nextset()  # past the two settings' results
        self.cursor.nextset()

    def __getattr__(self, name):
        return getattr(self.cursor, name)


@contextmanager
def time_limit():
    """A cursor whose queries are stopped after ``SEARCH_TIME_LIMIT_MS`` (PostgreSQL's
    ``statement_timeout`` for them; SQLite's progress handler), raising ``TooSlow``: no
    search holds a worker or the database for long. On PostgreSQL the planner is also kept
    off sequential scans for these queries (``LIMITS``); outside a transaction the cursor
    takes one statement (``_Limited``)."""
    limit = settings.SEARCH_TIME_LIMIT_MS
    try:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                yield _Limited(cursor, limit)
            return
        if connection.vendor == "postgresql":  # within a transaction: for a savepoint
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(LIMITS, [limit])
                yield cursor
                cursor.execute(
                    "SET LOCAL statement_timeout TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT"
                )
            return
        connection.ensure_connection()
        deadline = time.monotonic() + limit / 1000
        raw = connection.connection
        raw.set_progress_handler(lambda: time.monotonic() > deadline, 1000)
        try:
            with connection.cursor() as cursor:
                yield cursor
        finally:
            raw.set_progress_handler(None, 0)
    except OperationalError as error:
        if connection.vendor == "postgresql" and "statement timeout" not in str(error):
            raise
        if connection.vendor == "sqlite" and "interrupted" not in str(error):
            raise
        raise TooSlow from error


def results(request, language, ids):
    """The rows a result shows, for ``ids`` in that order: title, URL, date, category and
    the entry's plain text (for the snippet). Each article's row is a part of the search
    page (``core.pagecache.PARTS["search-row"]``): a result shown before costs no query."""
    rows = remember_many(request, "search-row", [{"id": pk} for pk in ids],
                     lambda missing: _rows(language, [each["id"] for each in missing]))  # fmt: skip
    return [row for row in rows if row]


def _rows(language, ids):
    """``results()``' rows of the articles ``ids`` in ``language``, in that order, in one
    query."""
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
            f" JOIN search_searchentry e ON e.article_id = {ARTICLE_ID} AND e.language = %s"
            f" WHERE {ARTICLE_ID} IN ({marks})",
            [language, *ids],
        )
        rows = {row[0]: row for row in cursor.fetchall()}
    article_url = detail_url_pattern(language)
    category_url = detail_url_pattern(language, "articles:category")
    return [
        {
            "title": row[2],
            "url": article_url.format(row[1]),
            "publish_at": read_datetime(row[3]),
            "category": row[5],
            "category_url": category_url.format(row[4]),
            "text": row[6],
        }
        if (row := rows.get(pk))
        else {}  # gone since it matched: shown as nothing
        for pk in ids
    ]
