"""The article search index, a structure of its own per database vendor (no Django model).

SQLite — ``monitoring_search``: FTS5, contentless, tokenizer ``unicode61 remove_diacritics 0
tokenchars '_'``; rowid = article id; columns text / exact / title / grams / facets (folded
words, words as written, folded title words, folded word pairs, filter tokens).
``monitoring_search_doc``: what each article was indexed with (needed to delete from a
contentless table), its relevance and publication day. ``monitoring_search_term``: every word
indexed (folded, and as written), to expand prefixes.

PostgreSQL — ``monitoring_search_doc``: tsvector ``folded`` (GIN) and ``exact``, plus the filter
columns. See ``doingoai/monitoring/search/sqlite.py`` and ``postgresql.py``.

The index starts empty: ``doingoai.monitoring.search.rebuild()`` fills it from the articles.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE monitoring_search USING fts5("
    "text, exact, title, grams, facets, "
    "content='', tokenize=\"unicode61 remove_diacritics 0 tokenchars '_'\")",
    "CREATE TABLE monitoring_search_doc ("
    "article_id INTEGER PRIMARY KEY, "
    "version INTEGER NOT NULL, "
    "day INTEGER NULL, "
    "relevance REAL NOT NULL, "
    "facets TEXT NOT NULL, "
    "source BLOB NOT NULL)",
    "CREATE INDEX monitoring_search_doc_day ON monitoring_search_doc (day)",
    "CREATE TABLE monitoring_search_term (term TEXT PRIMARY KEY) WITHOUT ROWID",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS monitoring_search",
    "DROP TABLE IF EXISTS monitoring_search_doc",
    "DROP TABLE IF EXISTS monitoring_search_term",
]

POSTGRESQL = [
    "CREATE TABLE monitoring_search_doc ("
    "article_id bigint PRIMARY KEY, "
    "folded tsvector NOT NULL, "
    "exact tsvector NOT NULL, "
    "day date NULL, "
    "language varchar(10) NOT NULL, "
    "source_id bigint NULL, "
    "country varchar(2) NOT NULL, "
    "themes text[] NOT NULL, "
    "sentiment varchar(10) NOT NULL, "
    "relevant boolean NOT NULL, "
    "relevance double precision NOT NULL)",
    "CREATE INDEX monitoring_search_doc_folded ON monitoring_search_doc USING gin (folded)",
    "CREATE INDEX monitoring_search_doc_day ON monitoring_search_doc (day)",
]
POSTGRESQL_DROP = ["DROP TABLE IF EXISTS monitoring_search_doc"]


def _run(statements):
    def run(apps, schema_editor):
        batch = statements.get(schema_editor.connection.vendor, [])
        for statement in batch:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
    ]
