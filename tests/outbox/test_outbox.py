"""The outbox: emails are stored with the change that causes them, sent right after it
commits, and sent again later when the mail server was down or hung. A visitor never
sees a mail failure; nothing is lost or sent twice."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from directory.invitations import invite_editor
from directory.models import ProblemReport
from directory.reports import report_submit
from outbox import sending
from outbox.models import MAX_ATTEMPTS, QueuedEmail, retry_delay

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
GOOD = {"message": "The phone number on this page does not work.", "email": "", "website": ""}


def message(to="editor@example.org", **values):
    return EmailMessage(**{"subject": "Hello", "body": "Body", "to": [to], **values})


def send_queued_email():
    out = StringIO()
    call_command("send_queued_email", stdout=out)
    return out.getvalue()


def minutes_later(minutes=5):
    """Make every waiting email due, as if ``minutes`` had passed (the first retry
    comes five minutes after a failed try)."""
    QueuedEmail.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=minutes))


# --- Queued with the change, sent after the commit ----------------------------------------


@pytest.mark.django_db
def test_an_email_is_sent_only_once_its_transaction_commits(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            [email] = sending.queue(message(reply_to=["visitor@example.com"]))
        assert mailoutbox == []

    assert [m.to for m in mailoutbox] == [["editor@example.org"]]
    assert mailoutbox[0].reply_to == ["visitor@example.com"]
    email.refresh_from_db()
    assert email.sent
    assert email.attempts == 1


@pytest.mark.django_db
def test_a_report_whose_transaction_rolls_back_leaves_no_email(
    bare_listing, make_editor, mailoutbox, django_capture_on_commit_callbacks
):
    listing = bare_listing()
    make_editor(listing.organisation)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            report_submit(listing=listing, message="Wrong number.")
            raise RuntimeError("something after the report failed")

    assert not ProblemReport.objects.exists()
    assert not QueuedEmail.objects.exists()
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_outbox_refuses_emails_it_could_not_keep_whole():
    with pytest.raises(ValueError, match="plain-text"):
        sending.queue(message(cc=["someone@example.org"]))
    assert not QueuedEmail.objects.exists()


@pytest.mark.django_db
def test_a_real_smtp_server_receives_the_report_email(
    smtp_sink, bare_listing, make_editor, django_capture_on_commit_callbacks
):
    listing = bare_listing(name="Riverside Mediation")
    editor = make_editor(listing.organisation)

    with django_capture_on_commit_callbacks(execute=True):
        report_submit(listing=listing, message="Wrong number.", email="visitor@example.com")

    [received] = smtp_sink.messages
    assert received["To"] == editor.email
    assert received["Reply-To"] == "visitor@example.com"
    assert "Riverside Mediation" in received["Subject"]
    assert "Wrong number." in received.get_content()
    assert QueuedEmail.objects.get().sent


# --- Mail server down or hung: the visitor never knows, nothing is lost ----------------------


def report_through_the_site(client, listing):
    response = client.post(f"/services/{listing.slug}/report/", GOOD, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/services/{listing.slug}/report/sent/"
    assert "we have passed your report" in response.text
    assert "govuk-error-summary" not in response.text
    return response


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("server", "error"),
    [
        ("refusing_mail_server", "ConnectionRefusedError"),
        ("hanging_mail_server", "timed out"),
        ("mail_server_silent_after_greeting", "timed out"),
    ],
)
def test_when_the_mail_server_is_down_or_hung_the_report_is_kept_and_sent_later(
    request, server, error, client, bare_listing, make_editor, settings, mailoutbox
):
    request.getfixturevalue(server)
    listing = bare_listing()
    editor = make_editor(listing.organisation)

    report_through_the_site(client, listing)

    assert ProblemReport.objects.count() == 1
    waiting = QueuedEmail.objects.get()
    assert waiting.to == [editor.email]
    assert not waiting.sent
    assert waiting.attempts == 1
    assert error in waiting.last_error

    settings.EMAIL_BACKEND = LOCMEM  # the mail server works again
    assert "Sent 0 emails." in send_queued_email()  # not due yet: five minutes first
    minutes_later()
    assert "Sent 1 email." in send_queued_email()
    minutes_later(60)
    assert "Sent 0 emails." in send_queued_email()

    assert [m.to for m in mailoutbox] == [[editor.email]]
    assert "The phone number on this page does not work." in mailoutbox[0].body
    assert QueuedEmail.objects.get().sent


@pytest.mark.django_db(transaction=True)
def test_an_invitation_that_cannot_be_sent_is_saved_and_says_so(
    refusing_mail_server, make_organisation
):
    organisation = make_organisation(name="Victim First")

    user = invite_editor(organisation=organisation, email="jo@provider.example")

    assert organisation.editors.filter(pk=user.pk).exists()
    assert user.invitation_email.failed
    assert QueuedEmail.objects.get().to == ["jo@provider.example"]


@pytest.mark.django_db(transaction=True)
def test_staff_who_invite_while_mail_is_down_are_told_it_will_be_sent_again(
    refusing_mail_server, client, staff, make_organisation
):
    organisation = make_organisation(name="Victim First")
    client.force_login(staff)
    url = reverse("admin:directory_organisation_invite_editor", args=[organisation.pk])

    response = client.post(url, {"email": "jo@provider.example"}, follow=True)

    assert response.status_code == 200
    assert "Saved; the email will be sent again automatically" in response.text
    assert organisation.editors.filter(email="jo@provider.example").exists()


@pytest.mark.django_db(transaction=True)
def test_the_invite_command_says_when_the_email_will_be_sent_again(
    refusing_mail_server, make_organisation
):
    make_organisation(name="Victim First", slug="victim-first")
    out = StringIO()

    call_command("invite_editor", "victim-first", "jo@provider.example", stdout=out)

    assert "will be sent again automatically" in out.getvalue()


# --- Retries: back-off, a limit, staff can start again -----------------------------------------


@pytest.mark.django_db
def test_a_failing_email_is_tried_with_growing_gaps_then_stops_after_the_limit(
    refusing_mail_server, settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [email] = sending.queue(message())
    email.refresh_from_db()
    assert (email.attempts, email.sent) == (1, False)

    gaps = []
    while email.attempts < MAX_ATTEMPTS:
        due = email.next_attempt_at
        gaps.append(due - email.last_attempt_at)
        assert sending.send_due(now=due - timedelta(seconds=1)).failed == 0  # not yet
        assert sending.send_due(now=due).failed == 1
        email.refresh_from_db()
    assert gaps == [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]
    assert gaps[0] == timedelta(minutes=5)
    assert max(gaps) == timedelta(hours=6)

    later = sending.send_due(now=email.next_attempt_at + timedelta(days=1))
    email.refresh_from_db()
    assert email.attempts == MAX_ATTEMPTS
    assert email.gave_up
    assert email.status == f"Stopped trying after {MAX_ATTEMPTS} tries"
    assert (later.sent, later.failed, later.given_up) == (0, 0, 1)
    assert "forum staff see them" in str(later)

    settings.EMAIL_BACKEND = LOCMEM
    out = StringIO()
    call_command("send_queued_email", "--retry-stopped", stdout=out)
    assert "Sent 1 email." in out.getvalue()
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_waiting_emails_are_sent_oldest_first_and_each_once(settings, mailoutbox):
    settings.EMAIL_BACKEND = LOCMEM
    now = timezone.now()
    for n in (3, 1, 2):
        QueuedEmail.objects.create(
            subject=f"Email {n}",
            body="Body",
            from_email="directory@example.org",
            to=[f"editor{n}@example.org"],
            created=now - timedelta(hours=n),
            attempts=1,
            next_attempt_at=now,
        )

    send_queued_email()
    send_queued_email()

    assert [m.subject for m in mailoutbox] == ["Email 3", "Email 2", "Email 1"]


@pytest.mark.django_db
def test_old_emails_are_deleted(settings):
    now = timezone.now()

    def email(**values):
        return QueuedEmail.objects.create(subject="s", body="b", from_email="f@x.org", **values)

    email(sent_at=now - timedelta(days=8))
    kept_sent = email(sent_at=now - timedelta(days=6))
    email(created=now - timedelta(days=91), attempts=MAX_ATTEMPTS)
    kept_unsent = email(created=now - timedelta(days=89), attempts=MAX_ATTEMPTS)

    assert sending.delete_old(now=now) == 2
    assert set(QueuedEmail.objects.all()) == {kept_sent, kept_unsent}


# --- Staff see what has not gone; editors see nothing ---------------------------------------


@pytest.fixture
def unsent_and_sent(db):
    now = timezone.now()
    unsent = QueuedEmail.objects.create(
        subject="Problem reported with Riverside",
        body="The visitor's words",
        from_email="directory@example.org",
        to=["editor@example.org"],
        attempts=2,
        last_attempt_at=now,
        next_attempt_at=now + timedelta(minutes=10),
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    QueuedEmail.objects.create(
        subject="Already delivered", body="b", from_email="f@x.org", sent_at=now
    )
    return unsent


def test_forum_staff_see_the_unsent_emails_and_why(client, staff, unsent_and_sent):
    client.force_login(staff)

    listing_page = client.get("/admin/outbox/queuedemail/")
    detail = client.get(f"/admin/outbox/queuedemail/{unsent_and_sent.pk}/change/")

    assert listing_page.status_code == 200
    assert "Problem reported with Riverside" in listing_page.text
    assert "Connection refused" in listing_page.text
    assert "will try again at" in listing_page.text
    assert "Already delivered" not in listing_page.text
    assert detail.status_code == 200
    assert "The visitor&#x27;s words" not in detail.text
    assert "Outbox" in client.get("/admin/").text


def test_forum_staff_cannot_add_change_or_delete_emails(client, staff, unsent_and_sent):
    client.force_login(staff)
    base = "/admin/outbox/queuedemail"

    assert client.get(f"{base}/add/").status_code == 403
    assert client.post(f"{base}/{unsent_and_sent.pk}/change/", {"subject": "x"}).status_code == 403
    assert client.post(f"{base}/{unsent_and_sent.pk}/delete/", {"post": "yes"}).status_code == 403
    unsent_and_sent.refresh_from_db()
    assert unsent_and_sent.subject == "Problem reported with Riverside"


def test_provider_editors_cannot_see_the_outbox(
    client, make_editor, make_organisation, unsent_and_sent
):
    client.force_login(make_editor(make_organisation()))

    assert client.get("/admin/outbox/queuedemail/").status_code == 403
    assert client.get(f"/admin/outbox/queuedemail/{unsent_and_sent.pk}/change/").status_code == 403
    assert "Outbox" not in client.get("/admin/").text
