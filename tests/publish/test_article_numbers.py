"""No article states a number that is not in the published data."""

from __future__ import annotations

import pytest

from publish.articles import PublishedData, build_articles
from tests.publish.article_data import criteria_for
from tests.publish.number_check import allowed_numbers, unpublished_numbers


@pytest.fixture(scope="module")
def published(counts, shares, indices, sources) -> PublishedData:
    return PublishedData(shares, indices, criteria_for(shares, indices), sources, counts)


@pytest.mark.parametrize("region", ["MK17", "SSS"])
def test_every_number_in_every_article_is_in_the_published_data(published, region):
    allowed = allowed_numbers(published)
    checked = 0
    for article in build_articles(published, region=region, date="2026-11-28"):
        bad = unpublished_numbers(article.markdown, article.lang, allowed)
        assert not bad, (article.root, bad)
        checked += 1
    assert checked == 18


def test_the_check_finds_a_number_the_data_do_not_hold(published):
    allowed = allowed_numbers(published)
    # 58,6 % (MK17 students 2019) and 4 950 are published; 58,7 % of 2019 and 4 951 are not.
    assert not unpublished_numbers("naisia 4\u00a0950, osuus 58,6\u00a0%", "fi", allowed)
    assert unpublished_numbers("naisia 4\u00a0951", "fi", allowed)
    assert unpublished_numbers("D oli 0,999", "fi", allowed)
    assert unpublished_numbers("share 99.9%", "en", allowed)
