"""Words from numbers by explicit rules, with the tolerance stated."""

import pytest

from publish.text_rules import SHARE_TOLERANCE, compare_words, direction, trend_word


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (0.572, 0.586, "up"),  # +1,4 points
        (0.582, 0.586, "same"),  # +0,4 points: within half a point
        (0.594, 0.574, "down"),  # −2,0 points
        (0.500, 0.505, "same"),  # exactly the tolerance is still no change
    ],
)
def test_direction_uses_the_tolerance(old, new, expected):
    assert direction(old, new, SHARE_TOLERANCE) == expected


def test_words_in_each_language():
    assert trend_word(0.572, 0.586, SHARE_TOLERANCE, "fi") == "kasvoi"
    assert trend_word(0.582, 0.586, SHARE_TOLERANCE, "fi") == "pysyi ennallaan"
    assert trend_word(0.594, 0.574, SHARE_TOLERANCE, "fi") == "laski"
    assert trend_word(0.594, 0.574, SHARE_TOLERANCE, "sv") == "minskade"
    assert trend_word(0.572, 0.586, SHARE_TOLERANCE, "en") == "rose"
    assert compare_words(0.356, 0.343, 0.005, "fi") == "suurempi kuin"
    assert compare_words(0.345, 0.343, 0.005, "en") == "about the same as"
