"""Region names in every article language, all 19 regions; and every article type written for
MK17 from a regional fixture in the live format (SYNTHETIC numbers, never published)."""

from __future__ import annotations

import pandas as pd
import pytest

from assets.reference.classifications import load_regions
from publish.articles import ARTICLE_TYPES, build_articles
from publish.inflection import region_names
from publish.numbers import fmt_index
from tests.collect.fixtures import regional_counts
from tests.publish.article_data import published_from, synthetic_field_counts, synthetic_sources
from tests.publish.number_check import allowed_numbers, unpublished_numbers

# Written by hand: "-maa" regions take the adessive (-lla), the others the inessive (-ssa).
FINNISH_FORMS = {
    "MK01": ("Uusimaa", "Uudellamaalla", "Uudenmaan", "Uudeltamaalta"),
    "MK02": ("Varsinais-Suomi", "Varsinais-Suomessa", "Varsinais-Suomen", "Varsinais-Suomesta"),
    "MK04": ("Satakunta", "Satakunnassa", "Satakunnan", "Satakunnasta"),
    "MK05": ("Kanta-Häme", "Kanta-Hämeessä", "Kanta-Hämeen", "Kanta-Hämeestä"),
    "MK06": ("Pirkanmaa", "Pirkanmaalla", "Pirkanmaan", "Pirkanmaalta"),
    "MK07": ("Päijät-Häme", "Päijät-Hämeessä", "Päijät-Hämeen", "Päijät-Hämeestä"),
    "MK08": ("Kymenlaakso", "Kymenlaaksossa", "Kymenlaakson", "Kymenlaaksosta"),
    "MK09": ("Etelä-Karjala", "Etelä-Karjalassa", "Etelä-Karjalan", "Etelä-Karjalasta"),
    "MK10": ("Etelä-Savo", "Etelä-Savossa", "Etelä-Savon", "Etelä-Savosta"),
    "MK11": ("Pohjois-Savo", "Pohjois-Savossa", "Pohjois-Savon", "Pohjois-Savosta"),
    "MK12": ("Pohjois-Karjala", "Pohjois-Karjalassa", "Pohjois-Karjalan", "Pohjois-Karjalasta"),
    "MK13": ("Keski-Suomi", "Keski-Suomessa", "Keski-Suomen", "Keski-Suomesta"),
    "MK14": ("Etelä-Pohjanmaa", "Etelä-Pohjanmaalla", "Etelä-Pohjanmaan", "Etelä-Pohjanmaalta"),
    "MK15": ("Pohjanmaa", "Pohjanmaalla", "Pohjanmaan", "Pohjanmaalta"),
    "MK16": ("Keski-Pohjanmaa", "Keski-Pohjanmaalla", "Keski-Pohjanmaan", "Keski-Pohjanmaalta"),
    "MK17": (
        "Pohjois-Pohjanmaa",
        "Pohjois-Pohjanmaalla",
        "Pohjois-Pohjanmaan",
        "Pohjois-Pohjanmaalta",
    ),
    "MK18": ("Kainuu", "Kainuussa", "Kainuun", "Kainuusta"),
    "MK19": ("Lappi", "Lapissa", "Lapin", "Lapista"),
    "MK21": ("Ahvenanmaa", "Ahvenanmaalla", "Ahvenanmaan", "Ahvenanmaalta"),
}


def test_the_current_division_has_19_regions():
    # MK03 Itä-Uusimaa ended in 2010: the regions still valid are those the forms list
    table = load_regions()
    current = table[table["kind"].eq("region") & table["valid_to"].eq("")]
    assert sorted(current["code"]) == sorted(FINNISH_FORMS)


@pytest.mark.parametrize("code", sorted(FINNISH_FORMS))
def test_finnish_case_forms_of_every_region(code):
    names = region_names(code, "fi")
    assert (names.name, names.in_, names.genitive, names.elative) == FINNISH_FORMS[code]


def test_swedish_and_english_use_prepositions():
    assert region_names("MK17", "sv").in_ == "i Norra Österbotten"
    assert region_names("MK17", "en").in_ == "in North Ostrobothnia"
    assert region_names("SSS", "fi").in_ == "koko maassa"
    assert region_names("SSS", "sv").in_ == "i hela landet"


@pytest.fixture
def bundled(bundled_published):
    return bundled_published


@pytest.mark.parametrize("code", sorted(FINNISH_FORMS))
def test_every_region_is_inflected_in_a_finnish_article(bundled, code):
    (article,) = build_articles(bundled, region=code, langs=("fi",), types=("overview",))
    name, inessive, genitive, _ = FINNISH_FORMS[code]
    assert article.title == f"Naiset ja miehet eri aloilla: {name} ja koko maa"
    assert f"ovat {inessive} ja koko maassa" in article.summary
    assert f"{genitive} aineistossa on vain kokonaislukuja" in article.body
    assert f"lukuja {genitive} eri ammateista" in article.body


@pytest.fixture(scope="module")
def regional():
    """SYNTHETIC: the collect stage's 115s-style occupations plus field tables made here."""
    counts = pd.concat([regional_counts(), synthetic_field_counts()], ignore_index=True)
    return published_from(counts, synthetic_sources(counts))


@pytest.fixture(scope="module")
def regional_articles(regional):
    # The synthetic tables end in 2023: a run in 2024 still writes the "what changed" article.
    return build_articles(regional, region="MK17", date="2024-06-01")


def test_every_type_is_written_for_mk17_from_regional_tables(regional, regional_articles):
    assert {(a.lang, a.kind) for a in regional_articles} == {
        (lang, kind) for lang in ("fi", "sv", "en") for kind in ARTICLE_TYPES
    }
    fi = {a.slug: a.body for a in regional_articles if a.lang == "fi"}
    idx = regional.indices
    d = idx[
        idx["region_code"].eq("MK17")
        & idx["measure"].eq("employed")
        & idx["level"].eq(3)
        & idx["year"].eq(2023)
        & idx["index"].eq("dissimilarity")
    ]["value"].iloc[0]
    overview = fi["eriytyminen-pohjois-pohjanmaa"]
    assert f"erilaisuusindeksi D oli Pohjois-Pohjanmaalla {fmt_index(d)}" in overview
    assert f"Erilaisuusindeksi D oli Pohjois-Pohjanmaalla {fmt_index(d)} ja koko maassa" in overview
    assert "tasapaino run --source live" not in overview
    fields = fi["koulutusalat-pohjois-pohjanmaa"]
    assert "Pohjois-Pohjanmaalla naisten osuus oli" in fields
    care = fi["pojat-hoitoalalle-pohjois-pohjanmaa"]
    assert "**Terveydenhuollon erityisasiantuntijat, 2023:** Pohjois-Pohjanmaalla naisia" in care
    assert "Miesten osuus" in care
    changes = fi["mita-muuttui-pohjois-pohjanmaa"]
    assert "Vuodesta 2022 vuoteen 2023" in changes and "Pohjois-Pohjanmaalla" in changes
    # Occupations' D fell 0,372 → 0,320 → 0,290: a new low. The field tables' D moved by less
    # than the tolerance, so none of them is called a record.
    assert changes.count("kuin yhtenäkään aiempana vuonna") == 1
    assert "D oli matalampi kuin yhtenäkään aiempana vuonna sarjan alusta vuodesta 2021." in changes
    scorecard = fi["tasa-arvokriteerit-pohjois-pohjanmaa"]
    assert "### Työlliset Pohjois-Pohjanmaalla, 2023" in scorecard


def test_regional_articles_state_only_published_numbers(regional, regional_articles):
    allowed = allowed_numbers(regional)
    for article in regional_articles:
        assert not unpublished_numbers(article.markdown, article.lang, allowed), article.root


def test_regional_charts_compare_the_region_with_the_country(regional_articles):
    article = next(a for a in regional_articles if a.lang == "fi" and a.kind == "fields")
    chart = article.charts["degrees"]
    data = [
        row for layer in chart.spec["layer"] for row in layer["data"]["values"] if "area" in row
    ]
    assert {row["area"] for row in data} == {"Pohjois-Pohjanmaa", "Koko maa"}
