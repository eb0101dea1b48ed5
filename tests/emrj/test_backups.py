"""Backups: a backup restored into an empty database holds exactly what the original did.

Each round trip builds a real site database through manage.py in subprocesses
(migrate, the sample data, generated listings, an edited page, history, a problem
report with a visitor's email, a staff account), backs it up with backup_database,
restores it with restore_database into a second, empty database and compares the
dumpdata of the two, history tables included.

The PostgreSQL round trip runs in the PostgreSQL test run, on that run's server, in
throwaway databases of its own (h_backup_src_… and h_backup_dst_…, dropped after); the
SQLite round trip runs in the SQLite run, in temporary files. Building each site once
per module keeps the cost to about 30 seconds of one CPU a run.
"""

import json
import os
import re
import socket
import sqlite3
import stat
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from emrj import backups

# One xdist worker builds the sites for all of this module's tests (with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("backups")

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)
VERSION_KEY = "sitecache:version"
# A word no sample listing uses, given to one listing before the backup.
SEARCH_WORD = "quokkaford"

POPULATE = f"""
from django.contrib.auth.models import User
from directory.models import Listing, ProblemReport, SearchSynonym
from directory.services import _save_with_history, listings_set_status
from pages.models import Page

staff = User.objects.create_user(
    "backup-staff", "staff@example.org", "backup-test-password-2026", is_staff=True
)
first, second = Listing.objects.filter(status="published").order_by("pk")[:2]
listings_set_status(listings=Listing.objects.filter(pk=first.pk), status="draft", by=staff)
second.name = "{SEARCH_WORD.title()} Restorative Service"
_save_with_history(second, by=staff, reason="Renamed before the backup")
page = Page.objects.order_by("pk").first()
page.body += "\\n\\nEdited before the backup."
page.save()
ProblemReport.objects.create(
    listing=second, message="The phone number is wrong.", email="visitor@example.org"
)
SearchSynonym.objects.create(phrases="shuttle mediation, indirect mediation")
"""

CHANGE_EVERYTHING = """
from directory.models import Listing, Organisation, ProblemReport
ProblemReport.objects.all().delete()
Listing.objects.filter(pk=Listing.objects.order_by("pk")[0].pk).update(name="Changed later")
Organisation.objects.create(name="Made after the backup", slug="after-backup", kind="voluntary")
"""

SEARCH = f"""
from directory.models import Listing
from directory.search import text_search
print(*text_search(Listing.objects.all(), "{SEARCH_WORD}").values_list("name", flat=True))
"""


def reachable(address):
    try:
        socket.create_connection(address, timeout=1).close()
        return True
    except OSError:
        return False


def canonical(dumpdata_output):
    """dumpdata's objects in a fixed order (the order of models differs between runs)."""
    return sorted(json.dumps(item, sort_keys=True) for item in json.loads(dumpdata_output))


@dataclass
class Database:
    """One database of the site, reached through manage.py in a subprocess."""

    kind: str
    label: str  # what restore_database asks to be typed
    env: dict

    def manage(self, *args, check=True, stdin=subprocess.DEVNULL, env=None):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
        return result

    def dumpdata(self):
        return canonical(self.manage("dumpdata").stdout)

    def shell(self, code):
        return self.manage("shell", "-c", code).stdout


def site_environment(database_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emrj.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "backup-test-secret-key-not-for-production-0123456789",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DATABASE_URL": database_url,
    }
    env.pop("REDIS_URL", None)
    return env


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    """(source, destination): the same kind of database as this test run's, the source
    built with the site's data, the destination empty. Made once for the module."""
    kind = connection.vendor
    if kind == "postgresql":
        yield from postgresql_databases()
    elif kind == "sqlite":
        directory = tmp_path_factory.mktemp("backup-sqlite")
        yield tuple(
            Database(
                "sqlite",
                f"{role}.sqlite3",
                site_environment(f"sqlite:///{directory}/{role}.sqlite3"),
            )
            for role in ("source", "destination")
        )
    else:
        pytest.skip(f"backups cover PostgreSQL and SQLite, not {kind}")


def postgresql_databases():
    """Two throwaway databases on the test run's own PostgreSQL server."""
    import psycopg2

    server = settings.DATABASES["default"]
    suffix = uuid.uuid4().hex[:8]
    names = [f"h_backup_src_{suffix}", f"h_backup_dst_{suffix}"]
    admin = psycopg2.connect(
        host=server["HOST"] or None,
        port=server["PORT"] or None,
        user=server["USER"] or None,
        password=server["PASSWORD"] or None,
        dbname="postgres",
    )
    admin.autocommit = True
    credentials = quote(server["USER"] or "postgres", safe="")
    if server["PASSWORD"]:
        credentials += ":" + quote(server["PASSWORD"], safe="")
    host = quote(server["HOST"] or "/var/run/postgresql", safe="")
    port = f":{server['PORT']}" if server["PORT"] else ""
    try:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f"CREATE DATABASE {name}")
        yield tuple(
            Database(
                "postgresql",
                name,
                site_environment(f"postgres://{credentials}@{host}{port}/{name}"),
            )
            for name in names
        )
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="module")
def round_trip(databases, tmp_path_factory):
    """Build the source, back it up, restore the backup into the empty destination."""
    source, destination = databases
    source.manage("migrate", "--noinput", "--verbosity", "0")
    source.manage("load_sample_data", "--verbosity", "0")
    source.manage("generate_listings", "20", "--seed", "3", "--verbosity", "0")
    source.shell(POPULATE)
    directory = tmp_path_factory.mktemp("backups")
    backed_up = source.manage("backup_database", "--output", f"{directory}/")
    (path,) = directory.iterdir()
    restored = destination.manage("restore_database", str(path), "--yes")
    return {
        "source": source,
        "destination": destination,
        "path": path,
        "backup_output": backed_up.stdout,
        "restore_output": restored.stdout,
        "source_data": source.dumpdata(),
    }


# --- The round trip ----------------------------------------------------------------


def test_backup_is_a_timestamped_file_only_its_owner_can_read(round_trip):
    path = round_trip["path"]
    assert re.fullmatch(r"emrj-\d{4}-\d\d-\d\d-\d{6}\.(dump|sqlite3)", path.name)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"Backed up the database to {path} (" in round_trip["backup_output"]


def test_restored_database_holds_exactly_what_was_backed_up(round_trip):
    data = round_trip["source_data"]
    models = {json.loads(item)["model"] for item in data}
    # History, personal data and accounts are in the backup, not only the listings.
    assert {
        "directory.listing",
        "directory.historicallisting",
        "directory.historicalorganisation",
        "directory.problemreport",
        "pages.page",
        "auth.user",
        "directory.searchsynonym",
    } <= models
    assert round_trip["destination"].dumpdata() == data


def test_restore_reports_what_the_database_now_holds(round_trip):
    output = round_trip["restore_output"]
    assert re.search(r"now holds \d+ listings, \d+ organisations and \d+ pages", output)
    # No Redis in these environments: each app server has its own cache to forget.
    assert "restart the app servers" in output


def test_search_works_on_the_restored_copy(round_trip):
    found = round_trip["destination"].shell(SEARCH)
    assert f"{SEARCH_WORD.title()} Restorative Service" in found


def test_postgresql_search_index_and_triggers_came_across(round_trip):
    destination = round_trip["destination"]
    if destination.kind != "postgresql":
        pytest.skip("PostgreSQL's search index: runs in the PostgreSQL test run")
    import psycopg2

    with psycopg2.connect(destination.env["DATABASE_URL"]) as db, db.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM directory_listing WHERE search_vector IS NULL")
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'directory_listing'"
            " AND indexdef LIKE '%gin%search_vector%'"
        )
        assert cursor.fetchone(), "the GIN index on search_vector is missing"
        # The trigger rewrites the search document of a renamed listing (then rolled back).
        cursor.execute(
            "UPDATE directory_listing SET name = 'Wombatshire'"
            " WHERE id = (SELECT min(id) FROM directory_listing)"
        )
        cursor.execute(
            "SELECT count(*) FROM directory_listing"
            " WHERE search_vector @@ plainto_tsquery('english', 'wombatshire')"
        )
        assert cursor.fetchone()[0] == 1
        db.rollback()


def test_sqlite_search_index_came_across(round_trip):
    destination = round_trip["destination"]
    if destination.kind != "sqlite":
        pytest.skip("SQLite's search index: runs in the SQLite test run")
    path = destination.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        found = db.execute(
            "SELECT count(*) FROM directory_listing_fts WHERE directory_listing_fts MATCH ?",
            (SEARCH_WORD,),
        ).fetchone()[0]
        triggers = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert found == 1
        assert triggers.fetchone()[0] > 0


def test_restore_over_a_changed_database_after_typing_its_name(round_trip):
    destination = round_trip["destination"]
    destination.shell(CHANGE_EVERYTHING)
    result = restore_typing(destination, round_trip["path"], destination.label)
    assert result.returncode == 0, result.stderr
    assert destination.dumpdata() == round_trip["source_data"]


def test_backup_to_a_named_file(round_trip, tmp_path):
    path = tmp_path / "new" / "latest-backup"
    result = round_trip["source"].manage("backup_database", "--output", str(path))
    assert f"Backed up the database to {path} (" in result.stdout
    check = round_trip["source"].manage("restore_database", "--check", str(path))
    assert "can be restored" in check.stdout


def test_restore_bumps_the_shared_page_cache_version(round_trip):
    if not reachable(REDIS):
        pytest.skip("the shared-cache check needs Redis at 127.0.0.1:6379")
    from django.core.cache.backends.redis import RedisCache

    redis_url, prefix = "redis://127.0.0.1:6379/14", f"h_backup_{uuid.uuid4().hex[:8]}"
    cache = RedisCache(redis_url, {"KEY_PREFIX": prefix})
    cache.set(VERSION_KEY, 1000, timeout=None)
    try:
        result = round_trip["destination"].manage(
            "restore_database",
            str(round_trip["path"]),
            "--yes",
            env={"REDIS_URL": redis_url, "DJANGO_CACHE_KEY_PREFIX": prefix},
        )
        assert cache.get(VERSION_KEY) > 1000
    finally:
        cache.delete(VERSION_KEY)
    assert "Pages cached before the restore will not be shown again." in result.stdout
    assert "restart the app servers" not in result.stdout


def test_restore_succeeds_and_says_so_when_the_cache_is_down(round_trip):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # a port nothing listens on
        port = unused.getsockname()[1]
        result = round_trip["destination"].manage(
            "restore_database",
            str(round_trip["path"]),
            "--yes",
            env={"REDIS_URL": f"redis://127.0.0.1:{port}/0"},
        )
    assert "Restored: the database now holds" in result.stdout
    assert "The cache could not be reached" in result.stdout


# --- Checking a backup, and refusing ---------------------------------------------


def test_check_reads_a_backup_without_restoring_it(round_trip):
    result = round_trip["destination"].manage(
        "restore_database", "--check", str(round_trip["path"])
    )
    assert "can be restored" in result.stdout
    assert "read all of it and found nothing wrong" in result.stdout


def test_restore_refuses_without_yes_when_no_one_can_type(round_trip):
    result = round_trip["destination"].manage(
        "restore_database", str(round_trip["path"]), check=False
    )
    assert result.returncode != 0
    assert "Run again with --yes" in result.stderr
    assert "Traceback" not in result.stderr


def test_restore_refuses_when_the_typed_name_is_wrong(round_trip):
    result = restore_typing(round_trip["destination"], round_trip["path"], "not-the-name")
    assert result.returncode != 0
    assert "nothing was restored" in result.stderr


def test_a_file_that_is_not_a_backup_is_refused_plainly(round_trip, tmp_path):
    junk = tmp_path / "photo.jpg"
    junk.write_bytes(os.urandom(4096))
    for command in (
        ["restore_database", str(junk), "--yes"],
        ["restore_database", "--check", str(junk)],
    ):
        result = round_trip["destination"].manage(*command, check=False)
        assert result.returncode != 0
        assert "is not a backup made by backup_database" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_damaged_backup_is_refused_before_anything_is_changed(round_trip, tmp_path):
    damaged = tmp_path / round_trip["path"].name
    data = bytearray(round_trip["path"].read_bytes())
    if round_trip["destination"].kind == "postgresql":
        # Damage near the end: the table of contents (pg_restore --list) still reads.
        for i in range(len(data) - 3000, len(data) - 2936):
            data[i] ^= 0xFF
    else:
        data = data[: len(data) // 2]
    damaged.write_bytes(bytes(data))
    result = round_trip["destination"].manage(
        "restore_database", str(damaged), "--yes", check=False
    )
    assert result.returncode != 0
    assert "damaged" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backup_of_the_other_kind_of_database_is_refused(round_trip, tmp_path):
    if round_trip["destination"].kind == "postgresql":
        other = tmp_path / "site.sqlite3"
        with sqlite3.connect(other) as db:
            db.execute("CREATE TABLE django_migrations (id integer)")
        expected = "This is a backup of a SQLite database, but the site's database is PostgreSQL"
    else:
        other = tmp_path / "site.dump"
        other.write_bytes(b"PGDMP" + os.urandom(1000))
        expected = "This is a backup of a PostgreSQL database, but the site's database is SQLite"
    result = round_trip["destination"].manage("restore_database", str(other), "--yes", check=False)
    assert result.returncode != 0
    assert expected in result.stderr


def test_sqlite_backup_while_another_connection_is_writing(round_trip, tmp_path):
    source = round_trip["source"]
    if source.kind != "sqlite":
        pytest.skip("SQLite's online backup: runs in the SQLite test run")
    writer = sqlite3.connect(source.env["DATABASE_URL"].removeprefix("sqlite:///"))
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE directory_listing SET name = 'Not committed'")
        result = source.manage("backup_database", "--output", f"{tmp_path}/")
    finally:
        writer.rollback()
        writer.close()
    assert "Backed up the database" in result.stdout
    (path,) = tmp_path.glob("emrj-*.sqlite3")
    with sqlite3.connect(path) as copy:
        changed = copy.execute(
            "SELECT count(*) FROM directory_listing WHERE name = 'Not committed'"
        )
        assert changed.fetchone()[0] == 0


def restore_typing(database, path, typed):
    """Run restore_database at a terminal (a pseudo-terminal) where ``typed`` is typed."""
    main, terminal = os.openpty()
    try:
        os.write(main, f"{typed}\n".encode())
        return database.manage("restore_database", str(path), check=False, stdin=terminal)
    finally:
        os.close(terminal)
        os.close(main)


# --- Which PostgreSQL programs, and how they are called ------------------------------


def fake_program(path, version):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{path.name} (PostgreSQL) {version}'\n")
    path.chmod(0o755)


@pytest.fixture
def installed_versions(tmp_path, monkeypatch):
    """PostgreSQL 14 and 16's pg_dump installed the Debian way, and none on PATH."""
    for version in ("14.11", "16.2"):
        fake_program(tmp_path / version.split(".")[0] / "bin" / "pg_dump", version)
    monkeypatch.setattr(backups, "POSTGRESQL_LIB", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    return tmp_path


def test_pg_dump_of_the_server_version_is_preferred(installed_versions):
    assert backups.find_pg_tool("pg_dump", 14) == installed_versions / "14" / "bin" / "pg_dump"
    assert backups.find_pg_tool("pg_dump", 16) == installed_versions / "16" / "bin" / "pg_dump"


def test_pg_dump_newer_than_the_server_is_used_when_its_own_is_missing(installed_versions):
    assert backups.find_pg_tool("pg_dump", 15) == installed_versions / "16" / "bin" / "pg_dump"


def test_pg_dump_older_than_the_server_is_never_used(installed_versions):
    with pytest.raises(backups.BackupError, match="postgresql-client-17"):
        backups.find_pg_tool("pg_dump", 17)


def test_pg_dump_gets_the_password_in_its_environment_not_its_arguments(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(backups, "server_major_version", lambda: 15)
    monkeypatch.setattr(backups, "find_pg_tool", lambda name, major: Path(f"/bin/{name}"))
    monkeypatch.setattr(backups, "_run", lambda args, **kwargs: calls.append((args, kwargs)))
    db = {
        "NAME": "emrj",
        "USER": "directory",
        "PASSWORD": "s3cret-password",
        "HOST": "db.example.org",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require", "options": "-c statement_timeout=10000"},
    }
    with open(tmp_path / "out", "wb") as file:
        backups._pg_dump(db, file)
    ((args, kwargs),) = calls
    assert not any("s3cret" in arg for arg in args)
    assert args[1:] == ["--format=custom", "--no-owner", "--no-privileges"]
    env = kwargs["env"]
    assert env["PGPASSWORD"] == "s3cret-password"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"]) == (
        "db.example.org",
        "5433",
        "directory",
        "emrj",
    )
    assert env["PGSSLMODE"] == "require"
    # The web requests' statement timeout must not cut a long backup short.
    assert "statement_timeout" not in env.get("PGOPTIONS", "")
