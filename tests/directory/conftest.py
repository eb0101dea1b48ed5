"""Fixtures for the admin tests: two organisations A and B, their editors, forum staff.

Everything belonging to B carries the word "Birchwood" (names, slugs, summaries,
the editor's username), so a test can prove B leaked nowhere by looking for that
one word in a response.
"""

import pytest
from django.contrib.auth.models import Group, User

from directory.models import Listing
from directory.roles import FORUM_STAFF, PROVIDER_EDITORS
from tests.directory.admin_forms import listing_form_data

PASSWORD = "correct-horse-battery-staple-42"
B_MARK = "birchwood"


@pytest.fixture
def fast_password_hashing(settings):
    """Hash with MD5: the real hasher's cost adds a minute and tests nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    """Create a staff user, optionally in a role group and editing organisations."""

    def make(username, *, group=None, organisations=(), password=PASSWORD, is_staff=True):
        user = User.objects.create_user(
            username, f"{username}@example.org", password, is_staff=is_staff
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        for organisation in organisations:
            organisation.editors.add(user)
        return user

    return make


@pytest.fixture
def org_a(make_organisation):
    return make_organisation(name="Alder Mediation", slug="alder-mediation")


@pytest.fixture
def org_b(make_organisation):
    return make_organisation(name="Birchwood Restorative Trust", slug="birchwood-trust")


@pytest.fixture
def editor_a(make_user, org_a):
    return make_user("alder-editor", group=PROVIDER_EDITORS, organisations=[org_a])


@pytest.fixture
def editor_b(make_user, org_b):
    return make_user("birchwood-editor", group=PROVIDER_EDITORS, organisations=[org_b])


@pytest.fixture
def staff_user(make_user):
    return make_user("forum-staff", group=FORUM_STAFF)


@pytest.fixture
def listing_a(make_listing, org_a, areas):
    return make_listing(
        name="Alder Victim Conferencing",
        slug="alder-victim-conferencing",
        organisation=org_a,
        summary="Alder meetings between people harmed and people who caused harm.",
        areas=[areas["leicester"]],
    )


@pytest.fixture
def draft_a(make_listing, org_a, areas):
    return make_listing(
        name="Alder Letters Pilot",
        slug="alder-letters-pilot",
        organisation=org_a,
        status=Listing.Status.DRAFT,
        areas=[areas["rutland"]],
    )


@pytest.fixture
def listing_b(make_listing, org_b, areas):
    """B's published listing, with a few versions in its history."""
    listing = make_listing(
        name="Birchwood Victim Conferencing",
        slug="birchwood-victim-conferencing",
        organisation=org_b,
        summary="Birchwood conferences for people harmed in Derby.",
        areas=[areas["derby"]],
        modes=["face-to-face-conference", "letter-writing"],
    )
    listing.summary = "Birchwood conferences for people harmed in Derby and Derbyshire."
    listing.save()
    return listing


@pytest.fixture
def draft_b(make_listing, org_b, areas):
    return make_listing(
        name="Birchwood Unannounced Pilot",
        slug="birchwood-unannounced-pilot",
        organisation=org_b,
        status=Listing.Status.DRAFT,
        areas=[areas["derbyshire"]],
    )


@pytest.fixture
def as_editor_a(client, editor_a):
    client.force_login(editor_a)
    return client


@pytest.fixture
def as_staff(client, staff_user):
    client.force_login(staff_user)
    return client


def _ids(manager):
    return sorted(manager.values_list("pk", flat=True))


def listing_state(listing):
    """Return everything about ``listing`` a leak could change, read fresh from the database."""
    fresh = Listing.objects.get(pk=listing.pk)
    state = {
        field.attname: getattr(fresh, field.attname) for field in Listing._meta.concrete_fields
    }
    for field in Listing._meta.many_to_many:
        state[field.name] = _ids(getattr(fresh, field.name))
    state["history_count"] = fresh.history.count()
    return state


@pytest.fixture
def state_of():
    """Snapshot a listing (fields, many-to-many ids, history length) to compare later."""
    return listing_state


@pytest.fixture
def form_data():
    """Build change-form POST data from a listing, with overrides (None drops a key)."""
    return listing_form_data
