"""The admin index's work queues: every queue staff work, counted, with the oldest wait
measured from when the item entered its queue (not from its last edit)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import Delivery, LicenceFlag
from creators.models import Moderation, Reel
from creators.services import reel_approve, reel_update
from marketplace.models import AuditLog
from payments.staff_queues import QUEUES, staff_queues
from tests.factories import ContractFactory, ReelFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(staff)
    return client


def test_licence_flagged_deliveries_are_a_queue(admin_client):
    contract = ContractFactory()
    old = timezone.now() - timedelta(days=2)
    for number, flag in ((1, LicenceFlag.FLAGGED), (2, LicenceFlag.CLEARED)):
        delivery = Delivery.objects.create(
            contract=contract,
            milestone=contract.milestones.first(),
            number=number,
            licence_flag=flag,
            created_at=old,
        )
        delivery.videos.add(VideoFactory())
    states = {q.label: q for q in staff_queues()}
    flagged = states["Licence-flagged deliveries"]
    assert (flagged.count, flagged.oldest) == (1, old)
    html = admin_client.get("/admin/").content.decode()
    assert 'href="/admin/campaigns/delivery/?licence_flag__exact=flagged"' in html
    assert admin_client.get(flagged.url).status_code == 200


def test_a_reel_waits_from_its_resubmission_not_its_last_edit(staff):
    reel = ReelFactory(moderation=Moderation.PENDING)
    created = timezone.now() - timedelta(days=10)
    Reel.objects.filter(pk=reel.pk).update(created_at=created)
    # Never moderated: it waits since it was made, whatever edits touched `updated_at`.
    assert {q.label: q for q in staff_queues()}["Reels waiting for moderation"].oldest == created
    # Approved, then edited by its creator: it waits again from the resubmission.
    reel_approve(actor=staff, reel=reel)
    reel = Reel.objects.get(pk=reel.pk)
    reel_update(actor=reel.creator.user, reel=reel, data={"title": "A new cut"})
    resubmitted = AuditLog.objects.get(object_id=str(reel.pk), verb="resubmit").created_at
    Reel.objects.filter(pk=reel.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    state = {q.label: q for q in staff_queues()}["Reels waiting for moderation"]
    assert (state.count, state.oldest) == (1, resubmitted)


def test_the_queue_table_does_not_squeeze_its_headers(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "#staff-queues th, #staff-queues td { white-space: nowrap; }" in html
    assert "#staff-queues table { width: 100%; }" in html
    assert re.search(r'<th scope="col" class="count">Waiting</th>', html)


def test_counting_the_queues_takes_one_query_each(django_assert_num_queries):
    ReelFactory.create_batch(3, moderation=Moderation.PENDING)
    with django_assert_num_queries(len(QUEUES)):
        staff_queues()
