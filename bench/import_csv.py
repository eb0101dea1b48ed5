"""Time a CSV import of 500, 2,000 and 5,000 rows on SQLite and PostgreSQL.

For each database and size: a fresh database with the areas and generated listings
(four fifths of the rows), exported with the CSV export; every row's summary is
edited, every second row's areas, every third row's delivery modes, every fifth
row's typical wait, and a fifth of the rows are new listings. The file then goes
through the admin's own two steps with Django's test client, in one process (no
server): the upload and preview, then the confirm. Printed for each: seconds and
SQL queries for reading and checking the file ("plan") and for saving it ("save"),
each request's seconds, the history records added and how often the page cache's
version was bumped, and the machine's load average (the seconds grow with it).
Figures, not assertions: gunicorn stops a request after 30 s.

Usage: .venv/bin/python bench/import_csv.py [--sizes 500,2000,5000]
       [--databases sqlite,postgresql] [--postgres postgres://postgres@127.0.0.1:5432/NAME]
"""

import argparse
import csv
import html
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/emrj_import_bench"
SIZES = "500,2000,5000"
IMPORT = "/admin/directory/listing/import/"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=SIZES, help="rows per file, comma-separated")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=POSTGRES_URL, help="database to (re)create")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)  # the worker's size
    args = parser.parse_args()
    if args.measure:
        print("RESULT " + json.dumps(measure(args.measure)), flush=True)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="emrj-import-bench-") as workdir:
        for database in args.databases.split(","):
            for size in [int(size) for size in args.sizes.split(",")]:
                env = settings_env(database, args.postgres, Path(workdir))
                print(f"== {database}, {size:,} rows: fresh database", flush=True)
                prepare(database, env, existing=size - size // 5)
                result = run_worker(env, size)
                results.append({"database": database, **result})
                print_table(results[-1:])
    print("\nAll runs:")
    print_table(results)


def settings_env(database, postgres_url, workdir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emrj.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)  # the local-memory cache: bumps are counted in-process
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'import-bench.sqlite3'}"
    else:
        env["DATABASE_URL"] = postgres_url
    return env


def prepare(database, env, *, existing):
    if database == "sqlite":
        Path(env["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        import psycopg2

        base, name = env["DATABASE_URL"].rsplit("/", 1)
        connection = psycopg2.connect(f"{base}/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
    for command in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["loaddata", "areas", "--verbosity", "0"],
        ["generate_listings", str(existing), "--seed", "3", "--verbosity", "0"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    if database == "postgresql":
        subprocess.run(
            [PYTHON, "manage.py", "dbshell", "--", "-c", "VACUUM ANALYZE"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def run_worker(env, size):
    result = subprocess.run(
        [PYTHON, __file__, "--measure", str(size)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"The measurement failed:\n{result.stdout}\n{result.stderr}")
    for line in result.stdout.splitlines():
        if line.startswith("NOTE "):
            print(line.removeprefix("NOTE "))
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


# (key, heading, width, format) of each printed column.
COLUMNS = [
    ("database", "database", 10, "{}"),
    ("rows", "rows", 6, "{:,}"),
    ("file_mb", "MB", 5, "{:.1f}"),
    ("creates", "new", 6, "{:,}"),
    ("updates", "changed", 7, "{:,}"),
    ("check_s", "check s", 7, "{:.2f}"),
    ("plan_s", "plan s", 7, "{:.2f}"),
    ("plan_queries", "plan q", 7, "{:,}"),
    ("save_s", "save s", 7, "{:.2f}"),
    ("save_queries", "save q", 7, "{:,}"),
    ("preview_s", "preview s", 9, "{:.2f}"),
    ("confirm_s", "confirm s", 9, "{:.2f}"),
    ("history", "history", 7, "{:,}"),
    ("bumps", "bumps", 6, "{:,}"),
    ("load", "load", 5, "{:.1f}"),
]


def print_table(results):
    """One line per run. check: reading and checking the file in the preview; plan and
    save: inside the confirm request (the plan is the locked re-check); preview and
    confirm: each request from start to response."""
    print(" ".join(f"{heading:>{width}}" for _, heading, width, _ in COLUMNS))
    for result in results:
        print(" ".join(f"{fmt.format(result[key]):>{width}}" for key, _, width, fmt in COLUMNS))


# --- The worker: runs inside Django, with the environment settings_env() made -------------


def measure(size):
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    from directory import bulk, services
    from directory.models import Listing
    from sitecache import version

    text = build_file(size)
    data = text.encode("utf-8")
    if len(data) > bulk.MAX_UPLOAD_BYTES:
        print(
            f"NOTE {len(data) / 1024 / 1024:.1f} MB is over the import's limit of "
            f"{bulk.MAX_UPLOAD_BYTES / 1024 / 1024:.0f} MB: lifted for this measurement",
            flush=True,
        )
        bulk.MAX_UPLOAD_BYTES = len(data) + 1

    queries = [0]

    def count(execute, *args):
        queries[0] += 1
        return execute(*args)

    phases = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start, before = time.perf_counter(), queries[0]
            result = function(*args, **kwargs)
            phases.setdefault(name, []).append(
                (time.perf_counter() - start, queries[0] - before, result)
            )
            return result

        return wrapper

    bulk.read_and_plan = timed("plan", bulk.read_and_plan)
    services.listings_import = timed("save", services.listings_import)

    user = User.objects.create_superuser("bench", "bench@example.org", "not-used")
    client = Client()
    client.force_login(user)
    history_before = Listing.history.count()
    version_before = version.current_version()
    with connection.execute_wrapper(count):
        start = time.perf_counter()
        preview = client.post(IMPORT, {"file": SimpleUploadedFile("bench.csv", data, "text/csv")})
        preview_s = time.perf_counter() - start
        found = re.search(r'name="payload" value="([^"]+)"', preview.content.decode())
        if preview.status_code != 200 or not found:
            sys.exit(f"The preview answered {preview.status_code}: {preview.content[:2000]!r}")
        plan = phases["plan"][0][2]
        payload = html.unescape(found[1])
        if len(payload) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            print(
                f"NOTE the confirm form ({len(payload) / 1024 / 1024:.1f} MB) is over "
                "DATA_UPLOAD_MAX_MEMORY_SIZE: lifted for this measurement",
                flush=True,
            )
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(payload) * 2
        start = time.perf_counter()
        confirm = client.post(IMPORT, {"payload": payload})
        confirm_s = time.perf_counter() - start
    if confirm.status_code != 302:
        sys.exit(f"The confirm answered {confirm.status_code}: {confirm.content[:2000]!r}")
    return {
        "rows": size,
        "creates": len(plan.creates),
        "updates": len(plan.updates),
        "file_mb": round(len(data) / 1024 / 1024, 2),
        # The preview checks the file, and the confirm checks it again, locked.
        "check_s": phases["plan"][0][0],
        "plan_s": phases["plan"][1][0],
        "plan_queries": phases["plan"][1][1],
        "save_s": phases["save"][0][0],
        "save_queries": phases["save"][0][1],
        "preview_s": preview_s,
        "confirm_s": confirm_s,
        "history": Listing.history.count() - history_before,
        "bumps": version.current_version() - version_before,
        # Other processes' share of the machine, for reading the seconds.
        "load": os.getloadavg()[0],
    }


def build_file(size):
    """Export the directory and edit it: ``size`` rows, a fifth of them new listings."""
    from directory import bulk
    from directory.models import Area, Listing, Term

    stream = io.StringIO()
    bulk.write_csv(stream, Listing.objects.all())
    rows = list(csv.DictReader(io.StringIO(stream.getvalue(), newline="")))
    areas = list(Area.objects.order_by("slug").values_list("slug", flat=True))
    modes = list(
        Term.objects.filter(vocabulary="delivery_mode")
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    for n, row in enumerate(rows):
        row["summary"] = f"Summary {n}: changed by the import benchmark."
        if n % 2 == 0:
            row["areas"] = "; ".join(areas[(n + k) % len(areas)] for k in range(2))
        if n % 3 == 0:
            row["delivery_modes"] = modes[n % len(modes)]
        if n % 5 == 0:
            row["typical_wait"] = "Usually within two weeks"
    new = [
        {**rows[n % len(rows)], "uuid": "", "slug": "", "name": f"Imported service {n} (fictional)"}
        for n in range(size - len(rows))
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([*rows, *new])
    return out.getvalue()


if __name__ == "__main__":
    main()
