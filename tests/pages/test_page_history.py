"""Information pages keep their history and can be reverted, like listings; the pages
the menu and footer link to stay on the site; no page is deleted."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from directory.roles import FORUM_STAFF, PROVIDER_EDITORS
from pages.models import Page

pytestmark = pytest.mark.django_db

MENU_PAGE = "for-professionals"
FOOTER_PAGE = "privacy"


def body(response):
    return response.content.decode()


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def login(username, group=None, **extra):
    user = User.objects.create_user(
        username, f"{username}@example.org", "x", is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def staff():
    return login("page-staff", FORUM_STAFF)


@pytest.fixture
def as_staff(staff):
    return staff[0]


@pytest.fixture
def as_superuser(db):
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    return client


@pytest.fixture
def as_editor(db):
    return login("page-editor", PROVIDER_EDITORS)[0]


@pytest.fixture
def page(db):
    return Page.objects.create(
        title="Getting to a meeting",
        slug="getting-to-a-meeting",
        summary="Travel help.",
        body="Bus fares are paid back.",
    )


def url(page, view, *args):
    return reverse(f"admin:pages_page_{view}", args=[page.pk, *args])


def form_data(page, **overrides):
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "body": page.body,
        "position": page.position,
        "_save": "Save",
    }
    if page.show_in_footer:
        data["show_in_footer"] = "on"
    if page.published:
        data["published"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit(client, page, **overrides):
    return client.post(url(page, "change"), form_data(page, **overrides))


# --- History and revert ---------------------------------------------------------------


def test_each_page_loaded_from_its_file_has_a_first_version_naming_the_file(db):
    for page in Page.objects.all():
        first = page.history.last()
        assert first is not None, page.slug
        assert first.history_change_reason == f"Added from pages/content/{page.slug}.md"
        assert first.body == page.body


def test_each_save_in_the_admin_is_a_version_saying_who_made_it(as_staff, staff, page):
    response = edit(as_staff, page, body="Bus and train fares are paid back.")

    assert response.status_code == 302
    assert page.history.count() == 2
    latest = page.history.first()
    assert latest.body == "Bus and train fares are paid back."
    assert latest.history_user == staff[1]
    history = body(as_staff.get(url(page, "history")))
    assert "page-staff" in history
    assert "Revert to this version…" in history


def test_the_revert_page_shows_what_would_come_back_and_changes_nothing(as_staff, page):
    first = page.history.first()
    edit(as_staff, page, title="Travelling to a meeting", body="Fares are paid back.")

    response = as_staff.get(url(page, "revert", first.history_id))

    assert response.status_code == 200
    assert response.context["changes"] == [
        ("Title", "Getting to a meeting", "Travelling to a meeting"),
        ("Body", "Bus fares are paid back.", "Fares are paid back."),
    ]
    assert Page.objects.get(pk=page.pk).title == "Travelling to a meeting"


def test_revert_restores_the_words_keeps_published_and_is_itself_a_version(as_staff, page):
    first = page.history.first()
    edit(as_staff, page, body="Nothing is paid back.", published=None)
    assert Page.objects.get(pk=page.pk).published is False

    response = as_staff.post(url(page, "revert", first.history_id))

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.body == "Bus fares are paid back."
    assert page.published is False  # a revert never publishes by surprise
    latest = page.history.first()
    assert latest.history_change_reason.startswith("Reverted to the version of ")
    assert page.history.count() == 3


def test_a_revert_to_an_address_another_page_now_has_is_refused(as_staff, page):
    first = page.history.first()
    edit(as_staff, page, slug="travel")
    Page.objects.create(title="Other", slug="getting-to-a-meeting", summary="s", body="b")

    page_view = as_staff.get(url(page, "revert", first.history_id))
    response = as_staff.post(url(page, "revert", first.history_id), follow=True)

    assert "now belongs to another page" in body(page_view)
    assert 'type="submit"' not in body(page_view).split('id="content"')[-1]
    assert any("now belongs to another page" in m for m in messages_of(response))
    assert Page.objects.get(pk=page.pk).slug == "travel"


def test_a_revert_that_would_move_a_menu_page_is_refused(as_staff):
    menu_page = Page.objects.get(slug=MENU_PAGE)
    menu_page.slug = "professionals"  # as code could, not the admin
    menu_page.save()
    moved = menu_page.history.first()
    menu_page.slug = MENU_PAGE
    menu_page.save()

    response = as_staff.post(url(menu_page, "revert", moved.history_id), follow=True)

    assert any("main menu" in m for m in messages_of(response))
    assert Page.objects.get(pk=menu_page.pk).slug == MENU_PAGE


def test_the_library_history_form_cannot_revert_by_itself(as_staff, page):
    first = page.history.first()
    edit(as_staff, page, body="Changed.")
    version = reverse("admin:pages_page_simple_history", args=[page.pk, first.history_id])

    assert as_staff.get(version).status_code == 200
    assert as_staff.post(version, form_data(page, body="Sneaky.")).status_code == 405
    assert Page.objects.get(pk=page.pk).body == "Changed."


@pytest.mark.parametrize("view", ["history", "revert"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_provider_editors_cannot_see_or_revert_page_history(as_editor, page, view, method):
    args = [page.history.first().history_id] if view == "revert" else []

    response = getattr(as_editor, method)(url(page, view, *args))

    assert response.status_code == 403
    assert page.history.count() == 1


# --- Pages the site links to ------------------------------------------------------


@pytest.mark.parametrize("who", ["as_staff", "as_superuser"])
def test_no_page_can_be_deleted_in_the_admin(request, page, who):
    client = request.getfixturevalue(who)
    changelist = reverse("admin:pages_page_changelist")

    form = client.get(changelist).context["action_form"]  # None: no actions at all
    actions = form.fields["action"].choices if form else []
    refused = [client.get(url(page, "delete")), client.post(url(page, "delete"), {"post": "yes"})]
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [page.pk], "index": "0", "post": "yes"},
    )

    assert "delete_selected" not in [name for name, _ in actions]
    assert [r.status_code for r in refused] == [403, 403]
    assert Page.objects.filter(pk=page.pk).exists()


def test_a_menu_page_cannot_be_unpublished_and_says_why(as_staff, client):
    menu_page = Page.objects.get(slug=MENU_PAGE)

    response = edit(as_staff, menu_page, published=None)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["published"]
    assert "main menu, so it must stay published" in errors[0]
    assert Page.objects.get(pk=menu_page.pk).published is True
    assert client.get(f"/information/{MENU_PAGE}/").status_code == 200


def test_a_menu_pages_address_cannot_change(as_staff):
    menu_page = Page.objects.get(slug=MENU_PAGE)

    form = as_staff.get(url(menu_page, "change")).context["adminform"].form
    response = edit(as_staff, menu_page, slug="moved", body="New words for professionals.")

    assert "slug" not in form.fields
    assert response.status_code == 302
    menu_page.refresh_from_db()
    assert (menu_page.slug, menu_page.body) == (MENU_PAGE, "New words for professionals.")


def test_a_footer_page_is_unpublished_only_together_with_leaving_the_footer(as_staff, client):
    footer_page = Page.objects.get(slug=FOOTER_PAGE)
    assert footer_page.show_in_footer

    refused = edit(as_staff, footer_page, published=None)
    assert (
        "untick “Show in footer” as well"
        in refused.context["adminform"].form.errors["published"][0]
    )
    assert Page.objects.get(pk=footer_page.pk).published is True

    allowed = edit(as_staff, footer_page, published=None, show_in_footer=None)
    assert allowed.status_code == 302
    assert client.get(f"/information/{FOOTER_PAGE}/").status_code == 404


def test_other_pages_may_be_unpublished_and_published_again(as_staff, client, page):
    assert edit(as_staff, page, published=None).status_code == 302
    assert client.get(page.get_absolute_url()).status_code == 404

    page.refresh_from_db()
    assert edit(as_staff, page, published="on").status_code == 302
    assert client.get(page.get_absolute_url()).status_code == 200
