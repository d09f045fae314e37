"""Statistics Finland's five classes at their exact boundaries."""

import pandas as pd
import pytest

from assets.shares.classes import ClassBounds, classify


@pytest.mark.parametrize(
    ("women", "total", "expected"),
    [
        (40, 100, "balanced_40_60"),  # exactly 40 % is balanced
        (60, 100, "balanced_40_60"),  # exactly 60 % is balanced (0.6 * 100 > 60 in floats)
        (3, 5, "balanced_40_60"),  # 60 % from small integers
        (61, 100, "women_60_90"),
        (90, 100, "women_60_90"),  # exactly 90 % women is female-dominated
        (91, 100, "women_over_90"),
        (901, 1000, "women_over_90"),
        (39, 100, "men_60_90"),
        (10, 100, "men_60_90"),  # exactly 90 % men is male-dominated
        (9, 100, "men_over_90"),
        (0, 7, "men_over_90"),
        (7, 7, "women_over_90"),
    ],
)
def test_boundaries(women, total, expected):
    assert classify(pd.Series([women]), pd.Series([total])).iloc[0] == expected


def test_zero_total_and_missing_counts_have_no_class():
    out = classify(pd.Series([0, None], dtype="Int64"), pd.Series([0, 10], dtype="Int64"))
    assert out.isna().all()


def test_bounds_must_be_ordered_and_symmetric():
    with pytest.raises(ValueError, match="symmetric"):
        ClassBounds(balanced_low=35, balanced_high=60)
    with pytest.raises(ValueError, match="must satisfy"):
        ClassBounds(balanced_low=40, balanced_high=60, dominated_high=50)


def test_counts_too_large_for_machine_integers_are_still_decided_exactly():
    # 100 · 5·2^58 overflows int64, so these take the Python-integer path; one woman more than
    # exactly 60 % must leave "balanced" (a float64 share cannot see that one person).
    big = 5 * 2**58
    women = pd.Series([3 * 2**58, 3 * 2**58 + 1], dtype="Int64")
    out = classify(women, pd.Series([big, big], dtype="Int64"))
    assert list(out) == ["balanced_40_60", "women_60_90"]
