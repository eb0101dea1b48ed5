"""A request body bigger than its address needs is refused before anything reads it.

emrj/uploads.py answers 413 from the Content-Length header alone: the body is never
read (the CSRF check would read an upload whole), the view never runs and the
database is not touched. Checked with the test client and against a real gunicorn.
"""

import hashlib
import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from directory import bulk
from directory.models import ProblemReport
from emrj import uploads

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

ROOT = Path(__file__).resolve().parents[2]
IMPORT = "/admin/directory/listing/import/"
GIGABYTE = 1024**3


class WatchedBody(io.BytesIO):
    """A request body that remembers whether anything read it."""

    read_from = False

    def read(self, *args):
        self.read_from = True
        return super().read(*args)

    def readline(self, *args):
        self.read_from = True
        return super().readline(*args)


def post(client, path, *, length, body=b"message=Wrong+number", content_type=None):
    """POST ``body`` to ``path`` claiming it is ``length`` bytes long (None: no length)."""
    stream = WatchedBody(body)
    extra = {
        "wsgi.input": stream,
        "CONTENT_TYPE": content_type or "application/x-www-form-urlencoded",
    }
    if length is not None:
        extra["CONTENT_LENGTH"] = str(length)
    response = client.generic("POST", path, **extra)
    return response, stream


@pytest.fixture
def listing(make_listing, areas):
    return make_listing(slug="alder-letters", areas=[areas["leicester"]])


@pytest.fixture
def report_path(listing):
    return f"/services/{listing.slug}/report/"


def test_a_huge_post_to_a_public_form_is_refused_unread(client, report_path):
    response, body = post(client, report_path, length=GIGABYTE)
    assert response.status_code == 413
    assert not body.read_from
    assert ProblemReport.objects.count() == 0
    html = response.content.decode()
    assert "Sorry, that was too big to send" in html
    assert "nothing was saved" in html


def test_the_refusal_needs_no_database_and_sets_no_cookie(
    client, report_path, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response, _ = post(client, report_path, length=GIGABYTE)
    assert response.status_code == 413
    assert not response.cookies
    # It comes after the security headers' middleware, so it has them too.
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_public_form_of_normal_size_still_arrives(client, report_path):
    response, body = post(client, report_path, length=uploads.PUBLIC_LIMIT)
    assert response.status_code != 413
    assert body.read_from


def test_the_limit_is_the_most_a_path_needs():
    assert uploads.limit_for("/services/x/report/") == uploads.PUBLIC_LIMIT
    assert uploads.limit_for("/accounts/login/") == uploads.PUBLIC_LIMIT
    assert uploads.limit_for(IMPORT) == bulk.MAX_UPLOAD_BYTES + uploads.FORM_ALLOWANCE
    # The rest of the admin: Django's own limit on form data, and room for the form.
    assert uploads.limit_for("/admin/directory/listing/1/change/") < uploads.limit_for(IMPORT)


def test_a_body_without_a_length_is_not_read(client, report_path):
    # Chunked: Django reads no more of a body than Content-Length says, so none.
    response, body = post(client, report_path, length=None, body=b"x" * 1024 * 1024)
    assert response.status_code == 400  # an empty form: the message is required
    assert not body.read_from
    assert ProblemReport.objects.count() == 0


def test_an_import_bigger_than_the_limit_is_refused_unread(staff_user, client):
    client.force_login(staff_user)
    response, body = post(
        client,
        IMPORT,
        length=uploads.IMPORT_LIMIT + 1,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert not body.read_from
    html = response.content.decode()
    assert f"the most is {bulk.MAX_UPLOAD_BYTES // 1024 // 1024} MB" in html
    assert "Nothing was imported" in html


def test_a_file_just_over_the_import_limit_gets_the_forms_message(staff_user, client):
    # Not the 413 page: the request fits, and the form says what is wrong with the file.
    client.force_login(staff_user)
    data = b"x" * (bulk.MAX_UPLOAD_BYTES + 1)
    response = client.post(IMPORT, {"file": SimpleUploadedFile("big.csv", data, "text/csv")})
    assert response.status_code == 400
    assert "The file is too big" in response.content.decode()


def test_a_confirm_form_too_big_for_django_is_refused_at_the_preview(
    staff_user, client, listing, settings
):
    # A preview whose confirm form Django would refuse as too big (a 400 with no
    # explanation) says so instead, and offers no confirm button.
    from tests.directory.test_csv_import import edited, export

    client.force_login(staff_user)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 5000
    # Text that does not compress: letters from a hash.
    letters = str.maketrans("0123456789", "ghijklmnop")
    words = [hashlib.sha256(str(n).encode()).hexdigest().translate(letters) for n in range(200)]
    text = edited(export(), {"description": " ".join(words)})
    response = client.post(IMPORT, {"file": SimpleUploadedFile("a.csv", text.encode(), "text/csv")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "too big to import in one go" in html
    assert 'name="payload"' not in html


# --- Against a real server ----------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with production settings; the database is never touched by a refusal."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        pytest.skip("run `make static` first: the 413 page links the static files")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emrj.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "upload-limit-test-secret-key-0123456789-abcdefghij",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('uploads') / 'unused.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [str(gunicorn), "emrj.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def raw_post(port, path, length):
    """Send the headers of a POST of ``length`` bytes and a few bytes of it, no more;
    return the status line of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {length}\r\nConnection: close\r\n\r\nmessage=x"
            ).encode()
        )
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


@pytest.mark.parametrize("path", ["/services/anything/report/", IMPORT])
def test_a_real_server_refuses_at_once_without_waiting_for_the_body(server, path):
    # The body never comes: a server that waited for it would time out instead.
    assert raw_post(server, path, GIGABYTE) == "HTTP/1.1 413 Request Entity Too Large"
