"""Usage rights and the disclosure pack after a dispute, through the API with the real stripe
SDK talking to the sandbox.

The rule: a dispute resolved as a release or a split paid the creator for what was delivered,
so once no deliverable milestone is open the usage window starts at that resolution and covers
the delivered work; a full refund grants nothing. The disclosure pack lists every video the
brand may use (the latest delivery of each milestone it paid for), with real ids."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from campaigns.models import Contract
from campaigns.rights import add_months
from campaigns.services import rights_notices_send
from marketplace.models import AuditLog, Notification
from tests.constants import VIDEO
from tests.payments.test_milestones import PM, World, clean

pytestmark = pytest.mark.django_db(transaction=True)


def video(name: str, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {**VIDEO, "video_url": f"https://cdn.example.com/{name}.mp4", "plan": "pro", **extra}


def deliver(w: World, milestone_id: int, *videos: dict) -> dict:
    made = w.maker.post(
        f"/api/v1/milestones/{milestone_id}/deliveries/", {"videos": list(videos)}, format="json"
    )
    assert made.status_code == 201, made.json()
    return made.json()


def dispute_and_resolve(w: World, staff_client, milestone_id: int, **resolution) -> dict:  # type: ignore[no-untyped-def]
    disputed = w.brand.post(
        f"/api/v1/milestones/{milestone_id}/dispute/", {"reason": "Not the cut we agreed."}
    )
    assert disputed.json()["status"] == "disputed", disputed.json()
    resolved = staff_client.post(
        f"/api/v1/milestones/{milestone_id}/resolve/", resolution, format="json"
    )
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["status"] == "resolved"
    return resolved.json()


def window(w: World, contract_id: int) -> dict:
    answer = w.brand.get(f"/api/v1/contracts/{contract_id}/rights/")
    assert answer.status_code == 200, answer.json()
    return answer.json()["window"]


def test_a_split_on_the_final_cut_starts_the_rights_and_the_pack_covers_all_paid_work(
    sandbox, webhooks, client_for, staff
):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(40_000, 60_000)
    m1, m2 = (m["id"] for m in contract["milestones"])
    assert w.fund(contract["id"], [m1, m2], **PM).status_code == 200

    storyboard = deliver(w, m1, video("storyboard"))
    assert w.brand.post(f"/api/v1/milestones/{m1}/approve/").status_code == 200
    assert window(w, contract["id"])["state"] == "pending"  # the final cut is still open

    final_cut = deliver(w, m2, video("final-a"), video("final-b", duration_s=30))
    before = timezone.now()
    dispute_and_resolve(w, client_for(staff), m2, resolution="split", creator_amount=35_000)
    after = timezone.now()

    final = Contract.objects.get(pk=contract["id"])
    assert final.status == "completed"
    rights = window(w, contract["id"])
    assert rights["state"] == "active"
    started = parse_datetime(rights["starts_at"])
    assert before <= started <= after  # at the resolution
    assert parse_datetime(rights["ends_at"]) == add_months(started, 12)
    assert AuditLog.objects.filter(
        verb="rights_start", object_type="campaigns.contract", object_id=str(final.pk)
    ).exists()
    clean()

    # The notices follow the window that started at the resolution.
    end = parse_datetime(rights["ends_at"])
    assert rights_notices_send(now=end - timedelta(days=31)) == 0
    assert rights_notices_send(now=end - timedelta(days=30)) == 1
    told = set(Notification.objects.filter(kind="rights_30d").values_list("user_id", flat=True))
    assert told == {w.owner.pk, w.creator.user_id}
    assert rights_notices_send(now=end) == 1
    assert Notification.objects.filter(kind="rights_ended", user=w.owner).count() == 1

    # The pack lists the approved storyboard and the resolved final cut, with real ids.
    pack = w.brand.get(f"/api/v1/contracts/{contract['id']}/disclosure/").json()
    assert [(d["id"], d["milestone"], d["licensed"]) for d in pack["deliveries"]] == [
        (storyboard["id"], m1, True),
        (final_cut["id"], m2, True),
    ]
    assert pack["delivery"] == final_cut["id"]
    expected = [v["id"] for v in storyboard["videos"]] + [v["id"] for v in final_cut["videos"]]
    assert [v["id"] for v in pack["videos"]] == expected
    assert [v["delivery"] for v in pack["videos"]] == [storyboard["id"]] + [final_cut["id"]] * 2
    assert [c["assertions"][1]["data"]["video"] for c in pack["c2pa"]] == expected
    assert pack["c2pa"][0]["assertions"][1]["data"]["delivery"] == storyboard["id"]


def test_a_release_on_a_one_milestone_contract_starts_the_rights(
    sandbox, webhooks, client_for, staff
):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(50_000)
    (m1,) = (m["id"] for m in contract["milestones"])
    assert w.fund(contract["id"], [m1], **PM).status_code == 200
    delivered = deliver(w, m1, video("cut"))
    dispute_and_resolve(w, client_for(staff), m1, resolution="release")
    answer = w.brand.get(f"/api/v1/contracts/{contract['id']}/").json()
    assert answer["rights"]["state"] == "active" and answer["rights"]["starts_at"] is not None
    pack = w.brand.get(f"/api/v1/contracts/{contract['id']}/disclosure/").json()
    assert [d["id"] for d in pack["deliveries"]] == [delivered["id"]]
    assert pack["videos"][0]["licensed"] is True
    clean()


def test_a_full_refund_grants_no_rights_and_no_pack(sandbox, webhooks, client_for, staff):
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(50_000)
    (m1,) = (m["id"] for m in contract["milestones"])
    assert w.fund(contract["id"], [m1], **PM).status_code == 200
    deliver(w, m1, video("cut"))
    dispute_and_resolve(w, client_for(staff), m1, resolution="refund")

    rights = window(w, contract["id"])
    assert rights["state"] == "pending" and rights["starts_at"] is None
    assert not AuditLog.objects.filter(verb="rights_start").exists()
    far = timezone.now() + timedelta(days=3650)
    assert rights_notices_send(now=far) == 0
    assert not Notification.objects.filter(kind__startswith="rights_").exists()
    pack = w.brand.get(f"/api/v1/contracts/{contract['id']}/disclosure/")
    assert pack.status_code == 409
    assert pack.json()["error"]["code"] == "nothing_delivered"
    clean()


def test_refunding_the_last_open_milestone_starts_rights_for_the_paid_one(
    sandbox, webhooks, client_for
):
    """Storyboard approved, the final cut refunded by both before delivery: the brand keeps
    the right to use the storyboard it paid for, from the moment the work ended."""
    w = World(client_for)
    w.onboard(sandbox, webhooks)
    contract = w.contract(40_000, 60_000)
    m1, m2 = (m["id"] for m in contract["milestones"])
    assert w.fund(contract["id"], [m1, m2], **PM).status_code == 200
    storyboard = deliver(w, m1, video("storyboard"))
    assert w.brand.post(f"/api/v1/milestones/{m1}/approve/").status_code == 200
    assert window(w, contract["id"])["state"] == "pending"
    w.brand.post(f"/api/v1/milestones/{m2}/refund/")
    assert w.maker.post(f"/api/v1/milestones/{m2}/refund/").json()["status"] == "refunded"
    assert window(w, contract["id"])["state"] == "active"
    pack = w.brand.get(f"/api/v1/contracts/{contract['id']}/disclosure/").json()
    assert [d["id"] for d in pack["deliveries"]] == [storyboard["id"]]
    clean()
