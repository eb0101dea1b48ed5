"""Back up the site's database to one file, check such a file, and restore it.

- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` in one transaction. The
  tools come from the PostgreSQL version the server runs (pg_dump refuses a newer
  server), and get the connection settings Django uses through libpq's environment
  variables, so the password never appears in a process list.
- SQLite: SQLite's online backup API, which copies a consistent snapshot while the
  site keeps running, both ways.

Restoring also bumps the page cache version, so no page cached before the restore
is served after it. ``manage.py backup_database`` and ``restore_database`` are the
way in; the README's "Operations" section says how to use them.
"""

import logging
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

POSTGRESQL = "postgresql"
SQLITE = "sqlite"
KIND_NAMES = {POSTGRESQL: "PostgreSQL", SQLITE: "SQLite"}
EXTENSIONS = {POSTGRESQL: ".dump", SQLITE: ".sqlite3"}
# The first bytes of each kind of file (pg_dump's custom format; any SQLite database).
MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
logger = logging.getLogger(__name__)

FILE_PREFIX = "emrj"
DEFAULT_DIRECTORY = settings.BASE_DIR / "backups"
# Every backup of this site has this table; a dump without it is of something else.
MIGRATIONS_TABLE = "django_migrations"
PROCESS_LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache",)
# Where Debian and Ubuntu install each PostgreSQL version's programs.
POSTGRESQL_LIB = Path("/usr/lib/postgresql")
# Django's connection OPTIONS that libpq also reads from the environment. "options"
# (statement_timeout, lock_timeout) is left out on purpose: a dump of a big database
# must not be cancelled after the few seconds a web request is allowed.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}


class BackupError(Exception):
    """Something an operator can put right, said in plain words."""


@dataclass
class CheckResult:
    kind: str
    details: list = field(default_factory=list)  # lines describing the backup


@dataclass
class RestoreResult:
    listings: int
    organisations: int
    pages: int
    warnings: list = field(default_factory=list)
    cache_bumped: bool = False  # pages cached before the restore are no longer served


# --- Which database -------------------------------------------------------------


def database_kind(db=None):
    """POSTGRESQL or SQLITE for the site's database settings (default: the site's)."""
    engine = (db or settings.DATABASES["default"])["ENGINE"]
    if engine.endswith("postgresql"):
        return POSTGRESQL
    if engine.endswith("sqlite3"):
        return SQLITE
    raise BackupError(f"Backups work with PostgreSQL and SQLite, not {engine}.")


def database_label(db=None):
    """The name an operator knows the database by, and types to confirm a restore."""
    db = db or settings.DATABASES["default"]
    if database_kind(db) == SQLITE:
        return Path(str(db["NAME"])).name
    return str(db["NAME"])


def file_kind(path):
    """POSTGRESQL or SQLITE from a file's first bytes; a BackupError if it is neither."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with path.open("rb") as file:
        start = file.read(16)
    for kind, magic in MAGIC.items():
        if start.startswith(magic):
            return kind
    hint = ""
    if start.lstrip().startswith((b"--", b"SET ", b"CREATE ", b"BEGIN")):
        hint = (
            " It looks like a plain SQL file: restore_database takes only the custom-format"
            " dumps that backup_database makes (a plain SQL file can be loaded with psql)."
        )
    raise BackupError(
        f"{path} is not a backup made by backup_database: it is neither a PostgreSQL"
        f" custom-format dump nor a SQLite database.{hint}"
    )


# --- Backing up -----------------------------------------------------------------


def backup_path(output=None, *, kind, now=None):
    """Where a backup goes: a timestamped file in ``output`` if that is a directory
    (or ends with a slash), ``output`` itself if it names a file, else in backups/."""
    stamp = timezone.localtime(now)
    name = f"{FILE_PREFIX}-{stamp:%Y-%m-%d-%H%M%S}{EXTENSIONS[kind]}"
    if output is None:
        return DEFAULT_DIRECTORY / name
    output_text = str(output)
    output = Path(output_text).expanduser()
    if output.is_dir() or output_text.endswith(("/", os.sep)):
        return output / name
    return output


def backup(output=None):
    """Back up the site's database; return the new file's path.

    The dump is written to a hidden file readable only by its owner (it holds personal
    data) and renamed into place once complete, so a failed backup never leaves a
    file that looks like a good one.
    """
    db = settings.DATABASES["default"]
    kind = database_kind(db)
    path = backup_path(output, kind=kind)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        if kind == POSTGRESQL:
            with os.fdopen(fd, "wb") as file:
                _pg_dump(db, file)
        else:
            os.close(fd)  # SQLite takes the empty file as an empty database
            _sqlite_copy(_sqlite_path(db, must_exist=True), partial)
        _fsync(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _fsync(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pg_dump(db, file):
    pg_dump = find_pg_tool("pg_dump", server_major_version())
    args = [str(pg_dump), "--format=custom", "--no-owner", "--no-privileges"]
    # The dump goes to our own 0600 file through stdout; the database comes from PGDATABASE.
    _run(args, env=libpq_environment(db), stdout=file, what="pg_dump could not back up")


# --- Checking a backup ------------------------------------------------------------


def check(path):
    """Read a whole backup without restoring it; return what it holds, or raise BackupError."""
    kind = file_kind(path)
    if kind == POSTGRESQL:
        return _check_postgresql(Path(path))
    return _check_sqlite(Path(path))


def _check_postgresql(path):
    pg_restore = find_pg_tool("pg_restore", _server_major_or_none())
    listing = _run(
        [str(pg_restore), "--list", str(path)],
        what=f"{path} is damaged or incomplete: pg_restore cannot read its contents",
    ).stdout
    if not re.search(rf"^\d+; .* TABLE DATA \S+ {MIGRATIONS_TABLE} ", listing, re.MULTILINE):
        raise BackupError(f"{path} is a PostgreSQL dump, but not of this site's database.")
    # --list reads only the table of contents: reading every row too (into nowhere)
    # finds a file cut short or damaged part way through.
    _run(
        [str(pg_restore), "--file", os.devnull, str(path)],
        what=f"{path} is damaged or incomplete: pg_restore cannot read all of it",
    )
    header = dict(re.findall(r"^;\s+([A-Za-z][^:]*):\s*(.*)$", listing, re.MULTILINE))
    created = re.search(r"^; Archive created at (.*)$", listing, re.MULTILINE)
    tables = len(re.findall(r"^\d+; .* TABLE DATA ", listing, re.MULTILINE))
    details = [
        f"A PostgreSQL backup of the database “{header.get('dbname', '?')}”",
        f"made at {created.group(1) if created else '?'}"
        f" from PostgreSQL {header.get('Dumped from database version', '?')},",
        f"with {tables} tables. pg_restore read all of it and found nothing wrong.",
    ]
    return CheckResult(POSTGRESQL, details)


def _check_sqlite(path):
    try:
        with _sqlite_read_only(path) as db:
            problems = [row[0] for row in db.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}")
            names = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
            if MIGRATIONS_TABLE not in names:
                raise BackupError(f"{path} is a SQLite database, but not of this site.")
            counts = _sqlite_counts(db, names)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged and cannot be read: {error}.") from error
    held = [f"{count} {label}" for label, count in counts.items()] or ["none of the site's data"]
    holding = " and ".join([", ".join(held[:-1]), held[-1]]) if len(held) > 1 else held[0]
    details = [
        f"A SQLite backup holding {holding}.",
        "SQLite's integrity check read all of it and found nothing wrong.",
    ]
    return CheckResult(SQLITE, details)


def _sqlite_counts(db, names):
    from directory.models import Listing, Organisation
    from pages.models import Page

    counts = {}
    for label, model in (("listings", Listing), ("organisations", Organisation), ("pages", Page)):
        table = model._meta.db_table
        if table in names:
            counts[label] = db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return counts


# --- Restoring ------------------------------------------------------------------


def restore_problem(path):
    """Why ``path`` cannot be restored into the site's database, or None.

    Checked before anyone is asked to confirm: the file is read in full, so a damaged
    backup is found before the database is touched.
    """
    db = settings.DATABASES["default"]
    kind = database_kind(db)
    try:
        found = file_kind(path)
        if found != kind:
            return (
                f"This is a backup of a {KIND_NAMES[found]} database, but the site's database"
                f" is {KIND_NAMES[kind]}: it can only be restored into {KIND_NAMES[found]}."
            )
        if kind == SQLITE:
            _sqlite_path(db)
        check(path)
    except BackupError as error:
        return str(error)
    return None


def restore(path):
    """Replace the site's database with the backup at ``path``; return what it now holds.

    Call ``restore_problem`` first. PostgreSQL restores in one transaction: if anything
    fails, the database is left as it was.
    """
    db = settings.DATABASES["default"]
    # Our own connection must not hold anything the restore has to drop or overwrite.
    connection.close()
    if database_kind(db) == POSTGRESQL:
        _pg_restore(db, Path(path))
    else:
        _sqlite_copy(Path(path), _sqlite_path(db))
    result = _summary()
    result.cache_bumped = _bump_page_cache()
    return result


def _bump_page_cache():
    """Make pages cached before the restore unreachable; False if the cache is out of reach.

    The database is already restored by then, so a cache that is down must not turn
    that success into an error: the command says what to do instead.
    """
    from sitecache.version import bump_version, current_version

    try:
        before = current_version()
        bump_version()
        after = current_version()
        return before is not None and after is not None and after != before
    except Exception as error:  # any cache backend's failure: reported, not raised
        logger.warning("Could not bump the page cache version after a restore: %s", error)
        return False


def _pg_restore(db, path):
    pg_restore = find_pg_tool("pg_restore", server_major_version())
    args = [
        str(pg_restore),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        # A connection string holding only the name: the rest comes from the environment.
        f"--dbname=dbname={_conninfo_quote(db['NAME'])}",
        str(path),
    ]
    _run(
        args,
        env=libpq_environment(db),
        what="pg_restore could not restore the backup, so nothing was changed",
    )
    with connection.cursor() as cursor:
        # A restore brings no planner statistics: gather them now rather than leaving
        # searches slow until autovacuum gets round to it.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("ANALYZE")
    connection.close()


def cache_is_shared():
    """Whether every app server uses the cache this process bumps (Redis), rather than
    each its own memory, which a restore run from the command line cannot reach."""
    return settings.CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES


def _summary():
    from django.db.migrations.executor import MigrationExecutor

    from directory.models import Listing, Organisation
    from pages.models import Page

    warnings = []
    executor = MigrationExecutor(connection)
    known = set(executor.loader.graph.nodes)
    if set(executor.loader.applied_migrations) - known:
        warnings.append(
            "The backup was made by a newer version of the site than this one: update the "
            "site's code to that version (then run manage.py migrate)."
        )
    elif executor.migration_plan(executor.loader.graph.leaf_nodes()):
        warnings.append(
            "The backup was made by an older version of the site: run manage.py migrate now."
        )
    return RestoreResult(
        listings=Listing.objects.count(),
        organisations=Organisation.objects.count(),
        pages=Page.objects.count(),
        warnings=warnings,
    )


# --- PostgreSQL's programs --------------------------------------------------------


def libpq_environment(db):
    """The environment for pg_dump and pg_restore: Django's connection settings as libpq's
    variables. Settings Django leaves empty keep whatever the environment says, as they
    do for Django's own connection."""
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if db.get("OPTIONS", {}).get(option) not in (None, ""):
            env[variable] = str(db["OPTIONS"][option])
    return env


def server_major_version():
    """The PostgreSQL server's major version (15 for 15.4), from SHOW server_version_num."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            number = int(cursor.fetchone()[0])
    except DatabaseError as error:
        raise BackupError(f"Could not connect to the database: {error}".strip()) from error
    finally:
        connection.close()
    return number // 10000


def _server_major_or_none():
    """The server's major version when the site runs on PostgreSQL (else any tool will do)."""
    if database_kind() != POSTGRESQL:
        return None
    try:
        return server_major_version()
    except BackupError:
        return None  # checking a file needs no server


def tool_major_version(program):
    """The major version of a PostgreSQL program ("pg_dump (PostgreSQL) 15.4" → 15)."""
    try:
        output = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"\)\s*(\d+)", output)
    return int(found.group(1)) if found else None


def find_pg_tool(name, server_major=None):
    """The ``name`` program (pg_dump, pg_restore) to use with a ``server_major`` server.

    pg_dump refuses a server newer than itself, and a newer pg_dump writes files that
    older pg_restores cannot read, so the server's own version is best, then the
    oldest newer one. Looks on PATH and in /usr/lib/postgresql/<version>/bin.
    """
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    candidates += sorted(POSTGRESQL_LIB.glob(f"*/bin/{name}"))
    versions = {}
    for program in candidates:
        if os.access(program, os.X_OK) and program not in versions:
            version = tool_major_version(program)
            if version is not None:
                versions[program] = version
    if server_major is None:
        usable = sorted(versions, key=lambda program: -versions[program])
    else:
        usable = sorted(
            (program for program, version in versions.items() if version >= server_major),
            key=lambda program: versions[program] - server_major,
        )
    if usable:
        return usable[0]
    wanted = f"PostgreSQL {server_major} or newer" if server_major else "PostgreSQL"
    package = f"postgresql-client-{server_major}" if server_major else "postgresql-client"
    raise BackupError(
        f"{name} for {wanted} was not found on PATH or in {POSTGRESQL_LIB}/<version>/bin."
        f" Install the PostgreSQL client programs (on Debian and Ubuntu: {package})."
    )


def _conninfo_quote(value):
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run(args, *, what, env=None, stdout=subprocess.PIPE):
    try:
        result = subprocess.run(args, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        raise BackupError(f"{what}: {error}.") from error
    if result.returncode != 0:
        raise BackupError(f"{what}:\n{result.stderr.strip()}")
    return result


# --- SQLite -----------------------------------------------------------------------


def _sqlite_path(db, *, must_exist=False):
    name = str(db["NAME"])
    if name == ":memory:" or "mode=memory" in name or name.startswith("file:"):
        raise BackupError("The database is held in memory, so there is nothing to back up.")
    path = Path(name)
    if must_exist and not path.is_file():
        raise BackupError(f"There is no database file at {path}.")
    return path


def _sqlite_read_only(path):
    return sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True)


def _sqlite_copy(source, target):
    """Copy one SQLite database over another with the online backup API: a consistent
    snapshot of ``source``, written to ``target`` under its lock, so the running site
    sees either all of the old database or all of the new one."""
    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5)
    reader = _sqlite_read_only(source)
    try:
        writer = sqlite3.connect(target, timeout=timeout)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    except sqlite3.Error as error:
        raise BackupError(f"Could not copy {source} to {target}: {error}.") from error
    finally:
        reader.close()
