"""Trigram indexes on the public projects' search columns (PostgreSQL only), built concurrently."""

from django.db import migrations

# Partial, like project_public_newest_idx: they serve the public index's search only.
INDEXES = {
    "project_public_search_trgm_idx": "search_text",
    "project_public_grams_trgm_idx": "search_grams",
}
CREATE_INDEX = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON projects_project "
    "USING gin ({column} gin_trgm_ops) WHERE status IN ('published', 'closed')"
)


def create_indexes(apps, schema_editor):
    # SQLite (the embedded default) has no GIN: its search scans the two columns instead.
    # Concurrently, and outside 0003's transaction: an index built in the transaction that
    # rewrote every row is marked "check xmin" and ignored while any older transaction runs.
    if schema_editor.connection.vendor == "postgresql":
        for name, column in INDEXES.items():
            schema_editor.execute(CREATE_INDEX.format(name=name, column=column))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("projects", "0003_project_search_text"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
