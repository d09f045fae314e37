"""Statistics Finland's five occupational segregation classes, decided in exact arithmetic.

Bounds are compared as integers (100·women against bound·total), never as float shares: a
floating-point 0.6 × 100 is larger than 60, which would push a unit of exactly 60 % women out of
"balanced". Boundaries follow Statistics Finland: balanced is 40–60 % with both bounds included;
female-dominated is over 60 % up to and including 90 %; a women's occupation is over 90 %.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas only where classify runs: `tasapaino indices` never imports it
    import pandas as pd

CLASS_ORDER = ("women_over_90", "women_60_90", "balanced_40_60", "men_60_90", "men_over_90")

NAMES = {
    "fi": {
        "women_over_90": "naisten ala (yli 90 % naisia)",
        "women_60_90": "naisvaltainen (60–90 % naisia)",
        "balanced_40_60": "tasa-ala (40–60 % naisia)",
        "men_60_90": "miesvaltainen (60–90 % miehiä)",
        "men_over_90": "miesten ala (yli 90 % miehiä)",
    },
    "sv": {
        "women_over_90": "kvinnodominerat (över 90 % kvinnor)",
        "women_60_90": "kvinnodominerat (60–90 % kvinnor)",
        "balanced_40_60": "jämställt (40–60 % kvinnor)",
        "men_60_90": "mansdominerat (60–90 % män)",
        "men_over_90": "mansdominerat (över 90 % män)",
    },
    "en": {
        "women_over_90": "women's (over 90 % women)",
        "women_60_90": "female-dominated (60–90 % women)",
        "balanced_40_60": "balanced (40–60 % women)",
        "men_60_90": "male-dominated (60–90 % men)",
        "men_over_90": "men's (over 90 % men)",
    },
}


@dataclass(frozen=True)
class ClassBounds:
    """Percent bounds of the five classes; defaults are Statistics Finland's."""

    balanced_low: Fraction = Fraction(40)
    balanced_high: Fraction = Fraction(60)
    dominated_high: Fraction = Fraction(90)

    def __post_init__(self) -> None:
        if not 0 <= self.balanced_low <= 50 <= self.balanced_high <= self.dominated_high <= 100:
            raise ValueError(
                "class bounds must satisfy 0 <= balanced_low <= 50 <= balanced_high <= "
                f"dominated_high <= 100, got {self.balanced_low}, {self.balanced_high}, "
                f"{self.dominated_high}"
            )
        if self.balanced_low != 100 - self.balanced_high:
            raise ValueError("balanced bounds must be symmetric around 50 % (e.g. 40 and 60)")


def classify(women: pd.Series, total: pd.Series, bounds: ClassBounds | None = None) -> pd.Series:
    """Segregation class of each unit; <NA> where the total is zero or a count is missing."""
    import pandas as pd

    b = bounds or ClassBounds()
    w = pd.to_numeric(women).astype("Int64")
    t = pd.to_numeric(total).astype("Int64")
    valid = (w.notna() & t.notna() & (t > 0)).to_numpy()
    # Scale bounds to integers: a Fraction bound p/q is compared as 100*q*women vs p*total.
    den = int(np.lcm.reduce([b.balanced_high.denominator, b.dominated_high.denominator]))
    wi = w.fillna(0).to_numpy(dtype=np.int64)
    ti = t.fillna(0).to_numpy(dtype=np.int64)
    # Machine integers where every product below fits in int64 (any real count does), Python
    # integers otherwise: both exact, the first a hundred times faster on millions of units.
    largest = int(max(np.abs(wi).max(initial=0), np.abs(ti).max(initial=0)))
    if largest * 100 * den >= 2**62:
        wi, ti = wi.astype(object), ti.astype(object)
    wi = wi * 100 * den
    mi = ti * 100 * den - wi
    hi = int(b.balanced_high * den)
    top = int(b.dominated_high * den)
    conditions = [
        wi > top * ti,
        (wi > hi * ti) & (wi <= top * ti),
        (wi <= hi * ti) & (mi <= hi * ti),
        (mi > hi * ti) & (mi <= top * ti),
        mi > top * ti,
    ]
    code = np.select([c.astype(bool) for c in conditions], range(len(CLASS_ORDER)), default=-1)
    code[~valid] = -1
    # Through a Categorical, every row refers to one of five shared strings instead of a string
    # object of its own (about 60 bytes a row, 200 MB for the finest national table).
    classes = pd.Categorical.from_codes(code, categories=list(CLASS_ORDER))
    return pd.Series(classes, index=women.index).astype("string")
