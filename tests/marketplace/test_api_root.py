"""The API root lists the resources; unknown /api/ paths answer the JSON 404, DEBUG or not."""

import pytest

pytestmark = pytest.mark.django_db


def test_api_root_lists_the_resources(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    resources = response.json()["resources"]
    for name in ("creators", "portfolios", "reels", "brands", "briefs", "bids", "contracts"):
        assert resources[name] == f"http://testserver/api/v1/{name}/"
    assert "payments/onboarding" in resources and "payments/webhooks/stripe" in resources
    assert response.json()["schema"] == "http://testserver/api/schema/"
    # Every listed link is a real endpoint: none answers 404.
    for url in resources.values():
        assert api.get(url).status_code != 404, url


def test_api_root_is_browsable_in_a_browser(api, settings):
    response = api.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"/api/v1/briefs/" in response.content


@pytest.mark.parametrize("debug", [False, True])
def test_unknown_api_paths_answer_json_404(api, settings, debug):
    settings.DEBUG = debug
    for path in ("/api/v1/nope/", "/api/v2/", "/api/v1/briefs/999999/nothing/"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"


def test_a_missing_trailing_slash_still_redirects(api, settings):
    settings.DEBUG = True
    response = api.get("/api/v1/briefs")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/briefs/"
