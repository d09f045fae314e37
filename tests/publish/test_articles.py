"""Articles from the bundled data: every type in fi, sv and en, for MK17 and the whole country,
with front matter, alt texts, the rule words and the data's limits stated."""

from __future__ import annotations

import re

import pytest
import yaml

from publish.articles import ARTICLE_TYPES, build_articles
from publish.inflection import UnknownRegionError
from publish.numbers import NBSP
from tests.publish.number_check import allowed_numbers, unpublished_numbers

LANGS = ("fi", "sv", "en")
# The bundled data's newest year is 2019: no "what changed" article in 2026
# (test_article_framing.py, test_no_what_changed_article_when_the_newest_year_is_over_two…).
NOT_STALE = tuple(k for k in ARTICLE_TYPES if k != "changes")
EXPECTED_SLUGS = {
    "fi": {
        "eriytyminen-pohjois-pohjanmaa",
        "koulutusalat-pohjois-pohjanmaa",
        "pojat-hoitoalalle-pohjois-pohjanmaa",
        "tytot-ja-teknologia-pohjois-pohjanmaa",
        "tasa-arvokriteerit-pohjois-pohjanmaa",
    },
    "sv": {
        "segregation-norra-osterbotten",
        "utbildningsomraden-norra-osterbotten",
        "pojkar-till-vardbranschen-norra-osterbotten",
        "flickor-och-teknik-norra-osterbotten",
        "jamstalldhetskriterier-norra-osterbotten",
    },
    "en": {
        "segregation-north-ostrobothnia",
        "fields-of-education-north-ostrobothnia",
        "boys-into-care-north-ostrobothnia",
        "girls-and-technology-north-ostrobothnia",
        "equality-criteria-north-ostrobothnia",
    },
}
ALT_WORDS = {"fi": "kaavio", "sv": "diagram", "en": "chart"}


@pytest.fixture
def published(bundled_published):
    return bundled_published


@pytest.fixture
def mk17(mk17_articles):
    return mk17_articles


@pytest.fixture
def country(country_articles):
    return country_articles


def front_matter(markdown: str) -> dict:
    _, meta, _ = markdown.split("---\n", 2)
    return yaml.safe_load(meta)


def test_every_type_in_every_language_for_mk17(mk17):
    assert {(a.lang, a.slug) for a in mk17} == {
        (lang, slug) for lang, slugs in EXPECTED_SLUGS.items() for slug in slugs
    }
    assert {a.kind for a in mk17} == set(NOT_STALE)


def test_every_type_in_every_language_for_the_whole_country(country):
    assert len(country) == len(LANGS) * (len(NOT_STALE) + 1)  # two campaign spotlights
    assert {(a.lang, a.kind) for a in country} == {(lang, k) for lang in LANGS for k in NOT_STALE}
    fi_titles = {a.title for a in country if a.lang == "fi"}
    assert "Naiset ja miehet eri aloilla koko maassa" in fi_titles


def test_front_matter_has_what_hugo_jekyll_and_wordpress_need(mk17):
    for article in mk17:
        meta = front_matter(article.markdown)
        assert {"title", "date", "summary", "tags", "language", "data", "charts"} <= set(meta)
        assert meta["language"] == article.lang and meta["date"] == "2026-11-28"
        assert "../../../datapackage.json" in meta["data"]
        assert meta["title"] and meta["summary"] and meta["tags"]


def test_every_chart_has_alt_text_in_the_article_language(mk17, country):
    charts = 0
    for article in [*mk17, *country]:
        meta = front_matter(article.markdown)
        assert [c["alt"] for c in meta["charts"]] == [c.alt_text for c in article.charts.values()]
        for name, chart in article.charts.items():
            charts += 1
            assert ALT_WORDS[article.lang] in chart.alt_text.lower(), (article.root, name)
            assert chart.spec["description"] == chart.alt_text
            assert f"]({name}.svg)" in article.body and chart.alt_text in article.body
    assert charts >= 30


def test_mk17_articles_state_what_the_bundled_data_cannot_show(mk17):
    fi = {a.kind: a.body for a in mk17 if a.lang == "fi"}
    for kind in NOT_STALE:
        assert "tasapaino run" not in fi[kind], kind
        assert "luvut ovat koko maasta" in fi[kind], kind
    for article in mk17:
        # What a live run adds is a note for the maintainer, in the front matter only.
        (note,) = front_matter(article.markdown)["maintainer_notes"]
        assert "tasapaino run --source live" in note and "MK17" in note
    en = {a.kind: a.body for a in mk17 if a.lang == "en"}
    assert "so those figures are for Finland as a whole" in en["overview"]


def test_what_the_region_data_shows_is_reported_with_the_rule_words(mk17, bundled_published):
    overview = next(a for a in mk17 if a.lang == "fi" and a.kind == "overview").body
    # 2019: 4 950 women of 8 451 students = 58,6 %; 2012: 4 522 of 7 905 = 57,2 %
    # (the lukio tables fi_lop_*, data/snapshot/transcribed/sources.yaml); +1,4 points is over
    # the 0,5-point tolerance.
    assert f"naisia 4{NBSP}950 ja miehiä 3{NBSP}501, naisten osuus 58,6{NBSP}%" in overview
    assert f"Vuodesta 2012 osuus kasvoi (57,2{NBSP}% → 58,6{NBSP}%)" in overview
    (changes,) = build_articles(
        bundled_published, region="MK17", langs=("fi",), types=("changes",), date="2021-01-15"
    )
    changes = changes.body
    # 2018 → 2019: 58,2 % → 58,6 %, a change of 0,4 points: within the tolerance.
    assert (
        f"naisten osuus pysyi ennallaan vuodesta 2018 vuoteen 2019 (58,2{NBSP}% → 58,6{NBSP}%)"
        in changes
    )


def test_scorecard_names_each_criteria_set_and_version(mk17, published):
    scorecard = next(a for a in mk17 if a.lang == "fi" and a.kind == "scorecard").body
    for set_id, version in set(
        zip(published.criteria["criteria_set"], published.criteria["criteria_version"], strict=True)
    ):
        if set_id == "osmo2-equality":  # every text a placeholder: left out, named as pending
            assert "OSMO2-hankkeen" in scorecard and f"versio {version}" not in scorecard
            continue
        assert f"versio {version}" in scorecard, set_id
    # 2015, wage earners in families: 182 400 of 337 954 professionals are women (54,0 %).
    assert re.search(r"\| Tasa-ala \(40–60 % naisia\) \| [^|]*Erityisasiantuntijat", scorecard)


def test_finnish_text_has_no_english_or_broken_letters(mk17, country):
    english = re.compile(
        r"\b(the|and|women|men|share|field|of|None|nan|True|False)\b|\{\{|\}\}|Ã|Â"
    )
    for article in [*mk17, *country]:
        if article.lang != "fi":
            continue
        text = article.body.split("## Lähteet")[0]  # the front matter's notes are English
        assert not english.search(text.replace("Karmel–MacLachlan", "")), (
            article.root,
            english.search(text).group(0),
        )
        assert "ä" in text and "ö" in text


def test_an_unknown_region_is_refused_with_the_valid_codes(published):
    with pytest.raises(UnknownRegionError, match="MK17"):
        build_articles(published, region="MK99", langs=("fi",), types=("overview",))


def test_revised_figures_are_reported_with_old_and_new_values(bundled_published):
    from dataclasses import replace

    previous = bundled_published.counts.copy()
    # Pretend the previous release had 4 900 women among MK17's general upper secondary
    # students in 2019; this release has 4 950 (fi_lop_2018_2019_*,
    # data/snapshot/transcribed/sources.yaml).
    row = (
        previous["measure"].eq("general_upper_secondary_students")
        & previous["region_code"].eq("MK17")
        & previous["year"].eq(2019)
        & previous["sex"].eq("women")
    )
    assert previous.loc[row, "count"].tolist() == [4950]
    previous.loc[row, "count"] = 4900
    revised = replace(bundled_published, previous_counts=previous)
    (fi,) = build_articles(revised, region="MK17", langs=("fi",), types=("changes",))
    assert (
        f"- Lukiolaiset, yleissivistävä koulutus, Pohjois-Pohjanmaa, 2019, naiset: "
        f"4{NBSP}900 → 4{NBSP}950" in fi.body
    )
    assert not unpublished_numbers(fi.markdown, "fi", allowed_numbers(revised))
    (same,) = build_articles(bundled_published, region="MK17", langs=("fi",), types=("changes",))
    assert "Tämä on ensimmäinen julkaisu, joten korjattuja lukuja ei ole." in same.body
