"""Two runs of a mail job at the same time (cron starting one while the last is still
going) send every email once: reminders claim each listing, the outbox claims each
email, with a conditional UPDATE that exactly one run can make."""

import os
import re
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.utils import timezone

from directory.models import Listing, months_before
from directory.reminders import send_check_reminders
from outbox import sending
from outbox.models import QueuedEmail

PROJECT = Path(__file__).resolve().parents[2]
LISTINGS, EDITORS_EACH = 12, 2

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editors_of_stale_listings(bare_listing, make_editor):
    """Return the addresses of the editors of LISTINGS listings due a reminder."""
    checked = months_before(timezone.localdate(), 5) - timedelta(days=1)
    addresses = []
    for n in range(LISTINGS):
        listing = bare_listing(name=f"Service {n:02}", last_checked=checked)
        addresses += [make_editor(listing.organisation).email for _ in range(EDITORS_EACH)]
    return sorted(addresses)


def at_the_same_time(job, runs=2):
    """Run ``job`` in ``runs`` threads released together; return their results."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "threads share SQLite's in-memory test database through a shared cache, whose "
            "table locks fail at once instead of waiting; the two-process tests below run "
            "on a SQLite file, as a SQLite site would"
        )
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(job())
        except Exception as error:  # reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


def recipients(mailbox):
    return sorted(address for message in mailbox for address in message.to)


def test_two_reminder_runs_at_once_send_each_editor_one_email(
    editors_of_stale_listings, mailoutbox
):
    summaries = at_the_same_time(send_check_reminders)

    assert recipients(mailoutbox) == editors_of_stale_listings
    assert QueuedEmail.objects.count() == len(editors_of_stale_listings)
    assert sum(summary.sent for summary in summaries) == len(editors_of_stale_listings)
    assert not Listing.objects.filter(reminder_sent_at=None).exists()


def test_two_outbox_runs_at_once_send_each_email_once(settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    now = timezone.now()
    QueuedEmail.objects.bulk_create(
        QueuedEmail(
            subject=f"Email {n}",
            body="Body",
            from_email="directory@example.org",
            to=[f"editor{n}@example.org"],
            attempts=1,
            next_attempt_at=now,
        )
        for n in range(3 * sending.BATCH_SIZE)
    )

    summaries = at_the_same_time(sending.send_due)

    assert sorted(m.subject for m in mailoutbox) == sorted(f"Email {n}" for n in range(150))
    assert sum(summary.sent for summary in summaries) == 150
    assert set(QueuedEmail.objects.values_list("attempts", flat=True)) == {2}


# --- Two real processes, as cron would start them ------------------------------------------------


@pytest.fixture
def database_for_other_processes(tmp_path):
    """Return a function giving a DATABASE_URL with which another process reaches this
    test's data: PostgreSQL's test database, or a file copy of SQLite's in-memory one
    (copied when called, so call it once the data is there)."""

    def url():
        if connection.vendor == "sqlite":
            path = tmp_path / "copy.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(path) as copy:
                connection.connection.backup(copy)
            return f"sqlite:///{path}"
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"

    return url


def run_twice_at_once(command, database_url, smtp_sink):
    """Start ``manage.py command`` twice; the mail server holds the first caller until
    the second calls too, so both are under way at once; return their outputs."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_sink.port),
        "DJANGO_EMAIL_TIMEOUT": "90",
        "DJANGO_DB_CONNECT_TIMEOUT": "60",  # SQLite: how long to wait for the write lock
    }
    smtp_sink.hold_greetings_until(2)
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", command],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=240) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    return [out for out, _err in outputs]


def test_two_send_check_reminders_processes_at_once_send_each_editor_one_email(
    editors_of_stale_listings, smtp_sink, database_for_other_processes
):
    outputs = run_twice_at_once("send_check_reminders", database_for_other_processes(), smtp_sink)

    assert smtp_sink.recipients() == editors_of_stale_listings
    sent = [int(re.search(r"Sent (\d+) reminder", out).group(1)) for out in outputs]
    assert sum(sent) == len(editors_of_stale_listings)
    assert all(sent), f"both runs should have sent some reminders: {outputs}"


def test_two_send_queued_email_processes_at_once_send_each_email_once(
    smtp_sink, database_for_other_processes
):
    addresses = sorted(f"editor{n}@example.org" for n in range(3 * sending.BATCH_SIZE))
    now = timezone.now()
    QueuedEmail.objects.bulk_create(
        QueuedEmail(
            subject="Waiting",
            body="Body",
            from_email="directory@example.org",
            to=[address],
            attempts=1,
            next_attempt_at=now,
        )
        for address in addresses
    )
    outputs = run_twice_at_once("send_queued_email", database_for_other_processes(), smtp_sink)

    assert smtp_sink.recipients() == addresses
    sent = [int(re.search(r"Sent (\d+) email", out).group(1)) for out in outputs]
    assert sum(sent) == len(addresses)
    # SQLite lets one process write at a time, so on a busy machine the first run can claim
    # every batch before the second gets the lock (CI once saw 0 and 150): each email going
    # once is the property. PostgreSQL claims rows side by side, so both runs share the work.
    if connection.vendor == "postgresql":
        assert all(sent), f"both runs should have sent some emails: {outputs}"
