"""Blog-ready articles written from the published data by explicit rules.

Five article types (``overview``, ``fields``, ``campaigns``, ``changes``, ``scorecard``), each in
Finnish, Swedish and English, for one region against the whole country. Every number in an
article is read from a published dataset and formatted for its language; nothing is typed in by
hand. Where the published data do not cover the region, the text says what the region's data
shows and that the other figures are national; what a live run adds is a maintainer note in the
front matter, never reader text. A "what changed" article is written only when the newest
statistical year is at most two years before the run date: older news is no news.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

from publish.articles import campaigns, changes, fields, overview, scorecard
from publish.articles.common import vintage
from publish.articles.data import PublishedData
from publish.articles.render import Article
from publish.chart_drawing import ChartDrawer
from publish.charts import draw_charts, start_drawing
from publish.inflection import LANGS, region_names

ARTICLE_TYPES = ("overview", "fields", "campaigns", "changes", "scorecard")

PUBLIC_URL_ENV = "TASAPAINO_PUBLIC_URL"

__all__ = ["ARTICLE_TYPES", "Article", "PublishedData", "build_articles", "files_of"]


def build_articles(
    published: PublishedData,
    region: str = "MK17",
    langs: tuple[str, ...] = LANGS,
    date: str = "",
    types: tuple[str, ...] = ARTICLE_TYPES,
    base_url: str | None = None,
    drawer: ChartDrawer | None = None,
) -> list[Article]:
    """Every requested article type in every language for ``region`` against the whole country.

    ``date`` (ISO) is the run date: it dates the articles and decides what is too old to be
    news. ``base_url`` (default: the ``TASAPAINO_PUBLIC_URL`` environment variable) is where the
    release is published; with it, the Markdown's links and images are absolute, so that the
    text can be pasted into a blog. ``drawer``: its processes draw each article's charts while
    the next article is written (``files_of`` with the same drawer collects them).
    """
    region_names(region, "fi")  # an unknown region fails here, with the list of valid codes
    for kind in types:
        if kind not in ARTICLE_TYPES:
            raise ValueError(f"unknown article type '{kind}': use {', '.join(ARTICLE_TYPES)}")
    run_year = int(date[:4]) if date else None
    stale = vintage(published, "fi", run_year)["stale"]
    out: list[Article] = []
    for lang in langs:
        for kind in types:
            done = len(out)
            if kind == "overview":
                out.append(overview.build(published, region, lang, date, run_year))
            elif kind == "fields":
                out.append(fields.build(published, region, lang, date, run_year))
            elif kind == "campaigns":
                out += campaigns.build(published, region, lang, date, run_year)
            elif kind == "changes" and not stale:
                out.append(changes.build(published, region, lang, date, run_year))
            elif kind == "scorecard":
                out.append(scorecard.build(published, region, lang, date, run_year))
            if drawer is not None:
                start_drawing((c for a in out[done:] for c in a.charts.values()), drawer)
    url = os.environ.get(PUBLIC_URL_ENV, "") if base_url is None else base_url
    versions: dict[str, dict[str, str]] = defaultdict(dict)
    for a in out:
        versions[a.group][a.lang] = a.root
    for a in out:
        a.alternates = dict(versions[a.group])
        a.base_url = url
    return out


def files_of(articles: list[Article], drawer: ChartDrawer | None = None) -> dict[str, bytes]:
    """Every article's files plus ``articles/index.json``, the list the data page links to
    (the charts drawn in ``drawer``'s processes if given)."""
    draw_charts((c for a in articles for c in a.charts.values()), drawer)  # all at once
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
