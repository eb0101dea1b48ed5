"""Forum staff manage providers' accounts but never grant more than they hold.

Real POSTs to the admin's user and group forms, as forum staff, some of them
tampered (superuser status, a group or single permissions the form does not offer),
each followed by a look at what the account can actually do afterwards.
"""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from directory.roles import FORUM_STAFF, PROVIDER_EDITORS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture
def admin_group(db):
    """A group with every permission there is: more than forum staff hold."""
    group = Group.objects.create(name="Administrators")
    group.permissions.set(Permission.objects.all())
    return group


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "x", first_name="Root")


@pytest.fixture
def as_superuser(client, superuser):
    client.force_login(superuser)
    return client


def group(name):
    return Group.objects.get(name=name)


def lacked_by_staff():
    """Permissions forum staff do not hold (sessions, content types, permissions…)."""
    held = Permission.objects.filter(group__name=FORUM_STAFF)
    return list(Permission.objects.exclude(pk__in=held).values_list("pk", flat=True))


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def form_data(user, **overrides):
    """The user change form's POST data for ``user``, every field the stock form has;
    a field left off the form is simply not read. None drops a key."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else None,
        "is_staff": "on" if user.is_staff else None,
        "is_superuser": "on" if user.is_superuser else None,
        "groups": list(user.groups.values_list("pk", flat=True)),
        "user_permissions": list(user.user_permissions.values_list("pk", flat=True)),
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def tampered(user, **overrides):
    """Everything a forum staff member might add to a hand-made form."""
    return form_data(
        user,
        is_superuser="on",
        user_permissions=lacked_by_staff(),
        **overrides,
    )


def what_they_may_do(user):
    user = User.objects.get(pk=user.pk)
    return {
        "superuser": user.is_superuser,
        "staff": user.is_staff,
        "active": user.is_active,
        "groups": set(user.groups.values_list("name", flat=True)),
        "own permissions": set(user.user_permissions.values_list("codename", flat=True)),
    }


def editor_powers(active=True):
    return {
        "superuser": False,
        "staff": True,
        "active": active,
        "groups": {PROVIDER_EDITORS},
        "own permissions": set(),
    }


STAFF_POWERS = {
    "superuser": False,
    "staff": True,
    "active": True,
    "groups": {FORUM_STAFF},
    "own permissions": set(),
}


# --- What the form offers ----------------------------------------------------------


def test_staff_see_no_superuser_status_or_single_permissions_on_the_form(as_staff, editor_a):
    form = as_staff.get(change_url(editor_a)).context["adminform"].form

    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert {"is_active", "is_staff", "groups"} <= set(form.fields)


def test_staff_are_offered_only_groups_whose_permissions_they_hold(as_staff, editor_a, admin_group):
    form = as_staff.get(change_url(editor_a)).context["adminform"].form

    offered = set(form.fields["groups"].queryset.values_list("name", flat=True))
    assert offered == {FORUM_STAFF, PROVIDER_EDITORS}


def test_superusers_still_get_the_whole_stock_form(as_superuser, editor_a, admin_group):
    form = as_superuser.get(change_url(editor_a)).context["adminform"].form

    assert {"is_superuser", "user_permissions", "groups"} <= set(form.fields)
    assert admin_group in form.fields["groups"].queryset


def test_staff_cannot_filter_the_list_by_superuser_status(as_staff, superuser):
    response = as_staff.get("/admin/auth/user/", {"is_superuser__exact": "1"})

    assert response.status_code == 400


def test_the_user_list_offers_staff_no_superuser_filter(as_staff):
    response = as_staff.get("/admin/auth/user/")

    assert response.status_code == 200
    assert "is_superuser" not in response.content.decode()


# --- Managing a provider's account ---------------------------------------------------


def test_staff_change_a_providers_name_and_email(as_staff, editor_a):
    data = form_data(editor_a, first_name="Ash", last_name="Alder", email="ash@alder.example")

    response = as_staff.post(change_url(editor_a), data)

    assert response.status_code == 302
    editor_a.refresh_from_db()
    assert (editor_a.first_name, editor_a.last_name) == ("Ash", "Alder")
    assert editor_a.email == "ash@alder.example"
    assert what_they_may_do(editor_a) == editor_powers()


def test_staff_switch_a_providers_account_off_and_on(as_staff, editor_a):
    as_staff.post(change_url(editor_a), form_data(editor_a, is_active=None))
    assert what_they_may_do(editor_a) == editor_powers(active=False)

    as_staff.post(change_url(editor_a), form_data(editor_a, is_active="on"))
    assert what_they_may_do(editor_a) == editor_powers()


def test_staff_give_an_account_the_provider_editor_role(as_staff, make_user):
    person = make_user("new-person")

    response = as_staff.post(
        change_url(person), form_data(person, groups=[group(PROVIDER_EDITORS).pk])
    )

    assert response.status_code == 302
    assert what_they_may_do(person)["groups"] == {PROVIDER_EDITORS}


def test_staff_set_a_providers_password(as_staff, editor_a):
    url = reverse("admin:auth_user_password_change", args=[editor_a.pk])

    response = as_staff.post(
        url,
        {
            "usable_password": "true",
            "password1": "a-new-long-pass-phrase",
            "password2": "a-new-long-pass-phrase",
        },
    )

    assert response.status_code == 302
    editor_a.refresh_from_db()
    assert editor_a.check_password("a-new-long-pass-phrase")


# --- Tampered forms grant nothing ---------------------------------------------------


def test_a_tampered_form_makes_no_provider_a_superuser(as_staff, editor_a):
    response = as_staff.post(change_url(editor_a), tampered(editor_a, first_name="Ash"))

    assert response.status_code == 302  # the rest of the form is saved…
    editor_a.refresh_from_db()
    assert editor_a.first_name == "Ash"
    assert what_they_may_do(editor_a) == editor_powers()  # …and nothing is granted


def test_a_group_with_more_than_staff_hold_is_refused(as_staff, editor_a, admin_group):
    data = form_data(editor_a, groups=[group(PROVIDER_EDITORS).pk, admin_group.pk])

    response = as_staff.post(change_url(editor_a), data)

    assert response.status_code == 200
    assert "groups" in response.context["adminform"].form.errors
    assert what_they_may_do(editor_a) == editor_powers()


def test_staff_cannot_make_themselves_superuser(as_staff, staff_user, admin_group):
    data = tampered(staff_user, first_name="Sam", groups=[admin_group.pk])

    response = as_staff.post(change_url(staff_user), data)

    assert response.status_code == 302
    staff_user.refresh_from_db()
    assert staff_user.first_name == "Sam"  # their own name is theirs to change
    assert what_they_may_do(staff_user) == STAFF_POWERS


def test_staff_cannot_change_what_they_may_do_themselves(as_staff, staff_user):
    data = form_data(staff_user, is_staff=None, is_active=None, groups=[])

    response = as_staff.post(change_url(staff_user), data)

    assert response.status_code == 302
    assert what_they_may_do(staff_user) == STAFF_POWERS


def test_staff_change_their_own_email_and_password(as_staff, staff_user):
    as_staff.post(change_url(staff_user), form_data(staff_user, email="sam@forum.example"))
    url = reverse("admin:auth_user_password_change", args=[staff_user.pk])
    as_staff.post(
        url,
        {
            "usable_password": "true",
            "password1": "my-own-new-pass-phrase",
            "password2": "my-own-new-pass-phrase",
        },
    )

    staff_user.refresh_from_db()
    assert staff_user.email == "sam@forum.example"
    assert staff_user.check_password("my-own-new-pass-phrase")


def test_a_tampered_new_account_is_no_superuser(as_staff, admin_group):
    response = as_staff.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer@provider.example",
            "usable_password": "false",
            "is_superuser": "on",
            "is_staff": "on",
            "groups": [admin_group.pk],
            "user_permissions": lacked_by_staff(),
        },
    )

    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer@provider.example")
    assert what_they_may_do(newcomer) == {
        "superuser": False,
        "staff": False,
        "active": True,
        "groups": set(),
        "own permissions": set(),
    }


# --- Accounts with more than staff hold ------------------------------------------------


@pytest.fixture
def administrator(make_user, admin_group):
    person = make_user("administrator")
    person.groups.add(admin_group)
    return person


@pytest.fixture
def with_one_more_permission(make_user):
    person = make_user("session-keeper", group=PROVIDER_EDITORS)
    person.user_permissions.add(Permission.objects.get(codename="delete_session"))
    return person


@pytest.mark.parametrize("who", ["superuser", "administrator", "with_one_more_permission"])
def test_staff_cannot_change_an_account_that_holds_more_than_they_do(as_staff, request, who):
    account = request.getfixturevalue(who)
    before = what_they_may_do(account)

    page = as_staff.get(change_url(account))
    response = as_staff.post(change_url(account), form_data(account, first_name="Changed"))

    assert page.status_code == 200  # they may look…
    assert not page.context["has_change_permission"]
    assert response.status_code == 403  # …not change
    account.refresh_from_db()
    assert account.first_name != "Changed"
    assert what_they_may_do(account) == before


@pytest.mark.parametrize("who", ["superuser", "administrator"])
def test_staff_cannot_set_the_password_of_an_account_that_holds_more(as_staff, request, who):
    account = request.getfixturevalue(who)
    url = reverse("admin:auth_user_password_change", args=[account.pk])

    response = as_staff.post(
        url,
        {
            "usable_password": "true",
            "password1": "taken-over-pass-phrase",
            "password2": "taken-over-pass-phrase",
        },
    )

    assert response.status_code == 403
    account.refresh_from_db()
    assert not account.check_password("taken-over-pass-phrase")


def test_staff_cannot_delete_a_superuser(as_staff, superuser):
    response = as_staff.post(
        reverse("admin:auth_user_delete", args=[superuser.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert User.objects.filter(pk=superuser.pk).exists()


def test_staff_cannot_delete_a_superuser_in_bulk(as_staff, superuser, editor_a):
    response = as_staff.post(
        "/admin/auth/user/",
        {
            "action": "delete_selected",
            "_selected_action": [superuser.pk, editor_a.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 403
    assert User.objects.filter(pk__in=[superuser.pk, editor_a.pk]).count() == 2


def test_superusers_may_still_grant_everything(as_superuser, editor_a, admin_group):
    data = tampered(editor_a, groups=[admin_group.pk])

    response = as_superuser.post(change_url(editor_a), data)

    assert response.status_code == 302
    powers = what_they_may_do(editor_a)
    assert powers["superuser"] is True
    assert powers["groups"] == {"Administrators"}
    assert powers["own permissions"]


def test_a_provider_editor_cannot_open_the_user_admin(as_editor_a, editor_a):
    assert as_editor_a.get("/admin/auth/user/").status_code == 403
    assert as_editor_a.post(change_url(editor_a), tampered(editor_a)).status_code == 403
    assert what_they_may_do(editor_a) == editor_powers()


# --- Groups --------------------------------------------------------------------------


def group_url(group_, action="change"):
    return reverse(f"admin:auth_group_{action}", args=[group_.pk])


def test_staff_cannot_give_a_group_a_permission_they_lack(as_staff):
    response = as_staff.post(
        reverse("admin:auth_group_add"),
        {"name": "Helpers", "permissions": lacked_by_staff()[:3]},
    )

    assert response.status_code == 200
    assert "permissions" in response.context["adminform"].form.errors
    assert not Group.objects.filter(name="Helpers").exists()


def test_staff_may_make_a_group_of_permissions_they_hold(as_staff):
    mine = Permission.objects.get(codename="view_listing")

    response = as_staff.post(
        reverse("admin:auth_group_add"), {"name": "Readers", "permissions": [mine.pk]}
    )

    assert response.status_code == 302
    assert list(group("Readers").permissions.all()) == [mine]


@pytest.mark.parametrize("name", [FORUM_STAFF, PROVIDER_EDITORS])
def test_staff_cannot_change_the_role_groups(as_staff, name):
    role = group(name)
    before = set(role.permissions.all())

    response = as_staff.post(
        group_url(role), {"name": name, "permissions": [p.pk for p in Permission.objects.all()]}
    )

    assert response.status_code == 403
    assert set(role.permissions.all()) == before
    assert as_staff.post(group_url(role, "delete"), {"post": "yes"}).status_code == 403


def test_staff_cannot_change_a_group_that_holds_more(as_staff, admin_group):
    response = as_staff.post(group_url(admin_group), {"name": "Mine now", "permissions": []})

    assert response.status_code == 403
    admin_group.refresh_from_db()
    assert admin_group.name == "Administrators"
