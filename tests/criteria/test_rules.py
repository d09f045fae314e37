"""Exact thresholds: intervals, overlaps, gaps and integer ratio tests."""

from fractions import Fraction

from assets.criteria.rules import Interval, describe, first_gap, first_overlap, ratio_in

BALANCED = Interval.of({"op": "between", "low": 0.4, "high": 0.6})
FEMALE = Interval.of(
    {"op": "between", "low": 0.6, "high": 0.9, "include_low": False, "include_high": True}
)
WOMENS = Interval.of({"op": "gt", "value": 0.9})


def test_yaml_decimals_become_exact_fractions():
    assert BALANCED.low == Fraction(2, 5) and BALANCED.high == Fraction(3, 5)


def test_ratio_bounds_are_exact():
    # 3/5 and 2/5 sit exactly on the balanced bounds; 0.6 * 5 is 3.0000000000000004 in floats.
    assert list(ratio_in([3, 2, 601], [5, 5, 1000], BALANCED)) == [True, True, False]
    assert list(ratio_in([9, 901], [10, 1000], FEMALE)) == [True, False]
    assert list(ratio_in([9, 901], [10, 1000], WOMENS)) == [False, True]


def test_adjacent_classes_do_not_overlap_but_a_shared_closed_bound_does():
    assert first_overlap({"balanced": BALANCED, "female": FEMALE, "womens": WOMENS}) is None
    closed = Interval.of({"op": "between", "low": 0.6, "high": 0.9})
    assert first_overlap({"balanced": BALANCED, "female": closed}) == (
        "balanced",
        "female",
        Fraction(3, 5),
    )


def test_gap_is_found_at_an_open_bound():
    male = Interval.of({"op": "lt", "value": 0.4})
    assert first_gap([male, BALANCED, FEMALE, WOMENS], Fraction(0), Fraction(1)) is None
    open_low = Interval.of({"op": "between", "low": 0.4, "high": 0.6, "include_low": False})
    assert first_gap([male, open_low, FEMALE, WOMENS], Fraction(0), Fraction(1)) == Fraction(2, 5)


def test_rule_text():
    assert describe("women_share", {"op": "gt", "value": 0.9}) == "women_share > 0.9"
    assert describe("d", {"op": "lt", "reference_region": "SSS"}, "0.3450") == (
        "d < d(SSS) = 0.3450"
    )
