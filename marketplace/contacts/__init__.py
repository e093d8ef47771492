"""The contact detector: contact details and payment handles in text another party reads
before a contract (messages, bid pitches and milestone titles, invitation messages, public
bios, test-shot threads until the test is funded), found and hidden.

Before a contract exists, a creator and a brand who swap an e-mail address, a phone number, a
messaging or payment handle or a bank or wallet address can take the deal (and the money) out
of escrow. `mask` replaces each with a placeholder; callers keep the original for staff and
flag it. Pure functions: no Django, no database.

The text is normalised first, keeping a map back to the original characters: Unicode NFKC
(full-width ＠ and ．, mathematical letters, circled digits), look-alike letters folded to
Latin (Cyrillic and Greek а, е, о, р, с, х, ο, ν…), invisible characters dropped (zero-width
spaces and joiners, soft hyphens, variation selectors, the keycap mark of 4️⃣), bracketed and
spelled-out dots and ats read as such (`t[.]me`, `ana (at) mail (dot) io`), and spaces around
@ closed up. What counts (each finding has a kind):

- `email`: addresses, with any top-level domain once an @ is written;
- `phone`: 7 to 15 digits as people write numbers; an international prefix (+, 00) or phone
  grouping counts whatever word is near it ("ref +44 20 7946 0958"); a bare digit run needs a
  phone word nearby and none of an id, a seed or an amount. Dates, times, amounts with
  thousands separators, ISBNs and counted lists ("Shots 3 4 5 6 7 8 9 10") are left alone;
- `link`: links to messaging or payment apps (wa.me, t.me, paypal.me, cash.app, …);
- `handle`: an identifier next to the name of a messaging or payment app, in either order
  ("telegram: @neonfox", "微信 neonfox88", "QQ 12345678", "@ana on signal"), a Cash App
  $cashtag, a Discord tag, a Skype `live:` id, a Matrix id;
- `wallet`: IBANs (any case, any separators, checked with their mod-97 digits) and crypto
  addresses (Bitcoin legacy and bech32 in either case, Ethereum, Tron, Solana, ENS names).

A bare @mention, an app named without an identifier ("a WhatsApp-style chat bubble", "on
Instagram at 6pm") and a number that is an amount, a time code or a seed are left alone.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from . import cues
from .lookalikes import fold
from .normalise import normalise

PLACEHOLDER = "[contact hidden]"

# --- patterns --------------------------------------------------------------------------------

EMAIL = re.compile(
    r"(?<![\w.+\-])[a-z0-9][\w.+\-]*@[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.[a-z]{2,24}\b",
    re.IGNORECASE,
)

# Russian names of apps, as the normalised text spells them (look-alike letters folded).
_CYRILLIC_APPS = ("телеграмм", "телеграм", "телега", "тг", "вотсап", "ватсап", "вайбер",
                  "инстаграм", "инста", "дискорд", "скайп")  # fmt: skip
# Messaging and payment apps. `_AMBIGUOUS` names are ordinary words too, so they count only
# with a clear identifier (an @handle, a label "id:", or digits and marks in the identifier).
_APPS = (
    r"whats\s?app|wh?ats?ap+|wapp|wa|telegram|telegramm|tele|tg|signal|we\s?chat|weixin|wx|vx|"
    r"v信|微信|威信|薇信|qq|kakao(?:\s?talk)?|ka?kao|viber|skype|discord|snap(?:chat)?|sc|"
    r"insta(?:gram)?|ig|tiktok|twitter|x\.com|facebook|fb|messenger|threema|session|matrix|"
    r"element|keybase|line|imessage|icq|pay\s?pal|pp|venmo|cash\s?app|zelle|revolut|payoneer|"
    r"ali\s?pay|支付宝|skrill|wise|upi|gpay|google\s?pay|apple\s?pay|paytm|phonepe|mpesa|"
    r"m-pesa|kaspi|swish|vipps|mobilepay|interac|e-?transfer|email|e-mail|mail|gmail|dm|"
    r"tlg|sgnl|dc|ws|linkedin|wickr|threads|bluesky|bsky|zapzap|zap|wsp|whats|"
    + "|".join(fold(name) for name in _CYRILLIC_APPS)
)
_AMBIGUOUS = {
    "line",
    "threads",
    "zap",
    "whats",
    "wsp",
    "wise",
    "signal",
    "mail",
    "dm",
    "email",
    "e-mail",
    "wa",
    "tg",
    "ig",
    "sc",
    "pp",
    "session",
    "element",
    "matrix",
    "tele",
    "dc",
    "ws",
    "upi",
    "fb",
    "twitter",
    "tiktok",
    "facebook",
    "insta",
    "instagram",
    "messenger",
    "swish",
    "interac",
    "gmail",
}
_IDENT = r"@?[a-z0-9][\w.\-]{1,39}[a-z0-9_]"
_STOP_IDENTS = {
    "me",
    "the",
    "and",
    "for",
    "you",
    "your",
    "our",
    "with",
    "this",
    "that",
    "there",
    "here",
    "too",
    "also",
    "instead",
    "please",
    "thanks",
    "later",
    "chat",
    "call",
    "account",
    "app",
    "channel",
    "channels",
    "group",
    "story",
    "stories",
    "reels",
    "reel",
    "post",
    "posts",
    "feed",
    "video",
    "videos",
    "style",
    "ads",
    "ad",
    "campaign",
    "page",
    "profile",
    "today",
    "tomorrow",
    "tonight",
    "now",
    "soon",
    "first",
    "only",
    "mostly",
    "vertical",
    "link",
    "button",
    "logo",
    "icon",
    "screen",
    "blue",
    "green",
    "orange",
    "yellow",
    "sticker",
    "energy",
    "bubble",
    "audience",
    "version",
    "cut",
    "cuts",
    "format",
    "export",
    "shorts",
    "trends",
    "trend",
    "filter",
    "filters",
    "live",
    "dms",
    "inbox",
    "message",
    "messages",
}
_HAS_MARK = re.compile(r"[@\d_.\-]")
_LABEL = r"(?:id|handle|username|user|name|number|num|no\.?|nr|tag|address|addr|acc(?:oun)?t|号)"
HANDLE = re.compile(
    rf"(?<![a-z0-9_.])(?P<app>{_APPS})(?![a-z0-9_])(?:\s*(?:is|me|at|on|to|via|account|acct|is:|->|=>))*"
    rf"\s*,?\s*(?:(?P<label>{_LABEL})\b\s*(?:is)?\s*)?"
    rf"(?P<sep>[:=：]|\s|(?<=[^\x00-\x7f]))\s*(?P<ident>{_IDENT})",
    re.IGNORECASE,
)
AT_HANDLE_NEAR_APP = re.compile(
    rf"(?P<ident>@[a-z0-9][\w.\-]{{1,40}})\s*(?:\(|,|-)?\s*(?:on|at|via|in|@)?\s*"
    rf"(?P<app>{_APPS})\b",
    re.IGNORECASE,
)
# "QQ 12345678", "微信号 neonfox", "vx: ana_88": digits-only QQ numbers are handles too.
QQ = re.compile(
    r"(?<![a-z0-9_])(?:qq|扣扣)\s*(?:号|number|no\.?|id)?\s*[:：]?\s*(?P<ident>\d{5,11})\b", re.I
)
LINK = re.compile(
    r"\b(?:https?://)?(?:www\.)?(?:wa\.me|api\.whatsapp\.com|chat\.whatsapp\.com|"
    r"t\.me|telegram\.me|telegram\.dog|tg://\w+|paypal\.me|paypal\.com/(?:paypalme|pay)|"
    r"venmo\.com|account\.venmo\.com|cash\.app|cash\.me|revolut\.me|wise\.com/pay|"
    r"discord\.gg|discord\.com/(?:users|invite)|discordapp\.com/users|m\.me|signal\.me|"
    r"signal\.group|line\.me|lin\.ee|u\.wechat\.com|weixin\.qq\.com|qm\.qq\.com|"
    r"open\.kakao\.com|qr\.kakao\.com|viber\.click|invite\.viber\.com|join\.skype\.com|"
    r"matrix\.to|buy\.stripe\.com|ko-fi\.com|buymeacoffee\.com|patreon\.com|calendly\.com|"
    r"linktr\.ee|beacons\.ai|instagram\.com|tiktok\.com/@|snapchat\.com/add|"
    r"facebook\.com|fb\.me|x\.com/\w|twitter\.com/\w|skrill\.me|payoneer\.com|"
    r"monzo\.me|zelle|gofund\.me|wa\.link|bio\.link|lnk\.bio|linkedin\.com/in|"
    r"campsite\.bio|taplink\.cc|vk\.com|ok\.ru)[/\w.\-?=&%#@+]*",
    re.IGNORECASE,
)
CASHTAG = re.compile(r"(?<![\w$])\$(?=[a-z0-9_]*[a-z])[a-z][a-z0-9_]{1,19}\b", re.IGNORECASE)
DISCORD_TAG = re.compile(r"\b[a-z][\w.]{1,31}#\d{4}\b", re.IGNORECASE)
SKYPE = re.compile(r"\blive:[\w.\-]{3,}", re.IGNORECASE)
MATRIX_ID = re.compile(r"(?<![\w])@[a-z0-9._=\-]+:[a-z0-9\-]+(?:\.[a-z0-9\-]+)+", re.IGNORECASE)

WALLET = re.compile(
    r"(?<![\w])(?:0x[a-f0-9]{40}|bc1[a-z0-9]{25,59}|ltc1[a-z0-9]{25,59}|"
    r"[13][a-km-zA-HJ-NP-Z1-9]{25,34}|T[1-9A-HJ-NP-Za-km-z]{33})(?![\w])",
    re.IGNORECASE,
)
_BASE58 = re.compile(r"(?<![\w])[1-9A-HJ-NP-Za-km-z]{32,44}(?![\w])")
ENS = re.compile(r"(?<![\w.])[a-z0-9][a-z0-9\-]{2,62}\.(?:eth|sol|crypto|nft|wallet|bnb)\b", re.I)
_IBAN = re.compile(r"(?<![\w])[a-z]{2}\d{2}(?:[ \-.]?[a-z0-9]){11,32}(?![\w])", re.IGNORECASE)

# Phones: a run of digits with the separators people type.
PHONE = re.compile(
    r"(?<![\w.+\-/:,])(?P<num>(?:\+|00)?\s?\(?\d[\d\s().\-]{5,26}\d)(?![\w/:%]|\.\d|-\d|,\d)"
)
# Phone words end at a Latin letter, not at a Chinese one ("VX同号 138…").
_PHONE_WORDS = re.compile(
    r"(?<![a-z0-9à-ÿ])(?:call|phone|tel|telephone|mobile|mob|cell|cellphone|sms|text|whats\s?app|wa|viber|"
    r"signal|wechat|telegram|number|ring|reach|contact|dial|ph|no\.|hotline|landline|line|"
    r"zelle|venmo|paytm|upi|gpay|alipay|kakao|qq|vx|wx|zap|zapzap|wsp|whats|"
    # the same in other languages
    r"n[uú]mero|numer|nummer|telefon|tel[eé]fono|t[eé]l[eé]phone|portable|m[oó]vil|celular|"
    r"cel|handy|kom[oó]rka|ruf|appelle|ll[aá]ma|ll[aá]mame|liga|chiama|zadzwo[nń])"
    r"(?![a-z0-9à-ÿ])|微信|电话|手机|同号|"
    + "|".join(fold(w) for w in ("телефон", "номер", "звони", "звоните")),
    re.IGNORECASE,
)
_NOT_PHONE_WORDS = re.compile(
    r"\b(?:seed|seeds|task|id|order|invoice|ref|reference|ticket|frame|frames|px|fps|usd|eur|"
    r"gbp|jpy|cny|krw|yen|dollars?|euros?|views|impressions|followers|likes|isbn|issn|sku|"
    r"ean|upc|gtin|barcode|po|serial|job|run|build|batch|commit|version|cfg|steps|budget|"
    r"cents|total|sum|zam[oó]wieni[ae]|faktur[ay]|pedido|commande|bestellung|auftrag|rechnung|"
    r"factura|facture|rate|price|cost|fee|rpm|bitrate|kbps|mbps|hz|ms|mb|gb|kb|tokens|credits|"
    r"sn|s/n|lot|model|part|pn)\b",
    re.IGNORECASE,
)
# A number labelled right before it: "número: 612 345 678", "SN 8842-1190-77".
_LABELLED = r"\W{0,3}(?:#|no\.?|nr\.?)?\W{0,2}$"
_DATE = re.compile(r"\b\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}\b")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[ ,.]\d{3})+$")
_CURRENCIES = {"USD", "EUR", "GBP", "JPY", "CNY", "AUD", "CAD", "CHF", "HKD", "SGD", "KRW"}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def _iban_valid(raw: str) -> bool:
    code = re.sub(r"[ \-.]", "", raw).upper()
    if not 15 <= len(code) <= 34 or not code[:2].isalpha() or not code[2:4].isdigit():
        return False
    digits = "".join(str(int(c, 36)) for c in code[4:] + code[:4])
    return int(digits) % 97 == 1


def _isbn(digits: str) -> bool:
    return len(digits) == 13 and digits[:3] in {"978", "979"} and _gs1(digits)


def _gs1(digits: str) -> bool:
    """Whether `digits` end with a valid GS1 check digit (EAN-13, UPC-A, GTIN-14, ISBN-13)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(reversed(digits)))
    return total % 10 == 0


def _product_code(digits: str) -> bool:
    """A GTIN of 12 to 14 digits with its check digit, or a fictional 555-01xx number."""
    return (12 <= len(digits) <= 14 and _gs1(digits)) or bool(re.fullmatch(r"55501\d\d", digits))


def _counted_list(raw: str) -> bool:
    """ "3 4 5 6 7 8 9 10": numbers counting up (or down) by a small step, not a phone."""
    groups = [int(g) for g in re.split(r"[\s().\-]+", raw.strip(" +()")) if g]
    if len(groups) < 3 or any(g >= 1000 for g in groups):
        return False
    steps = {b - a for a, b in zip(groups, groups[1:], strict=False)}
    return len(steps) == 1 and 0 < abs(next(iter(steps))) <= 10


def _phones(text: str) -> list[Finding]:
    found = []
    for match in PHONE.finditer(text):
        raw = match.group("num").strip()
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15:
            continue
        # Country codes never start with 0: "000123…" is a code, not "00" and a country.
        international = bool(re.match(r"\+|00\s?[1-9]", raw)) and len(digits) >= 8
        before = text[max(0, match.start() - 30) : match.start()]
        phone_label = _label_before(_PHONE_WORDS, before)
        if not international and _not_a_phone(raw, digits, phone_label):
            continue
        after = text[match.end() : match.end() + 14]
        groups = [g for g in re.split(r"[\s().\-]+", raw) if g]
        grouped = len(groups) >= 2 and all(len(g) >= 2 for g in groups[1:-1] or groups)
        near_phone_word = bool(_PHONE_WORDS.search(before))
        near_other_word = bool(
            _NOT_PHONE_WORDS.search(before.split(".")[-1]) or _NOT_PHONE_WORDS.match(after.strip())
        )
        as_phone = grouped and len(digits) >= 9 and not _decimal(raw)
        if international or (as_phone and not _label_before(_NOT_PHONE_WORDS, before)):
            pass  # written as a phone number: counts whatever word is near it
        elif near_phone_word and not near_other_word:
            pass
        elif len(digits) >= 10 and not near_other_word and not grouped and digits[0] in "0+":
            pass  # a national number written in one run (07700900123)
        else:
            continue
        num = match.group("num")
        start = match.start("num") + len(num) - len(num.lstrip())
        found.append(Finding("phone", start, start + len(raw)))
    return found


def _label_before(words: re.Pattern[str], before: str) -> bool:
    """Whether the last word of `before` is one of `words`, as a label ("SN", "número:")."""
    last = re.search(r"(\S+)" + _LABELLED, before)
    return bool(last and words.fullmatch(last.group(1).rstrip(":#")))


def _not_a_phone(raw: str, digits: str, phone_label: bool) -> bool:
    """Dates and date ranges, amounts and ranges of amounts (unless labelled a phone
    number), ISBNs, counted lists."""
    dates = [m for m in _DATE.finditer(raw) if _plausible_date(m.group(0))]
    if dates and len(re.sub(r"\D", "", _DATE.sub(" ", raw))) < 7:
        return True
    parts = [p.strip() for p in re.split(r"\s-\s|\s-|-\s", raw) if p.strip()]
    spoken = phone_label and not raw.endswith("000")  # "número: 612 345 678", not 1 000 000
    if not spoken and all(_THOUSANDS.match(p) for p in parts):
        return True
    # A range ("1000 - 1240"), not three or more short groups ("0770 - 0900 - 461").
    if len(parts) == 2 and all(len(re.sub(r"\D", "", p)) <= 4 for p in parts):
        return True
    return _isbn(digits) or _product_code(digits) or _counted_list(raw)


def _plausible_date(token: str) -> bool:
    """Whether `token` (three numbers) reads as a calendar date: Y-M-D, D.M.Y or M/D/Y."""
    a, b, c = (int(x) for x in re.split(r"[./\-]", token))
    if 1900 <= a <= 2100:
        return 1 <= b <= 12 and 1 <= c <= 31
    if 1900 <= c <= 2100 or c < 100:
        return 1 <= a <= 31 and 1 <= b <= 31 and min(a, b) <= 12
    return False


def _decimal(raw: str) -> bool:
    """ "1.5 2.0 3.5" or "0.82 0.91": decimals, not a phone."""
    return bool(re.fullmatch(r"\d+\.\d+(?:\s+\d+\.\d+)+", raw))


def _handles(text: str) -> list[Finding]:
    found = []
    for match in HANDLE.finditer(text):
        ident = match.group("ident")
        app = re.sub(r"\s", "", match.group("app").lower())
        label = bool(match.group("label"))
        colon = match.group("sep") in {":", "=", "："}
        bare = ident.lstrip("@").lower()
        if bare in _STOP_IDENTS or re.fullmatch(r"\d{1,2}(?:am|pm|h)?", bare):
            continue
        if re.fullmatch(r"\d{1,2}[:.]\d{2}(?:am|pm)?", bare) or re.fullmatch(r"\d+(?:am|pm)", bare):
            continue
        marked = ident.startswith("@") or bool(_HAS_MARK.search(ident))
        if app in _AMBIGUOUS:
            # Ordinary words: only with an @handle, an explicit label or "app: ident".
            if not (ident.startswith("@") or label or (colon and marked)):
                continue
        elif not (label or colon or marked):
            continue
        found.append(Finding("handle", match.start("ident"), match.end("ident")))
    for match in AT_HANDLE_NEAR_APP.finditer(text):
        if re.fullmatch(r"@\d{1,2}(?:am|pm)?", match.group("ident"), re.I):
            continue
        found.append(Finding("handle", match.start("ident"), match.end("ident")))
    found += [Finding("handle", m.start("ident"), m.end("ident")) for m in QQ.finditer(text)]
    return found


def _wallets(text: str) -> list[Finding]:
    found = [Finding("wallet", m.start(), m.end()) for m in WALLET.finditer(text)]
    found += [Finding("wallet", m.start(), m.end()) for m in ENS.finditer(text)]
    for match in _BASE58.finditer(text):
        word = match.group(0)
        if re.search(r"[A-Z]", word) and re.search(r"[a-z]", word) and re.search(r"\d", word):
            found.append(Finding("wallet", match.start(), match.end()))
    for match in _IBAN.finditer(text):
        raw = match.group(0)
        # Trailing words joined by a separator are not part of the IBAN: shorten to a valid one.
        for end in range(len(raw), 14, -1):
            if raw[end - 1].isalnum() and _iban_valid(raw[:end]):
                found.append(Finding("wallet", match.start(), match.start() + end))
                break
    return found


def _find_normalised(text: str) -> list[Finding]:
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
    findings += [Finding("handle", m.start(), m.end()) for m in MATRIX_ID.finditer(text)]
    findings += [Finding("handle", m.start(), m.end()) for m in cues.SESSION_ID.finditer(text)]
    findings += _wallets(text)
    findings += _phones(text)
    findings += _handles(text)
    findings += [Finding("email", *span) for span in cues.provider_addresses(text)]
    findings += [Finding("handle", *span) for span in cues.offered_handles(text)]
    findings += [Finding("wallet", *span) for span in cues.bank_details(text)]
    return findings


def _merge(findings: Iterable[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if finding.end <= finding.start:
            continue
        if merged and finding.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Finding(last.kind, last.start, max(last.end, finding.end))
        else:
            merged.append(finding)
    return merged


def find(text: str) -> list[Finding]:
    """Every contact detail or payment handle in `text`, as spans of the original text,
    overlapping findings merged."""
    norm = normalise(text)
    found = [Finding(f.kind, *norm.span(f.start, f.end)) for f in _find_normalised(norm.text)]
    found += [Finding("link", *span) for span in cues.disguised_domains(text)]
    return _merge(found)


def _apply(text: str, findings: list[Finding]) -> tuple[str, list[str]]:
    if not findings:
        return text, []
    parts, cursor = [], 0
    for finding in findings:
        parts.append(text[cursor : finding.start])
        parts.append(PLACEHOLDER)
        cursor = finding.end
    parts.append(text[cursor:])
    return "".join(parts), sorted({f.kind for f in findings})


def mask(text: str) -> tuple[str, list[str]]:
    """`text` with every finding replaced by a placeholder, and the kinds found (sorted, once
    each); the text unchanged and [] when there is nothing to hide."""
    return _apply(text, find(text))


def mask_continuing(earlier: list[str], text: str) -> tuple[str, list[str]]:
    """Mask `text`, the latest of one sender's consecutive messages, read joined to the ones
    before it (`earlier`, oldest first, each as shown): a number or an address split over
    two messages is found in the join, and the part of it in `text` is hidden."""
    findings = list(find(text))
    for joiner in (" ", ""):
        for count in range(1, min(len(earlier), 3) + 1):
            # A split contact is short: the end of the earlier messages is enough.
            head = (joiner.join(earlier[-count:]) + joiner)[-120:]
            for finding in find(head + text):
                if finding.end > len(head):
                    start = max(0, finding.start - len(head))
                    findings.append(Finding(finding.kind, start, finding.end - len(head)))
    return _apply(text, _merge(findings))
