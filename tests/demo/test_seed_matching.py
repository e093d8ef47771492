"""The demo's activity dates agree with its reels and bids, and its matches read evidence."""

import pytest
from django.core.management import call_command
from django.db.models import Max

from campaigns import matching
from campaigns.models import Bid, Brief, BriefStatus
from creators.models import CreatorProfile, Moderation, Reel, TermStat

pytestmark = pytest.mark.django_db


def test_demo_activity_comes_from_approved_reels_and_bids() -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    reels = dict(
        Reel.objects.filter(moderation=Moderation.APPROVED)
        .values("creator_id")
        .annotate(at=Max("created_at"))
        .values_list("creator_id", "at")
    )
    bids = dict(
        Bid.objects.values("creator_id")
        .annotate(at=Max("created_at"))
        .values_list("creator_id", "at")
    )
    for creator in CreatorProfile.objects.all():
        known = [at for at in (reels.get(creator.pk), bids.get(creator.pk)) if at is not None]
        if not known:
            assert creator.last_active_at is None
            continue
        # A bid touches the profile a moment after the bid row is stamped.
        gap = abs((creator.last_active_at - max(known)).total_seconds())
        assert gap < 5, creator.handle
        assert creator.tag_evidence and creator.terms
    assert TermStat.objects.get(term=TermStat.CORPUS).df == CreatorProfile.objects.count()
    brief = Brief.objects.filter(status=BriefStatus.OPEN).first()
    found = matching.rank_creators(brief, limit=5)
    assert found and found[0].breakdown["style"] is not None
    assert all(2 <= len(m.reasons) <= 3 for m in found)
