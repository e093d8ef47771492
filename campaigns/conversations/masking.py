"""The contact detector for conversations: `marketplace.contacts`, which every text another
party reads before a contract goes through (messages, pitches, milestone titles, invitation
messages, bios)."""

from marketplace.contacts import PLACEHOLDER, Finding, find, mask, mask_continuing, normalise

__all__ = ["PLACEHOLDER", "Finding", "find", "mask", "mask_continuing", "normalise"]
