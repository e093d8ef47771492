"""Conversations (docs/CONVERSATIONS.md): threads between a creator and a brand about a brief or a
contract, their messages, unread counts, and the masking of contact details before a contract.

The tables live in `campaigns.models` (Thread, Message, ThreadRead); this package holds the
rest of the feature the way an app holds it: `services`, `selectors`, `apis`, `serializers`,
`filters`, `admin`, `errors`, and the detector in `masking`.
"""
