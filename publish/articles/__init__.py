"""Blog-ready articles written from the published data by explicit rules.

Five article types (``overview``, ``fields``, ``campaigns``, ``changes``, ``scorecard``), each in
Finnish, Swedish and English, for one region against the whole country. Every number in an
article is read from a published dataset and formatted for its language; nothing is typed in by
hand. Where the published data do not cover the region, the text says what the region's data
shows and what a live run adds.
"""

from __future__ import annotations

import json

from publish.articles import campaigns, changes, fields, overview, scorecard
from publish.articles.data import PublishedData
from publish.articles.render import Article
from publish.charts import draw_charts
from publish.inflection import LANGS, region_names

ARTICLE_TYPES = ("overview", "fields", "campaigns", "changes", "scorecard")

__all__ = ["ARTICLE_TYPES", "Article", "PublishedData", "build_articles", "files_of"]


def build_articles(
    published: PublishedData,
    region: str = "MK17",
    langs: tuple[str, ...] = LANGS,
    date: str = "",
    types: tuple[str, ...] = ARTICLE_TYPES,
) -> list[Article]:
    """Every requested article type in every language for ``region`` against the whole country."""
    region_names(region, "fi")  # an unknown region fails here, with the list of valid codes
    out: list[Article] = []
    for lang in langs:
        for kind in types:
            if kind == "overview":
                out.append(overview.build(published, region, lang, date))
            elif kind == "fields":
                out.append(fields.build(published, region, lang, date))
            elif kind == "campaigns":
                out += campaigns.build(published, region, lang, date)
            elif kind == "changes":
                out.append(changes.build(published, region, lang, date))
            elif kind == "scorecard":
                out.append(scorecard.build(published, region, lang, date))
            else:
                raise ValueError(f"unknown article type '{kind}': use {', '.join(ARTICLE_TYPES)}")
    return out


def files_of(articles: list[Article]) -> dict[str, bytes]:
    """Every article's files plus ``articles/index.json``, the list the data page links to."""
    draw_charts(c for a in articles for c in a.charts.values())  # all at once, in parallel
    files: dict[str, bytes] = {}
    listing = []
    for a in articles:
        files.update(a.files())
        listing.append(
            {
                "path": f"{a.root}/index.html",
                "markdown": f"{a.root}/index.md",
                "language": a.lang,
                "type": a.kind,
                "title": a.title,
                "summary": a.summary,
            }
        )
    listing.sort(key=lambda r: (r["language"], r["type"], r["path"]))
    files["articles/index.json"] = (
        json.dumps(listing, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    return dict(sorted(files.items()))
