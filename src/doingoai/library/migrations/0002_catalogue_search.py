"""The catalogue's search index, a structure of its own per database vendor (no Django model).

SQLite — ``library_search``: FTS5, contentless, ``detail=none`` (no positions: phrases are
word pairs of their own, ``_b…``), tokenizer ``unicode61 remove_diacritics 0 tokenchars '_'``;
rowid = item id; one column holding the item's distinct tokens (folded words, ``_e`` words as
written, ``_t`` title words, ``_b`` word pairs, ``_v`` visibility). ``library_search_doc``:
one row per indexed item with what it was indexed with (compressed, to delete it from the
contentless table), its visibility columns and its facet values. ``library_search_term``: every
folded word indexed, to expand a prefix into the words it stands for.

PostgreSQL — ``library_search_doc``: the same tokens in a ``tsvector`` (GIN) and the same
columns.

Both: ``library_search_state`` (one row: the generation of the index, bumped by each write)
and ``library_search_log`` (generation → random stamp of recent writes), which let every
process keep its facet counts in memory and bring them up to date with the rows written
since. See ``doingoai/library/search.py``. The index starts empty: ``search.rebuild()``.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE library_search USING fts5("
    "body, content='', detail=none, columnsize=0, "
    "tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")",
    "CREATE TABLE library_search_doc ("
    "item_id INTEGER PRIMARY KEY, "
    "version INTEGER NOT NULL, "
    "generation INTEGER NOT NULL, "
    "public INTEGER NOT NULL, "
    "live INTEGER NOT NULL, "
    "access TEXT NOT NULL, "
    "removed INTEGER NOT NULL, "
    "facets TEXT NOT NULL, "
    "source BLOB NOT NULL)",
    "CREATE INDEX library_search_doc_generation ON library_search_doc (generation)",
    "CREATE TABLE library_search_state (id INTEGER PRIMARY KEY, generation INTEGER NOT NULL)",
    "INSERT INTO library_search_state (id, generation) VALUES (1, 0)",
    "CREATE TABLE library_search_log (generation INTEGER PRIMARY KEY, stamp INTEGER NOT NULL)",
    "CREATE TABLE library_search_term (term TEXT PRIMARY KEY) WITHOUT ROWID",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS library_search_term",
    "DROP TABLE IF EXISTS library_search",
    "DROP TABLE IF EXISTS library_search_doc",
    "DROP TABLE IF EXISTS library_search_state",
    "DROP TABLE IF EXISTS library_search_log",
]

POSTGRESQL = [
    "CREATE TABLE library_search_doc ("
    "item_id bigint PRIMARY KEY, "
    "generation bigint NOT NULL, "
    "public boolean NOT NULL, "
    "live boolean NOT NULL, "
    "access varchar(20) NOT NULL, "
    "removed boolean NOT NULL, "
    "facets text NOT NULL, "
    "terms tsvector NOT NULL)",
    "CREATE INDEX library_search_doc_terms ON library_search_doc USING gin (terms)",
    "CREATE INDEX library_search_doc_generation ON library_search_doc (generation)",
    "CREATE TABLE library_search_state (id integer PRIMARY KEY, generation bigint NOT NULL)",
    "INSERT INTO library_search_state (id, generation) VALUES (1, 0)",
    "CREATE TABLE library_search_log (generation bigint PRIMARY KEY, stamp bigint NOT NULL)",
]
POSTGRESQL_DROP = [
    "DROP TABLE IF EXISTS library_search_doc",
    "DROP TABLE IF EXISTS library_search_state",
    "DROP TABLE IF EXISTS library_search_log",
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("library", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
