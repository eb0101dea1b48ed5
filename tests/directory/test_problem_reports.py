"""Visitors' "Report a problem with this page": the form, spam defences, the
email to the listing's editors, and the reports admin."""

import itertools
import re

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.test import RequestFactory, TestCase

from directory import reports
from directory.models import Listing, ProblemReport
from directory.roles import FORUM_STAFF, PROVIDER_EDITORS
from outbox.models import QueuedEmail

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)
GOOD = {"message": "The phone number on this page does not work.", "email": "", "website": ""}
ERROR_SUMMARY = '<div class="govuk-error-summary"'


@pytest.fixture(autouse=True)
def empty_cache():
    """Start every test with no reports counted against the rate limits."""
    cache.clear()
    yield
    cache.clear()


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
    """Create a provider editor of ``organisation``."""

    def make(organisation, **overrides):
        editor = make_person(group=PROVIDER_EDITORS, **overrides)
        organisation.editors.add(editor)
        return editor

    return make


@pytest.fixture
def staff(make_person):
    return make_person(group=FORUM_STAFF)


@pytest.fixture
def listing(make_listing):
    return make_listing(name="Riverside Mediation", slug="riverside-mediation")


def report_url(listing):
    return f"/services/{listing.slug}/report/"


def post_report(client, listing, *, address="127.0.0.1", **fields):
    # The emails go once the report's transaction commits: inside a test's own
    # transaction, that is when this block ends.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(report_url(listing), {**GOOD, **fields}, REMOTE_ADDR=address)


def content(response):
    return response.content.decode()


def all_recipients(mailbox):
    return [address for message in mailbox for address in message.recipients()]


# --- The form page -------------------------------------------------------------------


def test_listing_page_links_to_its_report_form(client, listing):
    html = content(client.get(listing.get_absolute_url()))
    assert f'href="{report_url(listing)}">Report a problem with this page</a>' in html


def test_listing_page_still_sets_no_cookie(client, listing):
    response = client.get(listing.get_absolute_url())
    assert response.status_code == 200
    assert not response.cookies


def test_report_form_shows_what_is_wrong_and_an_optional_email(client, listing):
    html = content(client.get(report_url(listing)))
    assert '<label class="govuk-label govuk-label--m" for="message">What is wrong?</label>' in html
    assert "Your email address, if you would like a reply" in html
    assert "We only use it to reply to you about this report." in html


def test_report_form_counts_characters_up_to_the_limit(client, listing):
    html = content(client.get(report_url(listing)))
    assert 'data-module="govuk-character-count" data-maxlength="2000"' in html
    assert "You can enter up to 2,000 characters" in html


def test_report_form_says_it_is_not_for_emergencies(client, listing):
    assert "If you are in danger now, call 999." in content(client.get(report_url(listing)))


def test_report_form_sets_the_csrf_cookie_its_form_needs(client, listing):
    response = client.get(report_url(listing))
    assert 'name="csrfmiddlewaretoken"' in content(response)
    assert list(response.cookies) == ["csrftoken"]


def test_report_form_hides_its_honeypot_from_people(client, listing):
    html = content(client.get(report_url(listing)))
    wrapper = re.search(
        r'<div class="govuk-visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S
    )
    assert wrapper is not None
    assert '<label for="website">Leave this empty</label>' in wrapper.group(1)
    field = re.search(r"<input [^>]*name=\"website\"[^>]*>", wrapper.group(1)).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    assert 'value=""' in field


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.ARCHIVED])
@pytest.mark.parametrize("suffix", ["report/", "report/sent/"])
def test_unpublished_listing_has_no_report_pages(client, make_listing, status, suffix):
    hidden = make_listing(status=status)
    assert client.get(f"/services/{hidden.slug}/{suffix}").status_code == 404


@pytest.mark.parametrize("status", [Listing.Status.DRAFT, Listing.Status.ARCHIVED])
def test_report_about_an_unpublished_listing_is_not_found_and_not_stored(
    client, make_listing, make_editor, mailoutbox, status
):
    hidden = make_listing(status=status)
    make_editor(hidden.organisation)
    assert post_report(client, hidden).status_code == 404
    assert not ProblemReport.objects.exists()
    assert mailoutbox == []


def test_unknown_listing_has_no_report_form(client):
    assert client.get("/services/no-such-service/report/").status_code == 404


# --- A good report -------------------------------------------------------------------


def test_good_report_is_stored_against_the_listing(client, listing):
    post_report(client, listing, email="visitor@example.com")
    report = ProblemReport.objects.get()
    assert report.listing == listing
    assert report.message == GOOD["message"]
    assert report.email == "visitor@example.com"
    assert report.status == ProblemReport.Status.OPEN


def test_good_report_redirects_to_the_confirmation_page(client, listing):
    response = post_report(client, listing)
    assert response.status_code == 302
    assert response["Location"] == f"/services/{listing.slug}/report/sent/"


def test_confirmation_page_thanks_the_visitor_and_says_to_call_999(client, listing):
    response = client.get(f"/services/{listing.slug}/report/sent/")
    html = content(response)
    assert response.status_code == 200
    assert "we have passed your report to the people who keep this listing up to date" in html
    assert "does not get you emergency help" in html
    assert "If you are in danger now, call 999." in html


def test_confirmation_page_sets_no_cookie(client, listing):
    assert not client.get(f"/services/{listing.slug}/report/sent/").cookies


def test_good_report_is_emailed_only_to_the_listing_organisations_editors(
    client, make_listing, make_organisation, make_editor, make_person, staff, mailoutbox
):
    organisation_a, organisation_b = make_organisation(), make_organisation()
    editor_a = make_editor(organisation_a)
    make_editor(organisation_b)
    make_person(is_superuser=True)
    listing_a = make_listing(organisation=organisation_a)
    make_listing(organisation=organisation_b)

    post_report(client, listing_a)

    assert all_recipients(mailoutbox) == [editor_a.email]


def test_every_editor_of_the_organisation_gets_the_report(client, listing, make_editor, mailoutbox):
    editors = {make_editor(listing.organisation).email for _ in range(3)}
    post_report(client, listing)
    assert sorted(all_recipients(mailoutbox)) == sorted(editors)


def test_inactive_editors_and_editors_without_an_email_address_are_not_emailed(
    client, listing, make_editor, mailoutbox
):
    make_editor(listing.organisation, is_active=False)
    make_editor(listing.organisation, email="")
    active = make_editor(listing.organisation)
    post_report(client, listing)
    assert len(mailoutbox) == 1
    assert all_recipients(mailoutbox) == [active.email]


def test_report_email_names_the_listing_quotes_the_message_and_links_to_the_report(
    client, listing, make_editor, mailoutbox, settings
):
    settings.SITE_URL = "https://directory.example.org"
    make_editor(listing.organisation)
    post_report(client, listing, message="The address is\nout of date.")
    report = ProblemReport.objects.get()
    email = mailoutbox[0]
    assert "Riverside Mediation" in email.subject
    assert "The address is\nout of date." in email.body
    admin_link = f"https://directory.example.org/admin/directory/problemreport/{report.pk}/change/"
    assert admin_link in email.body


def test_report_email_links_straight_to_the_listing_in_the_admin(
    client, listing, make_editor, mailoutbox, settings
):
    settings.SITE_URL = "https://directory.example.org"
    make_editor(listing.organisation)
    post_report(client, listing)
    expected = f"https://directory.example.org/admin/directory/listing/{listing.pk}/change/"
    assert expected in mailoutbox[0].body


def test_reporters_email_address_is_the_reply_to(client, listing, make_editor, mailoutbox):
    make_editor(listing.organisation)
    post_report(client, listing, email="visitor@example.com")
    assert mailoutbox[0].reply_to == ["visitor@example.com"]
    assert "visitor@example.com" not in mailoutbox[0].recipients()


def test_report_without_an_email_address_has_no_reply_to(client, listing, make_editor, mailoutbox):
    make_editor(listing.organisation)
    post_report(client, listing)
    assert mailoutbox[0].reply_to == []
    assert "did not give an email address" in mailoutbox[0].body


def test_report_about_a_listing_without_editors_is_stored_but_not_emailed(
    client, listing, staff, mailoutbox
):
    response = post_report(client, listing)
    assert response.status_code == 302
    assert ProblemReport.objects.count() == 1
    assert mailoutbox == []


def test_report_is_kept_when_the_email_cannot_be_sent(client, listing, make_editor, monkeypatch):
    def refuse(self, messages):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    make_editor(listing.organisation)
    response = post_report(client, listing)
    assert response.status_code == 302
    assert ProblemReport.objects.count() == 1
    assert QueuedEmail.objects.get().last_error == "OSError: mail server down"


def test_message_of_exactly_the_limit_with_line_breaks_is_accepted(client, listing):
    # Browsers send each line break as two characters; the page counts one.
    message = ("a" * 99 + "\n") * 20
    response = post_report(client, listing, message=message.replace("\n", "\r\n"))
    assert response.status_code == 302
    assert len(ProblemReport.objects.get().message) == 1999  # trailing line break trimmed


# --- Spam: the honeypot ---------------------------------------------------------------


def test_filled_honeypot_looks_like_success(client, listing):
    response = post_report(client, listing, website="https://spam.example")
    assert response.status_code == 200
    assert "we have passed your report" in content(response)


def test_filled_honeypot_stores_and_sends_nothing(client, listing, make_editor, mailoutbox):
    make_editor(listing.organisation)
    post_report(client, listing, website="https://spam.example")
    assert not ProblemReport.objects.exists()
    assert mailoutbox == []


# --- Spam: the rate limits ------------------------------------------------------------


def test_five_reports_from_one_address_in_an_hour_are_all_accepted(client, listing):
    responses = [post_report(client, listing) for _ in range(5)]
    assert [r.status_code for r in responses] == [302] * 5
    assert ProblemReport.objects.count() == 5


def test_sixth_report_from_one_address_in_an_hour_is_refused(client, listing, make_editor):
    make_editor(listing.organisation)
    for _ in range(5):
        post_report(client, listing)
    response = post_report(client, listing, message="One more thing.")
    assert response.status_code == 429
    assert not ProblemReport.objects.filter(message="One more thing.").exists()
    assert ProblemReport.objects.count() == 5


def test_refused_report_says_to_try_again_later_and_keeps_the_typed_text(client, listing):
    for _ in range(5):
        post_report(client, listing)
    html = content(post_report(client, listing, message="Please keep my words."))
    assert "Please try again later" in html
    assert "Please keep my words.</textarea>" in html


def test_limit_on_one_address_covers_every_listing(client, listing, make_listing):
    for _ in range(5):
        post_report(client, listing)
    assert post_report(client, make_listing()).status_code == 429


def test_another_address_can_still_report_when_one_is_limited(client, listing):
    for _ in range(5):
        post_report(client, listing)
    assert post_report(client, listing, address="192.0.2.7").status_code == 302


def test_twenty_first_report_about_one_listing_in_an_hour_is_refused(client, listing):
    for n in range(20):
        assert post_report(client, listing, address=f"192.0.2.{n}").status_code == 302
    assert post_report(client, listing, address="198.51.100.1").status_code == 429
    assert ProblemReport.objects.count() == 20


def test_reports_older_than_an_hour_no_longer_count(client, listing, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(reports.time, "time", lambda: clock[0])
    for _ in range(5):
        post_report(client, listing)
    clock[0] += reports.RATE_WINDOW_SECONDS + 1
    assert post_report(client, listing).status_code == 302


def test_rejected_forms_do_not_count_against_the_limit(client, listing):
    for _ in range(6):
        post_report(client, listing, message="")
    assert post_report(client, listing).status_code == 302


def test_rate_limits_keep_no_visitor_address_in_the_cache(listing):
    reports.count_report(listing=listing, address="203.0.113.99")
    key = reports._address_key("203.0.113.99")
    assert "203.0.113.99" not in key
    assert cache.get(key)


# --- Errors ---------------------------------------------------------------------------


def test_empty_message_is_a_bad_request_asking_what_is_wrong(client, listing):
    response = post_report(client, listing, message="")
    html = content(response)
    assert response.status_code == 400
    assert ERROR_SUMMARY in html
    assert '<a href="#message">Tell us what is wrong</a>' in html
    assert '<p class="govuk-error-message" id="message-error">' in html
    assert "<title>Error: " in html


def test_message_of_only_spaces_counts_as_empty(client, listing):
    response = post_report(client, listing, message="   \r\n  ")
    assert response.status_code == 400
    assert "Tell us what is wrong" in content(response)


def test_too_long_message_says_the_limit_and_keeps_the_text(client, listing):
    message = "x" * 2001
    response = post_report(client, listing, message=message)
    html = content(response)
    assert response.status_code == 400
    assert "must be 2,000 characters or less" in html
    assert f"{message}</textarea>" in html


def test_bad_email_address_says_the_right_format_and_keeps_both_answers(client, listing):
    response = post_report(client, listing, message="Wrong phone number.", email="not-an-email")
    html = content(response)
    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in html
    assert "Wrong phone number.</textarea>" in html
    assert 'value="not-an-email"' in html


def test_form_with_errors_stores_and_sends_nothing(client, listing, make_editor, mailoutbox):
    make_editor(listing.organisation)
    post_report(client, listing, message="")
    post_report(client, listing, email="nope")
    assert not ProblemReport.objects.exists()
    assert mailoutbox == []


def test_typed_text_is_shown_again_escaped(client, listing):
    html = content(post_report(client, listing, message="<script>x</script>", email="<b>"))
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;</textarea>" in html


# --- The reports admin -------------------------------------------------------------------


def test_forum_staff_see_reports_in_the_admin(client, listing, staff):
    ProblemReport.objects.create(listing=listing, message="The phone number is wrong.")
    client.force_login(staff)
    response = client.get("/admin/directory/problemreport/")
    assert response.status_code == 200
    assert "The phone number is wrong." in content(response)


def test_forum_staff_can_filter_reports_by_status(client, listing, staff):
    ProblemReport.objects.create(listing=listing, message="Still open")
    ProblemReport.objects.create(listing=listing, message="Done", status="closed")
    client.force_login(staff)
    response = client.get("/admin/directory/problemreport/", {"status__exact": "open"})
    assert [r.message for r in response.context["cl"].result_list] == ["Still open"]


def test_forum_staff_can_search_report_messages(client, listing, staff):
    ProblemReport.objects.create(listing=listing, message="The phone number is wrong.")
    ProblemReport.objects.create(listing=listing, message="The address has changed.")
    client.force_login(staff)
    response = client.get("/admin/directory/problemreport/", {"q": "address"})
    assert [r.message for r in response.context["cl"].result_list] == ["The address has changed."]


def test_forum_staff_can_close_reports_with_the_admin_action(client, listing, staff):
    report = ProblemReport.objects.create(listing=listing, message="Wrong phone number.")
    client.force_login(staff)
    response = client.post(
        "/admin/directory/problemreport/",
        {"action": "close_reports", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.CLOSED
    assert report.closed_by == staff
    assert report.closed_at is not None


def test_forum_staff_can_reopen_a_closed_report(client, listing, staff):
    report = ProblemReport.objects.create(listing=listing, message="x", status="closed")
    client.force_login(staff)
    client.post(
        "/admin/directory/problemreport/",
        {"action": "reopen_reports", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.OPEN
    assert report.closed_at is None


def test_closing_a_report_on_its_page_records_who_closed_it(client, listing, staff):
    report = ProblemReport.objects.create(listing=listing, message="Wrong phone number.")
    client.force_login(staff)
    response = client.post(
        f"/admin/directory/problemreport/{report.pk}/change/", {"status": "closed"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.CLOSED
    assert report.closed_by == staff


def test_forum_staff_cannot_change_what_the_visitor_wrote(client, listing, staff):
    report = ProblemReport.objects.create(listing=listing, message="Original words.")
    client.force_login(staff)
    client.post(
        f"/admin/directory/problemreport/{report.pk}/change/",
        {"status": "open", "message": "Other words.", "email": "x@example.com"},
    )
    report.refresh_from_db()
    assert report.message == "Original words."
    assert report.email == ""


def test_nobody_adds_reports_in_the_admin(client, staff):
    client.force_login(staff)
    assert client.get("/admin/directory/problemreport/add/").status_code == 403


@pytest.mark.parametrize("suffix", ["", "{pk}/change/", "{pk}/delete/", "{pk}/history/"])
def test_provider_editor_cannot_open_the_reports_admin(client, listing, make_editor, suffix):
    editor = make_editor(listing.organisation)
    report = ProblemReport.objects.create(listing=listing, message="About their own listing.")
    client.force_login(editor)
    url = "/admin/directory/problemreport/" + suffix.format(pk=report.pk)
    assert client.get(url).status_code == 403


def test_provider_editor_does_not_see_reports_on_the_admin_home_page(client, listing, make_editor):
    client.force_login(make_editor(listing.organisation))
    html = content(client.get("/admin/"))
    assert "/admin/directory/listing/" in html
    assert "problemreport" not in html


def test_reports_admin_gives_provider_editors_no_permission_at_all(listing, make_editor):
    request = RequestFactory().get("/admin/")
    request.user = make_editor(listing.organisation)
    model_admin = site._registry[ProblemReport]
    assert not model_admin.has_module_permission(request)
    assert not model_admin.has_view_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)


def test_reports_admin_gives_forum_staff_view_and_change(staff):
    request = RequestFactory().get("/admin/")
    request.user = staff
    model_admin = site._registry[ProblemReport]
    assert model_admin.has_module_permission(request)
    assert model_admin.has_view_permission(request)
    assert model_admin.has_change_permission(request)


# --- Behind a load balancer ------------------------------------------------------

BALANCER = "10.0.0.5"


def post_via_balancer(client, listing, forwarded_for):
    return client.post(
        report_url(listing), GOOD, REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=forwarded_for
    )


def test_behind_a_balancer_each_visitor_has_their_own_limit(client, listing, settings):
    settings.TRUSTED_PROXIES = 1
    for _ in range(5):
        assert post_via_balancer(client, listing, "203.0.113.9").status_code == 302
    assert post_via_balancer(client, listing, "203.0.113.9").status_code == 429
    assert post_via_balancer(client, listing, "198.51.100.4").status_code == 302


def test_a_visitor_cannot_dodge_the_limit_by_sending_x_forwarded_for(client, listing, settings):
    settings.TRUSTED_PROXIES = 1
    # The balancer appends the address it saw; whatever the visitor sent stays to its left.
    for n in range(5):
        post_via_balancer(client, listing, f"192.0.2.{n}, 203.0.113.9")
    assert post_via_balancer(client, listing, "192.0.2.99, 203.0.113.9").status_code == 429


def test_the_address_two_proxies_wrote_is_the_one_counted(client, listing, settings):
    settings.TRUSTED_PROXIES = 2  # a CDN, then the balancer
    for n in range(5):
        post_via_balancer(client, listing, f"192.0.2.{n}, 203.0.113.9, 172.16.0.1")
    assert post_via_balancer(client, listing, "203.0.113.9, 172.16.0.2").status_code == 429
    assert post_via_balancer(client, listing, "203.0.113.10, 172.16.0.1").status_code == 302


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, listing, settings):
    settings.TRUSTED_PROXIES = 0
    for n in range(5):
        post_via_balancer(client, listing, f"192.0.2.{n}")
    assert post_via_balancer(client, listing, "192.0.2.99").status_code == 429


def test_a_short_or_empty_x_forwarded_for_falls_back_to_the_connection(client, listing, settings):
    settings.TRUSTED_PROXIES = 2
    for header in ["", " , ", "203.0.113.9"] + ["203.0.113.9"] * 2:
        post_via_balancer(client, listing, header)
    # All five counted against the balancer's own address.
    assert post_via_balancer(client, listing, "").status_code == 429
