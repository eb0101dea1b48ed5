"""A database that is down, hung or locked: visitors get a calm 503 page, never a 500, and
cached pages are still served.

The first tests run in-process: the handler's choice of page, JSON under /api/, and that
the 503 page makes no query. The rest start a throwaway PostgreSQL cluster of their own
(initdb under /tmp, trust auth, a free port) and the site under gunicorn against it, with
short timeouts set through the environment as in production, then stop the database,
hold a lock on the listings table, or freeze the postmaster with SIGSTOP.
"""

import contextlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.test import Client
from django.urls import get_resolver, path

from emrj import urls as site_urls
from emrj.errors import server_error

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
LISTING = "/services/victim-first-restorative-justice/"
LISTING_NAME = "Victim First"
FRIENDLY = "The directory is having trouble at the moment. Please try again in a few minutes."
LEAKS = ("Traceback", "OperationalError", "psycopg2", "could not connect", "timeout expired")


# --- In-process: the handler and its pages ---------------------------------------------------

RAISED = {
    "operational": lambda: OperationalError("connection to server failed: Connection refused"),
    "interface": lambda: InterfaceError("connection already closed"),
    "database": lambda: DatabaseError("server closed the connection unexpectedly"),
    "integrity": lambda: IntegrityError("duplicate key value violates unique constraint"),
    "value": lambda: ValueError("a bug in a view"),
}


def fails_with(request, error):
    """Raise the error named in the URL, as a view hitting a broken database would."""
    if error == "wrapped":
        raise RuntimeError("could not build the page") from RAISED["operational"]()
    raise RAISED[error]()


class DatabaseDownAfterSessions:
    """A middleware whose database query fails, like sessions or auth loading a user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("could not connect to server")


# This module is also the URLconf of the in-process tests, with the site's own handler500.
urlpatterns = [
    path("fault/<str:error>/", fails_with),
    path("api/fault/<str:error>/", fails_with),
]
handler500 = site_urls.handler500


@pytest.fixture
def visitor():
    """A browser, rather than the test client's default of re-raising the view's error."""
    return Client(raise_request_exception=False)


def test_the_site_uses_the_database_aware_error_handler():
    assert get_resolver("emrj.urls").resolve_error_handler(500) is server_error


@pytest.mark.parametrize("error", ["operational", "interface", "database", "wrapped"])
@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_database_outage_gets_the_friendly_503_page(visitor, error):
    response = visitor.get(f"/fault/{error}/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "Sorry, the directory is having trouble" in html
    assert FRIENDLY in html
    assert not any(leak in html for leak in LEAKS)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_503_page_says_what_to_do_in_danger_and_keeps_the_sites_look(visitor):
    html = visitor.get("/fault/operational/").content.decode()
    assert "If you are in danger now, call 999." in html
    assert "press 55" in html
    assert "Exit this page" in html
    assert "/static/css/site." in html
    assert "East Midlands Restorative Justice Directory" in html


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_503_page_is_not_kept_by_any_cache_and_sets_no_cookie(visitor):
    response = visitor.get("/fault/operational/")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert visitor.get("/fault/operational/")["X-Page-Cache"] == "miss"


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_503_page_makes_no_database_query(visitor, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = visitor.get("/fault/operational/")
    assert response.status_code == 503


@pytest.mark.django_db
def test_rendering_the_503_page_alone_makes_no_database_query(rf, django_assert_num_queries):
    request = rf.get("/services/")
    try:
        raise OperationalError("canceling statement due to statement timeout")
    except OperationalError:
        with django_assert_num_queries(0):
            response = server_error(request)
    assert response.status_code == 503
    assert FRIENDLY in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_database_outage_in_a_middleware_gets_the_503_page(visitor, settings):
    sessions = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: sessions + 1],
        f"{__name__}.DatabaseDownAfterSessions",
        *settings.MIDDLEWARE[sessions + 1 :],
    ]
    response = visitor.get("/fault/value/")
    assert response.status_code == 503
    assert FRIENDLY in response.content.decode()


@pytest.mark.parametrize("error", ["integrity", "value"])
@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_other_errors_still_get_the_500_page(visitor, error):
    response = visitor.get(f"/fault/{error}/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "Retry-After" not in response


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_api_answers_a_database_outage_in_json(visitor):
    response = visitor.get("/api/fault/operational/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "120"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert json.loads(response.content) == {"message": FRIENDLY}


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_the_api_answers_other_errors_in_json(visitor):
    response = visitor.get("/api/fault/value/")
    assert response.status_code == 500
    assert set(json.loads(response.content)) == {"message"}
    assert "Retry-After" not in response


# --- A throwaway PostgreSQL cluster and the site under gunicorn -------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin():
    """Return the folder holding initdb and pg_ctl, or skip."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists():
            return folder
    pytest.skip("database fault tests: PostgreSQL's initdb is not installed")


class Cluster:
    """A PostgreSQL cluster of our own under /tmp, on a free port, trusting local users."""

    def __init__(self):
        self.bin = postgres_bin()
        self.user = None
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            try:
                self.user = pwd.getpwnam("postgres").pw_name
            except KeyError:
                pytest.skip("database fault tests: running as root, and there is no postgres user")
        self.root = Path(tempfile.mkdtemp(prefix="emrj-dbfaults-"))
        if self.user:
            shutil.chown(self.root, self.user)
        self.data = self.root / "data"
        self.port = free_port()
        self.running = False

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, program, *args):
        result = subprocess.run(
            [str(self.bin / program), *args],
            user=self.user,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            raise RuntimeError(f"{program} failed: {result.stderr or result.stdout}")

    def create(self):
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def start(self):
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip
        self.running = True

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        self.running = False

    def postmaster_pid(self):
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def connect(self, name):
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=name)

    def destroy(self):
        with contextlib.suppress(Exception):
            os.kill(self.postmaster_pid(), signal.SIGCONT)  # in case a test left it frozen
        if self.running:
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = build_opener(NoRedirect)


class Answer:
    def __init__(self, response, elapsed):
        self.status = response.status
        self.headers = response.headers
        self.text = response.read().decode()
        self.elapsed = elapsed


def fetch(url, **headers):
    """GET ``url`` like a browser that does not follow redirects; errors are answers too."""
    started = time.monotonic()
    try:
        response = OPENER.open(Request(url, headers=headers), timeout=30)
    except HTTPError as error:
        response = error
    return Answer(response, time.monotonic() - started)


def fresh(url):
    """``url`` with a query string no earlier request used, so the page cache cannot answer."""
    return f"{url}?visit={uuid.uuid4().hex}"


class Site:
    """The site under gunicorn: one worker, so one stuck request would stall every other."""

    def __init__(self, env, log):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        with open(log, "wb") as output:
            self.process = subprocess.Popen(
                [str(GUNICORN), "emrj.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1"],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        for _ in range(150):
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                if fetch(self.base + "/healthz").status == 200:
                    return
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer: {self.log.read_text()[-2000:]}")

    def get(self, url, **headers):
        return fetch(self.base + url, **headers)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def cluster():
    made = Cluster()
    try:
        made.create()
        made.start()
        with contextlib.closing(made.connect("postgres")) as admin:
            admin.autocommit = True
            admin.cursor().execute("CREATE DATABASE emrj")
        yield made
    finally:
        made.destroy()


@pytest.fixture(scope="module")
def site(cluster):
    """The sample data in the cluster, and gunicorn with short timeouts and the page cache on."""
    if not GUNICORN.exists():
        pytest.skip("database fault tests: gunicorn is not installed")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in ("REDIS_URL", "DATABASE_URL")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "emrj.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "database-fault-tests-only-secret-key-0123456789",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": cluster.url("emrj"),
    }

    def manage(*args):
        done = subprocess.run(
            [sys.executable, "manage.py", *args, "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode:
            pytest.fail(f"manage.py {args[0]} failed: {done.stderr[-2000:]}")

    manage("migrate", "--noinput")
    manage("load_sample_data")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage("collectstatic", "--noinput")
    # Only the server gets the short timeouts: migrations may take longer than half a second.
    served = Site(
        env
        | {
            "DJANGO_DB_CONNECT_TIMEOUT": "2",
            "DJANGO_DB_STATEMENT_TIMEOUT": "500",
            "DJANGO_CONN_MAX_AGE": "0",  # a new connection each request, as behind PgBouncer
            "DJANGO_PAGE_CACHE_SECONDS": "600",  # local memory: right for the one worker
        },
        cluster.root / "gunicorn.log",
    )
    yield served
    served.stop()


@contextlib.contextmanager
def database_stopped(cluster):
    cluster.stop()
    try:
        yield
    finally:
        cluster.start()


@contextlib.contextmanager
def postmaster_frozen(cluster):
    """SIGSTOP the postmaster: connections are accepted by the kernel and never answered."""
    pid = cluster.postmaster_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


@contextlib.contextmanager
def listings_table_locked(cluster):
    """Hold ACCESS EXCLUSIVE on the listings table from another connection, as a long
    migration or a stuck transaction would."""
    with contextlib.closing(cluster.connect("emrj")) as other:
        other.cursor().execute("LOCK TABLE directory_listing IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            other.rollback()


def assert_friendly_503(answer):
    assert answer.status == 503, answer.text[:500]
    assert answer.headers["Retry-After"] == "120"
    assert FRIENDLY in answer.text
    assert "If you are in danger now, call 999." in answer.text
    assert not any(leak in answer.text for leak in LEAKS)
    # The middleware outside the failure still ran: headers as usual, and no cookie.
    assert "Content-Security-Policy" in answer.headers
    assert "Set-Cookie" not in answer.headers


def test_a_cached_page_is_served_while_the_database_is_stopped(site, cluster):
    assert site.get(LISTING).headers["X-Page-Cache"] == "miss"
    with database_stopped(cluster):
        answer = site.get(LISTING)
        assert answer.status == 200
        assert answer.headers["X-Page-Cache"] == "hit"
        assert LISTING_NAME in answer.text


def test_a_stopped_database_gets_the_friendly_503_page_not_a_500(site, cluster):
    with database_stopped(cluster):
        for url in (LISTING, "/", "/services/", "/areas/", "/information/"):
            assert_friendly_503(site.get(fresh(url)))
        # Even the page-not-found page, whose footer comes from the database.
        assert_friendly_503(site.get("/no-such-page/"))
    assert site.get(fresh(LISTING)).status == 200


def test_a_stopped_database_gets_the_503_page_when_sessions_and_auth_need_it(site, cluster):
    with database_stopped(cluster):
        # A signed-in cookie skips the page cache; loading the session needs the database.
        assert_friendly_503(site.get(LISTING, Cookie="sessionid=abcdefghijklmnopqrstuvwxyz0123"))
        assert_friendly_503(site.get("/admin/", Cookie="sessionid=abcdefghijklmnopqrstuvwxyz0123"))


def test_the_api_answers_a_stopped_database_in_json(site, cluster):
    with database_stopped(cluster):
        answer = site.get(fresh("/api/openreferral/services"))
    assert answer.status == 503
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Retry-After"] == "120"
    assert json.loads(answer.text) == {"message": FRIENDLY}


def test_readyz_fails_and_healthz_stays_ok_while_the_database_is_stopped(site, cluster):
    assert site.get("/readyz").status == 200
    with database_stopped(cluster):
        assert site.get("/healthz").status == 200
        ready = site.get("/readyz")
        assert ready.status == 503
        assert json.loads(ready.text)["checks"] == {"database": "failed", "cache": "ok"}
    assert site.get("/readyz").status == 200


def test_a_locked_table_gives_503_after_the_lock_timeout_and_the_site_recovers(site, cluster):
    with listings_table_locked(cluster):
        answer = site.get(fresh(LISTING))
        assert_friendly_503(answer)
        print(f"listing page with its table locked: 503 after {answer.elapsed:.2f} s")
        # The one worker is free again, and the rest of the database still answers.
        assert site.get("/healthz").status == 200
        assert site.get("/readyz").status == 200
    assert site.get(fresh(LISTING)).status == 200


def test_a_hung_database_gives_503_within_the_connect_timeout(site, cluster):
    with postmaster_frozen(cluster):
        answer = site.get(fresh(LISTING))
        assert_friendly_503(answer)
        print(f"listing page with the postmaster frozen: 503 after {answer.elapsed:.2f} s")
        assert site.get("/healthz").status == 200
    assert site.get(fresh(LISTING)).status == 200
