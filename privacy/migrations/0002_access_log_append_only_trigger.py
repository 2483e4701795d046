"""On PostgreSQL, refuse UPDATE and DELETE of access-log rows in the database itself.

TRUNCATE is left alone: it is what Django's test flush and a deliberate, owner-only purge
use, and no ORM call issues it. Other databases rely on the model's guards.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION privacy_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'privacy_personaldataaccess is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_access_log_append_only
    BEFORE UPDATE OR DELETE ON privacy_personaldataaccess
    FOR EACH ROW EXECUTE FUNCTION privacy_access_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS privacy_access_log_append_only ON privacy_personaldataaccess;
DROP FUNCTION IF EXISTS privacy_access_log_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_access_log")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
