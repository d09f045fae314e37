"""The rules, one behaviour each, on small SYNTHETIC tables with the numbers worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from checks.gate import check_dataset, check_raw
from checks.gx_runner import Validator


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def failed(outcomes) -> dict[str, object]:
    return {o.rule: o for o in outcomes if not o.passed}


def counts_table(
    rows: list[tuple[str, int, str, object]], measure: str = "synthetic"
) -> pd.DataFrame:
    """(region, year, sex, count) rows of one SYNTHETIC koulutusala 2016 level-1 table."""
    return pd.DataFrame(
        [
            {
                "source": "synthetic",
                "source_table": "synthetic/1",
                "dimension": "field_of_education",
                "classification": "koulutusala_2016",
                "level": 1,
                "measure": measure,
                "unit_code": "01",
                "unit_name_fi": "Kasvatusalat",
                "unit_name_sv": "",
                "unit_name_en": "",
                "region_code": region,
                "region_name_fi": "",
                "year": year,
                "sex": sex,
                "count": count,
                "status": "" if count is not None else "..",
                "derivation": "",
                "retrieved_at": None,
                "source_updated": None,
            }
            for region, year, sex, count in rows
        ]
    )


def test_bundled_counts_pass_every_rule(counts, validator):
    outcomes = check_dataset("counts", counts, validator=validator)
    assert failed(outcomes) == {}
    assert len(outcomes) >= 20


def test_bundled_downstream_datasets_pass(shares, indices, validator):
    assert failed(check_dataset("unit_shares", shares, validator=validator)) == {}
    assert failed(check_dataset("segregation_indices", indices, validator=validator)) == {}


def test_suppressed_share_limit_is_inclusive(validator):
    # 2 of 4 cells suppressed = 0.5, the configured limit: passes; 3 of 4 = 0.75: fails
    cells = [("SSS", 2019, "women", None), ("SSS", 2019, "men", None)]
    half = counts_table([*cells, ("MK17", 2019, "women", 5), ("MK17", 2019, "men", 7)])
    assert "suppressed_share_under_limit" not in failed(
        check_dataset("counts", half, validator=validator)
    )
    half.loc[2, "count"] = None
    bad = failed(check_dataset("counts", half, validator=validator))
    assert bad["suppressed_share_under_limit"].sample[0]["value"] == 0.75


def test_plausibility_is_a_warning_above_half(validator):
    previous = counts_table([("SSS", 2019, "women", 100), ("SSS", 2019, "men", 100)])
    current = counts_table([("SSS", 2019, "women", 151), ("SSS", 2019, "men", 150)])
    outcomes = check_dataset("counts", current, previous=previous, validator=validator)
    bad = failed(outcomes)
    # women 151 / 100 − 1 = 0.51 > 0.5; men 150 / 100 − 1 = 0.5 is allowed
    assert set(bad) == {"plausible_change_since_previous_release"}
    warning = bad["plausible_change_since_previous_release"]
    assert warning.severity == "warn" and not warning.blocking and warning.failing == 1
    assert warning.sample[0]["sex"] == "women" and warning.sample[0]["value"] == 0.51


def test_plausibility_compares_a_new_year_with_the_latest_earlier_one(validator):
    previous = counts_table([("SSS", 2018, "women", 1000), ("SSS", 2018, "men", 1000)])
    current = counts_table([("SSS", 2019, "women", 400), ("SSS", 2019, "men", 1000)])
    bad = failed(check_dataset("counts", current, previous=previous, validator=validator))
    sample = bad["plausible_change_since_previous_release"].sample
    assert [(s["year"], s["previous_year"], s["value"]) for s in sample] == [(2019, 2018, -0.6)]


def test_small_counts_are_not_judged_for_plausibility(validator):
    # both below plausibility_min_count (50): 10 → 40 is +300 % but says nothing
    previous = counts_table([("SSS", 2019, "women", 10), ("SSS", 2019, "men", 10)])
    current = counts_table([("SSS", 2019, "women", 40), ("SSS", 2019, "men", 10)])
    assert failed(check_dataset("counts", current, previous=previous, validator=validator)) == {}


def indices_table(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "dimension": "occupation",
                "classification": "ammatti_2010",
                "level": 1,
                "measure": "synthetic",
                "region_code": "SSS",
                "region_name_fi": "Koko maa",
                "year": 2019,
                "index": name,
                "value": value,
                "ci_low": None,
                "ci_high": None,
                "n_units": 3,
                "n_women": 10,
                "n_men": 10,
                "source_table": "synthetic/1",
                "method_note": "",
            }
            for name, value in values.items()
        ]
    )


def test_index_ranges(validator):
    table = indices_table(
        {
            "dissimilarity": 1.2,  # above [0, 1]
            "karmel_maclachlan": 0.6,  # above [0, 0.5]
            "charles_grusky_a": 0.9,  # below [1, ∞)
            "gini": 0.3,
            "hutchens": 0.0,
            "theil_h": 1.0,
        }
    )
    bad = failed(check_dataset("segregation_indices", table, validator=validator))
    above = {s["index"] for s in bad["index_not_above_range"].sample}
    below = {s["index"] for s in bad["index_not_below_range"].sample}
    assert above == {"dissimilarity", "karmel_maclachlan"} and below == {"charles_grusky_a"}


def test_unconfigured_index_only_warns(validator):
    bad = failed(
        check_dataset("segregation_indices", indices_table({"new_index": 7.0}), validator=validator)
    )
    assert (
        set(bad) == {"index_range_configured"} and bad["index_range_configured"].severity == "warn"
    )


def test_undefined_index_needs_a_reason(validator):
    table = indices_table({"dissimilarity": float("nan")})
    assert "undefined_value_has_reason" in failed(
        check_dataset("segregation_indices", table, validator=validator)
    )
    table["method_note"] = "undefined: one sex has no persons in these units"
    assert failed(check_dataset("segregation_indices", table, validator=validator)) == {}


def raw_frame(women: float, men: float, total: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ammatti_104_20161021": ["2", "2", "2"],
            "alue_28_20250101": ["MK17"] * 3,
            "sukupuoli_9_20180101": ["SSS", "1", "2"],
            "timeperiod_y": ["2023"] * 3,
            "contentscode": ["lkm"] * 3,
            "value": pd.array([total, men, women], dtype="Float64"),
            "status": ["", "", ""],
        }
    )


def test_raw_totals_must_add_up(validator):
    assert failed(check_raw(raw_frame(10, 5, 15), {}, validator=validator)) == {}
    bad = failed(check_raw(raw_frame(10, 5, 16), {}, validator=validator))
    assert set(bad) == {"total_is_women_plus_men"}
    assert bad["total_is_women_plus_men"].sample[0]["region"] == "MK17"


def test_segregation_change_rules(changes, validator):
    assert len(changes) > 0
    assert failed(check_dataset("segregation_change", changes, validator=validator)) == {}
    off = changes.copy()
    off.loc[0, "ip_mix_effect"] += 2e-9  # the parts now miss the change by 2e-9 > 1e-9
    assert set(failed(check_dataset("segregation_change", off, validator=validator))) == {
        "parts_add_up_to_change"
    }
    unsplit = changes.copy()
    unsplit.loc[0, ["ip_mix_effect", "ip_composition_effect", "ip_units_changed"]] = float("nan")
    assert set(failed(check_dataset("segregation_change", unsplit, validator=validator))) == {
        "unsplit_change_has_reason"
    }
    unsplit["method_note"] = unsplit["method_note"].astype(object)
    unsplit.loc[0, "method_note"] = "no unit has persons in both years: the change cannot be split"
    assert failed(check_dataset("segregation_change", unsplit, validator=validator)) == {}
    unsplit.loc[0, "ip_units_changed"] = 0.0
    assert set(failed(check_dataset("segregation_change", unsplit, validator=validator))) == {
        "parts_all_or_none"
    }
    twice = pd.concat([changes, changes.head(1)], ignore_index=True)
    missing = changes.copy()
    missing.loc[0, "ip_end"] = float("nan")
    assert "keys_unique" in failed(check_dataset("segregation_change", twice, validator=validator))
    bad = failed(check_dataset("segregation_change", missing, validator=validator))
    assert "ip_end_present" in bad
    wrong = changes.drop(columns="method_note")
    assert "columns_match_contract" in failed(
        check_dataset("segregation_change", wrong, validator=validator)
    )
