"""Store each listing's weighted text-search document and index it (PostgreSQL only).

A trigger rather than Python code keeps the document current, so every way a row
changes — admin edits, reverts, CSV imports, bulk_create, queryset.update() — is
covered. The weights match directory/search.py: name A, summary B, description C.
On SQLite the column exists but stays empty; search there is a word match.
"""

import django.contrib.postgres.search
from django.db import migrations

CREATE = """
CREATE FUNCTION directory_listing_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.name, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector('english'::regconfig, coalesce(NEW.description, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER directory_listing_search_vector_update
    BEFORE INSERT OR UPDATE ON directory_listing
    FOR EACH ROW EXECUTE FUNCTION directory_listing_search_vector();

UPDATE directory_listing SET name = name;

CREATE INDEX directory_listing_search_gin ON directory_listing USING GIN (search_vector);
"""

DROP = """
DROP INDEX IF EXISTS directory_listing_search_gin;
DROP TRIGGER IF EXISTS directory_listing_search_vector_update ON directory_listing;
DROP FUNCTION IF EXISTS directory_listing_search_vector();
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_area_uuid_and_term_ages"),
    ]

    operations = [
        migrations.AddField(
            model_name="listing",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
