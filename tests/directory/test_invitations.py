"""Inviting provider editors by email, choosing a password, and removing editors."""

import io
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import NoReverseMatch, reverse

from directory import invitations
from directory.invitations import remove_editor
from directory.roles import FORUM_STAFF, PROVIDER_EDITORS
from tests.directory.admin_forms import edit_version

pytestmark = pytest.mark.django_db

User = get_user_model()
GOOD_PASSWORD = "amber kettle lantern 42"
LINK = re.compile(r"https?://\S+/accounts/reset/\S+/")


@pytest.fixture
def organisation(make_organisation):
    return make_organisation(name="Victim First", slug="victim-first")


def make_forum_staff(email="staff@forum.example"):
    user = User.objects.create_user(email, email=email, password=GOOD_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=FORUM_STAFF))
    return user


def make_provider_editor(organisation, email="editor@provider.example"):
    user = User.objects.create_user(email, email=email, password=GOOD_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=PROVIDER_EDITORS))
    organisation.editors.add(user)
    return user


def after_commit():
    """Run the email sends that follow each commit when the block ends (inside a test's
    own transaction nothing commits)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def invite_editor(**arguments):
    with after_commit():
        return invitations.invite_editor(**arguments)


def invite(slug, email):
    with after_commit():
        call_command("invite_editor", slug, email, stdout=io.StringIO())


def link_path(message):
    """Return the path of the one link to choose a password in ``message``."""
    links = LINK.findall(message.body)
    assert len(links) == 1
    return urlsplit(links[0]).path


def open_link(client, path):
    """Follow the emailed link; return the response and the set-password path."""
    response = client.get(path, follow=True)
    set_password_path = response.redirect_chain[-1][0] if response.redirect_chain else path
    return response, set_password_path


def set_password(client, path, password, confirm=None):
    return client.post(
        path, {"new_password1": password, "new_password2": confirm or password}, follow=True
    )


def signs_in(client, username, password):
    """Return whether the admin's sign-in form accepts ``username`` and ``password``."""
    client.logout()
    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
    )
    return response.status_code == 302 and "_auth_user_id" in client.session


# --- The command and the account it creates -----------------------------------


def test_invite_editor_command_creates_an_editor_account_attached_to_the_organisation(
    organisation,
):
    invite("victim-first", "Jo.Bloggs@Provider.EXAMPLE ")

    user = User.objects.get()
    assert user.username == "Jo.Bloggs@provider.example"
    assert user.email == "Jo.Bloggs@provider.example"
    assert list(user.edited_organisations.all()) == [organisation]
    assert list(user.groups.values_list("name", flat=True)) == [PROVIDER_EDITORS]
    assert user.is_staff
    assert user.is_active
    assert not user.is_superuser
    assert not user.has_usable_password()


def test_invite_editor_command_says_what_it_did(organisation, capsys):
    call_command("invite_editor", "victim-first", "jo@provider.example")

    out = capsys.readouterr().out
    assert "Invited jo@provider.example to Victim First" in out
    assert "link to set a password has been sent" in out


def test_invitation_is_exactly_one_email_to_exactly_the_invited_address(
    organisation, mailoutbox, settings
):
    invite("victim-first", "jo@provider.example")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["jo@provider.example"]
    assert message.cc == []
    assert message.bcc == []
    assert message.recipients() == ["jo@provider.example"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


def test_invitation_email_says_which_organisation_what_to_do_and_when_the_link_expires(
    organisation, mailoutbox, settings
):
    staff = make_forum_staff()
    staff.first_name, staff.last_name = "Sam", "Patel"
    staff.save()

    invite_editor(organisation=organisation, email="jo@provider.example", invited_by=staff)

    message = mailoutbox[0]
    assert "Victim First" in message.subject
    assert "Sam Patel" in message.body
    assert "Victim First" in message.body
    assert "keep Victim First's listings up to date" in message.body
    assert "expires in 7 days" in message.body
    assert f"{settings.SITE_URL}/admin/" in message.body
    assert "did not expect this email" in message.body
    assert LINK.search(message.body).group().startswith(settings.SITE_URL)


def test_unknown_organisation_is_a_command_error_that_lists_the_valid_slugs(organisation):
    with pytest.raises(CommandError, match="victim-first"):
        invite("no-such-organisation", "jo@provider.example")
    assert not User.objects.exists()


@pytest.mark.parametrize("email", ["not-an-email", "jo@", "", "jo@provider.example, x@y.example"])
def test_an_invalid_email_address_is_a_command_error(organisation, email, mailoutbox):
    with pytest.raises(CommandError, match="email"):
        invite("victim-first", email)
    assert not User.objects.exists()
    assert mailoutbox == []


def test_inviting_the_same_person_to_a_second_organisation_attaches_them_to_both(
    organisation, make_organisation, mailoutbox
):
    second = make_organisation(name="Remedi", slug="remedi")

    invite("victim-first", "jo@provider.example")
    invite("remedi", "JO@provider.example")

    user = User.objects.get()
    assert set(user.edited_organisations.all()) == {organisation, second}
    assert [message.to for message in mailoutbox] == [
        ["jo@provider.example"],
        ["jo@provider.example"],
    ]


def test_inviting_forum_staff_attaches_them_without_taking_anything_away(organisation):
    staff = make_forum_staff("staff@forum.example")

    user = invite_editor(organisation=organisation, email="staff@forum.example")

    assert user == staff
    user.refresh_from_db()
    assert user.groups.filter(name=FORUM_STAFF).exists()
    assert user.has_usable_password()
    assert user.check_password(GOOD_PASSWORD)
    assert organisation in user.edited_organisations.all()


def test_an_account_whose_username_is_the_address_but_email_differs_is_not_invited(
    organisation, mailoutbox
):
    User.objects.create_user("jo@provider.example", email="someone.else@elsewhere.example")

    with pytest.raises(ValidationError, match="different email address"):
        invite_editor(organisation=organisation, email="jo@provider.example")
    assert mailoutbox == []


# --- Choosing a password with the link ---------------------------------------------


def test_the_link_lets_the_person_choose_a_password_and_then_sign_in(
    client, organisation, mailoutbox
):
    invite("victim-first", "jo@provider.example")

    response, set_password_path = open_link(client, link_path(mailoutbox[0]))
    assert set_password_path.endswith("/set-password/")
    assert "Choose your password" in response.text
    assert "at least 12 characters" in response.text

    response = set_password(client, set_password_path, GOOD_PASSWORD)

    assert response.redirect_chain[-1][0] == reverse("password_reset_complete")
    assert "Your password is set" in response.text
    assert User.objects.get().check_password(GOOD_PASSWORD)
    assert signs_in(client, "jo@provider.example", GOOD_PASSWORD)


def test_the_link_works_only_once(client, organisation, mailoutbox):
    invite("victim-first", "jo@provider.example")
    path = link_path(mailoutbox[0])
    _, set_password_path = open_link(client, path)
    set_password(client, set_password_path, GOOD_PASSWORD)

    response, _ = open_link(client, path)

    assert "This link no longer works" in response.text
    assert "ask forum staff to send you a new invitation" in response.text
    assert response.context["form"] is None


def test_the_link_expires_after_seven_days(client, organisation, mailoutbox, monkeypatch):
    invite("victim-first", "jo@provider.example")
    now = default_token_generator._now()
    monkeypatch.setattr(default_token_generator, "_now", lambda: now + timedelta(days=7, hours=1))

    response, _ = open_link(client, link_path(mailoutbox[0]))

    assert "This link no longer works" in response.text


def test_a_password_shorter_than_twelve_characters_is_refused(client, organisation, mailoutbox):
    invite("victim-first", "jo@provider.example")
    _, set_password_path = open_link(client, link_path(mailoutbox[0]))

    response = set_password(client, set_password_path, "Kx9#mq2!vL")

    assert "at least 12 characters" in str(response.context["form"].errors)
    assert not User.objects.get().has_usable_password()


def test_a_common_password_is_refused(client, organisation, mailoutbox):
    invite("victim-first", "jo@provider.example")
    _, set_password_path = open_link(client, link_path(mailoutbox[0]))

    response = set_password(client, set_password_path, "password1234")

    assert "too common" in str(response.context["form"].errors)
    assert not User.objects.get().has_usable_password()


def test_there_is_no_public_page_to_request_a_reset_link_or_sign_up(client):
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.get("/accounts/signup/").status_code == 404


# --- The admin -----------------------------------------------------------------


def test_the_organisation_page_offers_forum_staff_an_invite_link(client, organisation):
    client.force_login(make_forum_staff())

    response = client.get(reverse("admin:directory_organisation_change", args=[organisation.pk]))

    invite_url = reverse("admin:directory_organisation_invite_editor", args=[organisation.pk])
    assert response.status_code == 200
    assert f'href="{invite_url}"' in response.text
    assert "No editors yet." in response.text


def test_forum_staff_invite_an_editor_from_the_admin(client, organisation, mailoutbox):
    staff = make_forum_staff()
    client.force_login(staff)
    url = reverse("admin:directory_organisation_invite_editor", args=[organisation.pk])

    assert client.get(url).status_code == 200
    with after_commit():
        response = client.post(url, {"email": "jo@provider.example"}, follow=True)

    user = User.objects.get(email="jo@provider.example")
    assert organisation in user.edited_organisations.all()
    assert [message.to for message in mailoutbox] == [["jo@provider.example"]]
    assert staff.email in mailoutbox[0].body
    assert response.redirect_chain[-1][0] == reverse(
        "admin:directory_organisation_change", args=[organisation.pk]
    )
    assert "Invited jo@provider.example to Victim First" in response.text
    assert "jo@provider.example — has not signed in yet." in response.text


def test_the_admin_invite_form_explains_a_bad_email_address(client, organisation, mailoutbox):
    client.force_login(make_forum_staff())
    url = reverse("admin:directory_organisation_invite_editor", args=[organisation.pk])

    response = client.post(url, {"email": "not-an-email"})

    assert response.status_code == 200
    assert "Enter a valid email address" in response.text
    assert User.objects.count() == 1
    assert mailoutbox == []


def test_a_provider_editor_cannot_invite_or_remove_editors(client, organisation):
    editor = make_provider_editor(organisation)
    client.force_login(editor)

    invite_url = reverse("admin:directory_organisation_invite_editor", args=[organisation.pk])
    remove_url = reverse(
        "admin:directory_organisation_remove_editor", args=[organisation.pk, editor.pk]
    )
    assert client.get(invite_url).status_code == 403
    assert client.post(invite_url, {"email": "friend@provider.example"}).status_code == 403
    assert client.post(remove_url).status_code == 403
    change_url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    assert client.get(change_url).status_code == 403
    assert User.objects.count() == 1
    assert organisation.editors.filter(pk=editor.pk).exists()


def test_forum_staff_remove_an_editor_from_the_admin_after_confirming(client, organisation):
    client.force_login(make_forum_staff())
    editor = make_provider_editor(organisation)
    change_url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    remove_url = reverse(
        "admin:directory_organisation_remove_editor", args=[organisation.pk, editor.pk]
    )

    assert f'href="{remove_url}"' in client.get(change_url).text
    confirmation = client.get(remove_url)
    assert "will not be able to sign in" in confirmation.text
    assert organisation.editors.filter(pk=editor.pk).exists()

    response = client.post(remove_url, follow=True)

    editor.refresh_from_db()
    assert not organisation.editors.filter(pk=editor.pk).exists()
    assert not editor.is_active
    assert "can no longer sign in" in response.text


def test_saving_the_organisation_page_leaves_its_editors_alone(client, organisation):
    client.force_login(make_forum_staff())
    editor = make_provider_editor(organisation)
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])

    response = client.post(
        url,
        {
            "name": "Victim First",
            "slug": "victim-first",
            "kind": "statutory",
            "editors": [],
            **edit_version(organisation),
        },
    )

    assert response.status_code == 302
    assert list(organisation.editors.all()) == [editor]


# --- Removing editors ---------------------------------------------------------------


def test_remove_editor_detaches_and_switches_off_someone_with_no_other_organisation(
    client, organisation
):
    editor = make_provider_editor(organisation)

    switched_off = remove_editor(organisation=organisation, user=editor)

    editor.refresh_from_db()
    assert switched_off
    assert not organisation.editors.filter(pk=editor.pk).exists()
    assert not editor.is_active
    assert not signs_in(client, editor.username, GOOD_PASSWORD)


def test_remove_editor_keeps_active_someone_who_still_edits_another_organisation(
    client, organisation, make_organisation
):
    other = make_organisation()
    editor = make_provider_editor(organisation)
    other.editors.add(editor)

    switched_off = remove_editor(organisation=organisation, user=editor)

    editor.refresh_from_db()
    assert not switched_off
    assert list(editor.edited_organisations.all()) == [other]
    assert editor.is_active
    assert signs_in(client, editor.username, GOOD_PASSWORD)


def test_remove_editor_keeps_forum_staff_active(organisation):
    staff = make_forum_staff()
    organisation.editors.add(staff)

    remove_editor(organisation=organisation, user=staff)

    staff.refresh_from_db()
    assert staff.is_active
    assert not organisation.editors.filter(pk=staff.pk).exists()


def test_a_removed_editors_account_is_kept(organisation):
    editor = make_provider_editor(organisation)

    remove_editor(organisation=organisation, user=editor)

    assert User.objects.filter(pk=editor.pk).exists()


def test_inviting_a_removed_editor_again_switches_their_account_back_on(organisation, mailoutbox):
    editor = make_provider_editor(organisation)
    remove_editor(organisation=organisation, user=editor)

    invite("victim-first", editor.email)

    editor.refresh_from_db()
    assert editor.is_active
    assert organisation.editors.filter(pk=editor.pk).exists()
    assert User.objects.count() == 1


def test_the_command_can_remove_an_editor(organisation, capsys):
    editor = make_provider_editor(organisation)

    call_command("invite_editor", "victim-first", editor.email, "--remove")

    editor.refresh_from_db()
    assert not organisation.editors.filter(pk=editor.pk).exists()
    assert not editor.is_active
    assert "Removed editor@provider.example" in capsys.readouterr().out


# --- Who gets the email ---------------------------------------------------------


def test_the_invitation_goes_only_to_the_invited_address(
    organisation, make_organisation, mailoutbox
):
    make_provider_editor(organisation, "colleague@provider.example")
    make_provider_editor(make_organisation(), "other@elsewhere.example")
    staff = make_forum_staff()

    invite_editor(organisation=organisation, email="jo@provider.example", invited_by=staff)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].recipients() == ["jo@provider.example"]
    assert staff.email not in mailoutbox[0].recipients()
    for address in ("colleague@provider.example", "other@elsewhere.example"):
        assert address not in str(mailoutbox[0].message())
