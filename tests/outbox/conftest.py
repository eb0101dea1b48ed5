"""Mail servers for the outbox tests, each on its own free port and always stopped:
one that refuses connections, one that accepts and never answers, and a tiny real
SMTP server that keeps what it receives."""

import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.contrib.auth.models import Group, User

from directory.roles import FORUM_STAFF, PROVIDER_EDITORS

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_mail_server(settings, port, *, timeout=1):
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_TIMEOUT = timeout
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


class Server:
    """A listening socket on a free port, with a thread per connection running ``talk``."""

    def __init__(self, talk):
        self.talk = talk
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            threading.Thread(target=self._talk, args=(connection,), daemon=True).start()

    def _talk(self, connection):
        try:
            self.talk(connection)
        except OSError:
            pass

    def stop(self):
        self.stopped.set()
        self.listener.close()
        for connection in self.connections:
            connection.close()
        self.thread.join(timeout=5)


@pytest.fixture
def refusing_mail_server(settings):
    """A mail server address with nothing listening: every connection is refused."""
    port = free_port()
    use_mail_server(settings, port)
    return port


@pytest.fixture
def hanging_mail_server(settings):
    """A mail server that accepts connections and never says a word."""
    server = Server(lambda connection: server.stopped.wait())
    use_mail_server(settings, server.port, timeout=1)
    yield server
    server.stop()


@pytest.fixture
def mail_server_silent_after_greeting(settings):
    """A mail server that says hello and then never answers again."""

    def talk(connection):
        connection.sendall(b"220 silent.test ESMTP\r\n")
        server.stopped.wait()

    server = Server(talk)
    use_mail_server(settings, server.port, timeout=1)
    yield server
    server.stop()


class SmtpSink:
    """Just enough SMTP to accept mail; keeps each message it receives."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.greet = threading.Event()
        self.greet.set()
        self.connections_to_wait_for = 0
        self.server = Server(self.talk)
        self.port = self.server.port

    def hold_greetings_until(self, connections):
        """Keep the first callers waiting for the greeting until ``connections`` have
        connected: then every one of those senders is surely running."""
        self.connections_to_wait_for = connections
        self.greet.clear()

    def talk(self, connection):
        reader = connection.makefile("rb")

        def reply(line):
            connection.sendall(line.encode() + b"\r\n")

        with self.lock:
            self.connections_to_wait_for -= 1
            if self.connections_to_wait_for <= 0:
                self.greet.set()
        self.greet.wait(timeout=60)
        reply("220 sink.test ESMTP")
        while line := reader.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                reply("250 sink.test")
            elif command.startswith(("MAIL FROM", "RCPT TO", "RSET", "NOOP")):
                reply("250 OK")
            elif command == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := reader.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                with self.lock:
                    self.messages.append(message_from_bytes(data, policy=default_policy))
                reply("250 OK queued")
            elif command == "QUIT":
                reply("221 Bye")
                return
            else:
                reply("502 Not implemented")

    def recipients(self):
        with self.lock:
            return sorted(message["To"] for message in self.messages)


@pytest.fixture
def smtp_sink(settings):
    """A tiny real SMTP server that accepts every message; the site sends to it."""
    sink = SmtpSink()
    use_mail_server(settings, sink.port, timeout=5)
    yield sink
    sink.server.stop()


@pytest.fixture
def make_person(db):
    numbers = iter(range(1, 10_000))

    def make(*, group=None, **values):
        n = next(numbers)
        values = {"username": f"person{n}", "email": f"person{n}@example.org", **values}
        user = User.objects.create_user(is_staff=True, **values)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def staff(make_person):
    return make_person(group=FORUM_STAFF)


@pytest.fixture
def make_editor(make_person):
    def make(organisation, **values):
        editor = make_person(group=PROVIDER_EDITORS, **values)
        organisation.editors.add(editor)
        return editor

    return make


@pytest.fixture
def bare_listing(make_listing):
    """A published listing with no vocabulary terms: a transactional test's flush also
    empties the rows the data migrations seed, so these tests use none of them."""

    def make(**overrides):
        return make_listing(audiences=(), age_groups=(), modes=(), **overrides)

    return make
