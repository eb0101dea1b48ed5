"""Hand-edited, shared or hostile addresses get a clear message and a 4xx,
never a server error, and never show anything that is not published."""

import pytest
from django.utils.html import escape

from directory.models import Listing

pytestmark = pytest.mark.django_db

FILTERS = [
    "area",
    "audience",
    "mode",
    "kind",
    "self_referral",
    "age",
    "setting",
    "cases",
    "organisation",
]

NOT_A_NUMBER = "The page number must be a whole number"
NO_SUCH_PAGE = "There is no page"
ERROR_SUMMARY = "There is a problem"

MALFORMED_PAGES = ["abc", "-1", "0", "1.5", "１", str(10**30), "2e3", " 1 1 "]

SQL_METACHARACTERS = [
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    ";DROP TABLE directory_listing",
    "&|!:*()",
    "a & b | !c",
    "mediation:*",
    "' OR ''='",
    '"',
]

HTML_METACHARACTERS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
]


def content(response):
    return response.content.decode()


@pytest.fixture
def draft(make_listing):
    """A listing that must never be shown, whose text matches every hostile query."""
    text = " ".join(SQL_METACHARACTERS + HTML_METACHARACTERS)
    return make_listing(
        name="Secret draft service",
        summary=f"mediation {text}"[:240],
        description=text,
        status=Listing.Status.DRAFT,
    )


@pytest.fixture
def several_listings(settings, make_listing):
    settings.DIRECTORY_PAGE_SIZE = 2
    return [make_listing(name=f"Listing {letter}") for letter in "ABC"]


# --- Unknown filter values -----------------------------------------------------


@pytest.mark.parametrize("name", FILTERS)
def test_unknown_filter_value_is_a_bad_request(client, name):
    assert client.get("/services/", {name: "no-such-value"}).status_code == 400


@pytest.mark.parametrize("name", FILTERS)
def test_unknown_filter_value_is_named_in_the_message(client, name):
    html = content(client.get("/services/", {name: "no-such-value"}))
    assert "“no-such-value” is not one of the choices" in html


@pytest.mark.parametrize("name", FILTERS)
def test_unknown_filter_value_beside_a_known_one_is_still_refused(client, name, areas):
    response = client.get(f"/services/?{name}=no-such-value&audience=people-harmed")
    assert response.status_code == 400


def test_unknown_filter_value_is_shown_escaped(client):
    html = content(client.get("/services/", {"audience": "<b>bold</b>"}))
    assert "“&lt;b&gt;bold&lt;/b&gt;” is not one of the choices" in html


def test_unknown_filter_value_page_offers_a_new_search(client):
    html = content(client.get("/services/", {"mode": "teleportation"}))
    assert "start a new search" in html


def test_value_from_another_vocabulary_is_refused(client):
    # "adults" is an age group, not an audience.
    assert client.get("/services/", {"audience": "adults"}).status_code == 400


def test_area_filter_value_is_matched_exactly_not_by_case(client, areas):
    assert client.get("/services/", {"area": "LEICESTER"}).status_code == 400


# --- Malformed page numbers ----------------------------------------------------


@pytest.mark.parametrize("page", MALFORMED_PAGES)
def test_malformed_page_number_is_refused(client, several_listings, page):
    assert client.get("/services/", {"page": page}).status_code in {400, 404}


@pytest.mark.parametrize("page", MALFORMED_PAGES)
def test_malformed_page_number_gets_a_message(client, several_listings, page):
    html = content(client.get("/services/", {"page": page}))
    assert NOT_A_NUMBER in html or NO_SUCH_PAGE in html


@pytest.mark.parametrize("page", ["abc", "-1", "1.5", "１"])
def test_page_number_that_is_not_a_whole_number_is_a_bad_request(client, page):
    response = client.get("/services/", {"page": page})
    assert response.status_code == 400
    assert NOT_A_NUMBER in content(response)


@pytest.mark.parametrize("page", ["1234567", str(10**30)])
def test_a_huge_page_number_is_not_found(client, several_listings, page):
    response = client.get("/services/", {"page": page})
    assert response.status_code == 404
    assert f"There is no page {page} of these results" in content(response)


@pytest.mark.parametrize("param", ["area", "audience", "mode", "kind", "self_referral", "cases"])
def test_an_empty_filter_value_is_ignored(client, several_listings, param):
    response = client.get(f"/services/?{param}=&{param}=%20")
    assert response.status_code == 200
    assert ">Listing A<" in content(response)


def test_page_zero_is_not_found(client, several_listings):
    response = client.get("/services/", {"page": "0"})
    assert response.status_code == 404
    assert "There is no page 0 of these results" in content(response)


def test_empty_page_number_shows_the_first_page(client, several_listings):
    # The app treats "?page=" as page 1 (views.paginate: `... or "1"`).
    response = client.get("/services/", {"page": ""})
    assert response.status_code == 200
    assert ">Listing A<" in content(response)


def test_page_beyond_the_last_is_not_found(client, several_listings):
    assert client.get("/services/", {"page": "3"}).status_code == 404


def test_page_beyond_the_last_says_how_many_pages_there_are(client, several_listings):
    html = content(client.get("/services/", {"page": "3"}))
    assert "There is no page 3 of these results. There are 2 pages." in html


def test_page_beyond_the_only_page_uses_the_singular(client):
    html = content(client.get("/services/", {"page": "2"}))
    assert "There is 1 page." in html


def test_page_error_is_shown_in_the_error_summary(client):
    assert ERROR_SUMMARY in content(client.get("/services/", {"page": "abc"}))


# --- Over-long search words ----------------------------------------------------


def test_search_words_over_200_characters_are_a_bad_request(client):
    assert client.get("/services/", {"q": "a" * 500}).status_code == 400


def test_search_words_over_200_characters_say_what_the_limit_is(client):
    html = content(client.get("/services/", {"q": "a" * 500}))
    assert "200 characters" in html


def test_the_error_summary_links_to_the_search_box(client):
    html = content(client.get("/services/", {"q": "a" * 500}))
    summary = html[html.index(ERROR_SUMMARY) :]
    assert '<a href="#id_q">Search: Search words must be 200 characters or fewer.</a>' in summary
    assert 'id="id_q"' in html


def test_an_error_with_no_field_on_the_page_is_not_a_link(client, areas):
    html = content(client.get("/services/", {"area": "atlantis"}))
    summary = html[html.index(ERROR_SUMMARY) : html.index("</ul>", html.index(ERROR_SUMMARY))]
    assert "atlantis" in summary
    assert "<a " not in summary


def test_search_words_of_exactly_200_characters_are_accepted(client):
    assert client.get("/services/", {"q": "a" * 200}).status_code == 200


# --- NUL bytes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["q=a%00b", "page=1%00", "page=%00"] + [f"{name}=a%00b" for name in FILTERS],
)
def test_nul_byte_in_the_address_is_a_bad_request(client, areas, query):
    assert client.get(f"/services/?{query}").status_code == 400


@pytest.mark.parametrize("query", ["q=a%00b"] + [f"{name}=a%00b" for name in FILTERS])
def test_nul_byte_in_the_address_gets_a_message(client, areas, query):
    assert ERROR_SUMMARY in content(client.get(f"/services/?{query}"))


# --- Bytes that are not UTF-8 --------------------------------------------------


@pytest.mark.parametrize("query_string", ["q=%ff%fe", "q=%C3%28", "page=%ff", "q=%80abc"])
def test_bytes_that_are_not_utf8_do_not_cause_a_server_error(client, query_string):
    response = client.generic("GET", "/services/", QUERY_STRING=query_string)
    assert response.status_code in {200, 400}


def test_malformed_utf8_in_a_plain_address_does_not_cause_a_server_error(client):
    assert client.get("/services/?q=%C3%28").status_code in {200, 400}


@pytest.mark.parametrize("name", FILTERS)
def test_bytes_that_are_not_utf8_in_a_filter_are_a_bad_request(client, name):
    response = client.generic("GET", "/services/", QUERY_STRING=f"{name}=%ff%fe")
    assert response.status_code == 400


# --- SQL and full-text query metacharacters -----------------------------------


@pytest.mark.parametrize("query", SQL_METACHARACTERS)
def test_query_metacharacters_are_searched_safely(client, make_listing, query):
    make_listing(name="Public service")
    assert client.get("/services/", {"q": query}).status_code == 200


@pytest.mark.parametrize("query", SQL_METACHARACTERS)
def test_query_metacharacters_never_reveal_a_draft(client, draft, make_listing, query):
    make_listing(name="Public service")
    assert "Secret draft service" not in content(client.get("/services/", {"q": query}))


@pytest.mark.parametrize("query", SQL_METACHARACTERS)
def test_query_metacharacters_with_words_never_reveal_a_draft(client, draft, query):
    html = content(client.get("/services/", {"q": f"mediation {query}"}))
    assert "Secret draft service" not in html


@pytest.mark.parametrize("query", SQL_METACHARACTERS)
def test_query_metacharacters_alongside_a_filter_are_searched_safely(client, areas, query):
    response = client.get("/services/", {"q": query, "area": "leicester"})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["%", "_", "&|!:*()", "\\"])
def test_query_of_only_symbols_shows_every_published_service(client, make_listing, query):
    make_listing()
    make_listing()
    assert "2 services found" in content(client.get("/services/", {"q": query}))


@pytest.mark.parametrize("value", ["' OR 1=1 --", "%", "leicester' OR '1'='1"])
def test_filter_values_with_sql_metacharacters_are_refused(client, areas, value):
    assert client.get("/services/", {"area": value}).status_code == 400


# --- HTML in the search words --------------------------------------------------


@pytest.mark.parametrize("query", HTML_METACHARACTERS)
def test_markup_in_the_search_words_is_shown_escaped(client, query):
    html = content(client.get("/services/", {"q": query}))
    assert escape(query) in html


@pytest.mark.parametrize("query", HTML_METACHARACTERS)
def test_markup_in_the_search_words_is_never_shown_raw(client, query):
    html = content(client.get("/services/", {"q": query}))
    assert query not in html


@pytest.mark.parametrize("query", HTML_METACHARACTERS)
def test_markup_in_over_long_search_words_is_never_shown_raw(client, query):
    html = content(client.get("/services/", {"q": query * 20}))
    assert query not in html


@pytest.mark.parametrize("query", HTML_METACHARACTERS)
def test_markup_in_search_words_never_reveals_a_draft(client, draft, query):
    assert "Secret draft service" not in content(client.get("/services/", {"q": query}))


# --- The same on an area page --------------------------------------------------


@pytest.fixture
def crowded_area(settings, areas, make_listing):
    settings.DIRECTORY_PAGE_SIZE = 2
    for letter in "ABC":
        make_listing(name=f"Listing {letter}", areas=[areas["leicester"]])
    return "/areas/leicester/"


@pytest.mark.parametrize("page", MALFORMED_PAGES)
def test_malformed_page_number_on_an_area_page_is_refused(client, crowded_area, page):
    assert client.get(crowded_area, {"page": page}).status_code in {400, 404}


@pytest.mark.parametrize("page", MALFORMED_PAGES)
def test_malformed_page_number_on_an_area_page_gets_a_message(client, crowded_area, page):
    html = content(client.get(crowded_area, {"page": page}))
    assert NOT_A_NUMBER in html or NO_SUCH_PAGE in html


def test_page_beyond_the_last_on_an_area_page_is_not_found(client, crowded_area):
    response = client.get(crowded_area, {"page": "3"})
    assert response.status_code == 404
    assert "There is no page 3 of these results. There are 2 pages." in content(response)


def test_page_beyond_the_last_on_an_area_page_keeps_the_area_heading(client, crowded_area):
    html = content(client.get(crowded_area, {"page": "3"}))
    assert "Services in Leicester" in html


@pytest.mark.parametrize("query", ["page=1%00", "page=%00"])
def test_nul_byte_in_an_area_page_number_is_a_bad_request(client, crowded_area, query):
    assert client.get(f"{crowded_area}?{query}").status_code == 400


@pytest.mark.parametrize("query_string", ["page=%ff%fe", "page=%C3%28"])
def test_bytes_that_are_not_utf8_in_an_area_page_number_are_a_bad_request(
    client, crowded_area, query_string
):
    response = client.generic("GET", crowded_area, QUERY_STRING=query_string)
    assert response.status_code == 400


def test_area_page_ignores_search_words_it_does_not_use(client, crowded_area):
    html = content(client.get(crowded_area, {"q": "<script>alert(1)</script>"}))
    assert "<script>alert(1)</script>" not in html


def test_area_page_for_an_unknown_area_is_not_found_whatever_the_page(client, areas):
    assert client.get("/areas/atlantis/", {"page": "abc"}).status_code == 404
