"""Settings come from the environment, with safe defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    """Import the settings in a fresh interpreter with exactly ``env`` set."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    code = (
        "import emrj.settings as s; "
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.SECURE_SSL_REDIRECT "
        "if hasattr(s, 'SECURE_SSL_REDIRECT') else None)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_secret_key_is_required_when_not_debugging():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_set():
    result = load_settings(DJANGO_SECRET_KEY="k")
    assert result.stdout.split()[0] == "False"


def test_debug_mode_runs_without_a_secret_key():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0
    assert result.stdout.split()[0] == "True"


def test_sqlite_is_the_default_database():
    result = load_settings(DJANGO_DEBUG="1")
    assert "sqlite3" in result.stdout


def test_database_url_selects_postgresql():
    result = load_settings(DJANGO_DEBUG="1", DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert "postgresql" in result.stdout


def test_production_redirects_to_https_by_default():
    result = load_settings(DJANGO_SECRET_KEY="k")
    assert result.stdout.split()[2] == "True"


def test_production_settings_pass_the_deploy_checklist():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-key-1234567890"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_negative_or_non_numeric_proxy_count_is_refused_plainly():
    for value in ("-1", "one"):
        result = load_settings(DJANGO_DEBUG="1", DJANGO_TRUSTED_PROXIES=value)
        assert result.returncode != 0
        assert "DJANGO_TRUSTED_PROXIES must be a whole number" in result.stderr


def test_a_proxy_count_is_accepted():
    assert load_settings(DJANGO_DEBUG="1", DJANGO_TRUSTED_PROXIES="2").returncode == 0


def evaluate(expression, **env):
    """Print ``expression`` evaluated on the settings imported with exactly ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", f"import emrj.settings as s; print({expression})"],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_postgresql_connections_give_up_on_a_hung_database():
    result = evaluate(
        "s.DATABASES['default']['OPTIONS']",
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
        DJANGO_DB_CONNECT_TIMEOUT="3",
        DJANGO_DB_STATEMENT_TIMEOUT="2500",
    )
    options = result.stdout
    assert "'connect_timeout': 3" in options
    assert "-c statement_timeout=2500 -c lock_timeout=2500" in options
    assert "'keepalives': 1" in options


def test_sqlite_waits_a_bounded_time_for_a_write_lock():
    result = evaluate("s.DATABASES['default']['OPTIONS']['timeout']")
    assert result.stdout.strip() == "5"


def test_mail_server_settings_come_from_the_environment():
    result = evaluate(
        "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, s.EMAIL_TIMEOUT",
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_HOST_USER="directory",
        DJANGO_EMAIL_USE_TLS="1",
        DJANGO_EMAIL_TIMEOUT="4",
    )
    assert result.stdout.split() == ["smtp.example.org", "587", "directory", "True", "4"]


def test_mail_has_a_short_timeout_by_default():
    assert evaluate("s.EMAIL_TIMEOUT").stdout.strip() == "10"


def test_tls_and_ssl_together_are_refused_plainly():
    result = evaluate("1", DJANGO_EMAIL_USE_TLS="1", DJANGO_EMAIL_USE_SSL="1")
    assert result.returncode != 0
    assert "not both" in result.stderr
