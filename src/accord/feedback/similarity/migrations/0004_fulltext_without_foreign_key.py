"""PostgreSQL: the full-text table no longer holds a foreign key to feedback_feedback.

Django does not know this table, so its flush (TRUNCATE of its own tables, as in every transactional
test) failed on the key. A trigger now removes a deleted item's row, as the key's cascade did.
SQLite's FTS5 table never had a key (lexical.prune drops rows of deleted items there)."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE similarity_fts DROP CONSTRAINT IF EXISTS similarity_fts_feedback_id_fkey",
    "CREATE OR REPLACE FUNCTION similarity_fts_forget() RETURNS trigger AS $$"
    " BEGIN DELETE FROM similarity_fts WHERE feedback_id = OLD.id; RETURN OLD; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER similarity_fts_forget AFTER DELETE ON feedback_feedback"
    " FOR EACH ROW EXECUTE FUNCTION similarity_fts_forget()",
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS similarity_fts_forget ON feedback_feedback",
    "DROP FUNCTION IF EXISTS similarity_fts_forget()",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("similarity", "0003_index_epoch")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
