"""`GET /contracts/{id}/disclosure/`: the AI-content labels each destination expects and an
unsigned C2PA-style assertion set, built from the delivered videos' provenance; for the parties
and staff only."""

import pytest

from campaigns.disclosure import TRAINED_ALGORITHMIC_MEDIA
from tests.factories import MembershipFactory, funded_contract

pytestmark = pytest.mark.django_db

VIDEOS = [
    {
        "provider": "kling",
        "model": "kling-2.1-pro",
        "plan": "pro",
        "video_url": "https://cdn.example.com/cut-a.mp4",
        "mode": "image_to_video",
        "duration_s": 15,
        "width": 1080,
        "height": 1920,
        "fps": 24,
        "provider_task_id": "task-kl-42",
        "generated_at": "2026-11-30T10:00:00Z",
    },
    {
        "provider": "veo",
        "model": "veo-3.1",
        "plan": "api",
        "video_url": "https://cdn.example.com/cut-b.mp4",
        "duration_s": 8,
        "width": 1920,
        "height": 1080,
        "fps": 30,
    },
]


@pytest.fixture
def delivered(client_for):  # type: ignore[no-untyped-def]
    def make(*, territories: list[str], channels: list[str]):  # type: ignore[no-untyped-def]
        contract = funded_contract(
            usage_rights={
                "exclusive": False,
                "territories": territories,
                "channels": channels,
                "term_months": 12,
                "perpetual": False,
            }
        )
        owner = MembershipFactory(brand=contract.brand).user
        response = client_for(contract.creator.user).post(
            f"/api/v1/contracts/{contract.pk}/deliveries/", {"videos": VIDEOS}, format="json"
        )
        assert response.status_code == 201, response.json()
        return contract, owner

    return make


def test_the_pack_is_built_from_the_delivered_videos(delivered, client_for):
    contract, owner = delivered(territories=["DE", "US"], channels=["tiktok", "youtube"])
    response = client_for(owner).get(f"/api/v1/contracts/{contract.pk}/disclosure/")
    assert response.status_code == 200, response.json()
    pack = response.json()
    assert pack["signed"] is False
    assert "Unsigned" in pack["notice"]
    assert [v["model"] for v in pack["videos"]] == ["kling-2.1-pro", "veo-3.1"]
    assert pack["videos"][0]["licence_verdict"] == "allowed"
    assert pack["videos"][1]["licence_verdict"] == "conditional"

    destinations = pack["destinations"]
    assert set(destinations) == {"youtube", "tiktok", "meta", "eu", "china"}
    assert destinations["youtube"]["setting"]["name"] == "Altered or synthetic content"
    assert destinations["youtube"]["applies"] is True
    assert destinations["tiktok"]["label_text"] == "Creator labeled as AI-generated"
    assert destinations["meta"]["label_text"] == "AI info"
    assert destinations["meta"]["applies"] is False  # no Instagram or Facebook channel
    eu = destinations["eu"]
    assert eu["applies"] is True and "Article 50" in eu["instrument"]
    assert "Kling kling-2.1-pro, Veo veo-3.1" in eu["label_text"]
    china = destinations["china"]
    assert china["applies"] is False  # no CN in the territories
    assert china["visible_label"]["text"] == "人工智能生成"
    aigc = china["metadata_label"]["AIGC"]
    assert aigc["Label"] == "1"
    assert aigc["ContentProducer"] == "Kling kling-2.1-pro, Veo veo-3.1"
    assert aigc["ProduceID"].startswith("task-kl-42,reelmatch-video-")

    first = pack["c2pa"][0]
    assert first["signed"] is False and first["signature"] is None
    actions = next(a for a in first["assertions"] if a["label"] == "c2pa.actions")
    created = actions["data"]["actions"][0]
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert created["digitalSourceType"].endswith("/digitalsourcetype/trainedAlgorithmicMedia")
    assert created["softwareAgent"] == {"name": "Kling", "version": "kling-2.1-pro"}
    assert created["when"] == "2026-11-30T10:00:00+00:00"
    assert created["parameters"]["mode"] == "image_to_video"
    second = pack["c2pa"][1]["assertions"][0]["data"]["actions"][0]
    assert second["softwareAgent"] == {"name": "Veo", "version": "veo-3.1"}
    assert "when" not in second


def test_worldwide_rights_reach_every_destination(delivered, client_for):
    contract, owner = delivered(territories=["WW"], channels=[])
    destinations = (
        client_for(owner).get(f"/api/v1/contracts/{contract.pk}/disclosure/").json()["destinations"]
    )
    assert all(d["applies"] for d in destinations.values())


def test_the_pack_follows_the_latest_delivery(delivered, client_for):
    contract, owner = delivered(territories=["CN"], channels=["social"])
    brand = client_for(owner)
    brand.post(f"/api/v1/contracts/{contract.pk}/request-revision/", {"note": "brighter"})
    again = client_for(contract.creator.user).post(
        f"/api/v1/contracts/{contract.pk}/deliveries/", {"videos": VIDEOS[1:]}, format="json"
    )
    assert again.status_code == 201, again.json()
    pack = brand.get(f"/api/v1/contracts/{contract.pk}/disclosure/").json()
    # The real delivery id, not its number within the contract; the revised cut replaces
    # the first one (the milestone's latest delivery is the work under review).
    assert pack["delivery"] == again.json()["id"]
    assert [(d["id"], d["number"], d["licensed"]) for d in pack["deliveries"]] == [
        (again.json()["id"], 2, False)
    ]
    assert [v["model"] for v in pack["videos"]] == ["veo-3.1"]
    assert pack["destinations"]["china"]["applies"] is True
    assert pack["destinations"]["meta"]["applies"] is True  # social reaches Meta


def test_parties_and_staff_only(delivered, client_for, staff, user_factory, api):
    contract, owner = delivered(territories=["US"], channels=["youtube"])
    url = f"/api/v1/contracts/{contract.pk}/disclosure/"
    assert client_for(owner).get(url).status_code == 200
    assert client_for(contract.creator.user).get(url).status_code == 200
    assert client_for(staff).get(url).status_code == 200
    assert client_for(user_factory()).get(url).status_code == 404
    assert api.get(url).status_code == 401


def test_destinations_can_be_chosen_and_unknown_ones_are_400(delivered, client_for):
    contract, owner = delivered(territories=["US"], channels=["youtube"])
    brand = client_for(owner)
    url = f"/api/v1/contracts/{contract.pk}/disclosure/"
    chosen = brand.get(url, {"destinations": "youtube,EU"}).json()
    assert set(chosen["destinations"]) == {"youtube", "eu"}
    bad = brand.get(url, {"destinations": "youtube,myspace"})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "destination_unknown"
    assert "destinations" in bad.json()["error"]["fields"]


def test_nothing_delivered_is_409(client_for):
    contract = funded_contract()
    owner = MembershipFactory(brand=contract.brand).user
    response = client_for(owner).get(f"/api/v1/contracts/{contract.pk}/disclosure/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "nothing_delivered"
