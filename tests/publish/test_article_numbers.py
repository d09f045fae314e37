"""No article states a number that is not in the published data."""

from __future__ import annotations

import pytest

from tests.publish.number_check import allowed_numbers, unpublished_numbers


@pytest.fixture
def published(bundled_published):
    return bundled_published


@pytest.mark.parametrize("articles", ["mk17_articles", "country_articles"])
def test_every_number_in_every_article_is_in_the_published_data(published, articles, request):
    allowed = allowed_numbers(published)
    checked = 0
    for article in request.getfixturevalue(articles):
        bad = unpublished_numbers(article.markdown, article.lang, allowed)
        assert not bad, (article.root, bad)
        checked += 1
    assert checked == 15  # five types but no stale "what changed" article, in three languages


def test_the_check_finds_a_number_the_data_do_not_hold(published):
    allowed = allowed_numbers(published)
    # 58,6 % (MK17 students 2019) and 4 950 are published; 58,7 % of 2019 and 4 951 are not.
    assert not unpublished_numbers("naisia 4\u00a0950, osuus 58,6\u00a0%", "fi", allowed)
    assert unpublished_numbers("naisia 4\u00a0951", "fi", allowed)
    assert unpublished_numbers("D oli 0,999", "fi", allowed)
    assert unpublished_numbers("share 99.9%", "en", allowed)
