"""Contacts that carry no mark of their own and are known by what stands around them:

- an address at a mail provider written without its top-level domain ("kasia.w at gmail",
  "neonfox@proton", "same as my handle at outlook", "annakfilms on icloud");
- an app or network name with a plain handle after it, when the sentence offers it ("find me
  on telegram johnsmith", "my tg is kiwi_fast_88", "I'm on discord as neonfoxstudio");
- a domain written with a spelled-out or bracketed dot ("annak dot studio", "kiwi[.]art");
- a Session messenger id;
- bank details without an IBAN (a sort code and account number, an account number after
  "account", "konto", "cuenta", "conta").

Each takes the normalised text and answers spans of it.
"""

import re

from .lookalikes import fold
from .normalise import PROVIDERS, Normalised

_WORD_STOPS = {
    "me", "us", "him", "her", "them", "it", "you", "this", "that", "home", "work", "least", "name",
    "all", "once", "first", "last", "times", "night", "noon", "the", "a", "an", "is", "are",
    "was", "be", "been", "am", "and", "or", "but", "as", "so", "then", "now", "here", "there",
    "worked", "works", "working", "met", "meet", "meeting", "launch", "launched",
    "based", "live", "lives", "look", "looking", "available", "seen", "shown", "featured",
    "job", "jobs", "intern", "engineer", "designer", "team", "teams", "office", "offices",
    "logo", "ad", "ads", "campaign", "brand", "style", "like", "inbox", "app", "account",
    "login", "page", "newsletter", "version", "screen", "icon", "theme", "ui", "clients",
    "client", "partner", "partners", "promo", "sale", "sales", "spot", "banner", "post",
}  # fmt: skip

# An identifier people give as a handle or the name part of an address.
_NAME = r"[a-z0-9][\w.+\-]{1,40}"
_CUE = (
    r"(?:e-?mail|mail|address|addr|correo|adresse|handle|username|user\s?name|nick|"
    r"my|write|reach|contact|drop\s+(?:me\s+)?a\s+line)"
)
_DETERMINER = r"(?:the|a|an|our|their|his|her|its|some|many|few|all|those|these|at|for|of)"
_MAIL_CUE = r"(?:e-?mail|mail|address|addr|correo|adresse)"
# "x at gmail", "x @ proton", "x@outlook", "x on icloud" (no top-level domain).
_AT_PROVIDER = re.compile(
    rf"(?<![\w.@+\-])(?P<name>{_NAME})\s*(?:@|\s(?:at|on|em|en|bei|chez)\s)\s*"
    rf"(?P<provider>{PROVIDERS})(?![\w.@]*\.[a-z]{{2,}})\b",
    re.IGNORECASE,
)
# "same as my handle at outlook", "the same username on gmail".
_SAME_NAME_AT_PROVIDER = re.compile(
    rf"\b(?:(?:same|my)\s+(?:handle|username|user\s?name|nick|id)|same\s+name)\s+(?:at|on|@)\s*"
    rf"(?:{PROVIDERS})\b",
    re.IGNORECASE,
)
# UPI payment addresses: "annak@okhdfcbank", "9876543210@ybl".
_UPI = re.compile(
    r"(?<![\w.@])[\w.\-]{2,64}@(?:ok\w+|ybl|ibl|axl|apl|upi|paytm|icici|sbi|hdfcbank|axisbank)\b",
    re.IGNORECASE,
)

_SOCIAL = (
    r"whats\s?app|wa|telegram|tg|tele|telega|signal|discord|insta(?:gram)?|ig|snap(?:chat)?|"
    r"tiktok|tik\s?tok|twitter|x|threads|facebook|fb|messenger|linkedin|skype|viber|line|"
    r"kakao(?:talk)?|wechat|weixin|wickr|element|matrix|session|bluesky|bsky|mastodon|reddit|"
    r"zap|zapzap|wsp|whats|"
    + "|".join(fold(n) for n in ("телеграм", "телеграмм", "телега", "тг", "вотсап", "ватсап",
                                 "вайбер", "инста", "инстаграм", "дискорд"))
)  # fmt: skip
# A sentence that offers a handle: "find me on X", "hmu on X", "I'm on X as" (an invitation),
# or "my X is" (a possessive, which needs a handle with a mark: "my insta is growing" is talk).
_INVITE = (
    r"(?P<invite>(?:(?:find|add|follow|hit|ping|reach|message|msg|dm|text|contact|catch|write|"
    r"call|look|search)\s+(?:me|us)\s+(?:up\s+)?|hmu\s+)(?:on|at|via|in|over)\s+|"
    r"(?:i'?m|we'?re|i\s+am)\s+on\s+(?=\S+\s+(?:as|:|=)))"
)
_POSSESSIVE = r"(?:my|our|mon|ma|mi|mein|meu|moj|мой|mój)\s+"
_OFFERED_HANDLE = re.compile(
    rf"(?:{_INVITE}|{_POSSESSIVE})(?P<app>{_SOCIAL})(?![\w])\s*(?:id|handle|username|name|"
    rf"ist|es|é|c'?est|is|as|:|=|->|-)?\s*(?:is|as|:|=|->)?\s*"
    rf"(?P<ident>@?[a-z0-9][\w.\-]{{2,39}}[a-z0-9_])",
    re.IGNORECASE,
)
_APP_ME_HANDLE = re.compile(
    rf"(?<![\w])(?P<app>{_SOCIAL})\s+me\s+(?:on\s+|at\s+)?(?P<ident>@?[a-z0-9][\w.\-]{{2,39}}"
    rf"[a-z0-9_])",
    re.IGNORECASE,
)

# "follow me on X and DM me there: neonfox_ai": an invitation, then a marked handle after a colon
# in the same sentence.
_INVITED_THEN_COLON = re.compile(
    rf"{_INVITE}(?P<app>{_SOCIAL})(?![\w])[^.!?\n:]{{0,40}}:\s*"
    rf"(?P<ident>@?[a-z0-9][\w.\-]{{2,39}}[a-z0-9_])",
    re.IGNORECASE,
)
# "tiktok annak.films": a social network's name, then a name with a dot or underscore inside.
_APP_SHAPED_HANDLE = re.compile(
    r"(?<![\w.@/])(?P<app>tik\s?tok|insta(?:gram)?|ig|twitter|facebook|fb|snap(?:chat)?|x|"
    r"threads|telegram|tg|discord|bluesky|bsky|mastodon|reddit)\s+"
    r"(?P<ident>@?[a-z]{2,}[a-z0-9]*(?:[._][a-z0-9]+)+_?)(?![\w@])(?![\w@.]*\.[a-z])"
    r"(?!\s+(?:template|file|folder|preset|project|effect|filter|lens|asset|pack)s?\b)",
    re.IGNORECASE,
)
# "telegram kasiawrona works better for files": the app and the name on it, offered as a channel.
_APP_HANDLE_PREFERRED = re.compile(
    r"(?<![\w.@/])(?P<app>telegram|whats\s?app|discord|wechat|viber|skype|kakao(?:talk)?|wickr|"
    r"threema|keybase|messenger)\s+(?P<ident>[a-z][a-z0-9]{4,29})\s+"
    r"(?:works?|is|'s)\s+(?:better|best|easier|faster|quicker|simpler)\b",
    re.IGNORECASE,
)
# "my gmail is my name + ai, so annakowalskaai": an address described, then spelled out.
_DESCRIBED_THEN_SPELLED = re.compile(
    rf"{_POSSESSIVE}(?:{PROVIDERS}|e-?mail|{_SOCIAL})\s+(?:address\s+|handle\s+|id\s+)?is\s"
    r"[^.!?\n]{0,40}?(?:,\s*so|=|->|→)\s*"
    r"(?P<ident>@?[a-z0-9][\w.\-]{4,39}[a-z0-9_])(?=\s*(?:$|[.!?,;)]))",
    re.IGNORECASE,
)

_SORT_CODE = re.compile(r"\bsort\s*code\s*:?\s*\d{2}[\s\-]?\d{2}[\s\-]?\d{2}\b", re.IGNORECASE)
_ACCOUNT = re.compile(
    r"\b(?:(?:account|acct|a/c|konto|cuenta|conta|compte|rachunek|nrb)\s*"
    r"(?:no\.?|number|nr\.?|n[º°]|#)?|routing\s*(?:no\.?|number|#))\s*[:\-]?\s*"
    r"(?P<num>\d[\d\s\-]{6,40}\d)",
    re.IGNORECASE,
)


DISGUISED_DOMAIN = re.compile(
    r"(?<![\w\-])(?P<name>[a-z0-9][\w\-]{1,62})\s*(?:\s(?:dot|d0t|punto|ponto|kropka)\s|[\[\(\{<]\s*(?:dot|\.)"
    r"\s*[\]\)\}>])\s*(?:com|net|org|io|co|me|studio|art|app|dev|ai|xyz|film|films|video|"
    r"design|agency|pl|de|fr|es|it|uk|ru|cn|in|br|gg|ee|tv|link|bio|page|site|online|store)\b"
    r"(?:\s*(?:/|\bslash\b)\s*[\w.\-]+)*",
    re.IGNORECASE,
)
# A Session messenger id: 66 hex digits starting 05.
SESSION_ID = re.compile(r"(?<![\w])05[0-9a-f]{64}(?![\w])", re.IGNORECASE)


def disguised_domains(text: str) -> list[tuple[int, int]]:
    """Domains written with a spelled-out or bracketed dot ("annak dot studio", "kiwi[.]art"):
    nobody writes their own site that way but to get it past a filter."""
    raw = Normalised(text)
    return [
        raw.span(m.start(), m.end())
        for m in DISGUISED_DOMAIN.finditer(raw.text)
        if m.group("name").lower() not in _NOT_DOMAIN_NAMES
    ]


# Words before "dot com" in ordinary talk ("the dot com bubble", "a polka dot design").
_NOT_DOMAIN_NAMES = {
    "the",
    "a",
    "polka",
    "big",
    "small",
    "tiny",
    "red",
    "blue",
    "black",
    "white",
    "one",
    "every",
    "each",
    "that",
    "this",
    "no",
    "single",
    "green",
    "first",
}


def _plain_word(ident: str) -> bool:
    return ident.lower().strip("@") in _WORD_STOPS


def provider_addresses(text: str) -> list[tuple[int, int]]:
    """Addresses at a mail provider written without their top-level domain."""
    spans = []
    for match in _AT_PROVIDER.finditer(text):
        name = match.group("name")
        before = text[max(0, match.start() - 40) : match.start()]
        marked = bool(re.search(r"[\d_.\-+]", name)) or "@" in match.group(0)
        cue = _MAIL_CUE if re.search(r"\son\s", match.group(0)) else _CUE
        cued = bool(re.search(rf"{cue}\W*(?:\w+\W+){{0,3}}$", before, re.IGNORECASE))
        # "annak at gmail." standing alone (not "the team at Yahoo.").
        alone = bool(
            re.match(r"\s*(?:$|[,;:!?)]|\.(?:\s|$))", text[match.end() :])
            and " at " in match.group(0).lower()
            and not name.lower().endswith("s")  # "engineers at Yahoo!"
            and not re.search(rf"\b{_DETERMINER}\s+$", before, re.IGNORECASE)
        )
        if _plain_word(name) or not (marked or cued or alone):
            continue
        spans.append((match.start(), match.end()))
    spans += [(m.start(), m.end()) for m in _SAME_NAME_AT_PROVIDER.finditer(text)]
    spans += [(m.start(), m.end()) for m in _UPI.finditer(text)]
    return spans


def offered_handles(text: str) -> list[tuple[int, int]]:
    """A handle after an app's name where the sentence offers it."""
    spans = _shaped_handles(text)
    for pattern in (_OFFERED_HANDLE, _APP_ME_HANDLE):
        for match in pattern.finditer(text):
            ident = match.group("ident")
            if _plain_word(ident) or re.fullmatch(r"\d{1,2}(?:[:.]\d{2})?(?:am|pm|h)?", ident):
                continue
            marked = bool(re.search(r"[@\d_.]", ident))
            app = re.sub(r"\s", "", match.group("app").lower())
            invited = pattern is _APP_ME_HANDLE or bool(match.groupdict().get("invite"))
            # An invitation ("add me on snap annakreates") names the app even when its name is
            # an ordinary word; without one ("my snap is …") that needs a marked handle.
            plain = (app in _AMBIGUOUS and not invited) or len(ident) < 5 or _common(ident)
            if not marked and (not invited or plain):
                continue
            spans.append((match.start("ident"), match.end("ident")))
    return spans


def _shaped_handles(text: str) -> list[tuple[int, int]]:
    """Handles known by their shape or by what the sentence does with them."""
    spans = []
    for pattern in (_INVITED_THEN_COLON, _APP_SHAPED_HANDLE):
        for match in pattern.finditer(text):
            ident = match.group("ident")
            marked = bool(re.search(r"[@\d_.]", ident))
            if not marked or re.search(rf"\.(?:{_FILE_TYPES})$", ident, re.IGNORECASE):
                continue
            parts = re.split(r"[._]", ident.lstrip("@"))
            short = pattern is _APP_SHAPED_HANDLE and max(map(len, parts)) < 4  # "mon.wed.fri"
            if short or _common(parts[0]):
                continue
            spans.append((match.start("ident"), match.end("ident")))
    for pattern in (_APP_HANDLE_PREFERRED, _DESCRIBED_THEN_SPELLED):
        for match in pattern.finditer(text):
            if not _common(match.group("ident")):
                spans.append((match.start("ident"), match.end("ident")))
    return spans


def _common(word: str) -> bool:
    """A word of ordinary talk, not a name someone goes by."""
    plain = word.lower().strip("@")
    return plain in _COMMON or plain in _WORD_STOPS or plain in _FUNCTION_WORDS


def bank_details(text: str) -> list[tuple[int, int]]:
    """Sort codes and account numbers written without an IBAN."""
    spans = [(m.start(), m.end()) for m in _SORT_CODE.finditer(text)]
    for match in _ACCOUNT.finditer(text):
        if len(re.sub(r"\D", "", match.group("num"))) >= 8:
            spans.append((match.start("num"), match.end("num")))
    return spans


# App names that are ordinary words too: only with a marked handle ("my tg is kiwi_88").
_AMBIGUOUS = {"line", "signal", "session", "element", "matrix", "threads", "x", "wa", "tg", "ig",
              "tele", "zap", "whats", "fb", "wsp", "messenger", "reddit", "snap"}  # fmt: skip

# Words that follow "my <app>" or "on <app>" in ordinary talk.
_COMMON = {
    "account", "accounts", "profile", "page", "feed", "story", "stories", "channel", "group",
    "followers", "audience", "community", "posts", "reels", "videos", "content", "today",
    "tomorrow", "tonight", "later", "instead", "please", "thanks", "sometimes", "mostly",
    "status", "private", "public", "broken", "blocked", "banned", "deleted", "down", "weak",
    "strong", "good", "great", "better", "worse", "dead", "quiet", "full", "empty", "there",
    "where", "every", "after", "before", "since", "until", "while", "about", "again", "first",
    "second", "third", "notes", "phone", "laptop", "calls", "call", "chats", "links", "link",
    "handle", "username", "number", "works", "work", "stuff", "things", "thing", "friends",
    "daily", "weekly", "often", "always", "anyway", "anytime", "sometime", "either", "though",
}  # fmt: skip
# Words that follow an app's name in ordinary talk and are no one's handle.
_FUNCTION_WORDS = {
    "when", "whenever", "if", "because", "for", "with", "too", "also", "asap", "pls", "plz",
    "okay", "cheers", "instead", "desktop", "mobile", "web", "bots", "bot", "groups", "calls",
    "voice", "search", "reels", "shorts", "ads", "video", "videos", "audio", "files", "uploads",
    "export", "exports", "format", "formats", "version", "cover", "covers", "story", "captions",
    "caption", "thumbnail", "thumbnails", "analytics", "insights", "creator", "creators",
    "algorithm", "usually", "definitely", "probably", "honestly", "really", "generally",
    "channels", "premium", "stickers", "folders", "backups", "sync", "encryption", "topics",
    "communities", "broadcast", "business", "carousel", "whatever", "basically", "sorry",
}  # fmt: skip
_FILE_TYPES = "mp4|mov|jpg|jpeg|png|gif|pdf|zip|wav|mp3|srt|psd|webm|webp|txt|docx?|xlsx?|csv"
