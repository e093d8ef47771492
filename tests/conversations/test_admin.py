"""The admin: the flagged-message queue, the dispute page's evidence, the index dashboard.
Message text is escaped everywhere (script tags stay text)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import BriefStatus, Dispute, Message
from payments.staff_queues import staff_queues
from tests.factories import BriefFactory

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("pwned")</script>'


@pytest.fixture
def admin_client(staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    return client


def post(client, thread_id, text, **extra):  # type: ignore[no-untyped-def]
    body = {"text": text, **extra}
    answer = client.post(f"/api/v1/threads/{thread_id}/messages/", body, format="json")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def test_the_dispute_page_shows_the_thread_and_deliveries_escaped(cast, client_for, admin_client):
    cast.video.prompt = f"neon city {SCRIPT}"
    cast.video.seed = 4242
    cast.video.save()
    brand = client_for(cast.member)
    thread = brand.get(f"/api/v1/contracts/{cast.contract.pk}/thread/").json()
    post(
        brand, thread["id"], f"At 0:07 the logo is mirrored {SCRIPT}", video=cast.video.pk, at_s="7"
    )
    gone = post(client_for(cast.creator.user), thread["id"], "I never agreed to that")
    client_for(cast.creator.user).delete(f"/api/v1/threads/{thread['id']}/messages/{gone['id']}/")
    dispute = Dispute.objects.create(
        contract=cast.contract,
        milestone=cast.contract.milestones.first(),
        opened_by=cast.member,
        reason="logo",
    )

    page = admin_client.get(f"/admin/campaigns/dispute/{dispute.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html
    assert "At 0:07 the logo is mirrored" in html
    assert f"video #{cast.video.pk} at 7.000 s" in html
    assert "I never agreed to that" in html  # deleted, kept for staff
    assert "kling-2.1-pro" in html and "seed 4242" in html
    assert cast.video.video_url in html


def test_the_flagged_queue_keeps_the_original_for_staff_and_escapes_it(
    cast, client_for, admin_client
):
    creator = client_for(cast.newcomer.user)
    thread = creator.post(f"/api/v1/briefs/{cast.brief.pk}/threads/", {}, format="json").json()
    post(creator, thread["id"], f"mail me ana.k@gmail.com {SCRIPT}")
    post(creator, thread["id"], "an ordinary question")
    listing = admin_client.get("/admin/campaigns/message/?queue=waiting")
    assert listing.status_code == 200
    assert [m.text for m in listing.context["cl"].result_list] == [
        f"mail me [contact hidden] {SCRIPT}"
    ]
    assert SCRIPT not in listing.content.decode()
    flagged = Message.objects.get(flagged=True)
    page = admin_client.get(f"/admin/campaigns/message/{flagged.pk}/change/")
    html = page.content.decode()
    assert "ana.k@gmail.com" in html and SCRIPT not in html
    # Reviewing takes it out of the queue.
    admin_client.post(
        "/admin/campaigns/message/",
        {"action": "mark_reviewed", "_selected_action": [flagged.pk]},
    )
    flagged.refresh_from_db()
    assert flagged.flag_reviewed_at is not None
    assert (
        admin_client.get("/admin/campaigns/message/?queue=waiting").context["cl"].result_count == 0
    )


def test_the_index_shows_each_queue_with_its_oldest_item(admin_client, cast, client_for):
    now = timezone.now()
    BriefFactory(status=BriefStatus.IN_REVIEW, submitted_at=now - timedelta(days=3))
    BriefFactory(status=BriefStatus.IN_REVIEW, submitted_at=now - timedelta(hours=2))
    Dispute.objects.create(
        contract=cast.contract,
        milestone=cast.contract.milestones.first(),
        opened_by=cast.member,
        reason="late",
    )
    page = admin_client.get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'href="/admin/campaigns/brief/?status__exact=in_review">Briefs waiting for review' in html
    )
    states = {q.label: q for q in staff_queues()}
    assert states["Briefs waiting for review"].count == 2
    assert now - states["Briefs waiting for review"].oldest >= timedelta(days=3)
    assert states["Open disputes"].count == 1
    assert states["Flagged messages"].count == 0
    assert "3\xa0days" in html
    # Each link opens a filtered list that answers.
    for state in states.values():
        assert admin_client.get(state.url).status_code == 200, state.url
