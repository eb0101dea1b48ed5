"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium comes from the operating system (``apt-get install chromium``; .ci/run installs it),
never from ``playwright install``, which needs to download. One browser is shared by the whole
session; each test gets fresh browser contexts, so nothing (cookies, cache) leaks between tests.

Skip these tests locally with ``pytest -m "not browser"``.
"""

import json
import os
import shutil
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

# Playwright's sync API runs an event loop in the test thread, which makes Django refuse
# ORM calls there (SynchronousOnlyOperation) unless told it is safe. The test thread never
# shares a connection with the live server's thread, so it is.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
# Without these the browser tries to reach Google (updates, sync, field trials), and the
# machines have no network; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"375px": {"width": 375, "height": 812}, "1280px": {"width": 1280, "height": 900}}
EXIT_URL = "https://www.bbc.co.uk/weather"

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
RESULTS = ARTIFACTS / "browser-results"
REPORT = ARTIFACTS / "browser-report.md"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives Chromium against the live server (skip with -m 'not browser')"
    )


@pytest.fixture(scope="session")
def browser():
    """Return one headless Chromium for the whole session, or skip if it is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: install Debian's package "
            "(apt-get install chromium) to run the browser tests, or deselect them "
            'with -m "not browser"'
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server():
    """Run pytest-django's live server with WhiteNoise serving the static files.

    pytest-django's own static handler finds files by their source names, so it answers
    404 for the hashed names the manifest storage puts in pages; WhiteNoise serves the
    collected files (compressed, as in production), which is also what the budgets measure.
    """
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"), start=False)
    server.thread.static_handler = lambda handler: handler
    server.start()
    yield server
    server.stop()


_SEEDED_ROWS = {}


@pytest.fixture
def site(live_server):
    """Return the live server's address, with the sample areas and services loaded.

    The live server needs committed data, so these tests use a transactional database,
    which is emptied after each test. The flush re-creates what post_migrate makes (groups,
    permissions, the content files of pages/seeding.py) but not the rows the data
    migrations seed (vocabularies, national routes onward): the first browser test in a
    process keeps those, and later ones put them back.
    """
    from django.core import serializers

    from directory.models import Term
    from pages.models import OnwardRoute

    if "json" not in _SEEDED_ROWS:
        rows = [*Term.objects.all(), *OnwardRoute.objects.all()]
        _SEEDED_ROWS["json"] = serializers.serialize("json", rows)
    elif not Term.objects.exists():
        for row in serializers.deserialize("json", _SEEDED_ROWS["json"]):
            row.save()
    # Recording each listing's many-to-many history takes seconds per test, and no public
    # page reads the history, so the browser tests load the sample data without it.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("load_sample_data", verbosity=0)
    # Report-a-problem rate limits count in the cache, which outlives each test.
    cache.clear()
    return live_server.url.rstrip("/")


class Requests:
    """Every request a page makes, to check where it goes and what it weighs."""

    def __init__(self, page):
        self.all = []
        page.on("request", lambda request: self.all.append(request))

    def urls(self):
        return [request.url for request in self.all]

    def off_site(self, origin):
        return [url for url in self.urls() if _origin(url) != origin]

    def transferred_bytes(self):
        """Return the bytes received (headers and encoded body) over the network."""
        total = 0
        for request in self.all:
            sizes = request.sizes()
            total += sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
        return total


def _origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture
def open_page(browser, site):
    """Return a function opening a fresh context and page at a width, recording requests.

    Every request must stay on the live server: the only exception is the exit link's
    target, which is intercepted (``context.route``) so no real network is used, and which
    tests allow (``may_exit=True``) only where the visitor asks to leave.
    """
    opened = []

    def open_(width="1280px", *, javascript=True, may_exit=False):
        context = browser.new_context(
            viewport=WIDTHS[width], java_script_enabled=javascript, service_workers="block"
        )
        context.route(
            "https://www.bbc.co.uk/**",
            lambda route: route.fulfill(
                status=200, content_type="text/html", body="<title>Weather</title>neutral"
            ),
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.requests = Requests(page)
        opened.append((context, page, may_exit))
        return page

    yield open_

    for context, page, may_exit in opened:
        off_site = [
            url
            for url in page.requests.off_site(site)
            if not (may_exit and url.startswith(EXIT_URL))
        ]
        context.close()
        assert off_site == [], f"requests left the site: {off_site}"


_LOCAL_RUN = uuid.uuid4().hex


def _run_folder(config):
    """Return where this run keeps its rows: one folder shared by all xdist workers."""
    workerinput = getattr(config, "workerinput", None)
    run = workerinput["testrunuid"] if workerinput else _LOCAL_RUN
    return RESULTS / run


@pytest.fixture
def record_result(request):
    """Return a function keeping one row of the page table for the end of the session."""
    folder = _run_folder(request.config)

    def record(row):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{uuid.uuid4().hex}.json").write_text(json.dumps(row))

    return record


def pytest_sessionfinish(session):
    """Write artifacts/browser-report.md from this run's rows.

    Each xdist worker rewrites the whole table from all rows on disk, so the last worker
    to finish leaves the complete table.
    """
    folder = _run_folder(session.config)
    rows = [json.loads(path.read_text()) for path in folder.glob("*.json")]
    if not rows:
        return
    for old in RESULTS.iterdir():
        # Earlier runs' rows; a run still going on beside this one is left alone.
        if old != folder and old.stat().st_mtime < time.time() - 3600:
            shutil.rmtree(old, ignore_errors=True)
    rows.sort(key=lambda row: (row["order"], row["page"], row["width"]))
    lines = [
        "# Browser report",
        "",
        "Every public page type at both widths: axe-core violations (WCAG 2.0/2.1/2.2 A and AA),",
        "requests made and bytes transferred (headers and encoded bodies) on a fresh browser.",
        "",
        "| Page type | Width | Address | Axe violations | Requests | Bytes |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        violations = ", ".join(row["violations"]) or "0"
        lines.append(
            f"| {row['page']} | {row['width']} | `{row['path']}` | {violations} "
            f"| {row['requests']} | {row['bytes']:,} |"
        )
    partial = REPORT.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text("\n".join(lines) + "\n")
    partial.replace(REPORT)
