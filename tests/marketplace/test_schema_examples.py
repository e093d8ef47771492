"""The main journeys carry real examples in the schema: present, valid against the operation's
schema, and free of the placeholders a docs page makes up from types."""

import pytest
from jsonschema import Draft7Validator

pytestmark = pytest.mark.django_db

JOURNEYS = {
    ("post", "/api/v1/auth/register/"): "201",
    ("post", "/api/v1/auth/token/"): "200",
    ("post", "/api/v1/briefs/"): "201",
    ("get", "/api/v1/briefs/"): "200",
    ("post", "/api/v1/briefs/{brief_id}/bids/"): "201",
    ("get", "/api/v1/briefs/{id}/matches/"): "200",
    ("post", "/api/v1/bids/{id}/accept/"): "200",
    ("post", "/api/v1/milestones/{id}/fund/"): "200",
    ("post", "/api/v1/milestones/{id}/deliveries/"): "201",
    ("post", "/api/v1/milestones/{id}/approve/"): "200",
    ("post", "/api/v1/threads/{thread_id}/messages/"): "201",
    ("get", "/api/v1/threads/{thread_id}/messages/"): "200",
    ("get", "/api/v1/payments/transfers/"): "200",
}
PLACEHOLDER_STRINGS = {"string", "", "2019-08-24T14:15:22Z", "user@example.com"}


def _json_schema(node):  # type: ignore[no-untyped-def]
    """An OpenAPI 3.0 schema as JSON Schema: `nullable` as a null alternative, refs into
    `definitions`."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/definitions/")
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _placeholders(value, path="$"):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholders(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholders(item, f"{path}[{index}]")
    elif isinstance(value, str) and value in PLACEHOLDER_STRINGS:
        yield path, value
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        yield path, value


def _check(schema: dict, media: dict, where: str) -> None:
    assert "example" in media, f"{where}: no example"
    definitions = _json_schema(schema["components"]["schemas"])
    validator = Draft7Validator({**_json_schema(media["schema"]), "definitions": definitions})
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(media["example"])
    ]
    assert not errors, f"{where}: {errors[:5]}"
    found = list(_placeholders(media["example"]))
    assert not found, f"{where}: placeholder values {found}"


@pytest.mark.parametrize(("method", "path"), sorted(JOURNEYS), ids=lambda v: v)
def test_a_main_journey_has_real_examples(schema, method, path):
    operation = schema["paths"][path][method]
    status = JOURNEYS[(method, path)]
    _check(
        schema, operation["responses"][status]["content"]["application/json"], f"{path} {status}"
    )
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        _check(schema, body, f"{path} request")


def test_the_validation_sees_a_wrong_example(schema):
    media = {
        "schema": {"$ref": "#/components/schemas/Bid"},
        "example": {"id": "one", "amount": 9223372036854776000},
    }
    with pytest.raises(AssertionError, match="is not of type"):
        _check(schema, media, "bid")
