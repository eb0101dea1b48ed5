"""Signing in to the admin: brute force is slowed by django-axes, passwords are strong.

django-axes locks a username for 15 minutes after 5 failed sign-ins, whichever
address they come from, and never locks anyone else (emrj/settings.py).
"""

import secrets
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from directory.roles import PROVIDER_EDITORS

from .conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

LOGIN = "/admin/login/"
NEXT = "/admin/directory/listing/"


def sign_in(client, username, password, address="127.0.0.1"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": NEXT},
        REMOTE_ADDR=address,
    )


def signed_in_as(client):
    """Return the id of the user the client's session belongs to, or None."""
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def fail(client, username, times, address="127.0.0.1"):
    return [sign_in(client, username, "not-the-password", address) for _ in range(times)]


def is_locked_out(response):
    return response.status_code == 429 and "Too many failed sign-in attempts" in (
        response.content.decode()
    )


@pytest.fixture
def alice(make_user, org_a):
    return make_user("alice", group=PROVIDER_EDITORS, organisations=[org_a])


@pytest.fixture
def bob(make_user, org_b):
    return make_user("bob", group=PROVIDER_EDITORS, organisations=[org_b])


# --- Sign-in works ----------------------------------------------------------------


def test_the_right_password_signs_in_and_follows_next(client, alice):
    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert response.url == NEXT
    assert signed_in_as(client) == alice.pk


def test_a_wrong_password_shows_the_form_again_without_signing_in(client, alice):
    response = sign_in(client, "alice", "not-the-password")

    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
    assert signed_in_as(client) is None


# --- Brute force ------------------------------------------------------------------


def test_four_failures_do_not_lock_a_username(client, alice):
    responses = fail(client, "alice", 4)

    assert [r.status_code for r in responses] == [200] * 4
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert signed_in_as(client) == alice.pk


def test_the_fifth_failure_locks_the_username(client, alice):
    responses = fail(client, "alice", 5)

    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert is_locked_out(responses[4])
    assert AccessAttempt.objects.get(username="alice").failures_since_start == 5


def test_a_locked_username_cannot_sign_in_even_with_the_right_password(client, alice):
    fail(client, "alice", 5)

    response = sign_in(client, "alice", PASSWORD)

    assert is_locked_out(response)
    assert signed_in_as(client) is None
    assert client.get("/admin/").status_code == 302  # still sent to the sign-in page


def test_the_lock_follows_the_username_to_another_address(client, alice):
    fail(client, "alice", 5, address="127.0.0.1")

    response = sign_in(client, "alice", PASSWORD, address="192.0.2.44")

    assert is_locked_out(response)
    assert signed_in_as(client) is None


def test_failures_spread_over_addresses_still_lock_the_username(client, alice):
    for n in range(5):
        sign_in(client, "alice", "not-the-password", address=f"192.0.2.{n + 1}")

    assert is_locked_out(sign_in(client, "alice", PASSWORD, address="192.0.2.99"))


def test_other_users_can_still_sign_in_while_one_is_locked(client, alice, bob):
    fail(client, "alice", 5)

    # Same office network, same address: bob is not punished for alice's typos.
    response = sign_in(client, "bob", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == bob.pk


def test_failures_for_one_username_do_not_count_against_another(client, alice, bob):
    fail(client, "alice", 3)
    fail(client, "bob", 3)

    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, alice):
    fail(client, "alice", 4)
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()

    responses = fail(client, "alice", 4)

    assert [r.status_code for r in responses] == [200] * 4
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def age_attempts(username, by):
    AccessAttempt.objects.filter(username=username).update(
        attempt_time=AccessAttempt.objects.get(username=username).attempt_time - by
    )


def test_the_lock_still_holds_after_fourteen_minutes(client, alice):
    fail(client, "alice", 5)
    age_attempts("alice", timedelta(minutes=14))

    assert is_locked_out(sign_in(client, "alice", PASSWORD))
    assert signed_in_as(client) is None


def test_the_lock_lifts_after_fifteen_minutes(client, alice):
    fail(client, "alice", 5)
    age_attempts("alice", timedelta(minutes=15, seconds=5))

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert signed_in_as(client) == alice.pk


def test_a_shorter_cool_off_is_read_from_the_settings(client, alice, settings):
    """The lock length comes from AXES_COOLOFF_TIME, not from a hard-coded value."""
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    fail(client, "alice", 5)
    age_attempts("alice", timedelta(minutes=2))

    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_the_lockout_settings_are_five_failures_fifteen_minutes_by_username(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


# --- Password strength ------------------------------------------------------------


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_a_password_under_twelve_characters_is_refused():
    assert len("short-pass1") == 11
    assert any("at least 12 characters" in m for m in messages_for("short-pass1"))


def test_a_twelve_character_password_is_long_enough():
    assert not any("at least 12" in m for m in messages_for("vq7-brindle-x"))


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop12", "administrator"])
def test_a_common_password_is_refused_even_when_long(password):
    assert len(password) >= 12
    assert "This password is too common." in messages_for(password)


def test_a_long_random_password_is_accepted():
    assert messages_for(secrets.token_urlsafe(18)) == []


def test_a_password_like_the_username_is_refused(make_user):
    user = make_user("harriet.stoneworth")

    assert any("too similar" in m for m in messages_for("harriet.stoneworth", user))


def change_password(client, old, new):
    return client.post(
        "/admin/password_change/",
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_the_admin_password_change_form_refuses_a_short_password(client, alice):
    client.force_login(alice)

    response = change_password(client, PASSWORD, "short-pass1")

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_the_admin_password_change_form_refuses_a_common_password(client, alice):
    client.force_login(alice)

    response = change_password(client, PASSWORD, "password1234")

    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_the_admin_password_change_form_accepts_a_strong_password(client, alice):
    client.force_login(alice)
    strong = secrets.token_urlsafe(18)

    response = change_password(client, PASSWORD, strong)

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(strong)
