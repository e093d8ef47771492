"""The schema documents the shared error body and, per operation, the codes it may answer."""

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api) -> dict:  # type: ignore[no-untyped-def]
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_error_body_requires_a_code(schema):
    error = schema["components"]["schemas"]["Error"]["properties"]["error"]
    assert "code" in error["required"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status[0] == "4":
                    body = response["content"]["application/json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_operations_list_only_the_codes_of_their_action(schema):
    register = schema["paths"]["/api/v1/auth/register/"]["post"]
    assert "registration_refused" in register["x-error-codes"]
    assert "`registration_refused`" in register["description"]
    accept = schema["paths"]["/api/v1/bids/{id}/accept/"]["post"]
    assert set(accept["x-error-codes"]) == {
        "creator_suspended",
        "invalid_state",
        "not_brand_member",
        "slots_filled",
    }
    # An operation whose rules raise nothing of their own lists nothing.
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert me["x-error-codes"] == []
    assert "`not_found`" in me["responses"]["404"]["description"]
    assert "one of" not in me["responses"]["401"]["description"]


def test_the_schema_no_longer_lists_every_code_everywhere(schema):
    assert len(json.dumps(schema)) < 1_200_000
    operations = [op for ops in schema["paths"].values() for op in ops.values()]
    widest = max(len(operation["x-error-codes"]) for operation in operations)
    assert widest < 25


def test_the_schema_answers_304_to_its_etag(api):
    accept = "application/vnd.oai.openapi+json"
    first = api.get("/api/schema/", HTTP_ACCEPT=accept)
    assert first.status_code == 200
    etag = first["ETag"]
    again = api.get("/api/schema/", HTTP_ACCEPT=accept, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    cached = api.get("/api/schema/", HTTP_ACCEPT=accept)
    assert cached.content == first.content
    assert cached["ETag"] == etag


def test_path_ids_are_integers(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["name"].endswith("id"):
                    assert parameter["schema"]["type"] == "integer", (method, path)


def test_every_post_documents_the_idempotency_key(schema):
    posts = [ops["post"] for ops in schema["paths"].values() if "post" in ops]
    assert posts
    for operation in posts:
        assert {"$ref": "#/components/parameters/IdempotencyKey"} in operation["parameters"]
    parameter = schema["components"]["parameters"]["IdempotencyKey"]
    assert parameter["name"] == "Idempotency-Key"
    assert parameter["in"] == "header"


def test_redoc_and_swagger_pages_load_their_assets_locally(api):
    for url in ("/api/docs/", "/api/redoc/"):
        page = api.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "cdn.jsdelivr" not in html and "unpkg.com" not in html
        assert "/static/drf_spectacular_sidecar/" in html
