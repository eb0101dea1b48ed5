"""Validate API responses against the Open Referral UK profile's compiled JSON Schemas."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).parent / "schemas"
API = "/api/openreferral"


def _load(name):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


# schema_taxonomy.json refers to its terms as "taxonomy_term.json".
REGISTRY = Registry().with_resource(
    "taxonomy_term.json", Resource.from_contents(_load("schema_taxonomy_term.json"), DRAFT202012)
)
PAGE = {
    "type": "object",
    "required": [
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    ],
    "properties": {
        "total_items": {"type": "integer", "minimum": 0},
        "total_pages": {"type": "integer", "minimum": 1},
        "page_number": {"type": "integer", "minimum": 1},
        "size": {"type": "integer", "minimum": 0},
        "first_page": {"type": "boolean"},
        "last_page": {"type": "boolean"},
        "empty": {"type": "boolean"},
        "contents": {"type": "array"},
    },
}
SCHEMA_FILES = {
    "service": "compiled_service.json",
    "service_list": "compiled_service_list.json",
    "organization": "compiled_organization.json",
    "service_at_location": "compiled_service_at_location.json",
    "service_at_location_list": "compiled_service_at_location_list.json",
    "taxonomy": "schema_taxonomy.json",
    "taxonomy_term": "schema_taxonomy_term.json",
    "page": PAGE,
}


def validator(name):
    schema = SCHEMA_FILES[name]
    if isinstance(schema, str):
        schema = _load(schema)
    return Draft202012Validator(
        schema, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


VALIDATORS = {name: validator(name) for name in SCHEMA_FILES}


def assert_valid(body, schema):
    assert_schema(body, schema)
    assert_no_empty_values(body)


def assert_schema(body, schema):
    errors = sorted(VALIDATORS[schema].iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )


def assert_valid_page(body, item_schema):
    assert_schema(body, "page")  # an empty page's contents is [], as the standard shows
    for item in body["contents"]:
        assert_valid(item, item_schema)


def assert_no_empty_values(value, path="$"):
    """The standard: optional fields with no value are left out, never null or empty."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert item not in (None, "", [], {}), f"{path}.{key} is empty: {item!r}"
            assert_no_empty_values(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_no_empty_values(item, f"{path}[{index}]")


@pytest.fixture
def api(client):
    """GET an API path; return the response after checking it is JSON anyone may read."""

    def get(path, status=200, **params):
        response = client.get(f"{API}{path}", params)
        assert response.status_code == status, response.content[:500]
        assert response["Content-Type"] == "application/json"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert not response.cookies
        return response.json()

    return get
