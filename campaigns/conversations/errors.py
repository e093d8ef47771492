"""Why a conversations service refused: clients branch on these codes."""

from enum import StrEnum


class ConversationError(StrEnum):
    NOT_PARTICIPANT = "not_participant"
    NOT_AUTHOR = "not_author"
    MESSAGE_EMPTY = "message_empty"
    MESSAGE_TOO_LONG = "message_too_long"
    EDIT_WINDOW_CLOSED = "edit_window_closed"
    MESSAGE_DELETED = "message_deleted"
    VIDEO_NOT_IN_CONTRACT = "video_not_in_contract"
    AT_S_NEEDS_VIDEO = "at_s_needs_video"
    AT_S_OUT_OF_RANGE = "at_s_out_of_range"
    CREATOR_REQUIRED = "creator_required"
    CREATOR_NOT_REACHABLE = "creator_not_reachable"
    THREAD_NOT_OPENABLE = "thread_not_openable"
    READ_MARK_INVALID = "read_mark_invalid"
