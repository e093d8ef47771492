"""The rights chain: what an IP asset allows, and a brief's usage rights fitting inside it at
create, submit and approve (400/409 naming the field and the bound); an IP that forbids AI
generation or whose licence or likeness consent has ended cannot be published, and the job
closes open briefs on an IP whose licence ended."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from campaigns.models import Brief, IPAsset
from campaigns.tasks import close_briefs_ip_ended
from marketplace.models import Notification
from tests.factories import IPAssetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("freezable_throttles")]

DELIVERABLE = {"count": 1, "duration_s": 15, "aspect_ratio": "9:16", "resolution": "1080p"}


def later(**kwargs: float) -> str:
    return (timezone.now() + timedelta(**kwargs)).isoformat()


def brief_body(**overrides):  # type: ignore[no-untyped-def]
    body = {
        "title": "Teaser",
        "description": "A vertical teaser.",
        "deliverables": [DELIVERABLE],
        "budget_min": 10_000,
        "budget_max": 20_000,
        "currency": "USD",
        "bid_deadline": later(days=5),
        "delivery_deadline": later(days=20),
    }
    body.update(overrides)
    return body


@pytest.fixture
def brand(brand_factory):  # type: ignore[no-untyped-def]
    return brand_factory()


@pytest.fixture
def owner(brand, member_of, client_for):  # type: ignore[no-untyped-def]
    return client_for(member_of(brand))


def licensed_ip(brand, **kwargs) -> IPAsset:  # type: ignore[no-untyped-def]
    values = {
        "held": "licensed",
        "licence_start": date.today() - timedelta(days=30),
        "licence_end": date.today() + timedelta(days=365),
        "territories": ["US", "GB", "DE"],
        "channels": ["social", "tiktok", "youtube"],
        "exclusivity_allowed": False,
        "term_months": 6,
    }
    values.update(kwargs)
    return IPAssetFactory(brand=brand, **values)


def error(response) -> dict:  # type: ignore[no-untyped-def]
    return response.json()["error"]


# IP assets --------------------------------------------------------------------------------


def test_an_ip_records_its_rights_chain(owner, brand):
    response = owner.post(
        "/api/v1/ips/",
        {
            "brand": brand.pk,
            "name": "Captain Comet",
            "held": "licensed",
            "licence_start": "2026-01-01",
            "licence_end": "2027-12-31",
            "territories": ["us", "WW"],
            "channels": ["TikTok", "YouTube Shorts"],
            "exclusivity_allowed": False,
            "ai_generation_allowed": True,
            "likeness": True,
            "likeness_consent": True,
            "likeness_consent_expires": "2027-06-30",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["held"] == "licensed"
    assert body["licence_end"] == "2027-12-31"
    assert body["territories"] == ["US", "WW"]
    assert body["channels"] == ["tiktok", "youtube-shorts"]
    assert body["exclusivity_allowed"] is False
    assert body["likeness_consent_expires"] == "2027-06-30"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"territories": ["XX"]}, "territories"),
        ({"territories": ["USA"]}, "territories"),
        ({"channels": ["radio"]}, "channels"),
        ({"term_months": 0}, "term_months"),
        ({"term_months": 121}, "term_months"),
        ({"held": "rented"}, "held"),
        ({"licence_start": "2026-05-01", "licence_end": "2026-04-30"}, "licence_end"),
        ({"licence_end": "someday"}, "licence_end"),
        ({"exclusive": True, "exclusivity_allowed": False}, "exclusive"),
    ],
)
def test_bad_ip_input_is_400_naming_the_field(owner, brand, overrides, field):
    body = {"brand": brand.pk, "name": "Captain Comet", **overrides}
    response = owner.post("/api/v1/ips/", body, format="json")
    assert response.status_code == 400, response.json()
    assert field in error(response)["fields"]
    assert not IPAsset.objects.exists()


def test_an_ip_licence_end_before_its_start_is_refused_on_edit_too(owner, brand):
    ip = licensed_ip(brand)
    response = owner.patch(
        f"/api/v1/ips/{ip.pk}/",
        {"licence_end": str(ip.licence_start - timedelta(days=1))},
        format="json",
    )
    assert response.status_code == 400
    assert "licence_end" in error(response)["fields"]


def test_another_tenants_ip_is_404(client_for, user_factory, brand):
    ip = licensed_ip(brand)
    outsider = client_for(user_factory())
    assert outsider.get(f"/api/v1/ips/{ip.pk}/").status_code == 404
    assert outsider.patch(f"/api/v1/ips/{ip.pk}/", {"name": "x"}, format="json").status_code == 404


# A brief's term ---------------------------------------------------------------------------


def test_a_brief_states_a_term_or_an_explicit_perpetual(owner, brand):
    plain = owner.post("/api/v1/briefs/", brief_body(brand=brand.pk), format="json").json()
    assert plain["usage_rights"]["term_months"] == 12  # the default, never perpetual
    assert plain["usage_rights"]["perpetual"] is False
    perpetual = owner.post(
        "/api/v1/briefs/",
        brief_body(brand=brand.pk, usage_rights={"perpetual": True}),
        format="json",
    ).json()
    assert perpetual["usage_rights"]["perpetual"] is True
    assert perpetual["usage_rights"]["term_months"] is None
    edited = owner.patch(
        f"/api/v1/briefs/{perpetual['id']}/", {"usage_rights": {"term_months": 24}}, format="json"
    ).json()
    assert edited["usage_rights"] == {
        **perpetual["usage_rights"],
        "term_months": 24,
        "perpetual": False,
    }


@pytest.mark.parametrize(
    ("rights", "field"),
    [
        ({"term_months": 0}, "usage_rights"),
        ({"term_months": 121}, "usage_rights"),
        ({"territories": ["ZZ"]}, "usage_rights"),
        ({"channels": ["carrier-pigeon"]}, "usage_rights"),
        ({"perpetual": True, "term_months": 12}, "usage_rights.perpetual"),
    ],
)
def test_bad_usage_rights_are_400_naming_the_field(owner, brand, rights, field):
    response = owner.post(
        "/api/v1/briefs/", brief_body(brand=brand.pk, usage_rights=rights), format="json"
    )
    assert response.status_code == 400, response.json()
    assert field in error(response)["fields"]
    assert not Brief.objects.exists()


# Fitting inside the IP's licence ----------------------------------------------------------


@pytest.mark.parametrize(
    ("rights", "field", "bound"),
    [
        ({"territories": ["US", "FR"]}, "usage_rights.territories", ["US", "GB", "DE"]),
        ({"territories": ["WW"]}, "usage_rights.territories", ["US", "GB", "DE"]),
        ({"channels": ["tv"]}, "usage_rights.channels", ["social", "tiktok", "youtube"]),
        ({"exclusive": True}, "usage_rights.exclusive", False),
        ({"perpetual": True}, "usage_rights.perpetual", None),
        ({"term_months": 13}, "usage_rights.term_months", None),
    ],
)
def test_rights_outside_the_ip_licence_are_400_naming_the_field_and_bound(
    owner, brand, rights, field, bound
):
    ip = licensed_ip(brand)
    response = owner.post(
        "/api/v1/briefs/", brief_body(brand=brand.pk, ip=ip.pk, usage_rights=rights), format="json"
    )
    assert response.status_code == 400, response.json()
    body = error(response)
    assert body["code"] == "rights_outside_ip_licence"
    assert field in body["fields"]
    if field == "usage_rights.perpetual":
        assert body["bound"] == ip.licence_end.isoformat()
    elif field == "usage_rights.term_months":
        # The licence ends in 365 days; from the delivery deadline (20 days) 11 months fit.
        assert body["bound"] == {"licence_end": ip.licence_end.isoformat(), "max_term_months": 11}
    else:
        assert body["bound"] == bound


def test_rights_inside_the_licence_are_accepted(owner, brand):
    ip = licensed_ip(brand)
    response = owner.post(
        "/api/v1/briefs/",
        brief_body(
            brand=brand.pk,
            ip=ip.pk,
            usage_rights={"territories": ["GB"], "channels": ["tiktok"], "term_months": 11},
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    # Without rights stated, the IP's defaults apply and fit.
    default = owner.post("/api/v1/briefs/", brief_body(brand=brand.pk, ip=ip.pk), format="json")
    assert default.status_code == 201, default.json()
    assert default.json()["usage_rights"]["territories"] == ["US", "GB", "DE"]
    assert default.json()["usage_rights"]["term_months"] == 6


def test_an_owned_ip_allows_perpetual_and_worldwide(owner, brand):
    ip = IPAssetFactory(brand=brand, held="owned", territories=[], channels=[])
    response = owner.post(
        "/api/v1/briefs/",
        brief_body(
            brand=brand.pk, ip=ip.pk, usage_rights={"perpetual": True, "territories": ["WW"]}
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_submit_and_approve_recheck_the_chain_with_409(owner, brand, client_for, staff):
    ip = licensed_ip(brand)
    created = owner.post(
        "/api/v1/briefs/",
        brief_body(brand=brand.pk, ip=ip.pk, usage_rights={"territories": ["DE"]}),
        format="json",
    ).json()
    # The IP's licence narrows after the draft was written.
    owner.patch(f"/api/v1/ips/{ip.pk}/", {"territories": ["US"]}, format="json")
    refused = owner.post(f"/api/v1/briefs/{created['id']}/submit/")
    assert refused.status_code == 409
    assert "usage_rights.territories" in error(refused)["fields"]
    assert error(refused)["bound"] == ["US"]

    owner.patch(f"/api/v1/ips/{ip.pk}/", {"territories": ["US", "DE"]}, format="json")
    assert owner.post(f"/api/v1/briefs/{created['id']}/submit/").status_code == 200
    owner.patch(f"/api/v1/ips/{ip.pk}/", {"channels": ["youtube"]}, format="json")
    approved = client_for(staff).post(f"/api/v1/briefs/{created['id']}/approve/")
    assert approved.status_code == 409
    assert error(approved)["code"] == "rights_outside_ip_licence"
    assert "usage_rights.channels" in error(approved)["fields"]
    assert Brief.objects.get(pk=created["id"]).status == "in_review"


@pytest.mark.parametrize(
    ("ip_change", "code"),
    [
        ({"ai_generation_allowed": False}, "ip_ai_forbidden"),
        ({"likeness": True, "likeness_consent": False}, "ip_consent_missing"),
        (
            {
                "likeness": True,
                "likeness_consent": True,
                "likeness_consent_expires": date.today() - timedelta(days=1),
            },
            "ip_consent_expired",
        ),
    ],
)
def test_an_ip_that_cannot_be_used_blocks_publishing(
    owner, brand, ip_change, code, client_for, staff
):
    ip = licensed_ip(brand, **ip_change)
    created = owner.post(
        "/api/v1/briefs/", brief_body(brand=brand.pk, ip=ip.pk), format="json"
    ).json()
    refused = owner.post(f"/api/v1/briefs/{created['id']}/submit/")
    assert refused.status_code == 409, refused.json()
    assert error(refused)["code"] == code
    assert "ip" in error(refused)["fields"]
    # Staff cannot open it either, even if it reached review earlier.
    Brief.objects.filter(pk=created["id"]).update(status="in_review")
    approved = client_for(staff).post(f"/api/v1/briefs/{created['id']}/approve/")
    assert approved.status_code == 409
    assert error(approved)["code"] == code


def test_an_ended_licence_blocks_publishing(owner, brand, client_for, staff):
    ip = licensed_ip(brand)
    created = owner.post(
        "/api/v1/briefs/",
        brief_body(brand=brand.pk, ip=ip.pk, usage_rights={"term_months": 1}),
        format="json",
    ).json()
    assert owner.post(f"/api/v1/briefs/{created['id']}/submit/").status_code == 200
    IPAsset.objects.filter(pk=ip.pk).update(licence_end=date.today() - timedelta(days=1))
    refused = client_for(staff).post(f"/api/v1/briefs/{created['id']}/approve/")
    assert refused.status_code == 409
    assert error(refused)["code"] in {"ip_licence_ended", "rights_outside_ip_licence"}


def test_the_job_closes_open_briefs_whose_ip_licence_ended(brief_factory, brand, member_of):
    member = member_of(brand)
    start = date(2026, 1, 1)
    ended = licensed_ip(brand, licence_start=start, licence_end=date(2026, 6, 30))
    live = licensed_ip(brand, licence_start=start, licence_end=date(2027, 6, 30))
    consent = licensed_ip(
        brand,
        licence_start=start,
        likeness=True,
        likeness_consent=True,
        likeness_consent_expires=date(2026, 6, 1),
    )
    on_ended = brief_factory(brand=brand, ip=ended)
    on_live = brief_factory(brand=brand, ip=live)
    on_consent = brief_factory(brand=brand, ip=consent)
    draft = brief_factory(brand=brand, ip=ended, status="draft")
    with freeze_time("2026-06-30T23:00:00Z"):
        assert close_briefs_ip_ended() == 1  # consent lapsed; the licence covers its last day
    with freeze_time("2026-07-01T01:00:00Z"):
        assert close_briefs_ip_ended() == 1
        assert close_briefs_ip_ended() == 0  # safe to run twice
    statuses = dict(Brief.objects.values_list("pk", "status"))
    assert statuses[on_ended.pk] == "closed"
    assert statuses[on_consent.pk] == "closed"
    assert statuses[on_live.pk] == "open"
    assert statuses[draft.pk] == "draft"
    notices = Notification.objects.filter(user=member, kind="brief_closed_ip_ended")
    assert notices.count() == 2
    assert any("ended on 2026-06-30" in n.message for n in notices)
