"""The listing form speaks to a provider: plain labels, no web-address slug, every vocabulary."""

import re

import pytest
from django import forms
from django.contrib import admin

from directory import vocabularies
from directory.models import Listing, Term

from .admin_forms import listing_form_data, phone, rows_data, share_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

ADD = "/admin/directory/listing/add/"


def change_url(listing):
    return f"/admin/directory/listing/{listing.pk}/change/"


def body(response):
    return response.content.decode()


def fieldset_fields(response):
    return [
        name for _, options in response.context["adminform"].fieldsets for name in options["fields"]
    ]


def new_listing(organisation, **extra):
    return {
        "name": "Alder Family Meetings",
        "organisation": organisation.pk,
        "summary": "Family group conferences in Leicester.",
        "audiences": [first_term("audience").pk],
        "age_groups": [first_term("age_group").pk],
        "delivery_modes": [first_term("delivery_mode").pk],
        **rows_data("contact_routes", []),
        **rows_data("sources", []),
        "_save": "Save",
        **extra,
    }


def first_term(vocabulary):
    return Term.objects.filter(vocabulary=vocabulary).first()


@pytest.fixture
def areas_post(areas):
    return {"areas": [areas["leicester"].pk]}


# --- Every vocabulary ---------------------------------------------------------------


def test_the_fieldsets_name_every_vocabulary_field_once():
    names = [
        name for _, options in admin.site._registry[Listing].fieldsets for name in options["fields"]
    ]

    for spec in vocabularies.TERM_FIELDS:
        assert names.count(spec.name) == 1, spec.name


@pytest.mark.parametrize("who", ["as_editor_a", "as_staff"])
def test_every_vocabulary_field_is_a_set_of_labelled_checkboxes(request, listing_a, who):
    client = request.getfixturevalue(who)

    response = client.get(change_url(listing_a))

    assert response.context["is_forum_staff"] is (who == "as_staff")
    form = response.context["adminform"].form
    shown = fieldset_fields(response)
    page = body(response)
    for spec in vocabularies.TERM_FIELDS:
        assert spec.name in shown, spec.name
        field = form.fields[spec.name]
        widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
        assert isinstance(widget, forms.CheckboxSelectMultiple), spec.name
        assert field.label == spec.label
        assert set(field.queryset.values_list("vocabulary", flat=True)) <= {spec.vocabulary}
        assert field.queryset.exists(), f"no terms to tick for {spec.name}"
        assert f'name="{spec.name}"' in page
        assert f"{spec.label}:" in page


def test_an_editor_ticks_terms_of_every_vocabulary(as_editor_a, listing_a, org_a):
    share_routes(org_a, [phone("0116 496 0100")])
    chosen = {}
    data = listing_form_data(listing_a)
    used = {}
    for spec in vocabularies.TERM_FIELDS:
        # Two fields of one vocabulary (offences taken on and not) get different terms.
        skip = used.get(spec.vocabulary, 0)
        used[spec.vocabulary] = skip + 1
        term = Term.objects.filter(vocabulary=spec.vocabulary)[skip]
        chosen[spec.name] = [term.pk]
        data[spec.name] = [term.pk]

    response = as_editor_a.post(change_url(listing_a), data)

    assert response.status_code == 302
    listing = Listing.objects.get(pk=listing_a.pk)
    for spec in vocabularies.TERM_FIELDS:
        assert list(getattr(listing, spec.name).values_list("pk", flat=True)) == chosen[spec.name]


# --- No slug for editors ------------------------------------------------------------


@pytest.mark.parametrize("page", ["add", "change"])
def test_an_editors_form_has_no_slug(as_editor_a, listing_a, page):
    response = as_editor_a.get(ADD if page == "add" else change_url(listing_a))

    assert response.status_code == 200
    assert "slug" not in response.context["adminform"].form.fields
    assert "slug" not in fieldset_fields(response)
    html = body(response)
    assert 'name="slug"' not in html
    assert not re.search(r">\s*(Slug|Web address)\s*:?\s*<", html)


def test_a_new_listings_web_address_is_made_from_its_name_and_is_unique(
    as_editor_a, org_a, areas_post, make_listing
):
    make_listing(name="Someone else", slug="alder-family-meetings")

    response = as_editor_a.post(ADD, {**new_listing(org_a), **areas_post, "slug": "chosen"})

    assert response.status_code == 302
    listing = Listing.objects.get(name="Alder Family Meetings")
    assert listing.slug == "alder-family-meetings-2"
    assert not Listing.objects.filter(slug="chosen").exists()


def test_staff_may_leave_the_web_address_empty_to_make_it_from_the_name(
    as_staff, org_a, areas_post
):
    data = {**new_listing(org_a), **areas_post, "slug": "", "status": "draft"}

    response = as_staff.post(ADD, data)

    assert response.status_code == 302
    assert Listing.objects.get(name="Alder Family Meetings").slug == "alder-family-meetings"


def test_staff_still_see_and_set_the_web_address(as_staff, org_a, areas_post, listing_a):
    assert "slug" in as_staff.get(change_url(listing_a)).context["adminform"].form.fields
    data = {**new_listing(org_a), **areas_post, "slug": "alder-fgc", "status": "draft"}

    assert as_staff.post(ADD, data).status_code == 302

    assert Listing.objects.filter(slug="alder-fgc").exists()


# --- Words for a provider -------------------------------------------------------------


def test_an_editors_form_hides_the_bookkeeping(as_editor_a, listing_a):
    response = as_editor_a.get(change_url(listing_a))

    shown = fieldset_fields(response)
    assert not {"uuid", "needs_review", "slug"} & set(shown)
    html = body(response)
    for word in ("Uuid", "Needs review", "Statutory", "Slug", "JSON"):
        assert word not in html, word


def test_an_editor_with_one_organisation_finds_it_already_chosen(as_editor_a, org_a):
    form = as_editor_a.get(ADD).context["adminform"].form

    assert form.initial["organisation"] == org_a.pk


def test_the_contact_fields_are_labelled_for_a_provider(as_editor_a, listing_a):
    html = body(as_editor_a.get(change_url(listing_a)))

    for words in (
        "Ways to get in touch:",
        "Number, address or link",
        "Who it is for",
        "Opening hours",
        "To remove one, empty its row.",
        "Shared by the organisation:",
    ):
        assert words in html, words


def test_staff_emptying_the_web_address_get_one_from_the_name_not_a_numbered_copy(
    as_staff, listing_a
):
    data = listing_form_data(listing_a, slug="", status="draft")

    assert as_staff.post(change_url(listing_a), data).status_code == 302

    assert Listing.objects.get(pk=listing_a.pk).slug == "alder-victim-conferencing"
