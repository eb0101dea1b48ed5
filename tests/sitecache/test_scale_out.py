"""Two app servers, one PostgreSQL database, one Redis cache: an edit through one is
seen on the other's very next response, and a session from one works on the other.

Starts real gunicorn processes with production settings, so it needs PostgreSQL at
127.0.0.1:5432 and Redis at 127.0.0.1:6379 (CI has both); without them it is skipped.
"""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
POSTGRES = ("127.0.0.1", 5432)
REDIS = ("127.0.0.1", 6379)
LISTING = "/services/victim-first-restorative-justice/"
PASSWORD = "scale-out-test-password-2026"


def reachable(address):
    try:
        socket.create_connection(address, timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not (reachable(POSTGRES) and reachable(REDIS)),
    reason="the scale-out test needs PostgreSQL at 127.0.0.1:5432 and Redis at 127.0.0.1:6379",
)


@pytest.fixture(scope="module")
def environment():
    """A fresh PostgreSQL database with the sample data and a superuser; Redis keys of our own."""
    import psycopg2

    name = f"emrj_scaleout_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(host=POSTGRES[0], port=POSTGRES[1], user="postgres", dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emrj.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "scale-out-test-secret-key-shared-by-both-servers-01234",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "",
        "DATABASE_URL": f"postgres://postgres@{POSTGRES[0]}:{POSTGRES[1]}/{name}",
        "REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/14",
        "DJANGO_CACHE_KEY_PREFIX": name,
        # Generous, for busy CI machines: a timeout would turn an expected hit into a miss.
        "DJANGO_REDIS_TIMEOUT_SECONDS": "5",
    }

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)

    try:
        manage("migrate", "--noinput", "--verbosity", "0")
        manage("load_sample_data", "--verbosity", "0")
        if not (ROOT / "staticfiles" / "staticfiles.json").exists():
            manage("collectstatic", "--noinput", "--verbosity", "0")
        code = (
            "import django; django.setup(); from django.contrib.auth.models import User; "
            f"User.objects.create_superuser('forum', 'forum@example.org', '{PASSWORD}')"
        )
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
        yield env
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="module")
def servers(environment):
    """Start instances A and B: two gunicorn processes on two ports."""
    started = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [GUNICORN, "emrj.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                cwd=ROOT,
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            started.append(process)
            wait_until_up(f"http://127.0.0.1:{port}", process)
            process.base = f"http://127.0.0.1:{port}"
        yield [process.base for process in started]
    finally:
        for process in started:
            process.terminate()
            process.wait(timeout=30)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base, process):
    for _ in range(150):
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            build_opener().open(base + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn at {base} did not answer")


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A visitor with a cookie jar, who does not follow redirects."""

    def __init__(self):
        self.cookies = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.cookies), NoRedirect)

    def get(self, url):
        return self.send(Request(url))

    def post(self, url, fields):
        body = urlencode(fields, doseq=True).encode()
        return self.send(Request(url, data=body, headers={"Referer": url}))

    def send(self, request):
        try:
            response = self.opener.open(request, timeout=30)
        except HTTPError as error:
            response = error
        response.text = response.read().decode()
        return response


class FormFields(HTMLParser):
    """The fields a browser would submit from the page's form with id ``form_id``."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select, self.textarea = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None


def sign_in(browser, base):
    page = browser.get(f"{base}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    response = browser.post(
        f"{base}/admin/login/?next=/admin/",
        {"csrfmiddlewaretoken": token, "username": "forum", "password": PASSWORD},
    )
    assert response.status == 302, response.text[:500]


def test_an_edit_on_one_server_is_seen_on_the_other_at_once(servers):
    a, b = servers
    visitor = Browser()
    # B serves the page and caches it.
    first = visitor.get(b + LISTING)
    assert first.status == 200
    assert visitor.get(b + LISTING).headers["X-Page-Cache"] == "hit"
    assert "Ring the harbour desk" not in first.text

    staff = Browser()
    sign_in(staff, a)
    listings = staff.get(f"{a}/admin/directory/listing/?q=Victim+First+restorative")
    change = re.search(r'href="(/admin/directory/listing/\d+/change/)', listings.text)[1]
    form = staff.get(a + change)
    parser = FormFields("listing_form")
    parser.feed(form.text)
    fields = [(k, v) for k, v in parser.fields if k != "how_to_refer"]
    fields.append(("how_to_refer", "Ring the harbour desk and ask for the restorative team."))
    saved = staff.post(a + change, fields)
    errors = re.findall(r"<ul class=\"errorlist[^>]*>.*?</ul>", saved.text, re.S)
    assert saved.status == 302, errors or saved.text[:2000]

    # B's very next response has the edit, though B never saw the request.
    after = visitor.get(b + LISTING)
    assert after.status == 200
    assert "Ring the harbour desk" in after.text
    assert after.headers["X-Page-Cache"] == "miss"
    assert visitor.get(b + LISTING).headers["X-Page-Cache"] == "hit"


def test_a_session_from_one_server_works_on_the_other(servers):
    a, b = servers
    staff = Browser()
    sign_in(staff, a)
    dashboard = staff.get(f"{b}/admin/")
    assert dashboard.status == 200
    assert "Log out" in dashboard.text or "logout" in dashboard.text
    # And a visitor without the cookie is sent to sign in.
    assert Browser().get(f"{b}/admin/").status == 302
