"""The locale layer: the report's languages, how a phrase is picked, how numbers, periods and
names are written in each.

One list of languages (:data:`LANGS`), one :func:`check_lang`, one way to pick a phrase
(:func:`pick`). Babel (CLDR) writes what it writes right: English digit grouping, month names,
lists, ordinals and plurals, country names. The scaled numbers are the project's own, because
they must stay exact: 1.26亿 is exactly 126,000,000, so a value is scaled only when no digit is
lost (14467 stays 14467, never 1.45万); ``short=True`` rounds, for chart labels whose table
gives the exact figure.

>>> number(126000000, "zh"), number(126000000, "en")
('1.26亿', '126 million')
>>> quantity(3600000, "items", "zh", "at_least"), quantity(3600000, "items", "en", "at_least")
('360多万项', 'more than 3.6 million items')
>>> period("2020-06", "zh"), period("2020-06", "en"), period("2017-12-01", "en")
('2020年6月', 'June 2020', '1 December 2017')

Importing this module is light (the standard library only): :mod:`egov.params` uses it in
``egov build``'s own process.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TypeVar

from egov.errors import ParameterError

T = TypeVar("T")

#: The report's languages, Chinese first.
LANGS = ("zh", "en")
#: The CLDR locale each language is written in.
LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}


def check_lang(lang) -> str:
    """``lang`` is one of :data:`LANGS`; else a :class:`~egov.errors.ParameterError` saying so."""
    if not isinstance(lang, str) or lang not in LANGS:
        shown = repr(lang) + ("" if isinstance(lang, str) else f" (a {type(lang).__name__})")
        raise ParameterError(f"parameter 'lang' is {shown}; allowed values: " + ", ".join(map(repr, LANGS)))
    return lang


#: Chinese characters and punctuation (CJK ideographs, radicals, symbols, full-width forms):
#: a character class's ranges, and the class.
CJK_CHARS = r"\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
CJK = re.compile(f"[{CJK_CHARS}]")


def written_in(text: str) -> str:
    """The language a text from the data is written in: 'zh' if it holds any Chinese character.

    >>> written_in("第45次报告"), written_in("UN E-Government Survey")
    ('zh', 'en')
    """
    return "zh" if CJK.search(str(text)) else "en"


def width(text: str, narrow: float = 1) -> float:
    """The columns a text takes in a monospaced reckoning: two for a wide (Chinese) character,
    ``narrow`` for any other (wrapping chart titles, sizing spreadsheet and table columns).

    >>> width("政务网站 14,467"), width("ab", narrow=1.2)
    (15, 2.4)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else narrow for c in text)


def capfirst(text: str) -> str:
    """The first letter upper case, the rest as it is (str.capitalize and Jinja's lower the rest).

    >>> capfirst("online services of the EGDI")
    'Online services of the EGDI'
    """
    return text[:1].upper() + text[1:]


def pick(lang: str, zh: T, en: T) -> T:
    """The phrase (or any choice) in ``lang``: the one way code chooses between languages.

    >>> pick("en", zh="网站", en="websites")
    'websites'
    """
    return (zh, en)[LANGS.index(check_lang(lang))]


@lru_cache(maxsize=None)
def _locale(lang: str):
    from babel import Locale

    return Locale.parse(LOCALES[check_lang(lang)])


# --------------------------------------------------------------------------- numbers

def trim(x: float, decimals: int = 4) -> str:
    """Digits without trailing zeros: 2.50 → '2.5', 3.0 → '3'."""
    s = f"{x:.{decimals}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def digits(value: float, lang: str) -> str:
    """A whole number: 14467 (zh) / 14,467 (en, grouped by Babel)."""
    if lang == "zh":
        return str(int(value))
    from babel.numbers import format_decimal

    return format_decimal(int(value), locale=_locale(lang))


#: Scales in each language, largest first: (size, suffix).
SCALES = {"zh": ((1e8, "亿"), (1e4, "万")), "en": ((1e9, " billion"), (1e6, " million"))}


def _scaled(value: float, lang: str) -> tuple[str, str]:
    """(digits, suffix): the largest scale that keeps the number exact within 2 decimals (zh)
    or 3 (en); 万 only from 10万 up, so counts in the thousands read as written."""
    v = float(value)
    if v != int(v):
        return trim(v), ""
    a = abs(v)
    if lang == "zh":
        if a >= 1e8 and v % 1e6 == 0:
            return trim(v / 1e8, 2), "亿"
        if a >= 1e5 and v % 1e2 == 0:
            return trim(v / 1e4, 2), "万"
        return digits(v, lang), ""
    for size, suffix in SCALES["en"]:
        if a >= size and v % (size / 1e3) == 0:
            return trim(v / size, 3), suffix
    return digits(v, lang), ""


def _short(value: float, lang: str) -> tuple[str, str]:
    """(digits, suffix) rounded to two decimals of the scale (1e4 and up in zh, 1e6 in en)."""
    v = float(value)
    for size, suffix in SCALES[lang]:
        if abs(v) >= size:
            return trim(v / size, 2), suffix
    return (trim(v), "") if v != int(v) else (digits(v, lang), "")


#: A value no source confirms (a garbled figure read back): said the same way wherever it is
#: printed, in a sentence, a table or a chart label.
RECONSTRUCTED = {"zh": "推断值，未经核实", "en": "unverified reconstruction"}


def number(value: float, lang: str, qualifier: str | None = None, short: bool = False,
           written: str | None = None) -> str:
    """A number as a reader writes it: 1.26亿 / 126 million; 360多万 / more than 3.6 million;
    a reconstruction says so. ``written``: the digits as a table writes them (14,467), to use
    instead of the scaled ones.

    >>> number(14467, "en"), number(14467, "zh"), number(0.7948, "en"), number(1000, "zh", "at_least")
    ('14,467', '14467', '0.7948', '1000多')
    >>> number(140837, "zh", short=True), number(140837, "en", short=True)
    ('14.08万', '140,837')
    >>> number(82216, "en", "reconstructed"), number(82216, "zh", "reconstructed")
    ('82,216 (unverified reconstruction)', '82216（推断值，未经核实）')
    """
    check_lang(lang)
    n, suffix = (written, "") if written is not None else (_short if short else _scaled)(value, lang)
    q = qualifier if isinstance(qualifier, str) else None
    if q == "reconstructed":
        return n + suffix + paren(RECONSTRUCTED[lang], lang)
    if lang == "zh":
        return f"{n}多{suffix}" if q == "at_least" else ("约" if q == "approx" else "") + n + suffix
    return {"at_least": "more than ", "approx": "about "}.get(q, "") + n + suffix


def percent(value: float, decimals: int = 1) -> str:
    """A share already in percent: 93.77 → '93.8%'."""
    return f"{float(value):.{decimals}f}%"


def points(value: float, lang: str, decimals: int = 1) -> str:
    """Percentage points: '1.9个百分点' / '1.9 percentage points'."""
    return pick(lang, f"{float(value):.{decimals}f}个百分点", f"{float(value):.{decimals}f} percentage points")


def times(value: float, lang: str, decimals: int = 1) -> str:
    """A ratio: '2.9倍' / '2.9 times'."""
    return pick(lang, f"{float(value):.{decimals}f}倍", f"{float(value):.{decimals}f} times")


_FOLD = {2: "doubled", 3: "tripled", 4: "quadrupled"}
_NUMBERS = {5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _folded(n: int) -> str:
    return _FOLD.get(n) or f"increased {_NUMBERS.get(n, str(n))}{'fold' if n in _NUMBERS else '-fold'}"


def multiple(ratio: float, lang: str) -> str:
    """How a series grew, from the ratio of its last value to its first, as an editor says it:
    'nearly tripled' (2.9), 'more than tripled' (3.2), 'doubled' (2.02); below 1.95 the change
    in percent. In Chinese the ratio itself: '增至原来的2.9倍'.

    >>> multiple(2.9, "en"), multiple(3.23, "en"), multiple(2.02, "en"), multiple(6.5, "en")
    ('nearly tripled', 'more than tripled', 'doubled', 'increased more than sixfold')
    >>> multiple(1.5, "en"), multiple(0.8, "en"), multiple(2.9, "zh")
    ('grew by 50%', 'fell by 20%', '增至原来的2.9倍')
    """
    r = float(ratio)
    if lang == "zh":
        return f"{'增至' if r >= 1 else '降至'}原来的{r:.1f}倍"
    if r < 1.95:
        return f"{'grew' if r >= 1 else 'fell'} by {abs(r - 1) * 100:.0f}%"
    whole = int(r)
    if r - whole < 0.05:
        return _folded(whole)
    return _hedged(_folded(whole + 1), "nearly") if whole + 1 - r <= 0.2 else _hedged(_folded(whole), "more than")


def _hedged(word: str, hedge: str) -> str:
    """'nearly tripled', 'increased more than sixfold': the hedge before the size of the change."""
    return word.replace("increased ", f"increased {hedge} ", 1) if word.startswith("increased") else f"{hedge} {word}"


def ordinal(n: int, lang: str) -> str:
    """'第45' / '45th' (the English suffix from CLDR's ordinal plural rules)."""
    if lang == "zh":
        return f"第{int(n)}"
    form = _locale(lang).ordinal_form(int(n))
    return f"{int(n)}" + {"one": "st", "two": "nd", "few": "rd"}.get(form, "th")


_WORDS = {"zh": "零一两三四五六七八九十", "en": ("no", "one", "two", "three", "four", "five", "six", "seven",
                                                "eight", "nine", "ten")}


def words(n: int, lang: str) -> str:
    """A small count as prose writes it (before a measure word in Chinese: 两张, not 二张), in
    words up to ten, in digits above.

    >>> words(4, "zh"), words(10, "en"), words(12, "en")
    ('四', 'ten', '12')
    """
    n = int(n)
    return _WORDS[check_lang(lang)][n] if 0 <= n <= 10 else digits(n, lang)


def rank(n: int, lang: str) -> str:
    """A place in a ranking: '第45位' / '45th'."""
    return pick(lang, f"第{int(n)}位", ordinal(n, lang))


def join(items, lang: str) -> str:
    """A list as a sentence writes it (CLDR): 'a、b和c' / 'a, b and c'."""
    from babel.lists import format_list

    items = [str(i) for i in items]
    return format_list(items, locale=_locale(lang)) if items else ""


def paren(text: str, lang: str) -> str:
    """An aside in brackets: '（…）' (zh, full width) / ' (…)' (en)."""
    return pick(lang, f"（{text}）", f" ({text})")


# --------------------------------------------------------------------------- periods

def period(p: str, lang: str, short: bool = False) -> str:
    """A period as a reader writes it (CLDR month names): '2020-06' → '2020年6月' / 'June 2020'
    ('Jun 2020' when short); '2019' → '2019年' / '2019'; a range 'a..b' → 'a至b' / 'a – b'.

    >>> period("2017-06..2019-06", "en", short=True), period("2019", "zh")
    ('Jun 2017 – Jun 2019', '2019年')
    """
    check_lang(lang)
    p = str(p)
    if ".." in p:
        a, b = p.split("..")
        return period(a, lang, short) + pick(lang, "至", " – ") + period(b, lang, short)
    import datetime as dt

    from babel.dates import format_skeleton

    parts = [int(x) for x in p.split("-")]
    if len(parts) == 1:
        return pick(lang, f"{parts[0]}年", str(parts[0]))
    day = dt.date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1)
    skeleton = ("yMMMd" if short else "yMMMMd") if len(parts) == 3 else ("yMMM" if short else "yMMMM")
    return format_skeleton(skeleton, day, locale=_locale(lang))


# --------------------------------------------------------------------------- names from the data

#: How an observation's status and qualifier read in a table.
_STATUS = {"reported": ("引用", "reported"), "derived": ("推算", "derived"),
           "corrected": ("更正", "corrected"), "gap": ("缺失", "gap")}
_QUALIFIER = {"at_least": ("至少", "at least"), "approx": ("约", "about"),
              "reconstructed": (RECONSTRUCTED["zh"], RECONSTRUCTED["en"])}


def status(s: str, lang: str) -> str:
    return pick(lang, *_STATUS[s])


def qualifier(q, lang: str) -> str:
    return pick(lang, *_QUALIFIER[q]) if isinstance(q, str) and q in _QUALIFIER else ""


def labels(lang: str) -> dict[str, dict[str, str]]:
    """The data's names in ``lang``: indicators, breakdowns, sections and units."""
    from egov import data

    return data.labels(check_lang(lang))


def breakdown_name(breakdown: str, lang: str, sentence: bool = False) -> str:
    """A breakdown's label; inside a sentence without brackets of its own, and in English
    lower-cased like a common noun ('prefecture level and below'), never a place's name.

    >>> breakdown_name("level=central", "en", sentence=True), breakdown_name("province=Shandong", "en", True)
    ('central level with www.gov.cn', 'Shandong')
    """
    name = labels(lang)["breakdowns"].get(breakdown, breakdown)
    if not sentence:
        return name
    return _unbracketed(name if breakdown.startswith("province=") else in_sentence(name, lang))


def section_name(section: str, lang: str) -> str:
    return labels(lang)["sections"][section]


def in_sentence(name: str, lang: str) -> str:
    """A name inside an English sentence starts lower case, unless its first word is an acronym
    or a name with capitals inside ('EGDI', 'E-Government', 'www.gov.cn').

    >>> in_sentence("Government websites", "en"), in_sentence("E-Government Development Index", "en")
    ('government websites', 'E-Government Development Index')
    """
    first = name.split(" ", 1)[0]
    if lang == "en" and first[:1].isupper() and not any(c.isupper() for c in first[1:]):
        return name[0].lower() + name[1:]
    return name


def indicator_name(indicator: str, breakdown: str, lang: str, sentence: bool = False) -> str:
    """'政府网站数量（中央…）' / 'Government websites (Central…)'; lower-cased inside an English sentence.

    >>> indicator_name("gov_websites", "level=central", "en", sentence=True)
    'government websites (central level with www.gov.cn)'
    """
    name = labels(lang)["indicators"][indicator]
    name = in_sentence(name, lang) if sentence else name
    if breakdown not in ("total", "*"):
        name += paren(_unbracketed(breakdown_name(breakdown, lang, sentence)), lang)
    return name


def _unbracketed(label: str) -> str:
    """A label's own aside without brackets, for use inside brackets: 'Central level (with
    www.gov.cn)' → 'Central level with www.gov.cn', '中央层级（含中国政府网）' → '中央层级，含中国政府网'."""
    return re.sub(r"（(.*)）$", r"，\1", re.sub(r"\s*\((.*)\)$", r" \1", label))


@lru_cache(maxsize=2)
def _units():
    from egov import data

    return data.table("units").set_index("unit")


def unit_word(unit: str, lang: str) -> str:
    """The word written after a count: 个 / websites; '%' for shares; '' for indices and ranks."""
    u = _units().loc[unit]
    if u["kind"] in ("share", "growth"):
        return "%"
    if u["kind"] in ("index", "rank"):
        return ""
    if lang == "zh":
        words = u["measure_words"]
        return str(words).split("|")[0] if isinstance(words, str) and words else str(u["name_zh"])
    return str(u["name_en"])


def quantity(value: float, unit: str, lang: str, qualifier: str | None = None, written: str | None = None) -> str:
    """A value with its unit: 1.26亿人 / 126 million persons, 第45位 / 45th, 66.39%
    (``written``: the digits as a table writes them, see :func:`number`).

    >>> quantity(45, "rank", "zh"), quantity(45, "rank", "en"), quantity(66.39, "percent", "en")
    ('第45位', '45th', '66.39%')
    >>> quantity(20, "places", "zh"), quantity(20, "places", "en"), quantity(1, "sites", "en")
    ('20位', '20 places', '1 website')
    >>> quantity(82216, "accounts", "en", "reconstructed")
    '82,216 accounts (unverified reconstruction)'
    """
    check_lang(lang)
    kind = _units().loc[unit, "kind"]
    if kind == "rank":
        return rank(value, lang)
    if qualifier == "reconstructed":  # the unit stays with its number: 82,216 accounts (…)
        return quantity(value, unit, lang, written=written) + paren(RECONSTRUCTED[lang], lang)
    n = number(value, lang, qualifier, written=written)
    word = unit_word(unit, lang)
    if kind in ("share", "growth", "index"):
        return n + word
    if kind == "change" and lang == "zh":
        return n + "位"
    if lang == "zh":
        return n + word
    if _locale(lang).plural_form(abs(float(value))) == "one" and word.endswith("s"):
        word = word[:-1]
    return f"{n} {word}"


def country_name(iso3: str, lang: str, fallback: str | None = None) -> str:
    """A country's short name from CLDR (Babel): 'KOR' → '韩国' / 'South Korea'."""
    from babel.core import get_global

    alpha2 = (get_global("territory_aliases").get(iso3) or [None])[0]
    return _locale(lang).territories.get(alpha2) or fallback or iso3
