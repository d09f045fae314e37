"""Articles a working group can publish as they are: framing rules, sources from what is printed,
vintage, the story first, reader text only for readers, and banned machine phrasing.

Bundled data are real; the regional tables are SYNTHETIC (tests/collect/fixtures.py and
tests/publish/article_data.py), used only to see the regional section appear.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from publish.articles import build_articles, framing
from publish.articles.ledger import Ledger, Row, recording
from publish.numbers import NBSP
from tests.collect.fixtures import regional_counts
from tests.publish.article_data import published_from, synthetic_field_counts, synthetic_sources
from tests.publish.number_check import number_tables, source_mismatches

# Phrases the review of the first public release found in the articles (machine output,
# misleading framing, false statements, reader-facing command lines). None may come back.
BANNED = {
    "fi": [
        r"\w+alat, jossa",  # "kasvatusalat, jossa" (plural name, singular relative)
        r"\bAlalla [a-zäö]",  # "Alalla terveys- ja hyvinvointialat on"
        r"jokainen kriteeri on sovellettu",
        r"Alla ovat koko maan luvut",
        r"Tilastoissa on uusi vuosi",
        r"on julkaistu vain vuosi",
        r"Eniten (naisia|miehiä) (oli|on) (näissä|ryhmässä|tällä)",
        r"ei vielä ole tarkkoja lukuja",
        r"Tasa-ala on esimerkiksi tämä",
        r"Kampanja(n)? (Pojat hoitoalalle|Tytöt ja teknologia)\b(?! -)",
        r"eikä niinkään alojen kokojen muutoksesta",
        r"kuinka moni on aloilla",
        r"näissä ryhmissä, joista kustakin",
        r"eli miesten osuus pysyi ennallaan",
        r"sanamuoto täydennettävä",
        r"ei voi arvioida tämän aineiston perusteella [A-ZÄÖ]\w+lla",
        r"\.[A-ZÄÖ]",  # a sentence glued to the previous one
    ],
    "sv": [
        r"Flest (kvinnor|män) fanns i dessa",
        r"har bara år \d+ publicerats",
        r"Den här segregationen beskrivs här",
        r"Materialet i den här publiceringen",
        r"löntagare i familj\b",
        r"\.[A-ZÅÄÖ]",
    ],
    "en": [
        r"Most (women|men) were in these",
        r"Only \d+ has been published",
        r"women and men moving within fields",
        r"; and [a-z]+ agricultural",
        r"\.[A-Z]",
    ],
}
COMMAND_LINE = re.compile(r"tasapaino\s+(run|check|indices|publish|criteria)|--source|`[^`]*--")


@pytest.fixture(scope="module")
def bundled(bundled_published):
    return bundled_published


@pytest.fixture(scope="module")
def mk17(bundled):
    return build_articles(bundled, region="MK17", date="2026-12-03")


@pytest.fixture(scope="module")
def regional():
    """SYNTHETIC regional tables: occupations (115s-style) and fields for MK17 and SSS."""
    counts = pd.concat([regional_counts(), synthetic_field_counts()], ignore_index=True)
    return published_from(counts, synthetic_sources(counts))


@pytest.fixture(scope="module")
def regional_articles(regional):
    return build_articles(regional, region="MK17", date="2024-06-01")


def reader_text(article) -> str:
    """What a reader sees: the Markdown body (front matter is for the blog software)."""
    return article.body


def first_paragraph(article) -> str:
    return article.body.split("\n\n")[1]


# --- framing rules -----------------------------------------------------------------------


def unit(name: str, share: float, total: int = 100, residual: bool = False) -> dict:
    return {"name": name, "share": share, "total": total, "residual": residual}


def test_dominance_is_by_share_and_a_unit_is_never_in_both_lists():
    # Review case: a 54,0 % women's group had the most men by head-count.
    units = [
        unit("palvelu", 0.747, 313_815),
        unit("erityisasiantuntijat", 0.540, 337_954),
        unit("asiantuntijat", 0.626, 304_506),
        unit("rakennus", 0.084, 140_048),
        unit("sotilaat", 0.035, 6_505),
    ]
    female = [u["name"] for u in framing.most_female(units)]
    male = [u["name"] for u in framing.most_male(units)]
    assert female == ["palvelu", "asiantuntijat"]  # 54,0 % is balanced: in neither list
    assert male == ["sotilaat", "rakennus"]
    assert [u["name"] for u in framing.largest(units, 1)] == ["erityisasiantuntijat"]


def test_no_article_table_puts_a_unit_in_both_dominance_lists(mk17, regional_articles):
    checked = 0
    for article in [*mk17, *regional_articles]:
        body = reader_text(article)
        for female, male in re.findall(
            r"Naisvaltaisimmat [a-zäö]+ olivat (.*?)\n+Miesvaltaisimmat olivat (.*?)\n", body
        ):
            names_f = set(re.findall(r"([^;,]+?) \(naisia", female))
            names_m = set(re.findall(r"([^;,]+?) \(naisia", male))
            assert not {n.strip(" ,;").removeprefix("sekä ") for n in names_f} & {
                n.strip(" ,;").removeprefix("sekä ") for n in names_m
            }, article.root
            checked += 1
    assert checked >= 2


def test_every_published_table_ranks_disjointly(bundled):
    from publish.articles import data as d

    shares = bundled.unit_shares
    for key, part in shares.groupby(["measure", "classification", "level", "region_code", "year"]):
        records = d.unit_records(part, "fi", d.residuals(bundled))
        female = {r["code"] for r in framing.most_female(records)}
        male = {r["code"] for r in framing.most_male(records)}
        assert not female & male, key
        if len(part) == 1:
            assert not framing.rankable(records), key


def test_single_units_and_residuals_are_never_ranked_or_classified(bundled):
    assert framing.rankable([unit("lukiolaiset", 0.586)]) == []
    rows = [unit("a", 0.7), unit("b", 0.3), unit("jäännös", 0.66, 400_000, residual=True)]
    assert [u["name"] for u in framing.largest(rows)] == ["a", "b"]
    assert framing.is_residual("X", "Tuntematon")
    assert framing.is_residual("10+99", "Palvelualat sekä muu tai tuntematon koulutusala")
    assert not framing.is_residual("9", "Muut työntekijät")
    keys = framing.residual_keys(bundled.counts)
    assert any(code == "10+99" for _, code in keys)
    assert not any(code == "AMK" for _, code in keys)  # men = total − women is not a residual


def test_the_story_first_prefers_a_criterion_not_met_then_region_then_change():
    change = framing.Finding("change", 5.6, {})
    region = framing.Finding("region_vs_country", 0.4, {})
    criterion = framing.Finding("criterion_not_met", -1.5, {})
    assert framing.story_first([change, region, criterion]) is criterion
    assert framing.story_first([change, region]) is region
    assert framing.story_first([framing.Finding("change", 1.0, {}), change]) is change
    assert framing.story_first([]) is None


def test_the_mk17_upper_secondary_finding_leads_the_scorecard(mk17):
    # criteria_results: boys 43.3 % (3 436 of 7 935) in 2013, 41.8 % (3 502 of 8 384) in 2018.
    scorecard = next(a for a in mk17 if a.lang == "fi" and a.kind == "scorecard")
    lead = first_paragraph(scorecard)
    assert lead.startswith(
        f"Vuonna 2018 Pohjois-Pohjanmaan lukiokoulutuksen opiskelijoista 41,8{NBSP}% oli poikia, "
        f"kun vuonna 2013 osuus oli 43,3{NBSP}%."
    )
    assert "ei siis täyttynyt" in lead
    assert "Lukiolaiset Pohjois-Pohjanmaalla: poikien osuus" in scorecard.body
    en = next(a for a in mk17 if a.lang == "en" and a.kind == "scorecard")
    assert "boys made up 41.8% of general upper secondary students in 2018" in first_paragraph(en)


def test_scorecard_classes_no_single_total_and_publishes_no_placeholder(mk17):
    for article in (a for a in mk17 if a.kind == "scorecard"):
        body = article.body
        assert "Yleissivistävä koulutus |" not in body.split("### Tutkinnon")[0]
        assert "Ammattikorkeakoulukoulutus (kaikki alat)" not in body
        assert "### Lukiolaiset" not in body and "täydennettävä" not in body
    fi = next(a for a in mk17 if a.lang == "fi" and a.kind == "scorecard").body
    assert (
        "Kriteeristöä ”OSMO2-hankkeen yhdenvertaisuuskriteerit Ohjaamoille” ei vielä julkaista, "
        "koska sen kriteerien tekstit ovat kesken." in fi
    )
    assert "tekstit täydennettävinä" not in fi  # the status is not part of the set's name
    # balanced_share: national results, every table met (≥ 10 %).
    assert f"Perheelliset palkansaajat koko maassa, 2015: tasa-aloilla 23,5{NBSP}%" in fi


# --- sources from what is printed --------------------------------------------------------


def test_the_ledger_records_only_the_numbers_read():
    ledger = Ledger()
    row = Row(
        {"name": "x", "share": 0.5, "old": 0.4}, ("t1", "m", 2019), {"old": ("t0", "m", 2018)}
    )
    with recording(ledger):
        _ = row["name"], row["share"]
    assert ledger.used == {("t1", "m", 2019)}
    with recording(ledger):
        _ = row["old"]
    assert ledger.tables == {"t0", "t1"}
    _ = row["share"]  # outside recording: nothing happens
    assert len(ledger.used) == 2


@pytest.mark.parametrize("which", ["mk17", "regional_articles"])
def test_every_printed_number_is_from_a_listed_table_and_every_listed_table_is_used(
    which, request, bundled, regional
):
    articles = request.getfixturevalue(which)
    published = bundled if which == "mk17" else regional
    tables = number_tables(published)
    for article in articles:
        assert article.sources, article.root
        assert not source_mismatches(article, published, tables), article.root
        listing = article.body.split("## Lähteet")[-1] if article.lang == "fi" else article.body
        for table in article.sources:
            url = published.sources.loc[published.sources["source_table"].eq(table), "url"]
            assert url.iloc[0] in listing, (article.root, table)


def test_the_overview_cites_the_tables_of_every_year_it_quotes(mk17):
    # Review: the overview quoted 2017 and plotted 2018 but cited only 2019.
    overview = next(a for a in mk17 if a.lang == "fi" and a.kind == "overview")
    assert {
        "yop_2017_2018-05-08_tau_001_fi",
        "yop_2018_2019-05-09_tau_001_fi",
        "yop_2019_2020-05-13_tau_001_fi",
    } <= set(overview.sources)


def test_the_check_catches_a_missing_and_an_unused_table(mk17, bundled):
    from dataclasses import replace

    overview = next(a for a in mk17 if a.lang == "fi" and a.kind == "overview")
    missing = replace(overview, sources=[t for t in overview.sources if not t.startswith("tyokay")])
    assert any("not listed" in p for p in source_mismatches(missing, bundled))
    care = next(a for a in mk17 if a.lang == "fi" and a.slug.startswith("pojat"))
    for unused in ("tyokay_2015_04_2017-10-20_tau_002", "lop_2019_2020-06-16_tau_002_en"):
        extra = replace(care, sources=[*care.sources, unused])
        assert f"listed table {unused} holds no printed number" in source_mismatches(extra, bundled)


# --- vintage -------------------------------------------------------------------------------


def test_every_lead_names_the_newest_year_per_topic_and_the_html_shows_the_date(mk17):
    for article in mk17:
        words = {"fi": "Uusin tilastovuosi on 2019", "sv": "senaste statistikåret är 2019"}
        assert words.get(article.lang, "newest statistical year is 2019") in article.body
        assert '<time datetime="2026-12-03">' in article.html, article.root
    fi = next(a for a in mk17 if a.lang == "fi" and a.kind == "overview")
    assert "(työssäkäynti 2015, yksityisen sektorin kuukausipalkat 2015 sekä " in fi.body
    assert "ammattikorkeakoulukoulutus 2003)" in fi.body
    assert "3.12.2026" in fi.html


def test_no_what_changed_article_when_the_newest_year_is_over_two_years_old(bundled):
    kinds = {a.kind for a in build_articles(bundled, region="MK17", date="2026-12-03")}
    assert "changes" not in kinds
    recent = build_articles(
        bundled, region="MK17", langs=("fi",), types=("changes",), date="2021-05-01"
    )
    assert len(recent) == 1 and "uusi vuosi" not in recent[0].body
    assert "Uusimmat luvut ovat vuodelta 2019." in recent[0].body


def test_figures_older_than_ten_years_are_flagged(mk17):
    fi = next(a for a in mk17 if a.lang == "fi" and a.kind == "overview").body
    assert "**Ammattikorkeakouluopiskelijat, 2003 (yli kymmenen vuotta vanha tieto):**" in fi
    assert "**Lukiolaiset, 2019:**" in fi


# --- the region against the country --------------------------------------------------------


def test_a_regional_table_gets_a_region_against_country_section(regional_articles, regional):
    fi = next(a for a in regional_articles if a.lang == "fi" and a.kind == "overview").body
    assert "### Pohjois-Pohjanmaa ja koko maa, 2023" in fi
    section = fi.split("### Pohjois-Pohjanmaa ja koko maa, 2023")[1]
    assert "Erilaisuusindeksi D oli Pohjois-Pohjanmaalla" in section
    assert "Tasa-aloilla (naisia 40–60 %) oli Pohjois-Pohjanmaalla" in section
    assert "| Pohjois-Pohjanmaa: naisia | Luokka | Koko maa: naisia | Luokka |" in section
    assert re.search(r"\| [^|]+ \| [\d,]+\u00a0% \| (naisvaltainen|tasa|miesvaltainen)", section)
    assert "Tuntematon |" not in section  # the residual row is not classified
    en = next(a for a in regional_articles if a.lang == "en" and a.kind == "overview").body
    assert "### North Ostrobothnia and Finland as a whole, 2023" in en


def test_without_a_regional_table_the_articles_say_the_figures_are_national(mk17):
    fi = next(a for a in mk17 if a.lang == "fi" and a.kind == "overview").body
    assert "### Pohjois-Pohjanmaa ja koko maa" not in fi
    assert "Tässä aineistossa ei ole ammatteja eikä koulutusaloja maakunnittain" in fi
    assert "Pohjois-Pohjanmaan aineistossa on vain kokonaislukuja" in fi


# --- reader text ---------------------------------------------------------------------------


def test_no_article_text_contains_a_command_line(mk17, regional_articles, country_articles):
    for article in [*mk17, *regional_articles, *country_articles]:
        assert not COMMAND_LINE.search(reader_text(article)), article.root
        assert not COMMAND_LINE.search(article.html), article.root
    notes = [n for a in mk17 for n in a.front_matter().get("maintainer_notes", [])]
    assert notes and all("--source live" in n for n in notes)


@pytest.mark.parametrize("which", ["mk17", "regional_articles", "country_articles"])
def test_no_article_contains_a_banned_phrase(which, request):
    for article in request.getfixturevalue(which):
        text = article.body.split("\n## Lähteet")[0].split("\n## Källor")[0]
        text = text.split("\n## Sources")[0]
        text = re.sub(r"\]\([^)]*\)|<https?://[^>]+>|\d\.\d", " ", text)
        for pattern in BANNED[article.lang]:
            found = re.search(pattern, text)
            assert not found, (article.root, pattern, text[found.start() - 60 : found.end() + 20])


def test_plain_language_boxes_use_shares_only_and_end_before_the_text(mk17):
    for article in (a for a in mk17 if a.lang == "fi"):
        box = re.search(r"> \*\*Selkokielellä\*\*\n>\n((?:>.*\n)+)", article.body)
        assert box, article.root
        after = article.body[box.end() :]
        assert after.startswith("\n"), article.root  # a blank line closes the quote
        lines = [line[2:] for line in box.group(1).splitlines()]
        for line in lines:
            assert not re.search(r"\d{1,3}\u00a0\d{3}|\b[A-Z]{2,}\d|_", line), line
            for sentence in re.split(r"(?<=\.) ", line):
                assert len(sentence.split()) <= 14, sentence


def test_unit_names_are_inflected_from_the_vocabulary(mk17):
    fields = next(a for a in mk17 if a.lang == "fi" and a.kind == "fields").body
    assert "Naisia oli suhteessa eniten kasvatusaloilla" in fields
    assert "tietojenkäsittelyn ja tietoliikenteen (ICT) aloilla" in fields
    care = next(a for a in mk17 if a.lang == "fi" and a.slug.startswith("pojat")).body
    assert "> Terveys- ja hyvinvointialoilla on enemmän naisia kuin miehiä." in care


# --- pasting into a blog ---------------------------------------------------------------------


def test_base_url_makes_markdown_links_absolute_and_html_links_the_versions(bundled):
    base = "https://example.org/tasapaino/latest"
    articles = build_articles(
        bundled, region="MK17", types=("overview",), date="2026-12-03", base_url=base
    )
    fi = next(a for a in articles if a.lang == "fi")
    md = fi.markdown
    assert f"]({base}/articles/fi/eriytyminen-pohjois-pohjanmaa/occupations.svg)" in md
    assert f"]({base}/data/unit_shares.csv)" in md
    assert "](../" not in md.split("---", 2)[2]
    html = fi.html
    assert 'href="../../../index.html"' in html
    assert 'hreflang="sv" href="../../sv/segregation-norra-osterbotten/index.html"' in html
    assert 'hreflang="en"' in html and 'src="occupations.svg"' in html
    plain = build_articles(bundled, region="MK17", langs=("fi",), types=("overview",), base_url="")
    assert "](occupations.svg)" in plain[0].markdown


def test_the_public_url_can_come_from_the_environment(bundled, monkeypatch):
    monkeypatch.setenv("TASAPAINO_PUBLIC_URL", "https://example.org/r")
    (fi,) = build_articles(bundled, region="MK17", langs=("fi",), types=("overview",))
    assert "](https://example.org/r/data/sources.csv)" in fi.markdown
