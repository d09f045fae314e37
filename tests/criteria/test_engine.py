"""The engine applies the YAML as written: exact boundaries, thresholds changed in data alone,
small counts left unjudged, and every shipped set present in the results."""

from __future__ import annotations

import pytest
import yaml

from assets.contracts import CRITERIA_RESULTS
from assets.criteria.catalogue import load_catalogue
from assets.criteria.engine import apply_catalogue, apply_set
from assets.criteria.inputs import Inputs, Settings
from tests.criteria.conftest import inputs_of, no_summary, set_of, synthetic_units

CLASSES = "tilastokeskus-segregation-classes"


def units(pairs):
    """SYNTHETIC occupations with (women, total)."""
    return synthetic_units(
        [
            ("employed", "ammatti_2010", "SSS", 2020, str(i), w, t - w)
            for i, (w, t) in enumerate(pairs)
        ]
    )


def statuses(results, criterion):
    return list(results.loc[results["criterion_id"] == criterion, "status"])


def met_class(results):
    """The one class each unit meets, in unit order."""
    met = results[(results["status"] == "met") & (results["subject_type"] == "unit")]
    return list(met.sort_values("unit_code")["criterion_id"])


def test_exactly_40_and_60_percent_are_balanced(catalogue):
    r = apply_set(set_of(catalogue, CLASSES), inputs_of(units([(40, 100), (60, 100)])))
    assert statuses(r, "balanced_40_60") == ["met", "met"]
    assert met_class(r) == ["balanced_40_60", "balanced_40_60"]


def test_just_outside_40_and_60_is_not_balanced(catalogue):
    # 399/1000 = 39.9 % women: male-dominated; 601/1000 = 60.1 %: female-dominated.
    r = apply_set(set_of(catalogue, CLASSES), inputs_of(units([(399, 1000), (601, 1000)])))
    assert met_class(r) == ["men_60_90", "women_60_90"]


def test_exactly_90_percent_women_is_female_dominated_above_is_womens(catalogue):
    r = apply_set(set_of(catalogue, CLASSES), inputs_of(units([(90, 100), (901, 1000)])))
    assert met_class(r) == ["women_60_90", "women_over_90"]


def test_exactly_90_percent_men_is_male_dominated_above_is_mens(catalogue):
    r = apply_set(set_of(catalogue, CLASSES), inputs_of(units([(10, 100), (99, 1000)])))
    assert met_class(r) == ["men_60_90", "men_over_90"]


def test_shares_that_floats_get_wrong_are_classed_exactly(catalogue):
    # 3/5 is 0.6 exactly, but 0.6 * 5 == 3.0000000000000004 in floating point.
    r = apply_set(set_of(catalogue, CLASSES), inputs_of(units([(3, 5), (2, 5)])))
    assert met_class(r) == ["balanced_40_60", "balanced_40_60"]


def test_each_bundled_unit_meets_exactly_one_class(catalogue, shares, indices):
    r = apply_set(
        set_of(catalogue, CLASSES), Inputs(shares, indices, no_summary()), Settings(min_count=1)
    )
    unit_rows = r[r["subject_type"] == "unit"]
    per_subject = unit_rows[unit_rows["status"] == "met"].groupby("subject").size()
    assert per_subject.eq(1).all()
    assert len(per_subject) == shares["total"].gt(0).sum()


def test_small_units_are_insufficient_data(catalogue):
    r = apply_set(
        set_of(catalogue, CLASSES), inputs_of(units([(2, 4), (5, 10)])), Settings(min_count=5)
    )
    unit_rows = r[r["subject_type"] == "unit"].sort_values("unit_code")
    small = unit_rows[unit_rows["unit_code"] == "0"]
    assert set(small["status"]) == {"insufficient_data"}
    assert small["value"].isna().all()
    assert small["evidence"].str.contains("fewer than 5 persons").all()
    assert "balanced_40_60" in met_class(r)


def test_suppressed_count_is_insufficient_data(catalogue):
    data = synthetic_units([("employed", "ammatti_2010", "SSS", 2020, "1", None, 50)])
    r = apply_set(set_of(catalogue, CLASSES), inputs_of(data))
    assert set(r.loc[r["subject_type"] == "unit", "status"]) == {"insufficient_data"}


def test_balanced_share_follows_the_class_bounds_of_the_set(catalogue):
    # SYNTHETIC: units of 40/100 (balanced), 70/100 and 5/100 women → 100 of 300 balanced.
    data = units([(40, 100), (70, 100), (5, 100)])
    r = apply_set(set_of(catalogue, CLASSES), inputs_of(data))
    row = r[r["criterion_id"] == "balanced_share"].iloc[0]
    assert row["value"] == 100 / 300
    assert row["status"] == "met"
    assert row["evidence"].startswith("100 of 300 persons")


def test_threshold_changed_in_the_yaml_file_changes_the_results(catalogue_copy):
    data = units([(42, 100), (30, 100), (80, 100)])
    before = apply_catalogue(load_catalogue(catalogue_copy), inputs_of(data))
    path = catalogue_copy / f"{CLASSES}.yaml"
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    for c in doc["criteria"]:
        if c["id"] == "balanced_40_60":
            c["thresholds"]["low"] = 0.45
        if c["id"] == "men_60_90":
            c["thresholds"]["high"] = 0.45
            c["thresholds"]["include_high"] = False
        if c["id"] == "balanced_share":
            c["thresholds"]["value"] = 0.5
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    after = apply_catalogue(load_catalogue(catalogue_copy), inputs_of(data))
    assert statuses(before, "balanced_40_60") == ["met", "not_met", "not_met"]
    assert statuses(after, "balanced_40_60") == ["not_met", "not_met", "not_met"]
    assert statuses(after, "men_60_90") == ["met", "met", "not_met"]
    # balanced share: 100 of 300 persons (>= 0.10 met) before; 0 of 300 and bound 0.5 after.
    assert statuses(before, "balanced_share") == ["met"]
    assert statuses(after, "balanced_share") == ["not_met"]


@pytest.fixture(scope="module")
def bundled(catalogue, shares, indices):
    return apply_catalogue(catalogue, Inputs(shares, indices, no_summary()))


def test_every_shipped_set_appears_in_the_bundled_results(catalogue, bundled):
    r = bundled
    assert set(r["criteria_set"]) == {s["id"] for s in catalogue}
    for cset in catalogue:
        got = set(r.loc[r["criteria_set"] == cset["id"], "criterion_id"])
        assert got == {c["id"] for c in cset["criteria"]}
        versions = set(r.loc[r["criteria_set"] == cset["id"], "criteria_version"])
        assert versions == {cset["version"]}
    assert not r.duplicated(list(CRITERIA_RESULTS.primary_key)).any()
    assert list(r.columns) == CRITERIA_RESULTS.names
    assert r["evidence"].str.len().gt(0).all()


def test_without_responses_self_assessment_criteria_say_why(catalogue, bundled):
    r = bundled
    osmo = r[r["criteria_set"] == "osmo2-equality"]
    assert len(osmo) == len(set_of(catalogue, "osmo2-equality")["criteria"])
    assert set(osmo["status"]) == {"insufficient_data"}
    assert osmo["evidence"].str.contains("no self-assessment responses").all()


def test_without_regional_tables_the_regional_criteria_say_why(bundled):
    r = bundled
    mk17 = r[
        (r["criterion_id"] == "region_dissimilarity_below_country") & (r["region_code"] == "MK17")
    ]
    assert list(mk17["status"]) == ["insufficient_data"]
    assert "no table of two or more occupations or fields within MK17" in mk17["evidence"].iloc[0]
    pipeline = r[r["criterion_id"] == "education_to_work_pipeline"]
    assert len(pipeline) > 0
    assert set(pipeline["status"]) == {"insufficient_data"}
