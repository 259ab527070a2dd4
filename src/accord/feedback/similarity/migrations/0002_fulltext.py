"""The full-text table, per database vendor (read and written by accord.feedback.similarity.lexical):
an FTS5 table with porter stemming on SQLite, a tsvector column with a GIN index on PostgreSQL."""

from django.db import migrations

POSTGRESQL = [
    "CREATE TABLE similarity_fts (feedback_id bigint PRIMARY KEY REFERENCES feedback_feedback(id)"
    " ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, workspace_id bigint NOT NULL,"
    " body tsvector NOT NULL)",
    "CREATE INDEX similarity_fts_body ON similarity_fts USING gin (body)",
    "CREATE INDEX similarity_fts_workspace ON similarity_fts (workspace_id)",
]
SQLITE = [
    "CREATE VIRTUAL TABLE similarity_fts USING fts5(body, workspace_id UNINDEXED,"
    " tokenize='porter unicode61')"
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS similarity_fts")


class Migration(migrations.Migration):
    dependencies = [
        ("similarity", "0001_initial"),
        ("feedback", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
