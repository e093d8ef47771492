"""Id filters answer the same for another tenant's object and one that does not exist, so
they cannot be used to enumerate ids."""

import pytest

from tests.factories import ContractFactory, CreatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/milestones/", "/api/v1/change-orders/"])
def test_contract_filter_is_the_same_for_not_yours_and_does_not_exist(client_for, path):
    mine = ContractFactory()
    theirs = ContractFactory()
    api = client_for(mine.creator.user)
    own = api.get(path, {"contract": mine.pk})
    assert own.status_code == 200
    other = api.get(path, {"contract": theirs.pk})
    missing = api.get(path, {"contract": theirs.pk + 1000})
    assert other.status_code == missing.status_code == 200
    assert other.json() == missing.json()
    assert other.json()["count"] == 0
    if path == "/api/v1/milestones/":
        assert own.json()["count"] == 1


@pytest.mark.parametrize("value", ["abc", "0", "-1", "9" * 30, "1.5"])
def test_a_malformed_contract_id_is_a_400_naming_it(client_for, value):
    api = client_for(CreatorFactory().user)
    response = api.get("/api/v1/milestones/", {"contract": value})
    assert response.status_code == 400
    assert "contract" in response.json()["error"]["fields"]
