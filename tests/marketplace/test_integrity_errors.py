"""A database integrity error is never passed off as a plain "conflict": a unique violation is
a 409 `duplicate` (naming the constraint on PostgreSQL), anything else (NOT NULL, foreign key,
check) is logged with its stack and answered 500."""

import logging

import pytest
from django.db import IntegrityError, connection, transaction

from marketplace.exceptions import integrity_error_response
from marketplace.models import OutboxTask, User

pytestmark = pytest.mark.django_db


def raised(make) -> IntegrityError:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        make()
    return caught.value


def test_a_unique_violation_is_a_409_duplicate():
    User.objects.create_user(email="twice@example.com", password="x" * 12)
    error = raised(lambda: User.objects.create(email="twice@example.com"))
    response = integrity_error_response(error)
    assert response.status_code == 409
    assert response.data["error"]["code"] == "duplicate"
    if connection.vendor == "postgresql":
        assert response.data["error"]["constraint"]


def test_a_not_null_violation_is_a_logged_500(caplog):
    error = raised(lambda: OutboxTask.objects.create(name=None))
    with caplog.at_level(logging.ERROR, logger="marketplace.exceptions"):
        response = integrity_error_response(error)
    assert response.status_code == 500
    assert response.data["error"]["code"] == "server_error"
    (record,) = [r for r in caplog.records if r.name == "marketplace.exceptions"]
    assert record.levelno == logging.ERROR and record.exc_info


def test_through_the_api_a_not_null_violation_answers_500_not_conflict(
    client_for, monkeypatch, caplog
):
    error = raised(lambda: OutboxTask.objects.create(name=None))

    def refuse(**kwargs):  # type: ignore[no-untyped-def]
        raise error  # what the previous release's code met on a new NOT NULL column

    monkeypatch.setattr("marketplace.apis.email_preference_set", refuse)
    user = User.objects.create_user(email="someone@example.com", password="x" * 12)
    response = client_for(user).put(
        "/api/v1/notifications/email-preference/", {"frequency": "daily"}, format="json"
    )
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert any(r.levelno == logging.ERROR for r in caplog.records)
