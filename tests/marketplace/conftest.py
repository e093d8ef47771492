"""Fixtures of the marketplace tests."""

import pytest


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:  # type: ignore[no-untyped-def]
    """The published OpenAPI schema, built once per module (a module may define its own)."""
    from rest_framework.test import APIClient

    from marketplace import schema_views

    with django_db_blocker.unblock():
        schema_views.clear()
        answer = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200
    return answer.json()
