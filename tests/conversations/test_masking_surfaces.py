"""One contact detector for every text another party reads before a contract, proven through
the API: the evasion corpus and two held-out sets (rates), bid pitches and milestone titles,
invitation messages, the public bio, test-shot threads until funded, and a contact split over
two messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Bid, ContractKind, Message
from marketplace.contacts import PLACEHOLDER, find, mask
from marketplace.models import AuditLog, Notification
from tests.conversations import masking_evasions as corpus
from tests.factories import (
    BriefFactory,
    ContractFactory,
    CreatorFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_corpus_holds_300_evasions_and_300_ordinary_messages():
    assert len(corpus.EVASIONS) + len(corpus.SPLIT) >= 300
    assert len(corpus.ORDINARY) >= 300


def test_at_least_95_percent_of_evasions_masked_and_at_most_1_percent_false_positives():
    result = corpus.measure()
    assert result["masked_rate"] >= 0.95, result["missed"]
    assert result["false_positive_rate"] <= 0.01, result["false_positives"]


@pytest.mark.parametrize("sentence", corpus.EVASIONS)
def test_what_masking_leaves_holds_no_contact(sentence):
    shown, kinds = mask(sentence)
    assert kinds and PLACEHOLDER in shown
    assert find(shown) == []


@pytest.fixture
def staff():  # type: ignore[no-untyped-def]
    return UserFactory(is_staff=True)


def _mask_row(obj) -> AuditLog:  # type: ignore[no-untyped-def]
    return AuditLog.objects.get(
        verb="mask", object_type=obj._meta.label_lower, object_id=str(obj.pk)
    )


def test_a_bid_pitch_and_milestone_titles_are_masked_for_the_brand(client_for, staff):
    brief = BriefFactory(delivery_deadline=timezone.now() + timedelta(days=30))
    owner = MembershipFactory(brand=brief.brand).user
    creator = CreatorFactory()
    due = (timezone.now() + timedelta(days=10)).isoformat()
    body = {
        "amount": 60_000,
        "pitch": "Love it! WhatsApp me on +44 7700 900461 to skip the fee.",
        "milestones": [
            {"title": "Storyboard, t[.]me/neonfox", "amount": 20_000, "due_date": due},
            {"title": "Final cut", "amount": 40_000, "due_date": due},
        ],
    }
    created = client_for(creator.user).post(f"/api/v1/briefs/{brief.pk}/bids/", body, format="json")
    assert created.status_code == 201, created.json()
    seen = client_for(owner).get(f"/api/v1/bids/{created.json()['id']}/").json()
    assert "7700" not in seen["pitch"] and PLACEHOLDER in seen["pitch"]
    titles = [m["title"] for m in seen["milestones"]]
    assert titles == [f"Storyboard, {PLACEHOLDER}", "Final cut"]
    bid = Bid.objects.get(pk=created.json()["id"])
    audit = _mask_row(bid)
    assert audit.data["originals"]["pitch"] == body["pitch"]
    assert audit.data["originals"]["milestones[0].title"] == "Storyboard, t[.]me/neonfox"
    assert Notification.objects.filter(user=staff, kind="contact_masked").exists()

    edited = client_for(creator.user).patch(
        f"/api/v1/bids/{bid.pk}/", {"pitch": "or mail ana (at) proton (dot) me"}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["pitch"] == f"or mail {PLACEHOLDER}"
    versions = AuditLog.objects.filter(verb="mask", object_id=str(bid.pk)).order_by("id")
    assert [v.data["originals"].get("pitch") for v in versions] == [
        body["pitch"],
        "or mail ana (at) proton (dot) me",
    ]


def test_an_invitation_message_is_masked_for_the_creator(client_for):
    brief = BriefFactory()
    owner = MembershipFactory(brand=brief.brand).user
    creator = CreatorFactory()
    invited = client_for(owner).post(
        f"/api/v1/briefs/{brief.pk}/invitations/",
        {"handle": creator.handle, "message": "Call us at +1 415 555 0132, skip the fees"},
        format="json",
    )
    assert invited.status_code == 201, invited.json()
    listed = client_for(creator.user).get("/api/v1/invitations/").json()["results"]
    assert listed[0]["message"] == f"Call us at {PLACEHOLDER}, skip the fees"


def test_the_public_bio_is_masked(client_for, api):
    creator = CreatorFactory()
    bio = "AI films. Bookings: ana＠gmail．com or 微信 neonfox88"
    updated = client_for(creator.user).patch("/api/v1/creators/me/", {"bio": bio}, format="json")
    assert updated.status_code == 200, updated.json()
    public = api.get(f"/api/v1/creators/{creator.handle}/").json()
    assert public["bio"] == f"AI films. Bookings: {PLACEHOLDER} or 微信 {PLACEHOLDER}"
    assert _mask_row(creator).data["originals"]["bio"] == bio


def _thread_of(client_for, contract) -> int:  # type: ignore[no-untyped-def]
    thread = client_for(contract.creator.user).get(f"/api/v1/contracts/{contract.pk}/thread/")
    assert thread.status_code == 200, thread.json()
    return thread.json()["id"]


def _post(client, thread_id: int, text: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.post(f"/api/v1/threads/{thread_id}/messages/", {"text": text}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_test_shot_thread_is_masked_until_the_test_shot_is_funded(client_for):
    shot = ContractFactory(kind=ContractKind.TEST_SHOT)
    creator = client_for(shot.creator.user)
    thread = _thread_of(client_for, shot)
    unfunded = _post(creator, thread, "pay me on paypal.me/anakowalska instead")
    assert unfunded["text"] == f"pay me on {PLACEHOLDER} instead" and unfunded["masked"]
    assert Message.objects.get(pk=unfunded["id"]).original_text.endswith("instead")

    funded = ContractFactory(kind=ContractKind.TEST_SHOT, funded_at=timezone.now())
    funded_thread = _thread_of(client_for, funded)
    open_text = _post(client_for(funded.creator.user), funded_thread, "my cell is +1 415 555 0132")
    assert open_text["text"] == "my cell is +1 415 555 0132" and not open_text["masked"]


def test_a_contact_split_over_consecutive_messages_is_masked(client_for):
    shot = ContractFactory(kind=ContractKind.TEST_SHOT)
    creator = client_for(shot.creator.user)
    thread = _thread_of(client_for, shot)
    first = _post(creator, thread, "my number is +44 20")
    second = _post(creator, thread, "7946 0958")
    assert first["text"] == "my number is +44 20"  # alone, not a phone number
    assert second["text"] == PLACEHOLDER and second["masked"]
    # Another sender in between breaks the run: their digits are read on their own.
    owner = client_for(MembershipFactory(brand=shot.brand).user)
    _post(creator, thread, "shots 3 and")
    reply = _post(owner, thread, "4 5 6 7 8 9 10 are fine")
    assert not reply["masked"]


def test_the_first_held_out_set_keeps_its_rates():
    """Written after the first round and never tuned on then (34 of 40 masked, 1 of 40
    flagged); the second round looked at its misses, so it is now a regression set: 40 of 40
    masked, 0 of 40 flagged."""
    from tests.conversations import masking_held_out

    result = masking_held_out.measure()
    assert result["masked_rate"] >= 0.95, result["missed"]
    assert result["false_positive_rate"] <= 0.025, result["false_positives"]


def test_the_fresh_held_out_set_holds_120_evasions_and_250_ordinary_messages():
    from tests.conversations import masking_fresh

    assert len(masking_fresh.EVASIONS) >= 120
    assert len(masking_fresh.ORDINARY) >= 250


def test_the_fresh_held_out_set_keeps_its_measured_rates():
    """Written before the second round and measured once after it (docs/SECURITY.md): 115 of
    124 evasions masked (92.7 %), 2 of 284 ordinary messages flagged (0.7 %). The third round
    looked at its misses, so it is a tuning set now: 122 of 124 masked, 0 of 284 flagged. A
    change that lowers either fails here."""
    from tests.conversations import masking_fresh

    result = masking_fresh.measure()
    assert result["masked_rate"] >= 122 / 124, result["missed"]
    assert result["false_positive_rate"] <= 0 / 284, result["false_positives"]


def test_the_blind_held_out_set_keeps_its_measured_rates():
    """Written by someone who had not seen the detector, after the third round, and measured
    once (docs/SECURITY.md): 127 of 166 evasions masked (76.5 %), 1 of 295 ordinary messages
    flagged (0.3 %). A change that lowers either fails here."""
    from tests.conversations import masking_blind

    assert len(masking_blind.EVASIONS) >= 120 and len(masking_blind.ORDINARY) >= 250
    result = masking_blind.measure()
    assert result["masked_rate"] >= 127 / 166, result["missed"]
    assert result["false_positive_rate"] <= 1 / 295, result["false_positives"]


@pytest.mark.xfail(strict=True, reason="measured 76.5 % masked on the blind set: below the bar")
def test_the_blind_held_out_set_meets_the_bar():
    """The bar (≥ 95 % masked, ≤ 1 % false positives) on text the detector was not tuned on.
    Not met; once a round tuned on this set passes it, the set is tuning data and a new blind
    set takes its place here."""
    from tests.conversations import masking_blind

    result = masking_blind.measure()
    assert result["masked_rate"] >= 0.95, result["missed"]
    assert result["false_positive_rate"] <= 0.01, result["false_positives"]


@pytest.mark.parametrize(
    "text",
    [
        *("1-" * 2500, "a at " + "b." * 2497, "1 " * 2500, "@" * 5000, "微信" * 2500),
        *("a1.-_+@ " * 625, "one " * 1250, "o" * 5000, "0" * 5000, "O1 " * 1666, "1_" * 2500),
        *("my telegram " * 416, "x at gmail " * 454, "a dot " * 833, "account " * 625),
    ],
)
def test_the_detector_stays_fast_on_5000_hostile_characters(text):
    import time

    started = time.perf_counter()
    mask(text)
    assert time.perf_counter() - started < 1.5
