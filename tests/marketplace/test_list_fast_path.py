"""A plain anonymous GET of a public list page that this process has answered in full is
answered from its kept SQL before DRF's dispatch, with the full stack's status, headers and
bytes; every other request still goes through the whole stack."""

import pytest
from django.core.cache import cache
from rest_framework.views import APIView

from marketplace import listcache, listpath, pagesql
from tests.factories import CreatorFactory, ReelFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

PAGES = [
    "/api/v1/creators/?page_size=2",
    "/api/v1/creators/?page_size=2&page=2",
    "/api/v1/creators/?tags=neon&page_size=2",
    "/api/v1/reels/?page_size=2",
    "/api/v1/reels/?page_size=2&page=2",
    "/api/v1/briefs/?page_size=2",
    "/api/v1/briefs/?page=2&page_size=2",
]


@pytest.fixture(autouse=True)
def fresh():  # type: ignore[no-untyped-def]
    for held in (pagesql._compiled, listpath._lists, listcache._memo):
        held.clear()
    cache.clear()
    yield
    for held in (pagesql._compiled, listpath._lists, listcache._memo):
        held.clear()


@pytest.fixture
def lists(brief_factory):  # type: ignore[no-untyped-def]
    for n in range(5):
        CreatorFactory(handle=f"c{n}", tags=["neon"] if n % 2 else [])
        ReelFactory(moderation="approved")
        brief_factory()


@pytest.fixture
def no_dispatch(monkeypatch):  # type: ignore[no-untyped-def]
    """DRF's dispatch, counted (a request answered before it never reaches it)."""
    calls = []
    original = APIView.dispatch

    def counted(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(request.path)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(APIView, "dispatch", counted)
    return calls


def _headers(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {k: v for k, v in response.headers.items() if k != "X-Request-ID"}


@pytest.mark.parametrize("path", PAGES)
def test_the_kept_page_is_the_full_stacks_answer(api, lists, no_dispatch, path):
    full = api.get(path)
    assert full.status_code == 200 and full.json()["results"]
    assert no_dispatch == [path.split("?")[0]]
    fast = api.get(path)
    assert no_dispatch == [path.split("?")[0]]  # not dispatched again
    assert fast.status_code == 200
    assert fast.content == full.content
    assert _headers(fast) == _headers(full)
    assert list(_headers(fast)) == list(_headers(full))  # in the same order, too
    assert fast["X-Request-ID"]


def test_the_kept_page_runs_one_query_on_fresh_rows(api, lists, django_assert_num_queries):
    path = "/api/v1/creators/?page_size=50"
    before = api.get(path).json()
    CreatorFactory(handle="late")
    with django_assert_num_queries(1):
        after = api.get(path).json()
    assert after["count"] == before["count"] + 1
    assert [c["handle"] for c in after["results"]][-1] == "late"


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_COOKIE": "csrftoken=x"},
        {"HTTP_AUTHORIZATION": "Bearer nonsense"},
        {"HTTP_ACCEPT": "text/html"},
        {"HTTP_ACCEPT": "application/json; indent=2"},
    ],
)
def test_requests_carrying_more_go_through_the_whole_stack(api, lists, no_dispatch, extra):
    path = "/api/v1/reels/?page_size=2"
    api.get(path)
    response = api.get(path, **extra)
    assert len(no_dispatch) == 2
    assert response.status_code in (200, 401)


def test_a_page_past_the_end_and_a_head_go_through_the_whole_stack(api, lists, no_dispatch):
    api.get("/api/v1/reels/?page_size=2&page=3")
    ReelFactory._meta.model.objects.all().delete()
    past = api.get("/api/v1/reels/?page_size=2&page=3")
    assert past.status_code == 200 and past.json()["results"] == []
    api.head("/api/v1/reels/?page_size=2&page=3")
    assert len(no_dispatch) == 3


def test_format_parameter_and_other_paths_are_left_alone(api, lists, no_dispatch):
    api.get("/api/v1/reels/?page_size=2&format=json")
    api.get("/api/v1/reels/?page_size=2&format=json")
    assert len(no_dispatch) == 2
    assert listpath.public_list("/api/v1/reels/1/") is None
    assert listpath.public_list("/nowhere/") is None
    assert listpath.public_list("/api/v1/reels/").scopes == ("reels",)
