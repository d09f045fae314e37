"""Numbers in Finnish, Swedish and English."""

import pytest

from publish.numbers import NBSP, fmt_decimal, fmt_int, fmt_percent


def test_finnish_formats():
    assert fmt_percent(0.123) == f"12,3{NBSP}%"
    assert fmt_int(1234567) == f"1{NBSP}234{NBSP}567"
    assert fmt_decimal(-0.5, 2) == "−0,50"


def test_english_formats():
    assert fmt_percent(0.123, lang="en") == "12.3%"
    assert fmt_int(1234, lang="en") == "1,234"


def test_missing_number_is_refused():
    with pytest.raises(ValueError):
        fmt_decimal(float("nan"))


def test_index_values_and_dates_per_language():
    from publish.numbers import fmt_date, fmt_index

    assert fmt_index(0.35643) == "0,356" and fmt_index(0.35643, "en") == "0.356"
    assert fmt_date("2013-06-12") == "12.6.2013" == fmt_date("2013-06-12", "sv")
    assert fmt_date("2013-06-12", "en") == "12 June 2013"
