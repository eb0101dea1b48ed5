"""Search every word a visitor might type, on both databases, and let staff edit synonyms.

Each listing's search document is its name, summary, description, organisation
name, term names (audiences, age groups, delivery modes, settings, case types)
and area names. Database triggers keep it current, so every way a row changes is
covered: admin edits, reverts, CSV imports, loaddata, bulk_create,
queryset.update(), many-to-many add/remove/set/clear, and renaming an
organisation, a term or an area.

- PostgreSQL: the trigger from 0005 now fills ``search_vector`` from
  ``directory_listing_search_document(listing)``: name A; summary, organisation
  and terms B; description C; areas D. Changes to the link tables and renames
  rewrite the column of the listings concerned, which re-runs that trigger.
- SQLite: an FTS5 table, ``directory_listing_fts`` (rowid = listing id), filled
  from the view ``directory_listing_search_document`` by triggers on the listing,
  link, organisation, term and area tables.

Django's SQLite schema editor rebuilds a table for some changes, which drops the
table's triggers: a later migration that rebuilds one of these tables on SQLite
must create its triggers again (tests/directory/test_search_index.py checks they
are all there).

The synonym permissions reach the "Forum staff" group with every other
directory permission: ``directory.roles.ensure_groups`` runs after each migrate,
once the permissions exist.
"""

from django.db import migrations, models

TERM_LINKS = [
    "directory_listing_audiences",
    "directory_listing_age_groups",
    "directory_listing_delivery_modes",
    "directory_listing_settings",
    "directory_listing_case_types",
]
COLUMNS = "name, summary, description, organisation, terms, areas"


def search_sql(term_links):
    """The statements that create and drop the search index over ``term_links``.

    Migration 0008 rebuilds the index over more vocabularies with the same SQL."""
    LINKS = [*term_links, "directory_listing_areas"]

    TERMS_VIEW = "CREATE VIEW directory_listing_terms AS\n" + "\nUNION ALL\n".join(
        f"SELECT listing_id, term_id FROM {table}" for table in term_links
    )

    def term_ids_of(listing_id):
        """A subquery of the ids of the terms of listing ``listing_id``.

        Spelled out rather than read from directory_listing_terms: SQLite would
        materialise that whole view for every listing it indexes.
        """
        return "\n            UNION ALL ".join(
            f"SELECT term_id FROM {table} WHERE listing_id = {listing_id}" for table in term_links
        )

    # --- SQLite ----------------------------------------------------------------

    def sqlite_refresh(where):
        """Statements that rewrite the index rows of the listings whose id is ``where``."""
        return f"""
        DELETE FROM directory_listing_fts WHERE rowid {where};
        INSERT INTO directory_listing_fts (rowid, {COLUMNS})
            SELECT id, {COLUMNS} FROM directory_listing_search_document WHERE id {where};"""

    SQLITE_CREATE = [
        f"""CREATE VIRTUAL TABLE directory_listing_fts USING fts5(
            {COLUMNS}, tokenize = 'porter unicode61 remove_diacritics 2'
        )""",
        TERMS_VIEW,
        f"""CREATE VIEW directory_listing_search_document AS
        SELECT l.id, l.name, l.summary, l.description,
            coalesce(o.name, '') AS organisation,
            coalesce((SELECT group_concat(t.name, ' ') FROM directory_term t WHERE t.id IN (
                {term_ids_of("l.id")})), '') AS terms,
            coalesce((SELECT group_concat(a.name, ' ')
                FROM directory_listing_areas la JOIN directory_area a ON a.id = la.area_id
                WHERE la.listing_id = l.id), '') AS areas
        FROM directory_listing l LEFT JOIN directory_organisation o ON o.id = l.organisation_id""",
        f"""CREATE TRIGGER directory_listing_search_insert AFTER INSERT ON directory_listing
        BEGIN {sqlite_refresh("= NEW.id")}
        END""",
        f"""CREATE TRIGGER directory_listing_search_update
        AFTER UPDATE OF id, name, summary, description, organisation_id ON directory_listing
        BEGIN
        DELETE FROM directory_listing_fts WHERE rowid = OLD.id; {sqlite_refresh("= NEW.id")}
        END""",
        """CREATE TRIGGER directory_listing_search_delete AFTER DELETE ON directory_listing
        BEGIN DELETE FROM directory_listing_fts WHERE rowid = OLD.id; END""",
        *[
            statement
            for table in LINKS
            for statement in (
                f"""CREATE TRIGGER {table}_search_insert AFTER INSERT ON {table}
                BEGIN {sqlite_refresh("= NEW.listing_id")}
                END""",
                f"""CREATE TRIGGER {table}_search_delete AFTER DELETE ON {table}
                BEGIN {sqlite_refresh("= OLD.listing_id")}
                END""",
            )
        ],
        f"""CREATE TRIGGER directory_organisation_search_rename
        AFTER UPDATE OF name ON directory_organisation WHEN OLD.name IS NOT NEW.name
        BEGIN {sqlite_refresh("IN (SELECT id FROM directory_listing WHERE organisation_id = NEW.id)")}
        END""",
        f"""CREATE TRIGGER directory_term_search_rename
        AFTER UPDATE OF name ON directory_term WHEN OLD.name IS NOT NEW.name
        BEGIN {sqlite_refresh("IN (SELECT listing_id FROM directory_listing_terms WHERE term_id = NEW.id)")}
        END""",
        f"""CREATE TRIGGER directory_area_search_rename
        AFTER UPDATE OF name ON directory_area WHEN OLD.name IS NOT NEW.name
        BEGIN {sqlite_refresh("IN (SELECT listing_id FROM directory_listing_areas WHERE area_id = NEW.id)")}
        END""",
        f"""INSERT INTO directory_listing_fts (rowid, {COLUMNS})
        SELECT id, {COLUMNS} FROM directory_listing_search_document""",
    ]

    SQLITE_DROP = [
        *[
            f"DROP TRIGGER IF EXISTS {table}_search_{event}"
            for table in LINKS
            for event in ("insert", "delete")
        ],
        *[
            f"DROP TRIGGER IF EXISTS directory_listing_search_{event}"
            for event in ("insert", "update", "delete")
        ],
        *[
            f"DROP TRIGGER IF EXISTS directory_{model}_search_rename"
            for model in ("organisation", "term", "area")
        ],
        "DROP VIEW IF EXISTS directory_listing_search_document",
        "DROP VIEW IF EXISTS directory_listing_terms",
        "DROP TABLE IF EXISTS directory_listing_fts",
    ]

    # --- PostgreSQL ------------------------------------------------------------

    POSTGRES_CREATE = [
        TERMS_VIEW,
        f"""CREATE FUNCTION directory_listing_search_document(listing directory_listing)
        RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT
            setweight(to_tsvector('english'::regconfig, coalesce(listing.name, '')), 'A')
            || setweight(to_tsvector('english'::regconfig, coalesce(listing.summary, '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(
                (SELECT o.name FROM directory_organisation o WHERE o.id = listing.organisation_id),
                '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(
                (SELECT string_agg(t.name, ' ') FROM directory_term t WHERE t.id IN (
                {term_ids_of("listing.id")})),
                '')), 'B')
            || setweight(to_tsvector('english'::regconfig, coalesce(listing.description, '')), 'C')
            || setweight(to_tsvector('english'::regconfig, coalesce(
                (SELECT string_agg(a.name, ' ')
                 FROM directory_listing_areas la JOIN directory_area a ON a.id = la.area_id
                 WHERE la.listing_id = listing.id),
                '')), 'D')
        $$""",
        # The trigger from 0005 (BEFORE INSERT OR UPDATE ON directory_listing) calls this.
        """CREATE OR REPLACE FUNCTION directory_listing_search_vector() RETURNS trigger AS $$
        BEGIN
            NEW.search_vector := directory_listing_search_document(NEW);
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql""",
        # The functions below rewrite search_vector, which runs the trigger above.
        """CREATE FUNCTION directory_listing_search_link_changed() RETURNS trigger AS $$
        BEGIN
            UPDATE directory_listing SET search_vector = NULL
            WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.listing_id ELSE NEW.listing_id END;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql""",
        """CREATE FUNCTION directory_organisation_search_renamed() RETURNS trigger AS $$
        BEGIN
            UPDATE directory_listing SET search_vector = NULL WHERE organisation_id = NEW.id;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql""",
        """CREATE FUNCTION directory_term_search_renamed() RETURNS trigger AS $$
        BEGIN
            UPDATE directory_listing SET search_vector = NULL
            WHERE id IN (SELECT listing_id FROM directory_listing_terms WHERE term_id = NEW.id);
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql""",
        """CREATE FUNCTION directory_area_search_renamed() RETURNS trigger AS $$
        BEGIN
            UPDATE directory_listing SET search_vector = NULL
            WHERE id IN (SELECT listing_id FROM directory_listing_areas WHERE area_id = NEW.id);
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql""",
        *[
            f"""CREATE TRIGGER {table}_search AFTER INSERT OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION directory_listing_search_link_changed()"""
            for table in LINKS
        ],
        *[
            f"""CREATE TRIGGER directory_{model}_search_rename
            AFTER UPDATE OF name ON directory_{model}
            FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
            EXECUTE FUNCTION directory_{model}_search_renamed()"""
            for model in ("organisation", "term", "area")
        ],
        "UPDATE directory_listing SET search_vector = NULL",
    ]

    POSTGRES_DROP = [
        *[f"DROP TRIGGER IF EXISTS {table}_search ON {table}" for table in LINKS],
        *[
            f"DROP TRIGGER IF EXISTS directory_{model}_search_rename ON directory_{model}"
            for model in ("organisation", "term", "area")
        ],
        "DROP FUNCTION IF EXISTS directory_listing_search_link_changed()",
        *[
            f"DROP FUNCTION IF EXISTS directory_{model}_search_renamed()"
            for model in ("organisation", "term", "area")
        ],
        # Back to 0005's document: name, summary and description only.
        """CREATE OR REPLACE FUNCTION directory_listing_search_vector() RETURNS trigger AS $$
        BEGIN
            NEW.search_vector :=
                setweight(to_tsvector('english'::regconfig, coalesce(NEW.name, '')), 'A') ||
                setweight(to_tsvector('english'::regconfig, coalesce(NEW.summary, '')), 'B') ||
                setweight(to_tsvector('english'::regconfig, coalesce(NEW.description, '')), 'C');
            RETURN NEW;
        END
        $$ LANGUAGE plpgsql""",
        "DROP FUNCTION IF EXISTS directory_listing_search_document(directory_listing)",
        "DROP VIEW IF EXISTS directory_listing_terms",
        "UPDATE directory_listing SET name = name",
    ]
    return {
        "sqlite_create": SQLITE_CREATE,
        "sqlite_drop": SQLITE_DROP,
        "postgres_create": POSTGRES_CREATE,
        "postgres_drop": POSTGRES_DROP,
    }


SQL = search_sql(TERM_LINKS)


def run_for_vendor(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


# --- Synonyms --------------------------------------------------------------

SYNONYMS = [
    "RJ, restorative justice, restorative",
    "shuttle mediation, mediation, shuttle, indirect",
    "conference, face-to-face, restorative meeting",
    "family group conference, FGC",
    "letter, letter writing",
    "video, video call, phone, telephone",
    "victim, harmed, people harmed, person harmed",
    "offender, caused harm, perpetrator, people who caused harm, person who caused harm",
    "young people, young person, youth, teenager, child, children",
    "youth justice, youth offending, youth offending team, YOT",
    "assault, violence, violent",
    "DA, domestic abuse, domestic violence",
    "sexual harm, sexual abuse, sexual violence, sexual offence",
    "hate crime, hate incident",
    "anti-social behaviour, antisocial behaviour, ASB",
    "prison, prisons, prisoner",
    "school, schools",
]


def seed_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("directory", "SearchSynonym")
    SearchSynonym.objects.bulk_create([SearchSynonym(phrases=phrases) for phrases in SYNONYMS])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_area_ons_code_and_districts"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "phrases",
                    models.CharField(
                        help_text="Words or short phrases that mean the same thing to someone looking for a service, separated by commas, for example: shuttle mediation, mediation, indirect. A search for any one of them then finds services that mention any of them. Each phrase can be up to four words. Capitals and punctuation make no difference, and a plural finds its singular by itself, so there is no need to add both.",
                        max_length=500,
                        verbose_name="words and phrases",
                    ),
                ),
            ],
            options={
                "verbose_name": "search synonym group",
                "ordering": ["phrases"],
            },
        ),
        migrations.RunPython(
            run_for_vendor({"sqlite": SQL["sqlite_create"], "postgresql": SQL["postgres_create"]}),
            run_for_vendor({"sqlite": SQL["sqlite_drop"], "postgresql": SQL["postgres_drop"]}),
        ),
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
    ]
