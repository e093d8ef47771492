"""Text as the contact detector reads it, with a map back to the original characters:
Unicode NFKC, look-alike letters folded to Latin, invisible characters dropped, bracketed and
spelled-out dots and ats read as such, spaces around @ closed up."""

import re
import unicodedata
from collections.abc import Callable

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

# fmt: off
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
        "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "ԛ": "q", "ԝ": "w", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "А": "A", "В": "B", "Е": "E",
        "Ё": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y",
        "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Һ": "H",
        "Ӏ": "I", "α": "a", "β": "b", "γ": "y", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "Α": "A", "Β": "B", "Ε": "E",
        "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T",
        "Υ": "Y", "Χ": "X", "。": ".", "｡": ".", "․": ".", "‧": ".", "·": ".", "∙": ".", "⋅": ".",
        "•": ".", "ꓸ": ".", "﹒": ".", "＠": "@", "﹫": "@", "ⓐ": "@", "‐": "-", "‑": "-", "‒": "-",
        "–": "-", "—": "-", "−": "-", "﹣": "-", "－": "-",
    }
)
# fmt: on


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
            folded = unicodedata.normalize("NFKC", char).translate(_LOOKALIKES)
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
_BRACKET_DOT = re.compile(rf"\s*{_OPEN}\s*(?:dot|d0t|\.|punkt|point)\s*{_CLOSE}\s*", re.I)
_BRACKET_AT = re.compile(rf"\s*{_OPEN}\s*(?:at|@|a)\s*{_CLOSE}\s*", re.I)
# "ana at gmail dot com": spelled-out words read as symbols when they form an address.
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.@+\-])([a-z0-9][\w.+\-]*)\s+(?:at|@)\s+([a-z0-9][\w\-]*(?:(?:\s+dot\s+|\.)[\w\-]+)*"
    rf"(?:\s+dot\s+|\.)(?:{_TLDS}))\b",
    re.I,
)
_SPELLED_DOT_DOMAIN = re.compile(
    rf"(?<![\w\-])([a-z0-9][\w\-]*)\s+dot\s+((?:{_TLDS})(?:/[\w.\-/+]*)?)\b", re.I
)
_SPELLED_DOT = re.compile(r"\s+dot\s+", re.I)
_SPACED_AT = re.compile(r"(?<=[\w.+\-])\s*@\s*(?=[a-z0-9][\w\-]*\s*\.)", re.I)
_SPACED_DOT_TLD = re.compile(rf"(?<=[\w\-])\s*\.\s*(?=(?:{_TLDS})\b)", re.I)
_SPACED_SLASH = re.compile(r"(?:(?<=\.me)|(?<=\.gg)|(?<=\.ee)|(?<=\.app))\s*/\s*", re.I)


# "a n a . k @ g m a i l . c o m": single characters spaced out around an @.
_SPACED_OUT = re.compile(r"(?<!\S)(?:\S ){3,}\S(?!\S)")


def _closed_up(match: re.Match[str]) -> str:
    run = match.group(0)
    return run.replace(" ", "") if "@" in run else run


def normalise(text: str) -> Normalised:
    """`text` as the detector reads it (see the module's docstring)."""
    norm = Normalised(text)
    norm.sub(_SPACED_OUT, _closed_up)
    norm.sub(_BRACKET_DOT, lambda m: ".")
    norm.sub(_BRACKET_AT, lambda m: "@")
    norm.sub(_SPELLED_EMAIL, lambda m: m.group(1) + "@" + _SPELLED_DOT.sub(".", m.group(2)))
    norm.sub(_SPELLED_DOT_DOMAIN, lambda m: f"{m.group(1)}.{m.group(2)}")
    norm.sub(_SPACED_DOT_TLD, lambda m: ".")
    norm.sub(_SPACED_AT, lambda m: "@")
    norm.sub(_SPACED_SLASH, lambda m: "/")
    return norm
