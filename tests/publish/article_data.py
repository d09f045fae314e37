"""Published datasets for the article tests: the bundled snapshot (real data) and a regional
fixture in the live format (SYNTHETIC numbers, never published).

Registered as a pytest plugin in ``tests/conftest.py``, so the session fixtures below are built
once for all article tests. The synthetic fixture joins the collect stage's 115s-style
occupation rows for MK17 and SSS (``tests.collect.fixtures.regional_counts``) with
field-of-education rows made here for the same two areas, so that every article type has a
regional table to write about.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from assets.contracts import COUNTS, SEGREGATION_CHANGE, conform
from assets.criteria.catalogue import load_catalogue
from assets.criteria.engine import apply_catalogue
from assets.criteria.inputs import Inputs
from assets.criteria.self_assessment import summarise
from assets.indices.batch import segregation_indices
from assets.indices.change import segregation_change
from assets.reference.classifications import load_regions
from assets.shares.compute import unit_shares
from publish.articles import PublishedData, build_articles

SYNTHETIC_FIELDS = {
    # code: (fi, sv, en, women's share in per mille for MK17, for SSS)
    "01": ("Kasvatusalat", "Pedagogik", "Education", 820, 840),
    "06": (
        "Tietojenkäsittely ja tietoliikenne (ICT)",
        "Informations- och kommunikationsteknik (IKT)",
        "Information and communication technologies (ICTs)",
        210,
        230,
    ),
    "07": (
        "Tekniikan alat",
        "Teknikområden",
        "Engineering, manufacturing and construction",
        180,
        200,
    ),
    "09": ("Terveys- ja hyvinvointialat", "Hälsovård och välfärd", "Health and welfare", 880, 860),
    "04": (
        "Kauppa, hallinto ja oikeustieteet",
        "Handel, administration och juridik",
        "Business, administration and law",
        560,
        580,
    ),
}
SYNTHETIC_MEASURES = {
    "degrees": ("opiskt/synthetic-degrees", 1000),
    "new_students": ("opiskt/synthetic-new-students", 1500),
    "population_with_qualification": ("vkour/synthetic-12br", 40000),
}
SYNTHETIC_YEARS = (2021, 2022, 2023)


def synthetic_field_counts() -> pd.DataFrame:
    """SYNTHETIC field-of-education counts for MK17 and SSS in the ``counts`` contract.

    Shares move by a few per mille a year so that trends and changes have something to say.
    """
    rows = []
    names = load_regions().set_index("code")["name_fi"]
    for (measure, (table, size)), region, year, (code, spec) in itertools.product(
        SYNTHETIC_MEASURES.items(), ("MK17", "SSS"), SYNTHETIC_YEARS, SYNTHETIC_FIELDS.items()
    ):
        fi, sv, en, share_mk17, share_sss = spec
        per_mille = (share_mk17 if region == "MK17" else share_sss) + 7 * (year - 2021)
        total = size * (10 if region == "SSS" else 1) + 37 * int(code)
        women = total * per_mille // 1000
        for sex, count in (("women", women), ("men", total - women)):
            rows.append(
                {
                    "source": "synthetic",
                    "source_table": table,
                    "dimension": "field_of_education",
                    "classification": "koulutusala_2016",
                    "level": 1,
                    "measure": measure,
                    "unit_code": code,
                    "unit_name_fi": fi,
                    "unit_name_sv": sv,
                    "unit_name_en": en,
                    "region_code": region,
                    "region_name_fi": names[region],
                    "year": year,
                    "sex": sex,
                    "count": count,
                    "status": "",
                    "derivation": "",
                    "retrieved_at": pd.Timestamp("2026-11-28T06:00:00Z"),
                    "source_updated": pd.Timestamp("2026-06-01T05:00:00Z"),
                }
            )
    return conform(pd.DataFrame(rows), COUNTS)


def synthetic_sources(counts: pd.DataFrame) -> pd.DataFrame:
    """A source catalogue row per synthetic table, labelled synthetic."""
    rows = [
        {
            "source": "synthetic",
            "source_table": table,
            "measure": measure,
            "title_fi": "SYNTEETTINEN testitaulukko, ei julkaista",
            "title_en": "SYNTHETIC test table, never published",
            "statistic_fi": "Synteettinen",
            "url": "https://example.invalid/synthetic",
            "published": "2026-06-01",
            "referred": "",
            "men_derived": False,
            "file": "",
            "file_sha256": "",
            "status": "current",
            "note": "",
        }
        for table, measure in sorted(
            set(zip(counts["source_table"], counts["measure"], strict=True))
        )
    ]
    return pd.DataFrame(rows)


def criteria_for(shares: pd.DataFrame, indices: pd.DataFrame) -> pd.DataFrame:
    empty = summarise(pd.DataFrame(), load_regions())
    return apply_catalogue(load_catalogue(), Inputs(shares, indices, empty))


def published_from(counts: pd.DataFrame, sources: pd.DataFrame) -> PublishedData:
    shares = unit_shares(counts)
    indices = segregation_indices(shares)
    return PublishedData(
        unit_shares=shares,
        indices=indices,
        criteria=criteria_for(shares, indices),
        sources=sources,
        counts=counts,
        changes=conform(segregation_change(shares), SEGREGATION_CHANGE),
    )


@pytest.fixture(scope="session")
def bundled_published(counts, shares, indices, sources, changes) -> PublishedData:
    """The bundled snapshot's published datasets (real data), criteria applied."""
    return PublishedData(shares, indices, criteria_for(shares, indices), sources, counts, changes)


@pytest.fixture(scope="session")
def mk17_articles(bundled_published):
    """Every article type in every language for MK17 from the bundled data (charts not drawn)."""
    return build_articles(bundled_published, region="MK17", date="2026-11-28")


@pytest.fixture(scope="session")
def country_articles(bundled_published):
    """Every article type in every language for the whole country from the bundled data."""
    return build_articles(bundled_published, region="SSS", date="2026-11-28")
