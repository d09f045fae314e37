"""Explicit rules that turn two numbers into words ("kasvoi", "pysyi ennallaan", "laski").

A change smaller than the stated tolerance is reported as no change, and every article states the
tolerance it used, so a reader can check each word against the numbers printed beside it.
"""

from __future__ import annotations

from typing import Literal

Direction = Literal["up", "same", "down"]

SHARE_TOLERANCE = 0.005
"""Women's shares (0–1) within half a percentage point count as unchanged or equal."""
INDEX_TOLERANCE = 0.005
"""Index values (D, IP on a 0–1 scale) within 0.005 count as unchanged or equal."""
METHOD_CONSTANTS = (SHARE_TOLERANCE * 100, INDEX_TOLERANCE)
"""The only numbers an article states that are rules rather than data (the tolerances)."""

TREND = {
    "fi": {"up": "kasvoi", "same": "pysyi ennallaan", "down": "laski"},
    "sv": {"up": "ökade", "same": "låg kvar på samma nivå", "down": "minskade"},
    "en": {"up": "rose", "same": "stayed the same", "down": "fell"},
}
COMPARE = {
    "fi": {"up": "suurempi kuin", "same": "lähes sama kuin", "down": "pienempi kuin"},
    "sv": {"up": "större än", "same": "ungefär lika stort som", "down": "mindre än"},
    "en": {"up": "higher than", "same": "about the same as", "down": "lower than"},
}


def direction(old: float, new: float, tolerance: float) -> Direction:
    """'up' if new exceeds old by more than the tolerance, 'down' if below it, else 'same'.

    The difference is rounded to 12 decimals first, so that a change of exactly the tolerance
    (0.505 − 0.500) counts as no change, whatever binary floating point makes of it.
    """
    change = round(new - old, 12)
    if change > tolerance:
        return "up"
    if -change > tolerance:
        return "down"
    return "same"


def trend_word(old: float, new: float, tolerance: float, lang: str) -> str:
    """The verb for a change from ``old`` to ``new``: 'kasvoi', 'pysyi ennallaan' or 'laski'."""
    return TREND[lang][direction(old, new, tolerance)]


def compare_words(value: float, reference: float, tolerance: float, lang: str) -> str:
    """How ``value`` stands against ``reference``: 'suurempi kuin', 'lähes sama kuin', …"""
    return COMPARE[lang][direction(reference, value, tolerance)]
