"""Characters that look like others, folded to the Latin letter or the ASCII mark they imitate
(Cyrillic and Greek look-alike letters, dots, ats, dashes and arrows of other scripts)."""

# fmt: off
LOOKALIKES = str.maketrans(
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
        "–": "-", "—": "-", "−": "-", "﹣": "-", "－": "-", "→": "->", "⇒": "->", "➡": "->",
        "➔": "->", "⟶": "->", "⇨": "->",
    }
)
# fmt: on


def fold(text: str) -> str:
    """`text` with look-alike characters folded (as the detector reads it)."""
    return text.translate(LOOKALIKES)
