"""The coverage report agrees with the public search in every cell."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client

from directory import coverage_table
from directory.filters import ListingFilter
from directory.models import Listing
from directory.roles import FORUM_STAFF, PROVIDER_EDITORS

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated():
    call_command("loaddata", "areas", verbosity=0)
    call_command("generate_listings", "40", "--seed", "7", verbosity=0)
    assert Listing.objects.published().exists()


def search_count(url):
    params = QueryDict(url.split("?", 1)[1])
    filterset = ListingFilter(params, queryset=Listing.objects.published())
    assert filterset.is_valid(), filterset.form.errors
    return filterset.qs.count()


@pytest.mark.parametrize("spec", coverage_table.report_fields(), ids=lambda spec: spec.param)
def test_every_cell_agrees_with_the_public_search(generated, spec):
    terms, rows = coverage_table.build(spec)
    assert terms and rows
    cells = [(row.area, term, count, url) for row in rows for term, count, url in row.cells]
    assert any(count == 0 for *_rest, count, _url in cells)  # the data has gaps to show
    assert any(count > 0 for *_rest, count, _url in cells)
    for area, term, count, url in cells:
        assert search_count(url) == count, f"{area} / {term}"


def test_a_cells_link_shows_that_many_services(generated):
    spec = coverage_table.field_for("audience")
    _terms, rows = coverage_table.build(spec)
    client = Client()
    for row in rows[:6]:
        for _term, count, url in row.cells[:2]:
            page = client.get(url).content.decode()
            found = re.search(r"(\d+) services? found", page)
            assert int(found.group(1)) == count, url


def staff_client(group=FORUM_STAFF):
    user = User.objects.create_user(f"cov-{group}", "c@example.org", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_staff_see_the_report_with_its_gaps_marked_in_words(generated):
    client = staff_client()
    page = client.get("/admin/coverage/?show=offence")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Where services are missing" in text
    assert "app-coverage__gap" in text and "0 <span>none</span>" in text
    assert "/services/?area=" in text
    assert "Where services are missing</a>" in client.get("/admin/").content.decode()


def test_a_bad_choice_is_a_clear_400(generated):
    response = staff_client().get("/admin/coverage/?show=nonsense")
    assert response.status_code == 400
    assert "That is not one of the lists below" in response.content.decode()


def test_the_csv_has_every_vocabulary_and_agrees_with_the_report(generated):
    response = staff_client().get("/admin/coverage/coverage.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Area",
        "Kind of area",
        "Police area",
        "Vocabulary",
        "Term",
        "Services",
        "Search",
    ]
    vocabularies = {row[3] for row in rows[1:]}
    assert vocabularies == {spec.label for spec in coverage_table.report_fields()}
    for row in rows[1:40]:
        assert search_count(row[6]) == int(row[5])


def test_provider_editors_cannot_see_it(generated):
    editor = staff_client(PROVIDER_EDITORS)
    assert editor.get("/admin/coverage/").status_code == 403
    assert editor.get("/admin/coverage/coverage.csv").status_code == 403
    assert "Where services are missing" not in editor.get("/admin/").content.decode()
