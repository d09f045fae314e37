"""Criteria applied from YAML: boundaries and a threshold changed in data alone."""

import copy

import pandas as pd
import pytest

from assets.criteria.catalogue import load_catalogue
from assets.criteria.engine import apply_unit_criteria


@pytest.fixture
def classes():
    (s,) = [c for c in load_catalogue() if c["id"] == "tilastokeskus-segregation-classes"]
    return s


def units(pairs):
    return pd.DataFrame(
        {
            "dimension": "occupation",
            "classification": "ammatti_2010",
            "level": pd.array([1] * len(pairs), dtype="Int64"),
            "measure": "employed",
            "region_code": "SSS",
            "region_name_fi": "Koko maa",
            "year": pd.array([2020] * len(pairs), dtype="Int64"),
            "unit_code": [str(i) for i in range(len(pairs))],
            "women": pd.array([w for w, _ in pairs], dtype="Int64"),
            "total": pd.array([t for _, t in pairs], dtype="Int64"),
            "women_share": [w / t if t else float("nan") for w, t in pairs],
        }
    )


def met(results, criterion):
    r = results[results["criterion_id"] == criterion]
    return list(r["status"])


def test_exact_boundaries(classes):
    r = apply_unit_criteria(classes, units([(40, 100), (60, 100), (90, 100), (91, 100)]))
    assert met(r, "balanced_40_60") == ["met", "met", "not_met", "not_met"]
    assert met(r, "women_60_90") == ["not_met", "not_met", "met", "not_met"]
    assert met(r, "women_over_90") == ["not_met", "not_met", "not_met", "met"]


def test_each_unit_meets_exactly_one_class(classes, shares):
    r = apply_unit_criteria(classes, shares)
    per_subject = r[r["status"] == "met"].groupby("subject").size()
    assert per_subject.eq(1).all()
    assert len(per_subject) == shares["total"].gt(0).sum()


def test_threshold_change_in_yaml_changes_results(classes):
    changed = copy.deepcopy(classes)
    for c in changed["criteria"]:
        if c["id"] == "balanced_40_60":
            c["rule"]["low"] = 0.45
    data = units([(42, 100)])
    assert met(apply_unit_criteria(classes, data), "balanced_40_60") == ["met"]
    assert met(apply_unit_criteria(changed, data), "balanced_40_60") == ["not_met"]


def test_small_units_are_insufficient_data(classes):
    r = apply_unit_criteria(classes, units([(2, 4)]), min_total=5)
    assert set(r["status"]) == {"insufficient_data"}
