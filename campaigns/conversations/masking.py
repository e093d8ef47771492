"""Finding contact details and payment handles in a message, and hiding them.

Before a contract exists, a creator and a brand who swap an e-mail address, a phone number or
a messaging or payment handle can take the deal (and the money) out of escrow. `mask` finds
them and replaces each with a placeholder; the caller keeps the original for staff and flags
the message. Pure functions: no Django, no database.

What counts (each finding has a kind):
- `email`: addresses, also spelled out ("ana at gmail dot com", "ana [at] mail [dot] io");
- `phone`: international and national formats (+44 20 7946 0958, (415) 555-0132, 0049 30
  1234567, 138-0013-8000), but not dates, times, resolutions, amounts or seeds;
- `link`: links to messaging or payment apps (wa.me/…, t.me/…, paypal.me/…, cash.app/…);
- `handle`: an identifier next to the name of a messaging or payment app ("telegram:
  @neonfox", "my venmo is @ana-k", "wechat id ana_k88"), a Cash App $cashtag, a Discord tag, a
  Skype `live:` id;
- `wallet`: crypto wallet addresses and IBANs.
A bare @mention, an app named without an identifier ("a WhatsApp-style chat bubble") and a
number that is an amount, a time code or a seed are left alone.
"""

import re
from dataclasses import dataclass

PLACEHOLDER = "[contact hidden]"

_TLDS = (
    r"com|net|org|io|co|me|info|biz|app|dev|ai|xyz|us|uk|de|fr|es|it|nl|cn|jp|kr|in|br|ru|"
    r"au|ca|eu|tv|gg|ly|to|cc|edu|gov|mail"
)
_AT = r"(?:@|\s*[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]\s*|\s+at\s+)"
_DOT = r"(?:\.|\s*[\[\(\{<]\s*(?:dot|\.)\s*[\]\)\}>]\s*|\s+dot\s+)"
EMAIL = re.compile(
    rf"(?<![\w.+-])[a-z0-9][\w.+-]*{_AT}[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*{_DOT}(?:{_TLDS})\b",
    re.IGNORECASE,
)

# Messaging and payment apps; `_AMBIGUOUS` names are ordinary words too, so they count only
# with a clear identifier (an @handle or "id/handle/username/number:").
_APPS = (
    r"whats\s?app|wa|telegram|tg|signal|we\s?chat|weixin|wx|kakao(?:\s?talk)?|viber|skype|"
    r"discord|snap(?:chat)?|insta(?:gram)?|ig|tiktok|twitter|x\.com|facebook|fb|messenger|"
    r"pay\s?pal|venmo|cash\s?app|zelle|revolut|payoneer|ali\s?pay|skrill|wise|upi|gpay|"
    r"google\s?pay|apple\s?pay|line|imessage|icq|threema|email|e-mail|mail|gmail|dm"
)
_IDENT = r"@?[a-z0-9][\w.\-]{1,39}[a-z0-9_]"
_HAS_MARK = re.compile(r"[@\d_.\-]")
HANDLE = re.compile(
    rf"\b(?P<app>{_APPS})\b(?:\s+(?:is|me|at|on|to|via|account|acct|name))*"
    rf"\s*(?:(?P<label>id|handle|username|user|number|no\.?|tag|address)\b\s*(?:is)?\s*)?"
    rf"(?P<sep>[:=]|\s)\s*(?P<ident>{_IDENT})",
    re.IGNORECASE,
)
AT_HANDLE_NEAR_APP = re.compile(
    rf"(?P<ident>@[a-z0-9][\w.\-]{{1,40}})\s+(?:on|at|via|in)\s+(?P<app>{_APPS})\b", re.IGNORECASE
)
LINK = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?:wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com|t\.me|"
    r"telegram\.me|paypal\.me|paypal\.com/(?:paypalme|pay)|venmo\.com|account\.venmo\.com|"
    r"cash\.app|revolut\.me|wise\.com/pay|discord\.gg|discord\.com/users|m\.me|signal\.me|"
    r"line\.me|u\.wechat\.com|buy\.stripe\.com|ko-fi\.com|buymeacoffee\.com|"
    r"calendly\.com|linktr\.ee|instagram\.com|tiktok\.com/@)[/\w.\-?=&%#@]*",
    re.IGNORECASE,
)
CASHTAG = re.compile(r"(?<![\w$])\$(?=[a-z0-9_]*[a-z])[a-z][a-z0-9_]{1,19}\b", re.IGNORECASE)
DISCORD_TAG = re.compile(r"\b[a-z][\w.]{1,31}#\d{4}\b", re.IGNORECASE)
SKYPE = re.compile(r"\blive:[\w.\-]{3,}", re.IGNORECASE)
WALLET = re.compile(
    r"\b(?:0x[a-fA-F0-9]{40}|bc1[a-z0-9]{25,59}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|"
    r"T[1-9A-HJ-NP-Za-km-z]{33})\b"
)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b")

# Phones: a run of digits with the separators people type, 7 to 15 digits in all.
PHONE = re.compile(
    r"(?<![\w.+\-/:])(?P<num>(?:\+|00)?\(?\d[\d\s().\-]{5,22}\d)(?![\w/:]|\.\d|-\d)",
)
_PHONE_WORDS = re.compile(
    r"\b(?:call|phone|tel|telephone|mobile|cell|sms|text|whats\s?app|viber|signal|wechat|"
    r"number|ring|reach)\b",
    re.IGNORECASE,
)
_NOT_PHONE_WORDS = re.compile(
    r"\b(?:seed|task|id|order|invoice|ref|reference|frame|frames|px|fps|usd|eur|gbp|jpy|cny|"
    r"yen|dollars?|euros?|views|followers|likes)\b",
    re.IGNORECASE,
)
_DATE = re.compile(r"^\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[ ,.]\d{3})+$")
_CURRENCIES = {"USD", "EUR", "GBP", "JPY", "CNY", "AUD", "CAD", "CHF", "HKD", "SGD", "KRW"}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def _phones(text: str) -> list[Finding]:
    found = []
    for match in PHONE.finditer(text):
        raw = match.group("num").strip()
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or _DATE.match(raw) or _THOUSANDS.match(raw):
            continue
        before = text[max(0, match.start() - 30) : match.start()]
        after = text[match.end() : match.end() + 12]
        if _NOT_PHONE_WORDS.search(before.split(".")[-1]) or _NOT_PHONE_WORDS.match(after.strip()):
            continue
        international = raw.startswith(("+", "00"))
        grouped = bool(re.search(r"\d[\s().\-]+\d", raw))
        if international or _PHONE_WORDS.search(before) or (grouped and len(digits) >= 9):
            num = match.group("num")
            start = match.start("num") + len(num) - len(num.lstrip())
            found.append(Finding("phone", start, start + len(raw)))
    return found


def _handles(text: str) -> list[Finding]:
    found = []
    for match in HANDLE.finditer(text):
        ident = match.group("ident")
        app = match.group("app").lower()
        labelled = bool(match.group("label")) or match.group("sep") in ":="
        if ident.lower() in {"me", "the", "and", "for", "you", "your", "our", "with", "this"}:
            continue
        if not (labelled or ident.startswith("@") or _HAS_MARK.search(ident)):
            continue
        if app in {"line", "wise", "signal", "mail", "dm", "email", "e-mail", "wa", "tg", "ig"}:
            # Ordinary words: only with an @handle or an explicit label ("line id: …").
            if not (ident.startswith("@") or match.group("label") or match.group("sep") == ":"):
                continue
        if not ident.startswith("@") and not _HAS_MARK.search(ident) and not labelled:
            continue
        found.append(Finding("handle", match.start("ident"), match.end("ident")))
    for match in AT_HANDLE_NEAR_APP.finditer(text):
        found.append(Finding("handle", match.start("ident"), match.end("ident")))
    return found


def find(text: str) -> list[Finding]:
    """Every contact detail or payment handle in `text`, overlapping findings merged."""
    findings: list[Finding] = []
    findings += [Finding("email", m.start(), m.end()) for m in EMAIL.finditer(text)]
    findings += [Finding("link", m.start(), m.end()) for m in LINK.finditer(text)]
    findings += [
        Finding("handle", m.start(), m.end())
        for m in CASHTAG.finditer(text)
        if m.group(0)[1:].upper() not in _CURRENCIES
    ]
    findings += [Finding("handle", m.start(), m.end()) for m in DISCORD_TAG.finditer(text)]
    findings += [Finding("handle", m.start(), m.end()) for m in SKYPE.finditer(text)]
    findings += [Finding("wallet", m.start(), m.end()) for m in WALLET.finditer(text)]
    findings += [Finding("wallet", m.start(), m.end()) for m in IBAN.finditer(text)]
    findings += _phones(text)
    findings += _handles(text)
    findings.sort(key=lambda f: (f.start, -f.end))
    merged: list[Finding] = []
    for finding in findings:
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Finding(last.kind, last.start, max(last.end, finding.end))
        else:
            merged.append(finding)
    return merged


def mask(text: str) -> tuple[str, list[str]]:
    """`text` with every finding replaced by a placeholder, and the kinds found (sorted, once
    each); the text unchanged and [] when there is nothing to hide."""
    findings = find(text)
    if not findings:
        return text, []
    parts, cursor = [], 0
    for finding in findings:
        parts.append(text[cursor : finding.start])
        parts.append(PLACEHOLDER)
        cursor = finding.end
    parts.append(text[cursor:])
    return "".join(parts), sorted({f.kind for f in findings})
