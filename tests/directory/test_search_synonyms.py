"""Forum staff keep the search synonyms; provider editors never see them."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError

from directory.models import Listing, SearchSynonym
from directory.roles import FORUM_STAFF, PROVIDER_EDITORS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

CHANGELIST = "/admin/directory/searchsynonym/"
ADD = CHANGELIST + "add/"


def problems(phrases):
    with pytest.raises(ValidationError) as raised:
        SearchSynonym(phrases=phrases).full_clean()
    return " ".join(raised.value.message_dict["phrases"])


# --- The model --------------------------------------------------------------------


@pytest.mark.parametrize("phrases", ["", " , ,, ", "mediation", "Mediation, mediation!"])
def test_a_group_needs_at_least_two_different_phrases(phrases):
    assert "at least two" in problems(phrases)


def test_a_phrase_longer_than_four_words_is_refused():
    assert "more than 4 words" in problems("apology, a letter saying sorry to them")


def test_a_phrase_of_ignored_words_alone_is_refused():
    assert "only of words that searches ignore" in problems("apology, the")


def test_a_phrase_starting_or_ending_with_an_ignored_word_is_refused():
    assert "starts or ends" in problems("burglary, break in")


def test_a_phrase_already_in_another_group_is_refused():
    assert "already in the group" in problems("mediation, talking")


def test_a_valid_group_is_tidied_and_kept_as_typed():
    synonym = SearchSynonym(phrases=" Apology ,, sorry letter ,")
    synonym.full_clean()
    assert synonym.phrases == "Apology, sorry letter"
    assert str(synonym) == "Apology, sorry letter"
    assert synonym.phrase_list() == ["apology", "sorry letter"]


def test_every_seeded_group_passes_the_checks_staff_edits_get():
    for synonym in SearchSynonym.objects.all():
        synonym.full_clean()


@pytest.mark.parametrize(
    "phrases",
    [
        ["rj", "restorative justice", "restorative"],
        ["shuttle mediation", "mediation", "shuttle", "indirect"],
        ["victim", "harmed", "people harmed"],
        ["offender", "caused harm", "perpetrator", "people who caused harm"],
        ["young people", "youth", "teenager", "child", "children"],
        ["assault", "violence", "violent"],
        ["da", "domestic abuse", "domestic violence"],
        ["letter", "letter writing"],
        ["hate crime", "hate incident"],
        ["prison", "prisons", "prisoner"],
        ["school", "schools"],
        ["conference", "face to face"],
    ],
)
def test_the_directory_starts_with_the_forums_synonyms(phrases):
    groups = [set(s.phrase_list()) for s in SearchSynonym.objects.all()]
    assert any(set(phrases) <= group for group in groups)


# --- Who may edit them --------------------------------------------------------------


def test_forum_staff_hold_every_synonym_permission():
    codenames = set(
        Group.objects.get(name=FORUM_STAFF)
        .permissions.filter(content_type__model="searchsynonym")
        .values_list("codename", flat=True)
    )
    assert codenames == {f"{a}_searchsynonym" for a in ("add", "change", "delete", "view")}


def test_provider_editors_hold_no_synonym_permission():
    editors = Group.objects.get(name=PROVIDER_EDITORS)
    assert not editors.permissions.filter(content_type__model="searchsynonym").exists()


def test_forum_staff_can_list_the_synonyms(as_staff):
    response = as_staff.get(CHANGELIST)
    assert response.status_code == 200
    assert "people who caused harm" in response.content.decode()


def test_forum_staff_can_add_a_group_that_search_uses_at_once(as_staff, make_listing):
    listing = make_listing(summary="Help after a burglary.")
    response = as_staff.post(ADD, {"phrases": "burglary, housebreaking"})
    assert response.status_code == 302
    assert list(Listing.objects.search("housebreaking")) == [listing]


def test_forum_staff_are_told_what_is_wrong_with_a_group(as_staff):
    response = as_staff.post(ADD, {"phrases": "mediation"})
    assert response.status_code == 200
    assert "at least two" in response.content.decode()


def test_a_superuser_can_list_the_synonyms(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x"))
    assert client.get(CHANGELIST).status_code == 200


@pytest.mark.parametrize("url", [CHANGELIST, ADD])
def test_a_provider_editor_cannot_open_the_synonyms(as_editor_a, url):
    assert as_editor_a.get(url).status_code == 403


def test_a_provider_editor_cannot_change_a_synonym(as_editor_a):
    synonym = SearchSynonym.objects.first()
    url = f"{CHANGELIST}{synonym.pk}/change/"
    response = as_editor_a.post(url, {"phrases": "mediation, anything"})
    assert response.status_code == 403
    assert SearchSynonym.objects.get(pk=synonym.pk).phrases == synonym.phrases


def test_a_provider_editor_is_not_shown_the_synonyms(as_editor_a):
    assert "searchsynonym" not in as_editor_a.get("/admin/").content.decode()


def test_a_provider_editor_granted_the_permission_by_mistake_still_cannot_see_them(
    as_editor_a, editor_a
):
    editor_a.user_permissions.add(Permission.objects.get(codename="view_searchsynonym"))
    assert as_editor_a.get(CHANGELIST).status_code == 403
