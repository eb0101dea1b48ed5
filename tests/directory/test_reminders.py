"""Freshness: reminders to editors about listings nobody has confirmed for a
while, the command cron runs, and the "needs checking" flag in the admin."""

import itertools
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from directory import reminders
from directory.models import Listing, Organisation, months_before
from directory.roles import FORUM_STAFF, PROVIDER_EDITORS
from outbox.models import QueuedEmail

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def make_person(db):
    def make(*, group=None, email=None, **overrides):
        n = next(_numbers)
        values = {
            "username": f"person{n}",
            "email": f"person{n}@example.org" if email is None else email,
            "is_staff": True,
        }
        values.update(overrides)
        user = User.objects.create_user(**values)
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


@pytest.fixture
def make_editor(make_person):
    def make(organisation, **overrides):
        editor = make_person(group=PROVIDER_EDITORS, **overrides)
        organisation.editors.add(editor)
        return editor

    return make


@pytest.fixture
def stale(make_listing, today):
    """Return a listing last confirmed five months and a day ago."""

    def make(**overrides):
        checked = months_before(today, 5) - timedelta(days=1)
        return make_listing(last_checked=checked, **overrides)

    return make


def recipients(mailbox):
    return [address for message in mailbox for address in message.recipients()]


def send_check_reminders(**options):
    """Run the reminders and the sends that follow each commit, as cron would see them
    (inside a test's own transaction the sends run when this block ends)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return reminders.send_check_reminders(**options)


def run_command(*args):
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_check_reminders", *args, stdout=out)
    return out.getvalue()


# --- Who is reminded --------------------------------------------------------------------


def test_listing_unchecked_for_five_months_is_sent_to_its_own_editors_only(
    stale, make_listing, make_organisation, make_editor, make_person, mailoutbox
):
    mine, theirs = make_organisation(), make_organisation()
    editor = make_editor(mine)
    make_editor(theirs)
    make_person(is_superuser=True)
    stale(organisation=mine)
    make_listing(organisation=theirs)

    send_check_reminders()

    assert recipients(mailoutbox) == [editor.email]


def test_each_editor_of_the_organisation_gets_one_reminder(stale, make_editor, mailoutbox):
    listing = stale()
    editors = sorted(make_editor(listing.organisation).email for _ in range(2))
    send_check_reminders()
    assert sorted(recipients(mailoutbox)) == editors
    assert all(len(message.recipients()) == 1 for message in mailoutbox)


def test_reminders_go_only_to_active_editors_with_an_email_address(stale, make_editor, mailoutbox):
    listing = stale()
    make_editor(listing.organisation, is_active=False)
    make_editor(listing.organisation, email="")
    active = make_editor(listing.organisation)
    send_check_reminders()
    assert len(mailoutbox) == 1
    assert recipients(mailoutbox) == [active.email]


def test_reminder_links_straight_to_the_listing_and_its_confirm_page(
    stale, make_editor, mailoutbox, settings
):
    settings.SITE_URL = "https://directory.example.org"
    listing = stale(name="Riverside Mediation")
    make_editor(listing.organisation)
    send_check_reminders()
    body = mailoutbox[0].body
    admin = f"https://directory.example.org/admin/directory/listing/{listing.pk}"
    assert f"{admin}/change/" in body
    assert f"{admin}/confirm-checked/" in body
    assert "Riverside Mediation" in mailoutbox[0].subject


def test_reminder_says_when_the_listing_was_last_confirmed(stale, make_editor, mailoutbox):
    listing = stale()
    make_editor(listing.organisation)
    send_check_reminders()
    assert f"last confirmed as correct on {listing.last_checked:%-d %B %Y}" in mailoutbox[0].body


def test_listing_checked_four_months_ago_is_not_reminded(
    make_listing, make_editor, today, mailoutbox
):
    listing = make_listing(last_checked=months_before(today, 4))
    make_editor(listing.organisation)
    summary = send_check_reminders()
    assert mailoutbox == []
    assert summary.sent == 0


def test_archived_listing_is_not_reminded(stale, make_editor, mailoutbox):
    listing = stale(status=Listing.Status.ARCHIVED)
    make_editor(listing.organisation)
    send_check_reminders()
    assert mailoutbox == []


def test_listing_of_an_archived_organisation_is_not_reminded(stale, make_editor, mailoutbox):
    listing = stale(status=Listing.Status.PUBLISHED)
    make_editor(listing.organisation)
    Organisation.objects.filter(pk=listing.organisation_id).update(archived_at=timezone.now())
    send_check_reminders()
    assert mailoutbox == []


def test_draft_listing_is_reminded(stale, make_editor, mailoutbox):
    listing = stale(status=Listing.Status.DRAFT)
    make_editor(listing.organisation)
    send_check_reminders()
    assert len(mailoutbox) == 1


# --- Once every 30 days -------------------------------------------------------------------


def test_sending_records_when_the_reminder_went(stale, make_editor):
    listing = stale()
    make_editor(listing.organisation)
    send_check_reminders()
    listing.refresh_from_db()
    assert listing.reminder_sent_at is not None


def test_sending_a_reminder_adds_nothing_to_the_listings_history(stale, make_editor):
    listing = stale()
    make_editor(listing.organisation)
    versions = listing.history.count()
    send_check_reminders()
    assert listing.history.count() == versions


def test_running_twice_sends_nothing_the_second_time(stale, make_editor, mailoutbox):
    listing = stale()
    make_editor(listing.organisation)
    send_check_reminders()
    second = send_check_reminders()
    assert len(mailoutbox) == 1
    assert second.sent == 0
    assert second.recently_reminded == [listing]


def test_reminder_is_not_sent_again_after_29_days(stale, make_editor, today, mailoutbox):
    listing = stale()
    make_editor(listing.organisation)
    send_check_reminders(today=today)
    send_check_reminders(today=today + timedelta(days=29))
    assert len(mailoutbox) == 1


def test_reminder_is_sent_again_after_30_days(stale, make_editor, today, mailoutbox):
    listing = stale()
    make_editor(listing.organisation)
    send_check_reminders(today=today)
    send_check_reminders(today=today + timedelta(days=30))
    assert len(mailoutbox) == 2


def test_reminder_sent_31_days_ago_is_sent_again(stale, make_editor, mailoutbox):
    listing = stale()
    make_editor(listing.organisation)
    Listing.objects.filter(pk=listing.pk).update(
        reminder_sent_at=timezone.now() - timedelta(days=31)
    )
    send_check_reminders()
    assert len(mailoutbox) == 1


def test_a_reminder_that_cannot_be_sent_yet_waits_in_the_outbox_and_is_not_queued_twice(
    stale, make_editor, today, monkeypatch
):
    def refuse(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    listing = stale()
    make_editor(listing.organisation)
    summary = send_check_reminders()
    listing.refresh_from_db()
    # The outbox sends it again later, so the listing counts as reminded.
    assert listing.reminder_sent_at is not None
    assert summary.failed == [listing]
    assert summary.sent == 0
    assert "Could not send yet about 1 listing" in str(summary)
    waiting = QueuedEmail.objects.get()
    assert not waiting.sent
    assert waiting.last_error == "OSError: mail server down"
    send_check_reminders(today=today + timedelta(days=1))
    assert QueuedEmail.objects.count() == 1


# --- Listings nobody edits ------------------------------------------------------------------


def test_listing_without_editors_is_reported_not_emailed(stale, make_person, mailoutbox):
    make_person(group=FORUM_STAFF)
    listing = stale(name="Orphaned Service")
    summary = send_check_reminders()
    listing.refresh_from_db()
    assert mailoutbox == []
    assert summary.no_editors == [listing]
    assert listing.reminder_sent_at is None


def test_listing_without_editors_is_reported_again_the_next_day(stale, today):
    listing = stale()
    send_check_reminders(today=today)
    assert send_check_reminders(today=today + timedelta(days=1)).no_editors == [listing]


# --- The command -------------------------------------------------------------------------------


def test_command_prints_what_it_sent_skipped_and_could_not_send(stale, make_editor, mailoutbox):
    first, second = stale(name="Alpha Service"), stale(name="Beta Service")
    make_editor(first.organisation)
    make_editor(first.organisation)
    make_editor(second.organisation)
    recent = stale(name="Gamma Service")
    make_editor(recent.organisation)
    Listing.objects.filter(pk=recent.pk).update(reminder_sent_at=timezone.now())
    stale(name="Orphaned Service")

    output = run_command()

    assert "Sent 3 reminders about 2 listings." in output
    assert "Skipped 1 listing reminded in the last 30 days." in output
    assert "1 listing has no editors: Orphaned Service." in output
    assert len(mailoutbox) == 3


def test_command_says_when_there_is_nothing_to_send(db):
    assert "Sent 0 reminders about 0 listings." in run_command()


def test_dry_run_sends_nothing_and_records_nothing(stale, make_editor, mailoutbox):
    listing = stale()
    make_editor(listing.organisation)
    run_command("--dry-run")
    listing.refresh_from_db()
    assert mailoutbox == []
    assert listing.reminder_sent_at is None


def test_dry_run_lists_who_would_be_reminded_about_what(stale, make_editor):
    listing = stale(name="Riverside Mediation")
    editor = make_editor(listing.organisation)
    output = run_command("--dry-run")
    assert f"Would remind {editor.email} about “Riverside Mediation”." in output
    assert "Would send 1 reminder about 1 listing." in output


def test_real_run_after_a_dry_run_still_sends(stale, make_editor, mailoutbox):
    listing = stale()
    make_editor(listing.organisation)
    run_command("--dry-run")
    run_command()
    assert len(mailoutbox) == 1


# --- "Needs checking" in the admin ---------------------------------------------------------


@pytest.fixture
def staff_client(client, make_person):
    client.force_login(make_person(group=FORUM_STAFF))
    return client


@pytest.fixture
def freshness_listings(make_listing, today):
    return {
        "stale": make_listing(name="Stale", last_checked=months_before(today, 6) - timedelta(1)),
        "edge": make_listing(name="Edge", last_checked=months_before(today, 6)),
        "recent": make_listing(name="Recent", last_checked=today - timedelta(days=30)),
    }


def changelist_names(response):
    return sorted(listing.name for listing in response.context["cl"].result_list)


def test_stale_filter_shows_only_listings_unchecked_for_over_six_months(
    staff_client, freshness_listings
):
    response = staff_client.get("/admin/directory/listing/", {"freshness": "stale"})
    assert changelist_names(response) == ["Stale"]


def test_fresh_filter_shows_listings_checked_in_the_last_six_months(
    staff_client, freshness_listings
):
    response = staff_client.get("/admin/directory/listing/", {"freshness": "fresh"})
    assert changelist_names(response) == ["Edge", "Recent"]


def test_freshness_column_says_needs_checking_only_for_stale_listings(
    staff_client, freshness_listings
):
    response = staff_client.get("/admin/directory/listing/")
    html = response.content.decode()
    assert html.count('<strong class="app-admin-stale">Needs checking</strong>') == 1
    stale_row = html[html.index(">Stale</a>") :]
    assert "Needs checking" in stale_row[: stale_row.index("</tr>")]


def test_provider_editor_can_filter_their_own_listings_by_freshness(
    client, make_listing, make_organisation, make_editor, today
):
    mine, theirs = make_organisation(), make_organisation()
    old = months_before(today, 7)
    make_listing(name="Mine", organisation=mine, last_checked=old)
    make_listing(name="Theirs", organisation=theirs, last_checked=old)
    client.force_login(make_editor(mine))
    response = client.get("/admin/directory/listing/", {"freshness": "stale"})
    assert changelist_names(response) == ["Mine"]
