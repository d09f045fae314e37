"""No article states a number that is not in the published data."""

from __future__ import annotations

import dataclasses

import pytest

from publish.articles import build_articles
from publish.numbers import fmt_decimal
from tests.publish.number_check import (
    allowed_numbers,
    number_tables,
    source_mismatches,
    unpublished_numbers,
)


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


def _changes_articles(published, region):
    # 2020: the bundled data's newest year (2019) is recent enough for a "what changed" article
    return build_articles(published, region=region, date="2020-06-01", types=("changes",))


COMPOSITION_FI = "IP:n muutos johtui pääosin naisten ja miesten osuuksien muutoksista alojen"
MIX_FI = "IP:n muutos johtui pääosin alojen kokojen"


def test_what_changed_articles_state_only_published_numbers(published):
    allowed = allowed_numbers(published)
    tables = number_tables(published)
    articles = [a for r in ("MK17", "SSS") for a in _changes_articles(published, r)]
    assert len(articles) == 6
    for article in articles:
        assert not unpublished_numbers(article.markdown, article.lang, allowed), article.root
        assert not source_mismatches(article, published, tables), article.root
    assert any(COMPOSITION_FI in a.markdown for a in articles if a.lang == "fi")


def test_the_check_knows_the_numbers_of_segregation_change(published):
    allowed = allowed_numbers(published)
    row = published.changes.iloc[0]
    for col in ("ip_mix_effect", "ip_composition_effect"):
        assert fmt_decimal(abs(row[col]), 3, "en") in allowed.decimals
    assert str(int(row["n_units_common"])) in allowed.integers


def test_the_ip_split_sentence_follows_the_published_dataset(published):
    """The article reads which part dominates from segregation_change: swapping the two parts
    in the dataset swaps the sentence, and without the row the article makes no claim."""

    def finnish(changes):
        variant = dataclasses.replace(published, changes=changes)
        return next(a for a in _changes_articles(variant, "SSS") if a.lang == "fi").markdown

    assert COMPOSITION_FI in finnish(published.changes)
    swapped = published.changes.copy()
    swapped[["ip_mix_effect", "ip_composition_effect"]] = published.changes[
        ["ip_composition_effect", "ip_mix_effect"]
    ].to_numpy()
    text = finnish(swapped)
    assert MIX_FI in text and COMPOSITION_FI not in text
    text = finnish(published.changes.iloc[:0])
    assert MIX_FI not in text and COMPOSITION_FI not in text
