"""Shared fixtures: a small area tree, a listing factory, the demonstration listings.

The vocabularies (who a service is for, delivery modes, …) and the information
pages are seeded by migrations, so every test database already has them.
"""

import itertools

import pytest
from django.core.cache import cache
from django.core.management import call_command

from directory import vocabularies
from directory.models import Area, Listing, Organisation, Term

_counter = itertools.count(1)
# The made-up organisation that runs the demonstration listings.
DEMONSTRATION_ORGANISATION = "example-restorative-practice-service"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start every test with an empty cache: pages cached by an earlier test's data
    (and rate-limit counts) must not leak into the next."""
    cache.clear()


@pytest.fixture
def areas(db):
    """East Midlands → LLR → Leicester / Rutland, and Derbyshire → Derby."""
    region = Area.objects.create(name="East Midlands", slug="east-midlands", kind="region")
    llr = Area.objects.create(
        name="Leicester, Leicestershire and Rutland", slug="llr", kind="pcc_area", parent=region
    )
    derbyshire = Area.objects.create(
        name="Derby and Derbyshire", slug="derby-and-derbyshire", kind="pcc_area", parent=region
    )
    made = {
        "region": region,
        "llr": llr,
        "derbyshire": derbyshire,
        "leicester": Area.objects.create(
            name="Leicester", slug="leicester", kind="local_authority", parent=llr
        ),
        "rutland": Area.objects.create(
            name="Rutland", slug="rutland", kind="local_authority", parent=llr
        ),
        "derby": Area.objects.create(
            name="Derby", slug="derby", kind="local_authority", parent=derbyshire
        ),
    }
    return made


def term(vocabulary, slug):
    return Term.objects.get(vocabulary=vocabulary, slug=slug)


@pytest.fixture
def make_organisation(db):
    def make(**overrides):
        n = next(_counter)
        values = {"name": f"Organisation {n}", "slug": f"organisation-{n}", "kind": "statutory"}
        values.update(overrides)
        return Organisation.objects.create(**values)

    return make


@pytest.fixture
def make_listing(db, make_organisation):
    """Create a listing; many-to-many fields take lists of slugs (or Areas).

    Every vocabulary field can be given by its name (``stages=["in-prison"]``);
    ``modes`` and ``cases`` are short for ``delivery_modes`` and ``case_types``.
    """

    def make(
        *,
        audiences=("people-harmed",),
        age_groups=("adults",),
        modes=("face-to-face-conference",),
        cases=(),
        areas=(),
        **overrides,
    ):
        n = next(_counter)
        terms = {"audiences": audiences, "age_groups": age_groups}
        terms |= {"delivery_modes": modes, "case_types": cases}
        for spec in vocabularies.TERM_FIELDS:
            if spec.name in overrides:
                terms[spec.name] = overrides.pop(spec.name)
        values = {
            "name": f"Service {n}",
            "slug": f"service-{n}",
            "summary": "A restorative justice service.",
            "status": Listing.Status.PUBLISHED,
        }
        values.update(overrides)
        if "organisation" not in values:
            values["organisation"] = make_organisation()
        listing = Listing.objects.create(**values)
        for spec in vocabularies.TERM_FIELDS:
            slugs = terms.get(spec.name, ())
            getattr(listing, spec.name).set([term(spec.vocabulary, s) for s in slugs])
        listing.areas.set(areas)
        return listing

    return make


@pytest.fixture
def demonstration_listings(db):
    """Add the three fictional demonstration listings (generate_listings --demonstration).

    They sit in the real East Midlands region, so the real areas are loaded first if
    they are not there yet; the sample services may be loaded before or after.
    """
    if not Area.objects.filter(slug="east-midlands", kind="region").exists():
        call_command("loaddata", "areas", verbosity=0)
    call_command("generate_listings", "--demonstration", verbosity=0)
    return Listing.objects.filter(organisation__slug=DEMONSTRATION_ORGANISATION)
