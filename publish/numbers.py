"""Numbers written the way each language's readers expect.

Finnish and Swedish: decimal comma, a no-break space between thousands and before '%'
(``12,3 %``, ``1 234``); English: decimal point, comma thousands, ``12.3%``.
"""

from __future__ import annotations

import math

NBSP = "\u00a0"


def fmt_int(value: float | int, lang: str = "fi") -> str:
    n = round(value)
    text = f"{n:,}"
    if lang in ("fi", "sv"):
        return text.replace(",", NBSP).replace("-", "−")
    return text


def fmt_decimal(value: float, decimals: int = 1, lang: str = "fi") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("cannot format a missing number; the text must not state it")
    text = f"{value:,.{decimals}f}"
    if lang in ("fi", "sv"):
        return text.replace(",", NBSP).replace(".", ",").replace("-", "−")
    return text


def fmt_percent(share: float, decimals: int = 1, lang: str = "fi") -> str:
    """A 0–1 share as a percentage: 0.5823 → '58,2 %' (fi/sv) or '58.2%' (en)."""
    number = fmt_decimal(share * 100, decimals, lang)
    return f"{number}{NBSP}%" if lang in ("fi", "sv") else f"{number}%"


def fmt_index(value: float, lang: str = "fi") -> str:
    """An index value (D, IP, M) with three decimals: 0.3565 → '0,357' (fi/sv), '0.357' (en)."""
    return fmt_decimal(value, 3, lang)


MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_date(iso: str, lang: str = "fi") -> str:
    """An ISO date as readers write it: '12.6.2013' (fi, sv), '12 June 2013' (en)."""
    year, month, day = (int(p) for p in str(iso)[:10].split("-"))
    if lang == "en":
        return f"{day} {MONTHS_EN[month - 1]} {year}"
    return f"{day}.{month}.{year}"
