"""National routes onward: seeded, shown by {% onward_routes %}, edited by forum staff only."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template import Context, Template

from directory.roles import FORUM_STAFF, PROVIDER_EDITORS
from pages.models import OnwardRoute

pytestmark = pytest.mark.django_db

SEEDED = [
    ("Why me?", "https://why-me.org/"),
    ("Restorative Justice Council", "https://restorativejustice.org.uk/"),
    ("Victim Support", "https://www.victimsupport.org.uk/"),
]
CHANGELIST = "/admin/pages/onwardroute/"


def render(source="{% onward_routes %}"):
    return Template("{% load onward %}" + source).render(Context())


def route(**overrides):
    values = {
        "name": "A national service",
        "url": "https://example.org/",
        "description": "It helps people.",
        "position": 10,
    }
    values.update(overrides)
    return OnwardRoute.objects.create(**values)


# --- The seeded routes ------------------------------------------------------------------


def test_migrations_seed_the_three_national_routes_in_order_and_shown():
    assert [(r.name, r.url) for r in OnwardRoute.objects.shown()] == SEEDED


@pytest.mark.parametrize("name", [name for name, _ in SEEDED])
def test_each_seeded_route_has_one_or_two_plain_sentences_and_no_phone_number(name):
    seeded = OnwardRoute.objects.get(name=name)
    sentences = [s for s in re.split(r"(?<=\.)\s+", seeded.description) if s]
    assert 1 <= len(sentences) <= 2
    assert not re.search(r"\d{3}", seeded.description + seeded.who_for)
    seeded.full_clean()


# --- The template tag ----------------------------------------------------------------


def test_tag_renders_the_shown_routes_in_their_order_with_links_and_descriptions():
    OnwardRoute.objects.all().delete()
    route(name="Second", url="https://second.example.org/", position=2)
    route(name="First", url="https://first.example.org/", position=1, who_for="Anyone")
    html = render()
    assert "Help from national services" in html
    assert html.index("First") < html.index("Second")
    assert 'href="https://first.example.org/"' in html
    assert "It helps people." in html
    assert "Who it is for: Anyone" in html


def test_tag_hides_routes_staff_have_hidden():
    route(name="Hidden route", is_shown=False)
    html = render()
    assert "Hidden route" not in html
    assert "Victim Support" in html


def test_tag_renders_nothing_when_no_route_is_shown():
    OnwardRoute.objects.update(is_shown=False)
    assert render().strip() == ""


def test_tag_escapes_what_staff_typed():
    route(name="<script>alert(1)</script>", description='Say "hi" & <b>bye</b>')
    html = render()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bye&lt;/b&gt;" in html


def test_tag_takes_its_heading_and_level():
    html = render('{% onward_routes heading="Help outside the area" level=3 %}')
    assert '<h3 class="govuk-heading-m">Help outside the area</h3>' in html


@pytest.mark.parametrize(("asked", "used"), [(1, 2), (9, 4)])
def test_tag_keeps_the_heading_level_between_2_and_4(asked, used):
    assert f"<h{used} " in render(f"{{% onward_routes level={asked} %}}")


@pytest.mark.parametrize("count", [3, 30])
def test_tag_makes_one_query_however_many_routes(count, django_assert_num_queries):
    for n in range(count - OnwardRoute.objects.count()):
        route(name=f"Route {n}")
    with django_assert_num_queries(1):
        html = render()
    assert html.count("<li") == count


def test_information_index_offers_the_national_routes(client):
    html = client.get("/information/").content.decode()
    assert "Help from national services" in html
    assert 'href="https://www.victimsupport.org.uk/"' in html


# --- Only web addresses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/", "mailto:help@example.org"]
)
def test_a_route_must_link_to_a_web_page(url):
    with pytest.raises(ValidationError) as error:
        OnwardRoute(name="Bad", url=url, description="Bad.").full_clean()
    assert "url" in error.value.message_dict


def test_the_database_refuses_a_link_that_is_not_http_or_https():
    with pytest.raises(IntegrityError), transaction.atomic():
        route(url="javascript:alert(1)")


# --- Who may edit them: forum staff and superusers only --------------------------------


def signed_in(client, username, *, group=None, superuser=False):
    user = User.objects.create_user(username, is_staff=True, is_superuser=superuser)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def editor(client):
    return signed_in(client, "provider-editor", group=PROVIDER_EDITORS)


@pytest.fixture
def staff(client):
    return signed_in(client, "forum-staff", group=FORUM_STAFF)


def form_data(obj, **changes):
    data = {
        "name": obj.name,
        "url": obj.url,
        "description": obj.description,
        "who_for": obj.who_for,
        "position": obj.position,
        "is_shown": "on" if obj.is_shown else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_forum_staff_have_every_permission_on_routes():
    staff = Group.objects.get(name=FORUM_STAFF)
    wanted = set(Permission.objects.filter(content_type__model="onwardroute"))
    assert len(wanted) == 4
    assert wanted <= set(staff.permissions.all())


def test_provider_editors_have_no_permission_on_routes():
    editors = Group.objects.get(name=PROVIDER_EDITORS)
    assert not editors.permissions.filter(content_type__model="onwardroute").exists()


def test_provider_editor_does_not_see_routes_in_the_admin_index(editor):
    html = editor.get("/admin/").content.decode()
    assert "national routes onward" not in html.lower()
    assert CHANGELIST not in html


@pytest.mark.parametrize("suffix", ["", "add/", "{pk}/change/", "{pk}/delete/", "{pk}/history/"])
def test_provider_editor_is_refused_every_route_page(editor, suffix):
    pk = OnwardRoute.objects.first().pk
    assert editor.get(CHANGELIST + suffix.format(pk=pk)).status_code == 403


def test_provider_editor_cannot_change_a_route(editor):
    seeded = OnwardRoute.objects.get(name="Victim Support")
    response = editor.post(f"{CHANGELIST}{seeded.pk}/change/", form_data(seeded, name="Hijacked"))
    assert response.status_code == 403
    seeded.refresh_from_db()
    assert seeded.name == "Victim Support"


def test_provider_editor_given_the_permissions_by_mistake_is_still_refused(client):
    user = User.objects.create_user("lucky-editor", is_staff=True)
    user.groups.add(Group.objects.get(name=PROVIDER_EDITORS))
    user.user_permissions.add(*Permission.objects.filter(content_type__model="onwardroute"))
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 403


def test_forum_staff_see_routes_in_the_admin_index(staff):
    assert CHANGELIST in staff.get("/admin/").content.decode()


def test_forum_staff_edit_a_route(staff):
    seeded = OnwardRoute.objects.get(name="Victim Support")
    response = staff.post(
        f"{CHANGELIST}{seeded.pk}/change/", form_data(seeded, description="New words.")
    )
    assert response.status_code == 302
    seeded.refresh_from_db()
    assert seeded.description == "New words."


def test_forum_staff_add_a_route_typed_without_https(staff):
    data = {"name": "New route", "url": "example.org/help", "description": "It helps."}
    response = staff.post(CHANGELIST + "add/", {**data, "position": 4, "is_shown": "on"})
    assert response.status_code == 302
    assert OnwardRoute.objects.get(name="New route").url == "https://example.org/help"


def test_forum_staff_cannot_save_a_javascript_link(staff):
    seeded = OnwardRoute.objects.get(name="Why me?")
    response = staff.post(
        f"{CHANGELIST}{seeded.pk}/change/", form_data(seeded, url="javascript:alert(1)")
    )
    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    seeded.refresh_from_db()
    assert seeded.url == "https://why-me.org/"


def test_a_superuser_edits_routes_too(client):
    superuser = signed_in(client, "superuser", superuser=True)
    assert superuser.get(CHANGELIST).status_code == 200
