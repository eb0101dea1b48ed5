"""Benchmark the site and write docs/performance.md.

For each database (SQLite, PostgreSQL) and each size (500, 5,000 and 50,000 generated
listings, plus the sample data): a fresh database, then each page timed inside one Django
process with no page cache (the growth table). At 5,000 listings also the site under
gunicorn with production settings on 127.0.0.1 and wrk (a separate process) at 16
connections against a baseline page that touches no database and the real pages, with
the page cache off and then warm. Prints the tables and writes them, with the machine,
the targets met and PostgreSQL's plan for the text search, to docs/performance.md.
Figures, not assertions: see README.

Usage: .venv/bin/python bench/run.py [--duration 10] [--databases sqlite,postgresql]
       [--sizes 500,5000,50000]
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/emrj_bench"
REDIS_URL = "redis://127.0.0.1:6379/15"
CONNECTIONS = 16
WORKERS = 4
LISTINGS = 5000  # the size wrk measures at
SIZES = "500,5000,50000"

TEXT_SEARCH = "/services/?q=mediation&area=leicester-leicestershire-and-rutland&mode=letter-writing"
PAGES = [
    ("baseline (no database)", "/bench/baseline/"),
    ("home", "/"),
    ("search, unfiltered", "/services/"),
    ("search, text + 2 filters", TEXT_SEARCH),
    ("search by a place", "/services/?where=Loughborough"),
    ("listing", "/services/victim-first-restorative-justice/"),
    ("API /services", "/api/openreferral/services"),
]
# In one process only: the same search the first time its words are looked up since the
# last edit (the words' listings are then kept for the site version).
COLD_TEXT = ("search, text + 2 filters, words new", "cold:" + TEXT_SEARCH)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sizes", default=SIZES, help="listings to generate, comma-separated")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk (make bench does this)")

    workdir = Path(tempfile.mkdtemp(prefix="emrj-bench-"))
    try:
        sections, explain, growth = run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(["Targets:", *target_lines(sections, growth)]))
    write_report(Path(args.output), sections, explain, growth, args.duration)
    print(f"Wrote {args.output}")


def run(args, workdir):
    sections, explain, growth = [], None, []
    sizes = [int(size) for size in args.sizes.split(",")]
    for database in args.databases.split(","):
        env = settings_env(database, workdir)
        for size in sizes:
            print(f"== {database}: fresh database, sample data and {size:,} listings", flush=True)
            prepare_database(database, env, size)
            costs, index = in_process(env)
            print_costs(costs, index)
            growth.append((database, size, costs, index))
            if size != LISTINGS:
                continue
            for mode, cache_env in cache_modes():
                print(f"== {database}, {mode}", flush=True)
                rows = measure({**env, **cache_env}, args.duration)
                print_table(rows)
                sections.append((database, mode, rows))
            if database == "postgresql":
                explain = search_plan(env)
    return sections, explain, growth


def settings_env(database, workdir):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emrj.bench_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_LOG_LEVEL": "ERROR",
    }
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        env["DATABASE_URL"] = POSTGRES_URL
    env.pop("REDIS_URL", None)
    return env


def cache_modes():
    # Redis, as in production: every gunicorn worker shares the site version, the facet
    # index and the words' listings. Uncached means no page cache and no facet-count cache.
    redis = {"REDIS_URL": REDIS_URL}
    off = {"DJANGO_PAGE_CACHE_SECONDS": "0", "DJANGO_FACET_CACHE_SECONDS": "0"}
    yield "page cache off", {**redis, **off}
    yield "page cache warm", {**redis, "DJANGO_PAGE_CACHE_SECONDS": "600"}


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare_database(database, env, size):
    if database == "sqlite":
        Path(env["DATABASE_URL"].removeprefix("sqlite:///")).unlink(missing_ok=True)
    if database == "postgresql":
        import psycopg2

        connection = psycopg2.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS emrj_bench WITH (FORCE)")
            cursor.execute("CREATE DATABASE emrj_bench")
        connection.close()
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_sample_data", "--verbosity", "0")
    manage(env, "generate_listings", str(size), "--verbosity", "0")
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    if database == "postgresql":
        manage(env, "dbshell", "--", "-c", "VACUUM ANALYZE")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(env, duration):
    # The benchmark's own Redis database, emptied: nothing kept from another database or
    # size (the site version, the facet index) may answer for this one.
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    port = free_port()
    server = subprocess.Popen(
        [GUNICORN, "emrj.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        rows = []
        for name, path in PAGES:
            check_ok(base + path)
            wrk(base + path, max(2, duration // 5))  # warm up: caches, connections, workers
            rows.append({"page": name, "path": path, **wrk(base + path, duration)})
        baseline = rows[0]["rps"]
        for row in rows:
            row["ratio"] = row["rps"] / baseline if baseline else 0
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(base):
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/bench/baseline/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def check_ok(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        if response.status != 200:
            sys.exit(f"{url} answered {response.status}, not 200")


def wrk(url, duration):
    result = subprocess.run(
        [
            "wrk",
            "--threads",
            "1",
            "--connections",
            str(CONNECTIONS),
            "--duration",
            f"{duration}s",
            "--timeout",
            "10s",
            "--script",
            str(ROOT / "bench" / "report.lua"),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    errors = sum(figures[k] for k in ("connect", "read", "write", "timeout"))
    return {
        "rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "p50_ms": figures["p50_us"] / 1000,
        "p95_ms": figures["p95_us"] / 1000,
        "errors": errors,
        "non_2xx": figures["status"],
        "requests": figures["requests"],
    }


# Under wrk at 5,000 listings, page cache off: (pages, minimum share of the baseline's
# requests per second). In one process, no page cache: (pages, most ms at 5,000 and at
# 50,000 listings). Issue 16's targets.
RATIO_TARGETS = [
    (["search, text + 2 filters", "search, unfiltered", "search by a place"], 0.10),
    (["listing", "API /services"], 0.20),
]
SEARCHES = ["search, text + 2 filters", "search, unfiltered", "search by a place"]
MS_TARGETS = [
    (SEARCHES, {5000: 15, 50000: 40}),
    (["API /services"], {50000: 30}),
]
MAX_LISTING_QUERIES = 4
WARM_RATIO = 0.70


def target_lines(sections, growth):
    """Say, from the figures, which targets this run met."""
    lines = []
    clean = all(r["errors"] == 0 and r["non_2xx"] == 0 for _, _, rows in sections for r in rows)
    lines.append(f"- Zero errors and zero non-2xx responses: {'met' if clean else 'NOT met'}.")
    for database, mode, rows in sections:
        if mode == "page cache off":
            for pages, minimum in RATIO_TARGETS:
                for r in (r for r in rows if r["page"] in pages):
                    verdict = "met" if r["ratio"] >= minimum else "NOT met"
                    lines.append(
                        f"- {r['page']}, page cache off, ≥ {minimum:.0%} of the baseline under "
                        f"wrk ({database_name(database)}): {verdict}, {r['ratio']:.1%}."
                    )
        else:
            worst = min(rows[1:], key=lambda r: r["ratio"])
            verdict = "met" if worst["ratio"] >= WARM_RATIO else "NOT met"
            lines.append(
                f"- every public page, page cache warm, ≥ {WARM_RATIO:.0%} "
                f"({database_name(database)}): {verdict}, lowest {worst['ratio']:.0%} "
                f"({worst['page']})."
            )
    for database, size, costs, _index in growth:
        for pages, limits in MS_TARGETS:
            if size not in limits:
                continue
            for c in (c for c in costs if c["page"] in pages):
                verdict = "met" if c["ms"] <= limits[size] else "NOT met"
                lines.append(
                    f"- {c['page']} ≤ {limits[size]} ms in one process at {size:,} listings "
                    f"({database_name(database)}): {verdict}, {c['ms']:.1f} ms."
                )
        listing = next((c for c in costs if c["page"] == "listing"), None)
        if listing is not None:
            verdict = "met" if listing["queries"] <= MAX_LISTING_QUERIES else "NOT met"
            lines.append(
                f"- listing page ≤ {MAX_LISTING_QUERIES} queries at {size:,} listings "
                f"({database_name(database)}): {verdict}, {listing['queries']:.0f}."
            )
    return lines


def database_name(database):
    return "SQLite" if database == "sqlite" else "PostgreSQL"


def print_table(rows):
    header = ("req/s", "p50 ms", "p95 ms", "errors", "non-2xx", "ratio")
    print(f"{'page':28} " + " ".join(f"{h:>8}" for h in header))
    for r in rows:
        print(
            f"{r['page']:28} {r['rps']:8.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
            f"{r['errors']:8d} {r['non_2xx']:8d} {r['ratio']:8.0%}"
        )


def in_process(env):
    """Time each page inside one Django process, no page cache: see bench/inprocess.py.
    Return the pages' figures and the facet index's."""
    env = {**env, "DJANGO_PAGE_CACHE_SECONDS": "0", "DJANGO_FACET_CACHE_SECONDS": "0"}
    pages = [*PAGES, COLD_TEXT]
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "inprocess.py"), *(path for _, path in pages)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    names = {path: name for name, path in pages}
    costs, index = [], None
    for figures in map(json.loads, result.stdout.splitlines()):
        if figures.get("index"):
            index = figures
        else:
            costs.append({**figures, "page": names[figures["path"]]})
    return costs, index


def print_costs(costs, index):
    print(f"{'in one process, no cache':36} {'ms':>8} {'queries':>8} {'SQL ms':>8}")
    for c in costs:
        print(f"{c['page']:36} {c['ms']:8.2f} {c['queries']:8.0f} {c['sql_ms']:8.2f}")
    print(f"facet index: {index['build_ms']:.0f} ms to build, {index['bytes'] / 1000:.0f} kB")


def growth_section(growth):
    sizes = sorted({size for _, size, _, _ in growth})
    databases = list(dict.fromkeys(database for database, _, _, _ in growth))
    by = {(database, size): (costs, index) for database, size, costs, index in growth}
    pages = [name for name, _ in [*PAGES, COLD_TEXT]]
    lines = [
        "## How the uncached pages grow with the directory",
        "",
        "Each page requested 50 times inside one Django process (Django's test client: no "
        "server, network or load generator), no page cache, on a fresh database with the "
        "sample data and that many generated listings: milliseconds per request, and (in "
        "brackets) queries and the milliseconds they took. The facet index is built once per "
        "site version (any edit) and kept; its row says how long building it takes and its "
        'pickled size. "Words new" is the text search the first time its words are looked '
        "up since the last edit; after that they are kept for the site version.",
        "",
        "| Page | "
        + " | ".join(f"{database_name(d)} {size:,}" for d in databases for size in sizes)
        + " |",
        "| --- |" + " ---: |" * (len(databases) * len(sizes)),
    ]
    for page in pages:
        cells = []
        for database in databases:
            for size in sizes:
                costs, _index = by.get((database, size), ([], None))
                c = next((c for c in costs if c["page"] == page), None)
                cells.append(
                    f"{c['ms']:.1f} ({c['queries']:.0f} q, {c['sql_ms']:.1f} ms)" if c else "–"
                )
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    cells = []
    for database in databases:
        for size in sizes:
            index = by.get((database, size), ([], None))[1]
            cells.append(
                f"{index['build_ms']:.0f} ms, {index['bytes'] / 1000:.0f} kB" if index else "–"
            )
    lines += ["| facet index: build, size | " + " | ".join(cells) + " |", ""]
    return lines


# A word few listings contain, and one two in five generated listings contain.
EXPLAINED_SEARCHES = ["remedi", "mediation"]


def search_plan(env):
    """EXPLAIN ANALYZE of the search page's text query, run through Django."""
    plans = []
    for words in EXPLAINED_SEARCHES:
        code = (
            "import django; django.setup();"
            "from django.db import connection;"
            "from directory.models import Listing;"
            f"sql, params = Listing.objects.published().search({words!r}).query.sql_with_params();"
            "cursor = connection.cursor();"
            "cursor.execute('EXPLAIN ANALYZE ' + sql, params);"
            "print(chr(10).join(row[0] for row in cursor.fetchall()))"
        )
        result = subprocess.run(
            [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        plans.append((words, result.stdout.strip()))
    return plans


def machine():
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found[1] if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        found = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        memory = f", {int(found[1]) / 1024 / 1024:.0f} GiB memory" if found else ""
    versions = []
    for command in (["wrk", "--version"], ["psql", "--version"], ["redis-server", "--version"]):
        try:
            output = subprocess.run(command, capture_output=True, text=True).stdout
            versions.append(output.splitlines()[0].strip() if output else command[0])
        except OSError:
            pass
    import sqlite3

    import django

    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; {platform.platform()}; "
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"SQLite {sqlite3.sqlite_version}; " + "; ".join(versions)
    )


def explain_section(plans):
    lines = [
        "## PostgreSQL text search uses the GIN index",
        "",
        "The weighted document (name A, summary B, description C) is stored on each listing, "
        "kept current by a trigger on every insert and update (directory/migrations/0005), and "
        f"indexed with GIN. `EXPLAIN ANALYZE` of the search page's text query, with {LISTINGS:,} "
        "generated listings plus the sample data. A selective word is found through the index; "
        "a word in two of every five listings is cheaper to find by reading the table, and the "
        "planner rightly does that.",
        "",
    ]
    for words, plan in plans:
        lines += [f'Published listings matching "{words}":', "", "```", plan, "```", ""]
    return lines


def write_report(path, sections, explain, growth, duration):
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand. Figures from one run on "
        f"{date.today().isoformat()}.",
        "",
        f"**Machine:** {machine()}.",
        "",
        "Where an uncached search's remaining milliseconds go, and why some targets are not "
        "met: [performance-notes.md](performance-notes.md).",
        "",
        f"**Method (wrk):** a fresh database with the sample data and {LISTINGS:,} generated "
        "listings; "
        f"gunicorn ({WORKERS} sync workers) with production settings on 127.0.0.1; wrk from a "
        f"second process, {CONNECTIONS} connections, {duration} s per page after a warm-up. "
        "The ratio is the page's requests per second over the baseline's (a trivial page that "
        "touches no database, served by the same server through the same middleware) in the "
        "same run. Load generator and server share the machine's cores, so absolute figures "
        "are low; the ratios are what to compare.",
        "",
        "Two ways, both with Redis as in production: the page cache off (and the facet-count "
        "cache off: every search is counted from the facet index), and the page cache warm. "
        "Targets (issue 16): uncached searches at least 10 % of the baseline's requests per "
        "second, a listing and the API at least 20 %; in one process, uncached searches at "
        "most 15 ms at 5,000 listings and 40 ms at 50,000, the API at most 30 ms at 50,000, a "
        "listing page at most 4 queries; with the page cache warm, every page at least 70 %.",
        "",
    ]
    for database, mode, rows in sections:
        lines += [
            f"## {database_name(database)}, {mode}",
            "",
            "| Page | Requests/s | p50 ms | p95 ms | Errors | Non-2xx | Ratio to baseline |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in rows:
            lines.append(
                f"| {r['page']} (`{r['path']}`) | {r['rps']:.1f} | {r['p50_ms']:.1f} | "
                f"{r['p95_ms']:.1f} | {r['errors']} | {r['non_2xx']} | {r['ratio']:.0%} |"
            )
        lines.append("")
    lines += ["## Targets in this run", "", *target_lines(sections, growth), ""]
    lines += growth_section(growth)
    if explain:
        lines += explain_section(explain)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
