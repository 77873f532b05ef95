"""Chinese quantities: "1.26亿人" → 126000000 persons, "360多万项" → at least 3600000 items.

Values are computed in decimal arithmetic so that "1.26亿" is exactly 126000000, never
126000000.00000001. Traditional characters (億, 萬, 個, 項) are read as well as Simplified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from egov.source import to_simplified

MAGNITUDES = {"万亿": 10**12, "千万": 10**7, "百万": 10**6, "亿": 10**8, "万": 10**4, "千": 10**3}
#: Measure words the article and its sources put after a number.
UNIT_WORDS = "人次个项条种位家名元倍张年月日"
#: Qualifiers: "多"/"余"/"+"/"超"/"逾" make a lower bound, "约"/"近" an approximation.
AT_LEAST, APPROX = "at_least", "approx"
_PREFIX = {"超过": AT_LEAST, "超": AT_LEAST, "逾": AT_LEAST, "约": APPROX, "近": APPROX}
_SUFFIX = {"多": AT_LEAST, "余": AT_LEAST, "+": AT_LEAST}

_MAG = "|".join(MAGNITUDES)
_ARABIC = re.compile(
    rf"(?P<pre>超过|超|逾|约|近)?"
    rf"(?P<num>\d+(?:\.\d+)?)"
    rf"(?P<q1>多|余|\+)?(?P<mag>{_MAG})?(?P<q2>多|余)?"
    rf"(?P<unit>%|％|[{UNIT_WORDS}])?"
)
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10**4, "亿": 10**8}
_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL) + "".join(_BIG)
#: A Chinese numeral counts only before a measure word: "五项", not the 一 of "一体化".
_CHINESE = re.compile(rf"(?P<num>[{_NUMERAL_CHARS}]+)(?P<unit>[{UNIT_WORDS}])")
#: Dates are found as one token so that their parts are not taken for statistics.
_DATE = re.compile(r"\d{4}(?:-\d{4})?年(?:\d{1,2}月(?:\d{1,2}日)?)?")


@dataclass(frozen=True)
class Quantity:
    """A parsed quantity: value, the measure word after it (``%`` for shares) and qualifier."""

    value: Decimal
    unit: str = ""
    qualifier: str = ""

    @property
    def number(self) -> float | int:
        """The value as an int when whole, else a float."""
        return int(self.value) if self.value == self.value.to_integral() else float(self.value)


@dataclass(frozen=True)
class Found:
    """A number found in a text: where it is, its text, its kind and its quantity."""

    start: int
    end: int
    text: str
    kind: str  # "quantity" or "date"
    quantity: Quantity | None


class NumberFormatError(ValueError):
    """Text that is not a quantity in any supported form."""


def chinese_numeral(text: str) -> int:
    """Value of a Chinese numeral.

    >>> chinese_numeral("十"), chinese_numeral("二十五"), chinese_numeral("一万零三百")
    (10, 25, 10300)
    """
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            section += (1 if digit is None else digit) * _SMALL[ch]
            digit = None
        elif ch in _BIG:
            if not (section or digit or total):
                raise NumberFormatError(f"no number before {ch!r} in {text!r}")
            section += digit or 0
            total = (total + section) * _BIG[ch] if _BIG[ch] > 10**4 else total + section * _BIG[ch]
            section, digit = 0, None
        else:
            raise NumberFormatError(f"not a Chinese numeral: {text!r}")
    return total + section + (digit or 0)


def _from_arabic(m: re.Match) -> Quantity:
    value = Decimal(m["num"]) * MAGNITUDES.get(m["mag"] or "", 1)
    qualifier = _PREFIX.get(m["pre"] or "") or _SUFFIX.get(m["q1"] or m["q2"] or "", "")
    unit = "%" if m["unit"] in ("%", "％") else (m["unit"] or "")
    return Quantity(value, unit, qualifier)


def parse(text: str) -> Quantity:
    """Parse one quantity, Traditional or Simplified.

    >>> parse("1.26億人")
    Quantity(value=Decimal('126000000.00'), unit='人', qualifier='')
    >>> parse("360多萬項").qualifier, parse("360多萬項").number
    ('at_least', 3600000)
    >>> parse("66.39%").number, parse("五项").number
    (66.39, 5)

    Raises:
        NumberFormatError: the whole text is not one quantity.
    """
    s = to_simplified(text.strip())
    m = _ARABIC.fullmatch(s)
    if m:
        return _from_arabic(m)
    m = _CHINESE.fullmatch(s) or re.fullmatch(rf"(?P<num>[{_NUMERAL_CHARS}]+)(?P<unit>)", s)
    if m:
        return Quantity(Decimal(chinese_numeral(m["num"])), m["unit"])
    raise NumberFormatError(f"not a quantity: {text!r}")


def find_all(text: str) -> list[Found]:
    """Every number in a text, left to right: dates, Arabic quantities, Chinese numerals."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, kind: str, quantity: Quantity | None) -> None:
        if any(a < m.end() and m.start() < b for a, b in taken):
            return
        taken.append((m.start(), m.end()))
        found.append(Found(m.start(), m.end(), m.group(), kind, quantity))

    for m in _DATE.finditer(text):
        add(m, "date", None)
    for m in _ARABIC.finditer(text):
        add(m, "quantity", _from_arabic(m))
    for m in _CHINESE.finditer(text):
        try:
            add(m, "quantity", Quantity(Decimal(chinese_numeral(m["num"])), m["unit"]))
        except NumberFormatError:  # "数万个": a magnitude word, not a number
            continue
    return sorted(found, key=lambda f: f.start)


def format_quantity(q: Quantity, magnitude: str = "") -> str:
    """Write a quantity the way the article does; ``parse`` reads it back.

    >>> format_quantity(Quantity(Decimal(126000000), "人"), "亿")
    '1.26亿人'
    >>> format_quantity(Quantity(Decimal(3600000), "项", AT_LEAST), "万")
    '360多万项'
    """
    scaled = q.value / MAGNITUDES.get(magnitude, 1)
    digits = format(scaled.normalize(), "f")
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    prefix = "约" if q.qualifier == APPROX else ""
    more = "多" if q.qualifier == AT_LEAST else ""
    return f"{prefix}{digits}{more}{magnitude}{q.unit}"
