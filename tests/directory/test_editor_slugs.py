"""Security finding: an editor's add form confirmed that a guessed draft slug of another
organisation exists.

An editor never types a listing's web address (its slug): the form makes it from the
name, and a slug that is taken gets a number (``-2``). But the editor could then see
their new listing's slug, so naming a listing "Birchwood Unannounced Pilot" told them
whether Birchwood had a draft at ``birchwood-unannounced-pilot``. Whatever the editor
can see of their own listing must be the same whether or not another organisation's
unpublished listing holds the slug: the "view on site" redirect and the listings
page's filters typed into its address never show an unpublished listing's slug.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from directory.models import Listing, Term

from .admin_forms import listing_form_data, phone, rows_data, share_routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


@pytest.fixture(autouse=True)
def alder_can_be_reached(org_a):
    """Alder shares a phone number, so its published listings may be saved."""
    share_routes(org_a, [phone("0116 496 0100")])


ADD = "/admin/directory/listing/add/"
CHANGELIST = "/admin/directory/listing/"
GUESS = "Birchwood Unannounced Pilot"
GUESSED_SLUG = "birchwood-unannounced-pilot"


def term(vocabulary, slug):
    return Term.objects.get(vocabulary=vocabulary, slug=slug)


def new_listing(organisation, areas, **extra):
    return {
        "name": GUESS,
        "organisation": organisation.pk,
        "summary": "Family group conferences in Leicester.",
        "audiences": [term("audience", "families").pk],
        "age_groups": [term("age_group", "adults").pk],
        "delivery_modes": [term("delivery_mode", "family-group-conference").pk],
        "areas": [areas["leicester"].pk],
        **rows_data("contact_routes", [phone("0116 496 0300")]),
        **rows_data("sources", []),
        "_save": "Save",
        **extra,
    }


def listed(response):
    """The ids of the listings in the page's list of results."""
    table = re.search(r'<table id="result_list">.*?</table>', response.content.decode(), re.S)
    return re.findall(r"/admin/directory/listing/(\d+)/change/", table[0] if table else "")


def what_the_editor_sees(client, listing):
    """Everything the editor can ask the admin about their own new listing's address."""
    listing_type = ContentType.objects.get_for_model(Listing).pk
    on_site = client.get(f"/admin/r/{listing_type}/{listing.pk}/")
    filters = {}
    for lookup in ["slug", "slug__endswith", "slug__startswith", "slug__contains"]:
        for value in [GUESSED_SLUG, "-2", f"{GUESSED_SLUG}-2"]:
            response = client.get(CHANGELIST, {lookup: value})
            filters[lookup, value] = (response.status_code, str(listing.pk) in listed(response))
    page = client.get(reverse("admin:directory_listing_change", args=[listing.pk]))
    return {
        "view on site": (on_site.status_code, on_site.get("Location", "")),
        "filters": filters,
        "slug on the change page": listing.slug in page.content.decode(),
    }


def test_an_editors_new_listing_tells_them_nothing_about_another_organisations_draft(
    as_editor_a, org_a, org_b, areas, make_listing
):
    added = as_editor_a.post(ADD, new_listing(org_a, areas))
    mine = org_a.listings.get(name=GUESS)
    without_the_draft = what_the_editor_sees(as_editor_a, mine)
    mine.delete()
    make_listing(name="Secret", slug=GUESSED_SLUG, organisation=org_b, status="draft")

    added_again = as_editor_a.post(ADD, new_listing(org_a, areas))
    mine = org_a.listings.get(name=GUESS)
    with_the_draft = what_the_editor_sees(as_editor_a, mine)

    assert (added.status_code, added["Location"]) == (
        added_again.status_code,
        added_again["Location"],
    )
    assert mine.slug == f"{GUESSED_SLUG}-2"  # taken: a number, silently
    assert with_the_draft == without_the_draft


def test_the_editors_listing_is_found_on_the_site_once_published(
    as_editor_a, org_a, areas, listing_a
):
    listing_type = ContentType.objects.get_for_model(Listing).pk

    response = as_editor_a.get(f"/admin/r/{listing_type}/{listing_a.pk}/")

    assert response.status_code == 302
    assert response["Location"].endswith(listing_a.get_absolute_url())


@pytest.mark.parametrize("taken", [False, True])
def test_an_editor_cannot_give_their_listing_another_organisations_draft_slug(
    as_editor_a, listing_a, make_listing, org_b, taken
):
    if taken:
        make_listing(name="Secret", slug=GUESSED_SLUG, organisation=org_b, status="draft")
    url = reverse("admin:directory_listing_change", args=[listing_a.pk])

    response = as_editor_a.post(url, listing_form_data(listing_a, slug=GUESSED_SLUG))

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert Listing.objects.get(pk=listing_a.pk).slug == "alder-victim-conferencing"


@pytest.mark.parametrize("taken", [False, True])
def test_save_as_new_with_a_guessed_name_answers_the_same(
    as_editor_a, listing_a, make_listing, org_b, taken
):
    if taken:
        make_listing(name="Secret", slug=GUESSED_SLUG, organisation=org_b, status="draft")
    url = reverse("admin:directory_listing_change", args=[listing_a.pk])
    data = listing_form_data(
        listing_a, name=GUESS, slug=GUESSED_SLUG, _saveasnew="Save as new", _save=None
    )

    response = as_editor_a.post(url, data)

    assert response.status_code == 302
    copy = Listing.objects.get(organisation=listing_a.organisation, name=GUESS)
    assert response["Location"] == reverse("admin:directory_listing_change", args=[copy.pk])
