"""Row locks of conversations, on `marketplace.locks`: a thread before its messages."""

from marketplace.locks import lock_one

from ..models import Message, Thread


def lock_thread(pk: int) -> Thread:
    """The thread row, locked (its creator and brief joined, not locked)."""
    return lock_one(Thread.objects.select_related("creator", "brief", "contract"), pk)


def lock_message(pk: int) -> Message:
    """The message row, locked, with its thread joined."""
    return lock_one(Message.objects.select_related("thread"), pk)
