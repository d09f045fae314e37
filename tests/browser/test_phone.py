"""Every article page on a phone (375 px): nothing scrolls sideways, axe-core still finds no
serious or critical violation, and the charts stay readable (drawn at most about 460 px wide,
so a 343 px column shrinks their 12 px labels to 9 px or more, not to about 6 px)."""

from __future__ import annotations

import re

import pytest

from publish import bundle
from publish.articles import build_articles, files_of
from publish.release import write_release
from tests.browser.harness import check_page, serve_directory
from tests.publish.release_fixtures import RUN_DATE

PHONE = 375


@pytest.fixture(scope="module")
def articles(bundled_published):
    return build_articles(bundled_published, region="MK17", date=RUN_DATE.isoformat())


@pytest.fixture(scope="module")
def dist(articles, release_datasets, sources, tmp_path_factory):
    root = tmp_path_factory.mktemp("phone")
    files = bundle.build(
        release_datasets, sources, files_of(articles), run_date=RUN_DATE, code_version="test"
    )
    write_release(root, bundle.release_id(release_datasets["counts"], RUN_DATE), files)
    return root


def test_no_article_page_scrolls_sideways_at_375_px(browser, dist, articles):
    widths = {}
    with serve_directory(dist) as base:
        for article in articles:
            url = f"{base}/latest/{article.root}/index.html"
            name = f"phone-{article.lang}-{article.slug}"
            report = check_page(browser, url, name, viewport_width=PHONE)
            report.assert_ok()
            widths[article.root] = report.scroll_width
    assert len(widths) == 15 and max(widths.values()) <= PHONE, widths


def test_every_chart_is_drawn_narrow_enough_for_a_phone(articles):
    for article in articles:
        for name, chart in article.charts.items():
            width = float(re.search(r'<svg[^>]*width="([\d.]+)"', chart.svg.decode()).group(1))
            assert width <= 480, (article.root, name, width)
