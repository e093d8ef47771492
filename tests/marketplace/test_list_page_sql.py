"""Anonymous list pages reuse the SQL compiled for their URL; the rows are always fresh."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import pagesql
from tests.factories import CreatorFactory, ReelFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def empty_sql_cache():  # type: ignore[no-untyped-def]
    pagesql._compiled.clear()
    yield
    pagesql._compiled.clear()


def test_the_second_request_of_a_url_runs_the_kept_sql_on_fresh_rows(api):
    CreatorFactory(handle="ana")
    path = "/api/v1/creators/?page_size=5&ordering=handle"
    with CaptureQueriesContext(connection) as first:
        body = api.get(path).json()
    assert [c["handle"] for c in body["results"]] == ["ana"]
    assert len(pagesql._compiled) == 1
    CreatorFactory(handle="bo")
    with CaptureQueriesContext(connection) as second:
        again = api.get(path).json()
    assert [c["handle"] for c in again["results"]] == ["ana", "bo"]
    pages = [q["sql"] for q in second.captured_queries if "_capped_count" in q["sql"]]
    assert pages == [q["sql"] for q in first.captured_queries if "_capped_count" in q["sql"]]
    # Another URL, another statement: the filter is part of the key.
    assert api.get("/api/v1/creators/?tags=zz&search=zz").json()["results"] == []
    assert len(pagesql._compiled) == 2


def test_signed_in_requests_never_keep_or_reuse_sql(api, client_for):
    creator = CreatorFactory()
    mine = ReelFactory(creator=creator, moderation="pending")
    api.get("/api/v1/reels/")
    assert len(pagesql._compiled) == 1
    response = client_for(creator.user).get("/api/v1/reels/")
    assert [r["id"] for r in response.json()["results"]] == [mine.pk]
    assert len(pagesql._compiled) == 1
