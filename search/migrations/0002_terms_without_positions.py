"""The index holds terms without positions, and entry ids in publication order.

Chinese runs are now indexed as pairs and triples of characters (search.text), so a
query is a set of terms that must all be present: neither database needs positions.
SQLite: ``detail=none`` FTS5 tables, one over the whole entry and one over the titles
(a title match reads only the titles' short term lists). PostgreSQL: the vectors are
made from the terms as they are (``array_to_tsvector``: no parser, no positions), so
testing an entry reads a short list instead of every position of every word. Entry ids
change (search.models.entry_id), so the index is rebuilt.
"""

from importlib import import_module

from django.db import migrations

previous = import_module("search.migrations.0001_index")

SQLITE = [
    "DROP TRIGGER search_fts_update",
    "DROP TRIGGER search_fts_delete",
    "DROP TRIGGER search_fts_insert",
    "DROP TABLE search_fts",
    *(
        f"""CREATE VIRTUAL TABLE {table} USING fts5({columns},
            content='search_searchentry', content_rowid='id', detail='none',
            tokenize='unicode61 remove_diacritics 0')"""
        for table, columns in [
            ("search_fts", "title_terms, body_terms"),
            ("search_title_fts", "title_terms"),
        ]
    ),
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
        INSERT INTO search_title_fts(rowid, title_terms) VALUES (new.id, new.title_terms); END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_title_fts(search_title_fts, rowid, title_terms)
        VALUES ('delete', old.id, old.title_terms); END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
        INSERT INTO search_title_fts(search_title_fts, rowid, title_terms)
        VALUES ('delete', old.id, old.title_terms);
        INSERT INTO search_fts(rowid, title_terms, body_terms)
        VALUES (new.id, new.title_terms, new.body_terms);
        INSERT INTO search_title_fts(rowid, title_terms) VALUES (new.id, new.title_terms); END""",
]
SQLITE_UNDO = [
    "DROP TRIGGER search_fts_update",
    "DROP TRIGGER search_fts_delete",
    "DROP TRIGGER search_fts_insert",
    "DROP TABLE search_title_fts",
    "DROP TABLE search_fts",
    *previous.SQLITE,
]


def _vector(terms):
    return f"array_to_tsvector(array_remove(string_to_array({terms}, ' '), ''))"


POSTGRESQL = [
    *previous.POSTGRESQL_UNDO,
    f"""ALTER TABLE search_searchentry
        ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ({_vector("title_terms")}) STORED,
        ADD COLUMN document tsvector
            GENERATED ALWAYS AS ({_vector("title_terms || ' ' || body_terms")}) STORED""",
    *previous.POSTGRESQL[1:],
]
POSTGRESQL_UNDO = [*previous.POSTGRESQL_UNDO, *previous.POSTGRESQL]


def _rebuild(apps, schema_editor):
    from search import index

    index.rebuild()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_index")]

    operations = [
        migrations.RunSQL("DELETE FROM search_searchentry", migrations.RunSQL.noop),
        migrations.RunPython(
            previous._run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            previous._run({"sqlite": SQLITE_UNDO, "postgresql": POSTGRESQL_UNDO}),
        ),
        migrations.RunPython(_rebuild, migrations.RunPython.noop),
    ]
