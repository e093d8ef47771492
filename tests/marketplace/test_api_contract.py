"""The API contract (docs/API.md), checked mechanically over every operation of the schema, so
the next resource cannot break it: first over the document, then by calling every list."""

import re

import pytest

from campaigns.models import ContractStatus
from marketplace.schema import is_envelope
from tests import factories

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_REF = {"$ref": "#/components/schemas/Error"}
IDEMPOTENCY_REF = {"$ref": "#/components/parameters/IdempotencyKey"}
# Amounts of money, wherever they appear: integer minor units.
MONEY = re.compile(
    r"^(amount|amount_\w+|\w+_amount|fee|platform_fee|creator_net|budget_min|budget_max"
    r"|min_price_per_project|price_per_second|paid)$"
)
# Instants: ISO 8601 date-times.
INSTANT = re.compile(r"^(\w+_at|\w*deadline|due_date|starts_at|ends_at)$")


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, operation)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in operations.items()
        if method in METHODS
    ]


def _json_schema(response: dict) -> dict | None:
    return response.get("content", {}).get("application/json", {}).get("schema")


def _lists(schema: dict) -> list[tuple[str, dict]]:
    return [
        (path, operation)
        for method, path, operation in _operations(schema)
        if method == "get" and is_envelope(schema, _json_schema(operation["responses"]["200"]))
    ]


def test_no_success_answers_a_bare_array(schema):
    for method, path, operation in _operations(schema):
        for status, response in operation["responses"].items():
            body = _json_schema(response)
            if status.startswith("2") and body:
                assert body.get("type") != "array", (method, path, status)


def test_every_list_documents_its_page_and_unknown_parameters(schema):
    lists = _lists(schema)
    assert len(lists) >= 30
    for path, operation in lists:
        names = {parameter.get("name") for parameter in operation["parameters"]}
        assert {"page", "page_size"} <= names, path
        assert "`unknown_parameter`" in operation["responses"]["400"]["description"], path


def test_path_ids_are_integers(schema):
    for method, path, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path" and re.search(r"(^|_)id$", parameter["name"]):
                assert parameter["schema"]["type"] == "integer", (method, path)


def test_every_error_response_is_the_error_body(schema):
    for method, path, operation in _operations(schema):
        for status, response in operation["responses"].items():
            if status[0] in "45":
                assert _json_schema(response) == ERROR_REF, (method, path, status)


def test_every_post_documents_the_idempotency_key_and_its_422(schema):
    for method, path, operation in _operations(schema):
        if method == "post":
            assert IDEMPOTENCY_REF in operation["parameters"], path
            assert _json_schema(operation["responses"]["422"]) == ERROR_REF, path


def test_money_is_integer_minor_units_beside_a_currency(schema):
    checked = 0
    for name, component in schema["components"]["schemas"].items():
        properties = component.get("properties", {})
        for field, spec in properties.items():
            if not MONEY.match(field):
                continue
            checked += 1
            assert spec.get("type") == "integer", (name, field, spec)
            if not name.endswith("Request"):  # a write is in its object's currency
                assert any(key.endswith("currency") for key in properties), (name, field)
    assert checked > 20


def test_instants_are_documented_as_date_times(schema):
    checked = 0
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if INSTANT.match(field):
                checked += 1
                assert spec.get("format") == "date-time", (name, field, spec)
    assert checked > 40


# The runtime walk: every list of the schema, called as each role until one may read it.


@pytest.fixture
def world(staff, client_for):  # type: ignore[no-untyped-def]
    """A brand, its owner, a creator with a delivered contract on the brand's brief, and a
    thread on it; the values to put in each list's path."""
    contract = factories.contract_in(
        ContractStatus.DELIVERED, brand=factories.MembershipFactory().brand
    )
    owner = contract.brand.memberships.first().user
    creator = contract.creator.user
    thread = client_for(owner).get(f"/api/v1/contracts/{contract.pk}/thread/").json()
    ids = {
        "briefs": contract.brief_id,
        "brands": contract.brand_id,
        "contracts": contract.pk,
        "milestones": contract.milestones.get().pk,
        "threads": thread["id"],
    }
    return ids, [client_for(owner), client_for(creator), client_for(staff)]


def _url(path: str, ids: dict) -> str:
    def fill(match: re.Match) -> str:
        resource = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        if match.group(1) != "id":
            resource = match.group(1).removesuffix("_id") + "s"
        return str(ids[resource])

    return re.sub(r"\{(\w+)\}", fill, path)


def _empty_strings(value, path="$"):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _empty_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _empty_strings(item, f"{path}[{index}]")
    elif value == "":
        yield path


def test_every_list_answers_the_envelope_and_refuses_an_unknown_parameter(schema, world):
    ids, clients = world
    lists = _lists(schema)
    for path, _ in lists:
        url = _url(path, ids)
        readable = [client for client in clients if client.get(url).status_code == 200]
        assert readable, f"no role may read {url}"
        page = readable[0].get(url).json()
        assert set(page) == {"count", "count_capped", "next", "previous", "results"}, url
        assert isinstance(page["results"], list), url
        empty = list(_empty_strings(page))
        assert not empty, f"{url}: empty optional values must be null: {empty}"
        refused = readable[0].get(url, {"colour": "red"})
        assert refused.status_code == 400, url
        error = refused.json()["error"]
        assert error["code"] == "unknown_parameter" and "colour" in error["message"], url
