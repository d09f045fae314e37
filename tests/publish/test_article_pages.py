"""Article files: standalone HTML that passes the same browser and axe-core checks as the data
page, autoescaped templates, chart files, and the same bytes from the same data."""

from __future__ import annotations

import re

import pytest

from publish import bundle
from publish.articles import PublishedData, build_articles, files_of
from publish.articles.render import Article, environment
from publish.release import write_release
from tests.browser.harness import check_page, serve_directory
from tests.publish.release_fixtures import RUN_DATE

PAGES = (
    ("fi", "overview"),
    ("sv", "fields"),
    ("en", "scorecard"),
    ("fi", "campaigns"),
    ("fi", "scorecard"),
)


@pytest.fixture(scope="module")
def published(bundled_published) -> PublishedData:
    return bundled_published


@pytest.fixture(scope="module")
def articles(published) -> list[Article]:
    chosen = []
    for lang, kind in PAGES:
        chosen += build_articles(
            published, region="MK17", langs=(lang,), types=(kind,), date=RUN_DATE.isoformat()
        )
    return chosen


@pytest.fixture(scope="module")
def dist(articles, published, release_datasets, sources, tmp_path_factory):
    """A release holding the articles and every language's overview (which the others link to
    for the method note), so that their data and method links answer too."""
    root = tmp_path_factory.mktemp("dist")
    overviews = [
        a
        for a in build_articles(
            published, region="MK17", types=("overview",), date=RUN_DATE.isoformat()
        )
        if a.root not in {b.root for b in articles}
    ]
    files = bundle.build(
        release_datasets,
        sources,
        files_of([*articles, *overviews]),
        run_date=RUN_DATE,
        code_version="test",
    )
    write_release(root, bundle.release_id(release_datasets["counts"], RUN_DATE), files)
    return root


def test_article_pages_pass_the_browser_and_axe_checks(browser, dist, articles):
    with serve_directory(dist) as base:
        for article in articles:
            url = f"{base}/latest/{article.root}/index.html"
            check_page(browser, url, f"article-{article.lang}-{article.slug}").assert_ok()


def test_an_article_page_works_from_the_file_system(browser, dist, articles):
    page = dist / "latest" / articles[0].root / "index.html"
    check_page(browser, page.as_uri(), "article-file").assert_ok()


def test_html_is_standalone_and_in_the_article_language(articles):
    for article in articles:
        html = article.html
        assert html.startswith("<!DOCTYPE html>") and f'<html lang="{article.lang}">' in html
        assert not re.search(r'(src|href)="(https?:)?//', html.split("<main>")[0])
        for name in article.charts:
            assert f'src="{name}.svg"' in html
        assert "<script" not in html


def test_templates_escape_html_and_markdown_drops_raw_html():
    page = environment("fi").get_template("article.html.j2")
    html = page.render(
        lang="fi",
        title="<script>x</script>",
        summary="a & b",
        body="",
        words={"other_languages": "x", "data_page": "y"},
        data_page="../../../index.html",
        alternates=[],
    )
    assert "&lt;script&gt;" in html and "a &amp; b" in html
    article = Article("fi", "x", "overview", "t", "s", "2026-11-28", [], "<b>raw</b> text")
    assert "<b>" not in article.html and "&lt;b&gt;raw&lt;/b&gt;" in article.html


def test_every_chart_ships_as_svg_png_and_spec(articles):
    files = files_of(articles)
    for article in articles:
        for name in article.charts:
            root = f"{article.root}/{name}"
            assert files[f"{root}.svg"].startswith(b"<svg")
            assert files[f"{root}.png"].startswith(b"\x89PNG")
            assert b'"$schema"' in files[f"{root}.vl.json"]
    assert (
        b'"path": "articles/fi/eriytyminen-pohjois-pohjanmaa/index.html"'
        in files["articles/index.json"]
    )


def test_same_data_give_the_same_bytes(published, articles):
    again = build_articles(
        published, region="MK17", langs=("fi",), types=("overview",), date=RUN_DATE.isoformat()
    )
    first = files_of([a for a in articles if a.lang == "fi" and a.kind == "overview"])
    second = files_of(again)
    assert first.keys() == second.keys()
    for path in first:
        assert first[path] == second[path], path
