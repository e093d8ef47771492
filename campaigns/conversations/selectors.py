"""Reads of conversations: who may see which thread, unread counts, a thread's messages.

Participants are the thread's creator and the members of its brand. Staff are not: they read
a thread only when its contract is (or was) disputed or one of its messages was flagged.
Everything a page shows is loaded for the whole page (joins and subqueries), never per row.
"""

from datetime import datetime

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from creators.models import GeneratedVideo
from marketplace.models import User

from ..models import (
    Bid,
    Contract,
    ContractKind,
    ContractStatus,
    Delivery,
    Dispute,
    Invitation,
    Message,
    MessageVersion,
    Thread,
    ThreadKind,
    ThreadRead,
)
from ..selectors import is_brand_member, member_brand_ids, parties


def _signed_in(user: User | None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _participant(user: User) -> Q:
    return Q(creator__user=user) | Q(brand_id__in=member_brand_ids(user))


def _unread(user: User) -> Subquery:
    """Per thread (outer row): messages of the others after the user's read mark."""
    last_read = ThreadRead.objects.filter(thread=OuterRef("thread"), user_id=user.pk).values(
        "last_read_message_id"
    )[:1]
    counted = (
        Message.objects.filter(thread=OuterRef("pk"), deleted_at__isnull=True)
        .exclude(author_id=user.pk)
        .filter(id__gt=Coalesce(Subquery(last_read), Value(0)))
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def threads_visible_to(user: User | None) -> QuerySet[Thread]:
    """Threads the user takes part in, each with `unread` (the others' messages after the
    user's read mark) and `flagged_count`; staff also see disputed and flagged threads."""
    qs = Thread.objects.select_related("brief", "brand", "creator", "contract")
    if not _signed_in(user):
        return qs.none()
    condition = _participant(user)
    if user.is_staff:
        condition |= Exists(Dispute.objects.filter(contract_id=OuterRef("contract_id")))
        condition |= Exists(Message.objects.filter(thread=OuterRef("pk"), flagged=True))
    flagged = (
        Message.objects.filter(thread=OuterRef("pk"), flagged=True)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.filter(condition).annotate(
        unread=_unread(user),
        flagged_count=Coalesce(Subquery(flagged, output_field=IntegerField()), Value(0)),
    )


def is_participant(user: User | None, thread: Thread) -> bool:
    """Whether the user is the thread's creator or a member of its brand."""
    if not _signed_in(user):
        return False
    if thread.creator.user_id == user.pk:
        return True
    return is_brand_member(user, thread.brand_id)


def participant_users(thread: Thread) -> list[User]:
    """The thread's creator and its brand's members (`campaigns.selectors.parties`, active
    users only): who hears about a new message."""
    return parties(creator_id=thread.creator_id, brand_id=thread.brand_id)


def threads_for_inbox(user: User | None) -> QuerySet[Thread]:
    """The threads the user may read, each with its `activity` (its last message, else its
    opening) for ordering an inbox."""
    return threads_visible_to(user).annotate(
        activity=Coalesce(F("last_message_at"), F("created_at"))
    )


def creator_reachable_on_brief(brief_id: int, creator_id: int) -> bool:
    """Whether a brand may open a thread with the creator about the brief: the creator was
    invited to it or has bid on it."""
    invited = Invitation.objects.filter(brief_id=brief_id, creator_id=creator_id)
    bid = Bid.objects.filter(brief_id=brief_id, creator_id=creator_id)
    return invited.exists() or bid.exists()


def thread_messages(thread: Thread, *, with_versions: bool = False) -> QuerySet[Message]:
    """A thread's messages, oldest first, with their authors; for staff (`with_versions`)
    every version each author wrote, in one more query for the whole page."""
    qs = Message.objects.filter(thread=thread).select_related("author").order_by("id")
    if with_versions:
        qs = qs.prefetch_related(
            Prefetch("versions", queryset=MessageVersion.objects.order_by("number"))
        )
    return qs


def contract_video(contract_id: int, video_id: int) -> GeneratedVideo | None:
    """The video if it was delivered on this contract (in any of its deliveries), else None."""
    delivered = Delivery.objects.filter(contract_id=contract_id, videos=OuterRef("pk"))
    return GeneratedVideo.objects.filter(pk=video_id).filter(Exists(delivered)).first()


def unread_total(user: User | None) -> int:
    """Messages of others after the user's read mark, over every thread they take part in."""
    if not _signed_in(user):
        return 0
    last_read = ThreadRead.objects.filter(thread=OuterRef("thread"), user_id=user.pk).values(
        "last_read_message_id"
    )[:1]
    return (
        Message.objects.filter(
            thread__in=Thread.objects.filter(_participant(user)).values("pk"),
            deleted_at__isnull=True,
        )
        .exclude(author_id=user.pk)
        .filter(id__gt=Coalesce(Subquery(last_read), Value(0)))
        .count()
    )


def flagged_messages_waiting() -> QuerySet[Message]:
    """The staff queue: flagged messages nobody has reviewed yet, oldest first."""
    return Message.objects.filter(flagged=True, flag_reviewed_at__isnull=True).order_by(
        "created_at", "pk"
    )


def masking_applies(thread: Thread, *, sent_at: datetime) -> bool:
    """Whether contact details are hidden in a message sent at `sent_at` in this thread: in a
    brief thread, when no contract between its creator and brand (of any brief, not
    cancelled) existed yet; in the thread of a paid test shot until it is funded (an unfunded
    test shot is not yet a deal escrow protects). Decided once, when the message is sent."""
    if thread.kind == ThreadKind.BRIEF:
        contracted = (
            Contract.objects.filter(
                creator_id=thread.creator_id, brand_id=thread.brand_id, created_at__lte=sent_at
            )
            .exclude(status=ContractStatus.CANCELLED)
            .exists()
        )
        return not contracted
    contract = thread.contract
    return bool(
        contract is not None
        and contract.kind == ContractKind.TEST_SHOT
        and contract.funded_at is None
    )


def consecutive_texts(thread: Thread, author_id: int, *, before_id: int | None = None) -> list[str]:
    """The texts of `author_id`'s latest run of consecutive messages in the thread (before
    message `before_id`, if given), oldest first, at most three: a contact split over a
    sender's messages is read joined."""
    messages = Message.objects.filter(thread=thread).order_by("-id")
    if before_id is not None:
        messages = messages.filter(id__lt=before_id)
    run: list[str] = []
    for author, text, deleted in messages.values_list("author_id", "text", "deleted_at")[:3]:
        if author != author_id:
            break
        if deleted is None:
            run.append(text)
    return run[::-1]
