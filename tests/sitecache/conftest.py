"""A throwaway redis-server of the test's own, and the site's cache pointed at it.

The server is a real one on a free port, with no persistence, stopped when the test
ends. Tests make it fail the ways a production Redis does: killed (nothing listens),
hung (SIGSTOP: connections are accepted but nothing is answered), and back again.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.core.cache import caches
from django.test import override_settings

from sitecache import backends

REDIS_SERVER = shutil.which("redis-server")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.stopped = False

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited with {self.process.returncode}")
            if self.answers():
                return
            time.sleep(0.05)
        pytest.fail("redis-server did not answer")

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        """Kill it: connections are refused from now on."""
        self.resume()
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def hang(self):
        """Freeze it (SIGSTOP): the kernel still accepts connections, nothing answers."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.stopped = True

    def resume(self):
        if self.stopped:
            os.kill(self.process.pid, signal.SIGCONT)
            self.stopped = False

    def restart(self):
        """A new, empty server on the same port, as after a crash and restart."""
        self.kill()
        self.start()


@pytest.fixture
def redis_server(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("the Redis fault tests need redis-server: redis-server not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


def fail_soft_caches(url, *, retry_seconds):
    return {
        "default": {
            "BACKEND": "sitecache.backends.FailSoftRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "tests",
            "OPTIONS": {
                "socket_connect_timeout": 1.0,
                "socket_timeout": 1.0,
                "RETRY_SECONDS": retry_seconds,
            },
        }
    }


@pytest.fixture
def retry_seconds():
    """How long the cache leaves Redis alone after a failure: longer than any test, so
    that a test sees at most one attempt, unless the test asks for less."""
    return 60


@pytest.fixture
def redis_cache(redis_server, retry_seconds):
    """Point the site's cache at ``redis_server``, through the fail-soft backend.

    override_settings sends setting_changed, on which Django closes the cache objects
    and forgets them, so ``django.core.cache.cache`` is built afresh from these
    settings; the breakers are per process, so they are forgotten too.
    """
    backends.forget_breakers()
    with override_settings(CACHES=fail_soft_caches(redis_server.url, retry_seconds=retry_seconds)):
        caches["default"].clear()
        yield caches["default"]
    backends.forget_breakers()
