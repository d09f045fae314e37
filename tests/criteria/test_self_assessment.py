"""Self-assessment: responses validated against the catalogue, only aggregates published,
small groups suppressed.

All responses here are SYNTHETIC (tests/fixtures/self_assessment_synthetic).
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from dagster import build_asset_context

from assets.contracts import SELF_ASSESSMENT_SUMMARY
from assets.criteria.assets import SelfAssessmentConfig, self_assessment_summary
from assets.criteria.engine import apply_set
from assets.criteria.inputs import Inputs
from assets.criteria.responses import ResponsesError, default_responses_dir, read_responses
from assets.criteria.self_assessment import SuppressionRule, disclosure_problems, summarise
from assets.reference.classifications import load_regions
from tests.criteria.conftest import SYNTHETIC_RESPONSES, no_indices, set_of, synthetic_units


@pytest.fixture(scope="module")
def regions():
    return load_regions()


@pytest.fixture(scope="module")
def responses(catalogue, regions):
    return read_responses(SYNTHETIC_RESPONSES, catalogue, regions)


@pytest.fixture(scope="module")
def summary(responses, regions):
    return summarise(responses, regions)


def row(summary, level, region, criterion="", theme="", dimension=""):
    sel = summary[
        (summary["aggregate_level"] == level)
        & (summary["region_code"] == region)
        & (summary["criterion_id"] == criterion)
        & ((summary["theme"] == theme) if theme else True)
        & ((summary["theme_dimension"] == dimension) if level != "criterion" else True)
    ]
    assert len(sel) == 1, sel
    return sel.iloc[0]


def test_responses_carry_theme_and_region_but_no_comment(responses):
    assert len(responses) == 15
    assert "comment" not in responses.columns
    a = responses[responses["organisation"] == "SYNTHETIC Ohjaamo A"]
    assert set(a["region_code"]) == {"MK17"}
    assert set(a["theme"]) == {"yhdenvertaisuus", "saavutettavuus"}


def test_criterion_aggregate_in_a_region_by_hand(summary):
    # MK17, yhdenvertaisuus-1: A 4, B 5 (its later answer replaces 2), C 3, D 4 → 16 / 4 = 4.
    r = row(summary, "criterion", "MK17", "yhdenvertaisuus-1")
    assert (r["n_organisations"], r["n_responses"], r["mean_score"]) == (4, 4, 4.0)
    assert not r["suppressed"]
    assert r["criteria_version"] == "0.1.1" and r["year"] == 2026


def test_whole_country_aggregate_by_hand(summary):
    # All nine organisations: 4 + 5 + 3 + 4 + 2 + 3 + 4 + 1 + 5 = 31 → 31 / 9.
    r = row(summary, "criterion", "SSS", "yhdenvertaisuus-1")
    assert (r["n_organisations"], r["n_responses"]) == (9, 9)
    assert r["mean_score"] == pytest.approx(31 / 9)
    assert r["region_name_fi"] == "Koko maa"


def test_groups_of_fewer_than_three_organisations_are_suppressed(summary):
    r = row(summary, "criterion", "MK13", "yhdenvertaisuus-1")  # J and K only
    assert r["suppressed"]
    assert pd.isna(r["mean_score"]) and pd.isna(r["n_organisations"])
    assert pd.isna(r["n_responses"])
    assert "fewer than 3 organisations" in r["note"]
    fyys = row(summary, "criterion", "SSS", "saavutettavuus-fyysinen-1")  # A and C only
    assert fyys["suppressed"] and pd.isna(fyys["mean_score"])


def test_secondary_suppression_protects_the_small_region(summary):
    # MK13 (2 organisations) is hidden; SSS − MK17 would reveal MK01 + MK13 = 5 organisations
    # only if MK01 were hidden too, so MK01 (the smallest published region) is suppressed.
    mk01 = row(summary, "criterion", "MK01", "yhdenvertaisuus-1")
    assert mk01["suppressed"] and pd.isna(mk01["mean_score"])
    assert "cannot be derived" in mk01["note"]
    assert not row(summary, "criterion", "MK17", "yhdenvertaisuus-1")["suppressed"]


def test_theme_and_dimension_aggregates_weigh_organisations_equally(summary):
    # saavutettavuus in MK17: A (5 + 3) / 2 = 4, B 4, C (2 + 4) / 2 = 3 → (4 + 4 + 3) / 3.
    theme = row(summary, "theme", "MK17", theme="saavutettavuus")
    assert (theme["n_organisations"], theme["n_responses"]) == (3, 5)
    assert theme["mean_score"] == pytest.approx(11 / 3)
    dim = row(summary, "dimension", "MK17", theme="saavutettavuus", dimension="kielellinen")
    assert dim["mean_score"] == pytest.approx((5 + 4 + 2) / 3)
    assert row(summary, "dimension", "MK17", theme="saavutettavuus", dimension="fyysinen")[
        "suppressed"
    ]


def test_minimum_group_size_is_configurable(responses, regions):
    summary = summarise(responses, regions, SuppressionRule(min_organisations=5))
    assert row(summary, "criterion", "MK17", "yhdenvertaisuus-1")["suppressed"]
    assert not row(summary, "criterion", "SSS", "yhdenvertaisuus-1")["suppressed"]
    loose = summarise(responses, regions, SuppressionRule(min_organisations=2))
    assert row(loose, "criterion", "MK13", "yhdenvertaisuus-1")["mean_score"] == 3.0


def test_summary_never_holds_organisations_or_comments(summary):
    text = summary.to_csv(index=False)
    assert "SYNTHETIC" not in text
    assert list(summary.columns) == SELF_ASSESSMENT_SUMMARY.names
    assert not summary.duplicated(list(SELF_ASSESSMENT_SUMMARY.primary_key)).any()


def test_criteria_results_from_the_aggregates(catalogue, summary):
    osmo = set_of(catalogue, "osmo2-equality")
    inputs = Inputs(synthetic_units([]), no_indices(), summary)
    r = apply_set(osmo, inputs).set_index(["criterion_id", "subject"])
    assert r.loc[("yhdenvertaisuus-1", "organisations/MK17/2026"), "status"] == "met"  # 4 >= 4
    assert r.loc[("yhdenvertaisuus-1", "organisations/SSS/2026"), "status"] == "not_met"
    mk13 = r.loc[("yhdenvertaisuus-1", "organisations/MK13/2026")]
    assert mk13["status"] == "insufficient_data" and pd.isna(mk13["value"])
    assert r.loc[("osallisuus-1", "organisations/all"), "status"] == "insufficient_data"
    assert "SYNTHETIC" not in r.reset_index().to_csv(index=False)


def run_asset(config):
    """The asset's output and its check result, invoked directly."""
    output, check = list(self_assessment_summary(build_asset_context(), config))
    return output.value, check


def test_the_asset_reads_a_configured_folder(tmp_path):
    folder = tmp_path / "responses"
    shutil.copytree(SYNTHETIC_RESPONSES, folder)
    df, check = run_asset(SelfAssessmentConfig(responses_dir=str(folder)))
    assert row(df, "criterion", "MK17", "yhdenvertaisuus-1")["mean_score"] == 4.0
    assert check.passed


def test_the_default_folder_ships_without_responses():
    folder = default_responses_dir()
    assert folder.is_dir()
    assert not list(folder.glob("*.csv"))
    df, check = run_asset(SelfAssessmentConfig())
    assert df.empty and list(df.columns) == SELF_ASSESSMENT_SUMMARY.names
    assert check.passed


def test_disclosure_check_catches_leaks(summary):
    assert disclosure_problems(summary) == []
    leaked = summary.copy()
    hidden = leaked.index[leaked["suppressed"]][0]
    leaked.loc[hidden, "mean_score"] = 2.5
    assert disclosure_problems(leaked) == ["1 suppressed row(s) still carry numbers"]
    # Published groups of exactly 3 organisations: saavutettavuus-kielellinen-1, the
    # saavutettavuus theme and its kielellinen dimension, each in MK17 and SSS.
    assert disclosure_problems(summary, SuppressionRule(min_organisations=4)) == [
        "6 published row(s) rest on fewer than 4 organisations"
    ]
    with_comment = summary.assign(comment="x")
    assert "differ from the contract" in disclosure_problems(with_comment)[0]


@pytest.fixture
def folder(tmp_path):
    target = tmp_path / "responses"
    shutil.copytree(SYNTHETIC_RESPONSES, target)
    return target


def append(folder, line):
    path = folder / "responses_synthetic.csv"
    path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "SYNTHETIC Ohjaamo A,2026-03-02,unknown-criterion,4,",
            r"responses_synthetic\.csv:17: criterion_id 'unknown-criterion' is not a "
            "self-assessment criterion",
        ),
        (
            "SYNTHETIC Ohjaamo A,2026-03-02,yhdenvertaisuus-1,6,",
            r"responses_synthetic\.csv:17: score '6' must be a whole number from 1 to 5",
        ),
        (
            "SYNTHETIC Ohjaamo A,2026-03-02,yhdenvertaisuus-1,0,",
            r"score '0' must be a whole number from 1 to 5",
        ),
        (
            "SYNTHETIC Ohjaamo Z,2026-03-02,yhdenvertaisuus-1,3,",
            r"organisation 'SYNTHETIC Ohjaamo Z' is not in organisations\.csv",
        ),
        (
            "SYNTHETIC Ohjaamo A,2.3.2026,yhdenvertaisuus-1,3,",
            r"date '2\.3\.2026' is not an ISO date",
        ),
        (
            "SYNTHETIC Ohjaamo A,2026-03-02,balanced_40_60,3,",
            r"'balanced_40_60' is not a self-assessment criterion",
        ),
    ],
)
def test_invalid_responses_name_file_line_and_column(folder, catalogue, regions, line, message):
    append(folder, line)
    with pytest.raises(ResponsesError, match=message):
        read_responses(folder, catalogue, regions)


def test_unknown_region_of_an_organisation_is_named(folder, catalogue, regions):
    path = folder / "organisations.csv"
    path.write_text(path.read_text(encoding="utf-8") + "SYNTHETIC Ohjaamo Q,MK99\n")
    with pytest.raises(ResponsesError, match=r"organisations\.csv:11: region_code 'MK99'"):
        read_responses(folder, catalogue, regions)


def test_wrong_columns_are_named(folder, catalogue, regions):
    (folder / "extra.csv").write_text("organisation,pvm,criterion_id,score\n", encoding="utf-8")
    with pytest.raises(ResponsesError, match=r"extra\.csv: columns must be .*missing date"):
        read_responses(folder, catalogue, regions)
