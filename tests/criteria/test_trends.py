"""Tasapaino's own criteria, on SYNTHETIC tables whose answers are worked out by hand."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from assets.contracts import SEGREGATION_INDICES, conform
from assets.criteria.engine import apply_criterion
from assets.criteria.inputs import Settings
from tests.criteria.conftest import inputs_of, set_of, synthetic_units


@pytest.fixture
def trends(catalogue):
    return set_of(catalogue, "tasapaino-trends")


def crit(cset, cid):
    (c,) = [c for c in cset["criteria"] if c["id"] == cid]
    return c


def by_subject(rows):
    return rows.set_index("subject")


def test_moving_toward_balance_over_five_years(trends):
    data = synthetic_units(
        [
            # +3 points: 30 % → 33 % women (the minority) — met.
            ("new_students", "koulutusala_2016", "MK17", 2015, "07", 30, 70),
            ("new_students", "koulutusala_2016", "MK17", 2020, "07", 33, 67),
            # exactly +2 points: 30 % → 32 % — met (the bound is included).
            ("new_students", "koulutusala_2016", "MK17", 2015, "06", 30, 70),
            ("new_students", "koulutusala_2016", "MK17", 2020, "06", 32, 68),
            # overshooting parity: minority 45 % women → 42 % men, −3 points — not met.
            ("new_students", "koulutusala_2016", "MK17", 2015, "04", 45, 55),
            ("new_students", "koulutusala_2016", "MK17", 2020, "04", 58, 42),
        ]
    )
    rows = by_subject(
        apply_criterion(crit(trends, "toward_balance"), trends, inputs_of(data), Settings())
    )
    key = "new_students/koulutusala_2016/1/MK17/2020/"
    assert rows.loc[key + "07", "status"] == "met"
    assert rows.loc[key + "07", "value"] == pytest.approx(3.0)
    assert rows.loc[key + "06", "status"] == "met"
    assert rows.loc[key + "06", "value"] == pytest.approx(2.0)
    assert rows.loc[key + "04", "status"] == "not_met"
    assert rows.loc[key + "04", "value"] == pytest.approx(-3.0)
    assert "women in 2015" in rows.loc[key + "04", "evidence"]
    assert "men in 2020" in rows.loc[key + "04", "evidence"]
    first = "new_students/koulutusala_2016/1/MK17/2015/07"
    assert rows.loc[first, "status"] == "insufficient_data"
    assert rows.loc[first, "evidence"] == "no data for 2010 (the rule compares 2010 with 2015)"


def test_years_and_points_come_from_the_yaml(trends):
    data = synthetic_units(
        [
            ("new_students", "koulutusala_2016", "MK17", 2018, "07", 30, 70),
            ("new_students", "koulutusala_2016", "MK17", 2020, "07", 33, 67),
        ]
    )
    rule = copy.deepcopy(crit(trends, "toward_balance"))
    rule["params"]["years"] = 2
    rule["thresholds"]["value"] = 4
    rows = by_subject(apply_criterion(rule, trends, inputs_of(data), Settings()))
    assert rows.loc["new_students/koulutusala_2016/1/MK17/2020/07", "status"] == "not_met"
    assert rows.loc["new_students/koulutusala_2016/1/MK17/2020/07", "threshold"] == (
        "minority_share_change_pp_over_2_years >= 4"
    )


def indices(rows):
    """SYNTHETIC segregation_indices rows: (region, year, index, value)."""
    recs = [
        {
            "dimension": "occupation",
            "classification": "ammatti_2010",
            "level": 1,
            "measure": "employed",
            "region_code": region,
            "region_name_fi": region,
            "year": year,
            "index": index,
            "value": value,
            "ci_low": float("nan"),
            "ci_high": float("nan"),
            "n_units": 10,
            "n_women": 1000,
            "n_men": 1000,
            "source_table": "synthetic",
            "method_note": "",
        }
        for region, year, index, value in rows
    ]
    return conform(pd.DataFrame(recs), SEGREGATION_INDICES)


REGIONAL = [
    ("SSS", 2020, "dissimilarity", 0.40),
    ("MK17", 2020, "dissimilarity", 0.35),
    ("MK13", 2020, "dissimilarity", 0.45),
    ("MK01", 2020, "dissimilarity", 0.40),
    ("MK19", 2021, "dissimilarity", 0.30),
]


def test_a_regions_d_below_the_whole_countrys(trends):
    units = synthetic_units([("employed", "ammatti_2010", "MK18", 2020, "1", 10, 10)])
    rows = by_subject(
        apply_criterion(
            crit(trends, "region_dissimilarity_below_country"),
            trends,
            inputs_of(units, indices(REGIONAL)),
            Settings(),
        )
    )
    key = "employed/ammatti_2010/1/{}/{}"
    assert rows.loc[key.format("MK17", 2020), "status"] == "met"
    assert rows.loc[key.format("MK17", 2020), "value"] == 0.35
    assert rows.loc[key.format("MK13", 2020), "status"] == "not_met"
    assert rows.loc[key.format("MK01", 2020), "status"] == "not_met"  # equal is not below
    assert rows.loc[key.format("MK19", 2021), "status"] == "insufficient_data"
    assert "no dissimilarity for SSS" in rows.loc[key.format("MK19", 2021), "evidence"]
    assert rows.loc["region/MK18", "status"] == "insufficient_data"
    assert "SSS/2020" not in " ".join(rows.index)


def test_reference_comparison_operator_comes_from_the_yaml(trends):
    rule = copy.deepcopy(crit(trends, "region_dissimilarity_below_country"))
    rule["thresholds"]["op"] = "le"
    rows = by_subject(
        apply_criterion(rule, trends, inputs_of(synthetic_units([]), indices(REGIONAL)), Settings())
    )
    assert rows.loc["employed/ammatti_2010/1/MK01/2020", "status"] == "met"


def pipeline_data():
    return synthetic_units(
        [
            # ICT: 40 of 200 new students are women (20 %); occupations 25 + 35 employ
            # 150 women of 1 000 (15 %) → gap +5 points → met.
            ("new_students", "koulutusala_2016", "MK17", 2020, "06", 40, 160),
            ("employed", "ammatti_2010", "MK17", 2020, "25", 100, 400),
            ("employed", "ammatti_2010", "MK17", 2020, "35", 50, 450),
            # Health and welfare: occupations 22 + 32 + 53 employ 250 men of 1 850; men are
            # the minority; 20 of 200 new students are men (10 %) → 10 − 13.5135… = −3.5135…
            ("new_students", "koulutusala_2016", "MK17", 2020, "09", 180, 20),
            ("employed", "ammatti_2010", "MK17", 2020, "22", 300, 100),
            ("employed", "ammatti_2010", "MK17", 2020, "32", 400, 50),
            ("employed", "ammatti_2010", "MK17", 2020, "53", 900, 100),
            # Education: occupation 23 is missing → insufficient.
            ("new_students", "koulutusala_2016", "MK17", 2020, "01", 150, 50),
            # No employed counts at all in MK13 → insufficient.
            ("new_students", "koulutusala_2016", "MK13", 2020, "06", 20, 80),
        ]
    )


def test_education_to_work_pipeline(trends):
    rows = by_subject(
        apply_criterion(
            crit(trends, "education_to_work_pipeline"),
            trends,
            inputs_of(pipeline_data()),
            Settings(),
        )
    )
    key = "new_students/koulutusala_2016/1/{}/2020/{}"
    ict = rows.loc[key.format("MK17", "06")]
    assert ict["status"] == "met"
    assert ict["value"] == pytest.approx(5.0)
    assert "approximate mapping koulutusala_2016-ammatti_2010" in ict["evidence"]
    health = rows.loc[key.format("MK17", "09")]
    assert health["status"] == "not_met"
    assert health["value"] == pytest.approx(10 - 100 * 250 / 1850)
    assert health["evidence"].startswith("men 20 of 200 new students")
    assert rows.loc[key.format("MK17", "01"), "status"] == "insufficient_data"
    assert "occupations 23 missing" in rows.loc[key.format("MK17", "01"), "evidence"]
    assert "no employed counts" in rows.loc[key.format("MK13", "06"), "evidence"]
    assert len(rows) == 4


def test_small_pipeline_counts_are_not_judged(trends):
    rows = apply_criterion(
        crit(trends, "education_to_work_pipeline"),
        trends,
        inputs_of(pipeline_data()),
        Settings(min_count=250),
    )
    assert set(rows["status"]) == {"insufficient_data"}
