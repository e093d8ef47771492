"""Writes on conversations: open a thread, post, edit, delete (a tombstone), mark read, and
staff's review of a flagged message.

Each runs in one transaction with the thread (then the message) locked through `.locks`.
Messages are text, never HTML. Masking is decided per message: in a brief thread, a message
sent before any contract exists between its creator and brand has its contact details and
payment handles masked (`.masking`), the original kept for staff, the message flagged and
staff told; once a contract exists, new messages are not masked (escrow protects the deal).
The others in the thread are notified of a new message once until they read it.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from creators.models import CreatorProfile
from marketplace.audit import audit_record, notify, notify_staff
from marketplace.errors import Conflict, Forbidden, InvalidInput, InvalidTransition
from marketplace.guards import require_staff
from marketplace.models import Notification, User

from ..locks import lock_brief
from ..models import (
    MESSAGE_MAX_LENGTH,
    BriefStatus,
    Contract,
    Message,
    MessageVersion,
    Thread,
    ThreadKind,
    ThreadRead,
)
from ..selectors import is_brand_member
from . import masking
from .errors import ConversationError
from .locks import lock_message, lock_thread
from .selectors import (
    consecutive_texts,
    contract_video,
    creator_reachable_on_brief,
    is_participant,
    masking_applies,
    participant_users,
)

# A creator may start a question while the brief takes bids (or has just closed for them).
OPENABLE_BRIEF_STATUSES = (BriefStatus.OPEN, BriefStatus.CLOSED)


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput("write something", code=ConversationError.MESSAGE_EMPTY, field="text")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise InvalidInput(
            f"at most {MESSAGE_MAX_LENGTH} characters",
            code=ConversationError.MESSAGE_TOO_LONG,
            field="text",
        )
    return text


def _require_participant(actor: User, thread: Thread) -> None:
    if not is_participant(actor, thread):
        raise Forbidden(
            "only the creator and the brand's members write in this thread",
            code=ConversationError.NOT_PARTICIPANT,
        )


def _flag(message: Message, kinds: list[str]) -> None:
    """Mark the message flagged and tell staff (inside the caller's transaction)."""
    message.flagged = True
    message.flag_kinds = sorted(set(message.flag_kinds) | set(kinds))
    message.flag_reviewed_at = None
    message.flag_reviewed_by = None
    audit_record(
        actor=message.author, verb="flag", obj=message, after="flagged", data={"kinds": kinds}
    )
    notify_staff(
        kind="message_flagged",
        message=f"Message #{message.pk} in thread {message.thread_id} had contact details "
        f"({', '.join(kinds)}) masked.",
        obj=message,
    )


def _masked(
    thread: Thread, text: str, author_id: int, *, sent_at: datetime, before_id: int | None = None
) -> tuple[str, list[str]]:
    if not masking_applies(thread, sent_at=sent_at):
        return text, []
    earlier = consecutive_texts(thread, author_id, before_id=before_id)
    return masking.mask_continuing(earlier, text)


def _keep_version(message: Message, *, text: str, kinds: list[str]) -> MessageVersion:
    """Keep what the author wrote (unmasked) as the message's next version, for staff."""
    last = message.versions.order_by("-number").values_list("number", flat=True).first()
    return MessageVersion.objects.create(
        message=message,
        number=(last or 0) + 1,
        text=text,
        shown_text=message.text,
        flag_kinds=sorted(set(kinds)),
        created_at=message.edited_at or message.created_at,
    )


def _notify_others(thread: Thread, author: User) -> None:
    """Tell the others in the thread, unless they already hold an unread notice of it."""
    waiting = set(
        Notification.objects.filter(
            kind="message_new",
            object_type=thread._meta.label_lower,
            object_id=str(thread.pk),
            read_at__isnull=True,
        ).values_list("user_id", flat=True)
    )
    others = [u for u in participant_users(thread) if u.pk != author.pk and u.pk not in waiting]
    if not others:
        return
    if thread.creator.user_id == author.pk:
        who = f"@{thread.creator.handle}"
    else:
        who = thread.brand.name
    about = f"contract #{thread.contract_id}" if thread.contract_id else f"“{thread.brief.title}”"
    notify(others, kind="message_new", message=f"New message from {who} about {about}.", obj=thread)


def _post(
    *,
    actor: User,
    thread: Thread,
    text: str,
    video_id: int | None = None,
    at_s: Decimal | None = None,
) -> Message:
    """The shared body of posting, inside a transaction with the thread locked."""
    text = _clean_text(text)
    video = None
    if at_s is not None and video_id is None:
        raise InvalidInput(
            "a time code needs the video it points into",
            code=ConversationError.AT_S_NEEDS_VIDEO,
            field="at_s",
        )
    if video_id is not None:
        video = contract_video(thread.contract_id, video_id) if thread.contract_id else None
        if video is None:
            raise InvalidInput(
                "not a video delivered on this thread's contract",
                code=ConversationError.VIDEO_NOT_IN_CONTRACT,
                field="video",
            )
        if at_s is not None and not (0 <= at_s <= video.duration_s):
            raise InvalidInput(
                f"must be between 0 and the video's {video.duration_s} s",
                code=ConversationError.AT_S_OUT_OF_RANGE,
                field="at_s",
            )
    now = timezone.now()
    shown, kinds = _masked(thread, text, actor.pk, sent_at=now)
    message = Message.objects.create(
        thread=thread,
        author=actor,
        text=shown,
        original_text=text if kinds else "",
        video=video,
        at_s=at_s,
        created_at=now,
    )
    if kinds:
        _flag(message, kinds)
        message.save(update_fields=["flagged", "flag_kinds"])
    _keep_version(message, text=text, kinds=kinds)
    thread.last_message_at = message.created_at
    thread.save(update_fields=["last_message_at"])
    ThreadRead.objects.update_or_create(
        thread=thread,
        user=actor,
        defaults={"last_read_message_id": message.pk, "read_at": timezone.now()},
    )
    _notify_others(thread, actor)
    return message


@transaction.atomic
def message_post(
    *,
    actor: User,
    thread: Thread,
    text: str,
    video_id: int | None = None,
    at_s: Decimal | None = None,
) -> Message:
    """A participant writes in a thread: up to 5,000 characters of text, optionally pointing
    at a second (`at_s`) of a video delivered on the thread's contract. In a brief thread,
    before any contract between its creator and brand, contact details are masked and the
    message flagged. The others are notified."""
    thread = lock_thread(thread.pk)
    _require_participant(actor, thread)
    return _post(actor=actor, thread=thread, text=text, video_id=video_id, at_s=at_s)


@transaction.atomic
def brief_thread_open(
    *, actor: User, brief_id: int, creator_handle: str = "", text: str = ""
) -> tuple[Thread, bool]:
    """Open (or return) the thread of a brief and a creator; (thread, created).

    A creator opens their own on a brief they can see that takes bids (open or closed); a
    member of the brief's brand opens one with a creator invited to the brief or bidding on
    it. An optional first message is posted with it."""
    # The brief row first, so two opens of one thread are serialised.
    brief = lock_brief(brief_id)
    if is_brand_member(actor, brief.brand_id):
        if not creator_handle:
            raise InvalidInput(
                "name the creator to write to",
                code=ConversationError.CREATOR_REQUIRED,
                field="creator",
            )
        creator = (
            CreatorProfile.objects.select_related("user").filter(handle=creator_handle).first()
        )
        if creator is None or not creator_reachable_on_brief(brief.pk, creator.pk):
            raise InvalidInput(
                "you can write to creators invited to this brief or bidding on it",
                code=ConversationError.CREATOR_NOT_REACHABLE,
                field="creator",
            )
    else:
        creator = getattr(actor, "creator_profile", None)
        if creator is None:
            raise Forbidden(
                "only creators and the brief's brand members start conversations",
                code=ConversationError.NOT_PARTICIPANT,
            )
        if brief.status not in OPENABLE_BRIEF_STATUSES:
            raise InvalidTransition("brief", brief.status, "ask a question on")
    thread = Thread.objects.filter(brief=brief, creator=creator, kind=ThreadKind.BRIEF).first()
    created = thread is None
    if created:
        try:
            with transaction.atomic():
                thread = Thread.objects.create(
                    kind=ThreadKind.BRIEF,
                    brief=brief,
                    brand_id=brief.brand_id,
                    creator=creator,
                    started_by=actor,
                )
        except IntegrityError as exc:  # a concurrent open won the unique index
            raise Conflict(
                "this conversation was just opened; fetch it again",
                code=ConversationError.THREAD_NOT_OPENABLE,
            ) from exc
        audit_record(actor=actor, verb="open", obj=thread, after=ThreadKind.BRIEF)
    if text:
        thread = lock_thread(thread.pk)
        _post(actor=actor, thread=thread, text=text)
    return thread, created


@transaction.atomic
def contract_thread_ensure(*, contract: Contract) -> Thread:
    """The contract's thread, made on first use: its creator and its brand's members."""
    thread = Thread.objects.filter(contract=contract).first()
    if thread is not None:
        return thread
    try:
        with transaction.atomic():
            return Thread.objects.create(
                kind=ThreadKind.CONTRACT,
                brief_id=contract.brief_id,
                brand_id=contract.brand_id,
                creator_id=contract.creator_id,
                contract=contract,
            )
    except IntegrityError:  # made concurrently: use that one
        return Thread.objects.get(contract=contract)


def contract_feedback_post(*, actor: User, contract: Contract, items: list[dict]) -> list[Message]:
    """Post timestamped feedback (`text`, `video`, `at_s`) in the contract's thread, inside
    the caller's transaction (a revision request carries it). An error names the item:
    `feedback.<index>.<field>`."""
    if not items:
        return []
    thread = lock_thread(contract_thread_ensure(contract=contract).pk)
    _require_participant(actor, thread)
    posted = []
    for index, item in enumerate(items):
        try:
            posted.append(
                _post(
                    actor=actor,
                    thread=thread,
                    text=item.get("text", ""),
                    video_id=item.get("video"),
                    at_s=item.get("at_s"),
                )
            )
        except InvalidInput as exc:
            raise InvalidInput(
                exc.message, code=exc.code, field=f"feedback.{index}.{exc.field}"
            ) from exc
    return posted


def _require_editable(actor: User, message: Message, *, what: str) -> None:
    if message.author_id != actor.pk:
        raise Forbidden(f"only the author may {what} a message", code=ConversationError.NOT_AUTHOR)
    if message.deleted_at is not None:
        raise Conflict(
            "the message was deleted",
            code=ConversationError.MESSAGE_DELETED,
            current_state="deleted",
        )
    if timezone.now() - message.created_at > settings.MESSAGE_EDIT_WINDOW:
        minutes = int(settings.MESSAGE_EDIT_WINDOW.total_seconds() // 60)
        raise Conflict(
            f"messages can be changed for {minutes} minutes; this one is now final",
            code=ConversationError.EDIT_WINDOW_CLOSED,
            current_state="final",
        )


@transaction.atomic
def message_edit(*, actor: User, message: Message, text: str) -> Message:
    """The author rewrites a message within the edit window; masked again if the message was
    sent before a contract (see `masking_applies`). Every version is kept unmasked for staff
    (`MessageVersion`; the first also in `original_text`), and the change is audited."""
    lock_thread(message.thread_id)
    message = lock_message(message.pk)
    _require_editable(actor, message, what="edit")
    text = _clean_text(text)
    # Decided when the message was sent: an edit neither gains nor loses the masking.
    shown, kinds = _masked(
        message.thread, text, message.author_id, sent_at=message.created_at, before_id=message.pk
    )
    if not message.original_text:
        message.original_text = message.text
    before = message.text
    if not message.versions.exists():  # posted before versions were kept
        MessageVersion.objects.create(
            message=message,
            number=1,
            text=message.original_text,
            shown_text=before,
            flag_kinds=list(message.flag_kinds),
            created_at=message.created_at,
        )
    message.text = shown
    message.edited_at = timezone.now()
    if kinds:
        _flag(message, kinds)
    message.save()
    version = _keep_version(message, text=text, kinds=kinds)
    audit_record(
        actor=actor,
        verb="edit",
        obj=message,
        data={"before": before[:500], "version": version.number},
    )
    return message


@transaction.atomic
def message_delete(*, actor: User, message: Message) -> Message:
    """The author deletes a message within the edit window: a tombstone stays in its place;
    its text is kept for staff only."""
    lock_thread(message.thread_id)
    message = lock_message(message.pk)
    _require_editable(actor, message, what="delete")
    if not message.original_text:
        message.original_text = message.text
    message.text = ""
    message.deleted_at = timezone.now()
    message.save(update_fields=["text", "original_text", "deleted_at"])
    audit_record(actor=actor, verb="delete", obj=message, after="deleted")
    return message


@transaction.atomic
def thread_mark_read(*, actor: User, thread: Thread, up_to: int | None = None) -> ThreadRead:
    """A participant marks the thread read up to a message (the latest by default); the mark
    only moves forward."""
    thread = lock_thread(thread.pk)
    _require_participant(actor, thread)
    if up_to is None:
        last = thread.messages.order_by("-id").values_list("id", flat=True).first()
        up_to = last or 0
    elif not thread.messages.filter(pk=up_to).exists():
        raise InvalidInput(
            "not a message of this thread",
            code=ConversationError.READ_MARK_INVALID,
            field="message",
        )
    mark, _ = ThreadRead.objects.get_or_create(thread=thread, user=actor)
    if up_to > mark.last_read_message_id:
        mark.last_read_message_id = up_to
        mark.read_at = timezone.now()
        mark.save(update_fields=["last_read_message_id", "read_at"])
    Notification.objects.filter(
        user=actor,
        kind="message_new",
        object_type=thread._meta.label_lower,
        object_id=str(thread.pk),
        read_at__isnull=True,
    ).update(read_at=timezone.now())
    return mark


@transaction.atomic
def message_flag_review(*, actor: User, message: Message) -> Message:
    """Staff mark a flagged message reviewed: it leaves the queue (the masking stays)."""
    require_staff(actor, what="review flagged messages")
    message = lock_message(message.pk)
    if not message.flagged:
        raise InvalidTransition("message", "unflagged", "review")
    if message.flag_reviewed_at is None:
        message.flag_reviewed_at = timezone.now()
        message.flag_reviewed_by = actor
        message.save(update_fields=["flag_reviewed_at", "flag_reviewed_by"])
        audit_record(
            actor=actor, verb="review_flag", obj=message, before="flagged", after="reviewed"
        )
    return message
