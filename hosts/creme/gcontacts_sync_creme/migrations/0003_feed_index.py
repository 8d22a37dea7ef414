"""An index for the change feed: it reads contacts in (modified, id) order from a cursor, and
`modified` is a column of Creme's entity table that Creme does not index. Without it each page of
the feed sorts every entity of the table; with it the database walks the index from the cursor.
Creme's table belongs to another app, so the index is made in SQL (IF NOT EXISTS: SQLite and
PostgreSQL both have it)."""

from django.db import migrations

INDEX = 'gcsync_entity_modified_id'


def add_index(apps, schema_editor):
    table = apps.get_model('creme_core', 'CremeEntity')._meta.db_table
    q = schema_editor.quote_name
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS {q(INDEX)} ON {q(table)} ({q("modified")}, {q("id")})')


def drop_index(apps, schema_editor):
    schema_editor.execute(f'DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}')


class Migration(migrations.Migration):
    dependencies = [
        ('creme_core', '0001_initial'),
        ('gcontacts_sync_creme', '0002_tombstone_owner'),
    ]

    operations = [migrations.RunPython(add_index, drop_index)]
