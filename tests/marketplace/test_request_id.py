"""The request id: in and out of every request, on log lines, into tasks and Stripe calls."""

import logging

import pytest

from marketplace import request_id

pytestmark = pytest.mark.django_db


def test_a_request_id_is_made_up_or_taken_from_the_caller(api):
    made = api.get("/healthz/")["X-Request-ID"]
    assert len(made) == 32
    assert api.get("/healthz/", HTTP_X_REQUEST_ID="lb-1234.5")["X-Request-ID"] == "lb-1234.5"
    # A malformed id (header injection, overlong) is replaced, not echoed.
    assert api.get("/healthz/", HTTP_X_REQUEST_ID="a b\tc")["X-Request-ID"] != "a b\tc"
    assert len(api.get("/healthz/", HTTP_X_REQUEST_ID="x" * 500)["X-Request-ID"]) == 32


def test_log_lines_of_a_request_carry_its_id(api, caplog):
    caplog.set_level(logging.INFO)
    handler_filter = request_id.RequestIdFilter()
    caplog.handler.addFilter(handler_filter)
    api.get("/api/v1/nope/", HTTP_X_REQUEST_ID="req-42")
    assert any(getattr(r, "request_id", None) == "req-42" for r in caplog.records)


def test_the_id_travels_to_tasks_in_their_message_headers():
    class FakeRequest:
        is_eager = False
        request_id = "req-from-web"

    class FakeTask:
        request = FakeRequest()

    token = request_id._current.set("req-from-web")
    headers: dict = {}
    request_id.add_to_task_headers(headers=headers)
    assert headers == {"request_id": "req-from-web"}
    request_id._current.reset(token)
    # In the worker: the task takes the id over, and forgets it when done.
    request_id.take_from_task(task=FakeTask())
    assert request_id.get() == "req-from-web"
    request_id.clear_after_task(task=FakeTask())
    assert request_id.get() == ""
