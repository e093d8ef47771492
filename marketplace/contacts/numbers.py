"""Numbers written to get past a filter, read back as digits: digits spelled as words in the
common European languages, mixed with digits ("0 seven 7 double zero 9 hundred"), glued to
them ("07eight12"), and letters standing in for digits ("O77OO 9OO 461", "O78l2").

A run is rewritten only when it reads as a long number: at least 7 digits, of which at least
two come from words (or one glued to digits), and the words do not simply count ("one two
three four five six seven"). Groups the writer separated with commas, dashes or dots stay
separate groups; words separated by spaces are read as one group, as they are spoken.
"""

import re

from .lookalikes import fold

_UNITS = {
    0: "zero oh o nought nil cero zéro null nul ноль zero",
    1: "one uno una un une eins ein um uma jeden jedna een один",
    2: "two dos deux zwei zwo dois duas due dwa dwie twee два",
    3: "three tres trois drei três tre trzy drie три",
    4: "four cuatro quatre vier quatro quattro cztery четыре",
    5: "five cinco cinq fünf funf cinque pięć piec vijf пять",
    6: "six seis sechs sei sześć szesc zes meia шесть",
    7: "seven siete sept sieben sete sette siedem zeven семь",
    8: "eight ocho huit acht oito otto osiem восемь",
    9: "nine nueve neuf neun nove dziewięć dziewiec negen девять",
}
_TEENS = {
    10: "ten diez dix zehn dez dieci dziesięć",
    11: "eleven once onze elf undici",
    12: "twelve doce douze zwölf zwolf dodici",
    13: "thirteen trece treize dreizehn",
    14: "fourteen catorce quatorze vierzehn",
    15: "fifteen quince quinze fünfzehn",
    16: "sixteen seize sechzehn",
    17: "seventeen siebzehn",
    18: "eighteen achtzehn",
    19: "nineteen neunzehn",
}
_TENS = {
    20: "twenty veinte vingt zwanzig vinte venti dwadzieścia",
    30: "thirty treinta trente dreißig dreissig trinta trenta trzydzieści",
    40: "forty cuarenta quarante vierzig quarenta quaranta czterdzieści",
    50: "fifty cincuenta cinquante fünfzig cinquenta cinquanta pięćdziesiąt",
    60: "sixty sesenta soixante sechzig sessenta sessanta sześćdziesiąt",
    70: "seventy setenta septante siebzig settanta siedemdziesiąt",
    80: "eighty ochenta huitante quatre-vingt quatre-vingts achtzig oitenta ottanta osiemdziesiąt",
    90: "ninety noventa nonante neunzig novanta dziewięćdziesiąt",
}
_HUNDREDS = {
    100: "hundred cien cent hundert sto",
    200: "dwieście",
    300: "trzysta",
    400: "czterysta",
    500: "pięćset",
    600: "sześćset",
    700: "siedemset",
    800: "osiemset",
    900: "dziewięćset",
}
_REPEAT = {"double": 2, "doble": 2, "doppel": 2, "triple": 3}

VALUES: dict[str, int] = {}
for table in (_UNITS, _TEENS, _TENS, _HUNDREDS):
    for value, words in table.items():
        for word in words.split():
            VALUES.setdefault(fold(word), value)
_WORDS = sorted([*VALUES, *_REPEAT], key=len, reverse=True)
_WORD = "|".join(re.escape(w) for w in _WORDS)
_TOKEN = rf"(?<![^\W\d_])(?:\d|{_WORD})+(?![^\W\d_])"
_SEP = r"(?:[\s,.\-/()]+)"
RUN = re.compile(rf"(?:(?<![^\W\d_])plus\s*|\+\s*)?{_TOKEN}(?:{_SEP}{_TOKEN})*", re.IGNORECASE)
_PIECE = re.compile(rf"(\d+)|({_WORD})|([\s,.\-/()]+)", re.IGNORECASE)

LEET_RUN = re.compile(
    r"(?<![\w+])(?:[0-9OoIl]*\d[0-9OoIl]*)(?:[\s.\-]+[0-9OoIl]*\d[0-9OoIl]*)*(?![\w])"
)
_LEET = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})


def _counting(values: list[int]) -> bool:
    """ "one two three four five six seven eight nine ten": counting, not a number."""
    steps = {b - a for a, b in zip(values, values[1:], strict=False)}
    return len(values) >= 4 and steps in ({1}, {-1})


def _read(run: str) -> tuple[str, int, int, bool, list[int]]:
    """`run` as digits: (text, digits, words, glued to digits, the words' values)."""
    out: list[str] = []
    digits = words = 0
    glued = False
    repeat = 1
    values: list[int] = []
    previous = ""
    after_sep = True
    for number, word, sep in (m.groups() for m in _PIECE.finditer(run)):
        touching = not after_sep
        after_sep = sep is not None
        if sep is not None:
            compound = sep == "-" and previous == "tens"
            if not compound and (re.search(r"[,./()]", sep) or "-" in sep):
                out.append(" ")
                previous = "sep"
            elif previous == "digit":
                previous = "digit-space"  # "5555 555" stays two groups
            continue
        if number is not None:
            glued = glued or (touching and previous in {"word", "tens"})
            if previous == "digit-space":
                out.append(" ")
            out.append(number * repeat)
            digits += len(number) * repeat
            repeat, previous = 1, "digit"
            continue
        key = fold(word.lower())
        if key in _REPEAT:
            repeat = _REPEAT[key]
            continue
        value = VALUES[key]
        words += 1
        values.append(value)
        glued = glued or (touching and previous == "digit")
        if previous == "tens" and value < 20:
            # "thirty-four", "fifty six", "soixante-dix-huit": 34, 56, 78
            value = int(out[-1]) + value
            out[-1] = str(value)
        elif value == 100 and previous in {"digit", "digit-space", "word"}:
            out[-1] += "00"  # "9 hundred", "nine hundred": 900
            digits += 2
        else:
            text = str(value) * repeat
            out.append(text)
            digits += len(text)
        repeat = 1
        previous = "tens" if 20 <= value < 100 and value % 10 == 0 else "word"
    return "".join(out), digits, words, glued, values


def spelled_number(match: re.Match[str]) -> str:
    """The replacement for a RUN match: digits when it reads as a long number, else as is."""
    raw = match.group(0)
    plus = re.match(r"(?:plus\s*|\+\s*)", raw, re.IGNORECASE)
    body = raw[plus.end() :] if plus else raw
    text, digits, words, glued, values = _read(body)
    if digits < 7 or not (words >= 2 or (words and glued)) or _counting(values):
        return raw
    return ("+" if plus else "") + re.sub(r"\s+", " ", text).strip()


def leet_number(match: re.Match[str]) -> str:
    """ "O77OO 9OO 461" as "07700 900 461": letters for digits in a long digit run."""
    raw = match.group(0)
    real = sum(c.isdigit() for c in raw)
    letters = sum(c in "OoIl" for c in raw)
    if not letters or real < 4 or real + letters < 7:
        return raw
    return raw.translate(_LEET)
