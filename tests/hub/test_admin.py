"""Forum staff write, schedule, publish, revert and unpublish each kind in the admin;
provider editors see none of it; nothing is deleted; every save bumps the page cache."""

import datetime

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hub.models import Briefing, Event, NewsItem, Status
from sitecache.version import current_version

from .conftest import DAY

pytestmark = pytest.mark.django_db

ADMIN = "/admin/hub"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def local(moment):
    value = timezone.localtime(moment)
    return {"publish_at_0": value.strftime("%Y-%m-%d"), "publish_at_1": value.strftime("%H:%M")}


def news_form(**overrides):
    values = {
        "title": "Forum meeting report",
        "slug": "forum-meeting-report",
        "summary": "What the forum discussed.",
        "body": "## What we discussed\n\nA lot.",
        "status": Status.PUBLISHED,
        **local(timezone.now() - datetime.timedelta(minutes=5)),
    }
    values.update(overrides)
    return values


def event_form(**overrides):
    values = {
        **news_form(title="Training day", slug="training-day"),
        "date": (timezone.localdate() + 10 * DAY).isoformat(),
        "start_time": "10:00",
        "end_time": "12:30",
        "time_zone": "Europe/London",
        "place": "Loughborough",
        "how_to_join": "Book through the forum.",
        "who_for": "Facilitators",
    }
    values.update(overrides)
    return values


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_staff_write_and_publish_news_which_appears_at_once(as_staff, client):
    response = as_staff.post(f"{ADMIN}/newsitem/add/", news_form())
    assert response.status_code == 302, response.context and response.context["errors"]
    news = NewsItem.objects.get(slug="forum-meeting-report")
    assert news.history.get().history_user.username == "hub-staff"
    assert client.get("/knowledge-hub/news/forum-meeting-report/").status_code == 200


def test_staff_schedule_news_which_waits_for_its_time(as_staff, client):
    later = timezone.now() + 2 * DAY
    as_staff.post(f"{ADMIN}/newsitem/add/", news_form(**local(later)))
    news = NewsItem.objects.get(slug="forum-meeting-report")
    assert news.status == Status.PUBLISHED and not news.is_live()
    assert client.get(news.get_absolute_url()).status_code == 404
    changelist = as_staff.get(f"{ADMIN}/newsitem/").content.decode()
    assert "Scheduled for" in changelist
    # Staff can see how it will look meanwhile, away from the public site.
    preview = as_staff.get(f"{ADMIN}/newsitem/{news.pk}/preview/")
    assert preview.status_code == 200
    assert "Only forum staff can see this preview" in preview.content.decode()
    assert '<meta name="robots" content="noindex">' in preview.content.decode()


def test_a_draft_is_not_public_until_published_with_the_action(as_staff, client, make_news):
    draft = make_news(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    response = as_staff.post(
        f"{ADMIN}/newsitem/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Published 1 item." in messages_of(response)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert draft.history.first().history_user.username == "hub-staff"


def test_unpublishing_puts_items_back_to_draft(as_staff, client, make_news, make_event):
    news, event = make_news(), make_event()
    for model, item in [("newsitem", news), ("event", event)]:
        response = as_staff.post(
            f"{ADMIN}/{model}/", {"action": "unpublish", "_selected_action": [item.pk]}, follow=True
        )
        assert any("Took 1 item off the site" in m for m in messages_of(response))
        item.refresh_from_db()
        assert item.status == Status.DRAFT
        assert client.get(item.get_absolute_url()).status_code == 404


def test_nothing_can_be_deleted(as_staff, make_news, make_briefing, make_event):
    for model, item in [
        ("newsitem", make_news()),
        ("briefing", make_briefing()),
        ("event", make_event()),
    ]:
        assert as_staff.get(f"{ADMIN}/{model}/{item.pk}/delete/").status_code == 403
        response = as_staff.get(f"{ADMIN}/{model}/")
        assert "delete_selected" not in response.content.decode()


def test_staff_revert_news_to_an_earlier_version_keeping_it_published(as_staff, make_news):
    news = make_news(title="First words", body="First text.")
    first = news.history.get()
    as_staff.post(
        f"{ADMIN}/newsitem/{news.pk}/change/",
        news_form(title="Second words", slug=news.slug, body="Second text.", status=Status.DRAFT),
    )
    news.refresh_from_db()
    assert news.title == "Second words" and news.status == Status.DRAFT

    url = f"{ADMIN}/newsitem/{news.pk}/history/{first.history_id}/revert/"
    shown = as_staff.get(url).content.decode()
    assert "Second words" in shown and "First words" in shown
    assert "it is a draft" in shown
    as_staff.post(url)

    news.refresh_from_db()
    assert (news.title, news.body, news.status) == ("First words", "First text.", Status.DRAFT)
    latest = news.history.first()
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert (
        "Revert to this version…"
        in as_staff.get(f"{ADMIN}/newsitem/{news.pk}/history/").content.decode()
    )


def test_a_revert_to_an_address_now_used_by_another_item_is_refused(as_staff, make_news):
    news = make_news(slug="original")
    first = news.history.get()
    news.slug = "renamed"
    news.save()
    make_news(slug="original")
    url = f"{ADMIN}/newsitem/{news.pk}/history/{first.history_id}/revert/"
    assert "now belongs to another news item" in as_staff.get(url).content.decode()
    as_staff.post(url)
    news.refresh_from_db()
    assert news.slug == "renamed"


def test_simple_historys_own_revert_form_is_refused(as_staff, make_news):
    news = make_news()
    record = news.history.get()
    url = f"{ADMIN}/newsitem/{news.pk}/history/{record.history_id}/"
    assert as_staff.post(url, {}).status_code == 405


def test_staff_add_an_event_with_times_and_revert_it(as_staff, client):
    response = as_staff.post(f"{ADMIN}/event/add/", event_form())
    assert response.status_code == 302
    event = Event.objects.get(slug="training-day")
    assert event.time_text() == "10am to 12:30pm (UK time)"
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Loughborough" in page and "Book through the forum." in page
    first = event.history.get()
    as_staff.post(f"{ADMIN}/event/{event.pk}/change/", event_form(start_time="11:00"))
    event.refresh_from_db()
    assert event.start_time == datetime.time(11)
    as_staff.post(f"{ADMIN}/event/{event.pk}/history/{first.history_id}/revert/")
    event.refresh_from_db()
    assert event.start_time == datetime.time(10)
    assert timezone.localtime(event.starts_at).hour == 10  # worked out again on the revert


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"place": "", "online": ""}, "place", "Say where it is, or tick “online”."),
        ({"end_time": "09:00"}, "end_time", "The end time must be after the start time."),
        ({"time_zone": "London"}, "time_zone", "not a time zone this site knows"),
        ({"date": "31/02/2027"}, "date", "Enter a valid date."),
    ],
)
def test_a_bad_event_gets_a_clear_message_and_nothing_is_saved(as_staff, overrides, field, message):
    response = as_staff.post(f"{ADMIN}/event/add/", event_form(**overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors[field]
    assert any(message in error for error in errors), errors
    assert not Event.objects.exists() or not Event.objects.filter(slug="training-day").exists()


def test_an_online_event_needs_no_place(as_staff):
    response = as_staff.post(f"{ADMIN}/event/add/", event_form(place="", online="on"))
    assert response.status_code == 302
    assert Event.objects.get(slug="training-day").where_text() == "Online"


def briefing_form(**overrides):
    values = {**news_form(title="Youth justice", slug="youth-justice"), "number": 7}
    values.update(overrides)
    return values


def test_a_briefing_with_a_pdf_is_downloadable_only_while_public(
    as_staff, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("issue-7.pdf", PDF, content_type="application/pdf")
    response = as_staff.post(f"{ADMIN}/briefing/add/", briefing_form(document=upload))
    assert response.status_code == 302
    briefing = Briefing.objects.get(number=7)
    page = client.get(briefing.get_absolute_url()).content.decode()
    assert "Download issue 7 (PDF" in page

    download = client.get(briefing.document_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "emrj-briefing-7-youth-justice.pdf" in download["Content-Disposition"]

    # A database restored without its media folder: the page works, with no link.
    (tmp_path / briefing.document.name).rename(tmp_path / "elsewhere.pdf")
    cache.clear()  # the page as it was is cached, and moving a file bumps nothing
    page = client.get(briefing.get_absolute_url())
    assert page.status_code == 200 and "Download issue 7" not in page.content.decode()
    assert client.get(briefing.document_url()).status_code == 404
    (tmp_path / "elsewhere.pdf").rename(tmp_path / briefing.document.name)

    briefing.status = Status.DRAFT
    briefing.save()
    assert client.get(briefing.document_url()).status_code == 404
    # The upload folder itself is not served.
    assert client.get(f"/media/{briefing.document.name}").status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("issue.exe", b"MZ", "Attach a PDF, Word (.docx) or OpenDocument (.odt) file."),
        ("issue.pdf", b"<html>not a pdf</html>", "is named .pdf but is not a PDF file inside"),
    ],
)
def test_a_document_of_the_wrong_kind_is_refused(
    as_staff, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content)
    response = as_staff.post(f"{ADMIN}/briefing/add/", briefing_form(document=upload))
    assert response.status_code == 200
    assert any(message in e for e in response.context["adminform"].form.errors["document"])
    assert not Briefing.objects.filter(number=7).exists()
    assert list(tmp_path.iterdir()) == []


def test_a_document_over_the_limit_is_refused_before_it_is_read(as_staff):
    from hub.models import DOCUMENT_MAX_BYTES

    response = as_staff.generic(
        "POST",
        f"{ADMIN}/briefing/add/",
        b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(DOCUMENT_MAX_BYTES + 200 * 1024),
    )
    assert response.status_code == 413
    assert "The document is too big to attach: the most is 10 MB" in response.content.decode()


def test_a_duplicate_issue_number_is_refused(as_staff, make_briefing):
    make_briefing(number=7)
    response = as_staff.post(f"{ADMIN}/briefing/add/", briefing_form())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["number"]


@pytest.mark.parametrize("model", ["newsitem", "briefing", "event"])
def test_provider_editors_see_none_of_the_hub(as_editor, model):
    assert as_editor.get(f"{ADMIN}/{model}/").status_code == 403
    assert as_editor.get(f"{ADMIN}/{model}/add/").status_code == 403
    assert "Knowledge hub" not in as_editor.get("/admin/").content.decode()


def test_staff_see_the_hub_in_the_admin_index(as_staff):
    page = as_staff.get("/admin/").content.decode()
    assert "Knowledge hub" in page
    for name in ["News items", "Briefings", "Events"]:
        assert name in page


def test_every_save_of_every_kind_bumps_the_page_cache(make_news, make_briefing, make_event):
    from pages.models import Page

    for make in (make_news, make_briefing, make_event):
        before = current_version()
        item = make()
        assert current_version() != before
        before = current_version()
        item.title += " changed"
        item.save()
        assert current_version() != before
    page = Page.objects.first()
    before = current_version()
    page.save()
    assert current_version() != before


def test_view_on_site_goes_to_the_public_page_only_once_it_is_live(make_news):
    from django.contrib import admin

    model_admin = admin.site._registry[NewsItem]
    live, draft = make_news(), make_news(status=Status.DRAFT)
    assert model_admin.view_on_site(live) == live.get_absolute_url()
    assert model_admin.view_on_site(draft) == f"/admin/hub/newsitem/{draft.pk}/preview/"


@pytest.mark.parametrize("model", ["newsitem", "briefing", "event"])
def test_history_pages_are_in_plain_words(as_staff, make_news, make_briefing, make_event, model):
    item = {"newsitem": make_news, "briefing": make_briefing, "event": make_event}[model]()
    item.title = "A new title"
    item.save()
    page = as_staff.get(f"{ADMIN}/{model}/{item.pk}/history/").content.decode()
    assert "Revert to this version…" in page and "A new title" in page
    for raw in ["REVERT_LINK", "revert_link", "None", "True", "False", 'style="']:
        assert raw not in page.split('id="content"')[1], raw
