"""Text as the contact detector reads it, with a map back to the original characters:
Unicode NFKC, look-alike letters folded to Latin, invisible characters dropped, bracketed and
spelled-out dots and ats read as such, spaces around @ closed up."""

import re
import unicodedata
from collections.abc import Callable

from . import numbers
from .lookalikes import LOOKALIKES

_INVISIBLE = {
    0x00AD,  # soft hyphen
    0x034F,  # combining grapheme joiner
    0x061C,
    0x115F,
    0x1160,
    0x17B4,
    0x17B5,
    0x180E,
    0x20E3,  # combining enclosing keycap
    0x3164,
    0xFEFF,
    0xFFA0,
}
_INVISIBLE_RANGES = ((0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0xFE00, 0xFE0F))


def _invisible(code: int) -> bool:
    return code in _INVISIBLE or any(lo <= code <= hi for lo, hi in _INVISIBLE_RANGES)


class Normalised:
    """Text as the detector reads it, with each of its characters' index in the original."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            if _invisible(ord(char)):
                continue
            folded = unicodedata.normalize("NFKC", char).translate(LOOKALIKES)
            for out in folded:
                if unicodedata.category(out) == "Mn":  # combining marks over letters
                    continue
                chars.append(out)
                origin.append(index)
        self.text = "".join(chars)
        self.origin = origin
        self.length = len(text)

    def sub(self, pattern: re.Pattern[str], replacement: Callable[[re.Match[str]], str]) -> None:
        """Replace matches of `pattern`; a replacement's characters map to the match's start."""
        chars: list[str] = []
        origin: list[int] = []
        cursor = 0
        for match in pattern.finditer(self.text):
            chars.append(self.text[cursor : match.start()])
            origin.extend(self.origin[cursor : match.start()])
            new = replacement(match)
            chars.append(new)
            first = self.origin[match.start()]
            last = self.origin[match.end() - 1]
            # Spread the replacement over the characters it stands for, ends to ends.
            step = (last - first) / max(len(new) - 1, 1)
            origin.extend(first + round(k * step) for k in range(len(new)))
            cursor = match.end()
        chars.append(self.text[cursor:])
        origin.extend(self.origin[cursor:])
        self.text = "".join(chars)
        self.origin = origin

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters behind normalised characters [start, end)."""
        if end <= start or start >= len(self.origin):
            return (self.length, self.length)
        return (self.origin[start], self.origin[min(end, len(self.origin)) - 1] + 1)


_TLDS = (
    r"com|net|org|io|co|me|info|biz|app|dev|ai|xyz|us|uk|de|fr|es|it|nl|cn|jp|kr|in|br|ru|"
    r"au|ca|eu|tv|gg|ly|to|cc|edu|gov|mail|studio|agency|art|design|media|online|site|store|"
    r"shop|pro|live|email|tech|space|world|page|link|im|ch|at|be|se|no|dk|fi|pl|pt|cz|ua|tr|"
    r"mx|ar|cl|za|ng|sg|hk|tw|vn|th|id|my|ph|nz|ie|il|ae|sa|ws|la|vc|fm|am|ink|one|club|"
    r"cloud|digital|email|works|team|life|video|film|photo|photos|click|top|vip|fun|icu"
)
_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
# "at" and "dot" as people spell them in English, Spanish, Portuguese, French, German,
# Italian, Polish and Russian.
_AT = r"(?:at|arroba|arobase|małpa|malpa|ät|chiocciola|sobaka)"
_DOT = r"(?:dot|d0t|punto|ponto|kropka|tochka)"
_DOT_IN_ADDRESS = rf"(?:{_DOT}|point|punkt)"
_BRACKET_DOT = re.compile(rf"\s*{_OPEN}\s*(?:{_DOT_IN_ADDRESS}|\.)\s*{_CLOSE}\s*", re.I)
_BRACKET_AT = re.compile(rf"\s*{_OPEN}\s*(?:{_AT}|@|a)\s*{_CLOSE}\s*", re.I)
# "ana at gmail dot com": spelled-out words read as symbols when they form an address.
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.@+\-])([a-z0-9][\w.+\-]*)\s+(?:{_AT}|@)\s+([a-z0-9][\w\-]*"
    rf"(?:(?:\s+{_DOT_IN_ADDRESS}\s+|\.)[\w\-]+)*(?:\s+{_DOT_IN_ADDRESS}\s+|\.)(?:{_TLDS}))\b",
    re.I,
)
_SPELLED_DOT_DOMAIN = re.compile(
    rf"(?<![\w\-])([a-z0-9][\w\-]*)\s+{_DOT}\s+((?:{_TLDS})(?:/[\w.\-/+]*)?)\b", re.I
)
_SPELLED_DOT = re.compile(rf"\s+{_DOT_IN_ADDRESS}\s+", re.I)
# "ana.k (dot) films at gmail", "kiwi dot films at hotmail": dots spelled in the name part of an
# address at a mail provider.
_SPELLED_DOT_BEFORE_AT = re.compile(
    rf"(?<![\w\-])([a-z0-9][\w\-]*)\s+{_DOT}\s+(?=[a-z0-9][\w\-]*\s*(?:@|\s{_AT}\s))", re.I
)
_SPACED_AT = re.compile(r"(?<=[\w.+\-])\s*@\s*(?=[a-z0-9][\w\-]*\s*\.\s*[a-z]{2,})", re.I)
_SPACED_DOT_TLD = re.compile(rf"(?<=[\w\-])\s*\.\s*(?=(?:{_TLDS})\b)", re.I)
_SLASH = re.compile(
    rf"(?<=[a-z0-9])(\.(?:{_TLDS}|ee|gg|link|bio))\s*(?:/|\bslash\b)\s*(?=[\w@])", re.I
)
# "anna.k@gmail,com": a comma for the dot before a top-level domain.
_COMMA_TLD = re.compile(rf"(@[a-z0-9\-]{{2,63}}),\s?((?:{_TLDS})\b)", re.I)
_DOUBLE_AT = re.compile(r"@{2,}")
# App and provider names split or spelled with digits for letters.
_SPLIT_NAMES = re.compile(
    r"\b(?:pay[\s\-]+pal|what'?s[\s\-]+app|tele[\s\-]+gram|insta[\s\-]+gram|"
    r"snap[\s\-]+chat|face[\s\-]+book|g[\s\-]+mail|hot[\s\-]+mail|proton[\s\-]+mail|"
    r"i[\s\-]+cloud|we[\s\-]?chat|dis[\s\-]+cord|ven[\s\-]+mo)\b",
    re.I,
)
_LEET_WORD = re.compile(
    r"(?<![\w@$])(?=[\w@$]*[a-z])(?=[\w@$]*[0-9@$])[\w@$]{4,12}(?![\w@$])", re.I
)
_DE_LEET = str.maketrans(
    {"4": "a", "@": "a", "3": "e", "1": "i", "0": "o", "5": "s", "$": "s", "7": "t"}
)
_NAMES = {
    "whatsapp",
    "telegram",
    "signal",
    "instagram",
    "insta",
    "snapchat",
    "discord",
    "wechat",
    "viber",
    "skype",
    "paypal",
    "venmo",
    "gmail",
    "hotmail",
    "outlook",
    "email",
    "cashapp",
    "revolut",
    "zelle",
    "kakao",
    "telegramm",
    "whatsap",
    "watsapp",
    "wattsapp",
}
PROVIDERS = (
    r"gmail|googlemail|outlook|hotmail|yahoo|ymail|protonmail|proton|icloud|aol|gmx|yandex|"
    r"zoho|fastmail|tutanota|tuta|naver|daum|rediffmail|libero|orange|wanadoo|seznam|onet|"
    r"interia|wp\.pl|o2|mailbox|posteo|hey"
)
# "annak𝕒𝕥gmail.com": an "at" glued between the name and a provider's domain.
_GLUED_AT = re.compile(rf"(?<=[a-z0-9_\-][a-z0-9._\-])at(?=(?:{PROVIDERS})\.(?:{_TLDS})\b)", re.I)
# "0770_900_461", "0770/900/461": digit groups joined by marks that are not a phone's.
_DIGIT_MARKS = re.compile(r"(?<![\d_/|])\d+(?:[_/|]\d+){2,}")


def _unleet(match: re.Match[str]) -> str:
    word = match.group(0)
    plain = word.lower().translate(_DE_LEET)
    return plain if plain in _NAMES else word


# "2026/03/118": a year and a month first is a dated reference, not a phone.
_DATED = re.compile(r"(?:19|20)\d\d/(?:0?[1-9]|1[0-2])/")


def _digit_groups(match: re.Match[str]) -> str:
    run = match.group(0)
    if _DATED.match(run) or sum(c.isdigit() for c in run) < 9:
        return run
    return re.sub(r"[_/|]", " ", run)


# "a n a . k @ g m a i l . c o m": single characters spaced out around an @.
_SPACED_OUT = re.compile(r"(?<!\S)(?:\S ){3,}\S(?!\S)")


def _closed_up(match: re.Match[str]) -> str:
    run = match.group(0)
    return run.replace(" ", "") if "@" in run else run


def normalise(text: str) -> Normalised:
    """`text` as the detector reads it (see the module's docstring)."""
    norm = Normalised(text)
    norm.sub(_SPLIT_NAMES, lambda m: re.sub(r"[\s\-']", "", m.group(0)))
    norm.sub(_LEET_WORD, _unleet)
    norm.sub(numbers.RUN, numbers.spelled_number)
    norm.sub(numbers.LEET_RUN, numbers.leet_number)
    norm.sub(_DIGIT_MARKS, _digit_groups)
    norm.sub(_SPACED_OUT, _closed_up)
    norm.sub(_DOUBLE_AT, lambda m: "@")
    norm.sub(_BRACKET_DOT, lambda m: ".")
    norm.sub(_BRACKET_AT, lambda m: "@")
    norm.sub(_SPELLED_EMAIL, lambda m: m.group(1) + "@" + _SPELLED_DOT.sub(".", m.group(2)))
    norm.sub(_SPELLED_DOT_DOMAIN, lambda m: f"{m.group(1)}.{m.group(2)}")
    norm.sub(_SPELLED_DOT_BEFORE_AT, lambda m: m.group(1) + ".")
    norm.sub(_GLUED_AT, lambda m: "@")
    norm.sub(_COMMA_TLD, lambda m: f"{m.group(1)}.{m.group(2)}")
    norm.sub(_SPACED_DOT_TLD, lambda m: ".")
    norm.sub(_SPACED_AT, lambda m: "@")
    norm.sub(_SLASH, lambda m: m.group(1) + "/")
    return norm
