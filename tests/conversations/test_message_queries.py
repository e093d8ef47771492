"""Posting a message runs a pinned number of queries (a creator without a contract writes a phone
number, which is masked and flagged; the brand answers)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaigns.models import Message

pytestmark = pytest.mark.django_db

# Measured on SQLite; the ceilings each path must stay under.
MASKED_MESSAGE = 21
ANSWER = 24


def test_posting_messages(cast, client_for):
    creator, brand = client_for(cast.newcomer.user), client_for(cast.member)
    opened = creator.post(
        f"/api/v1/briefs/{cast.brief.pk}/threads/", {"text": "Hello!"}, format="json"
    )
    assert opened.status_code == 201, opened.json()
    url = f"/api/v1/threads/{opened.json()['id']}/messages/"

    with CaptureQueriesContext(connection) as ctx:
        posted = creator.post(url, {"text": "Call me on +44 7700 900123"}, format="json")
    assert posted.status_code == 201, posted.json()
    assert Message.objects.get(pk=posted.json()["id"]).flagged
    assert len(ctx.captured_queries) <= MASKED_MESSAGE, ctx.captured_queries

    with CaptureQueriesContext(connection) as ctx:
        answer = brand.post(url, {"text": "Please keep it here."}, format="json")
    assert answer.status_code == 201, answer.json()
    assert len(ctx.captured_queries) <= ANSWER, ctx.captured_queries
