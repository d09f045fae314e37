"""The quality rules of every dataset, as data: one rule = one GX expectation = one Dagster check.

A rule names the view it judges (checks/views.py), the Great Expectations expectation class and
its arguments, its severity, and two sentences for a maintainer: what is wrong when it fails and
what to do. Nothing here imports GX or Dagster, so the Dagster code location can declare every
check (and the UI can list them) without paying for the GX import; ``checks.gx_runner`` turns
rules into expectations only when a check runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from assets import dataset_registry
from assets.contracts import (
    COUNTS,
    CRITERIA_RESULTS,
    SEGREGATION_CHANGE,
    SEGREGATION_INDICES,
    UNIT_SHARES,
    Contract,
)
from assets.reference.classifications import load_regions
from checks.config import QualityConfig
from checks.views import CELL_KEY, RAW_SEXES, SEXES, TABLE_KEY, TREND_KEY

Severity = Literal["error", "warn"]
WHOLE = r"^-?[0-9]+$"

# Columns that locate a failing row of each view, in the order a message names them.
WHERE: dict[str, dict[str, list[str]]] = {
    "counts": {
        "rows": ["row", "source_table", "measure", "region_code", "year_text", "unit_code", "sex"],
        "cells": ["first_row", "source_table", "measure", "region_code", "year", "unit_code"],
        "tables": [*TABLE_KEY],
        "coverage": ["measure", "year", "region_code", "expected"],
        "changes": ["first_row", *TREND_KEY, "year", "count", "previous_year", "previous_count"],
    },
    "unit_shares": {"rows": ["row", "measure", "region_code", "year", "unit_code"]},
    "segregation_change": {"rows": ["row", "measure", "region_code", "year_start", "year_end"]},
    "segregation_indices": {"rows": ["row", "measure", "region_code", "year", "index"]},
    "criteria_results": {"rows": ["row", "criteria_set", "criterion_id", "subject"]},
    "raw": {
        "rows": ["cell", "region", "year", "unit", "sex"],
        "dimensions": ["role"],
        "table": ["table"],
        "totals": ["first_cell", "region", "year", "unit"],
    },
}

WHERE["api_counts"] = WHERE["counts"]


def where_columns(dataset: str, view: str) -> list[str]:
    """The columns that locate a failing row: ``WHERE``, or for a registered dataset without an
    entry there its row number and primary key (from its metadata file)."""
    if dataset in WHERE:
        return WHERE[dataset].get(view, [])
    spec = dataset_registry.registry().get(dataset)
    return ["row", *spec.primary_key] if spec is not None and view == "rows" else []


@dataclass(frozen=True)
class Rule:
    name: str
    view: str
    expectation: str
    kwargs: dict[str, Any]
    what: str
    fix: str
    severity: Severity = "error"
    extra: dict[str, Any] = field(default_factory=dict)


def _schema(contract: Contract) -> list[Rule]:
    return [
        Rule(
            "columns_match_contract",
            "input",
            "ExpectTableColumnsToMatchSet",
            {"column_set": contract.names, "exact_match": True},
            f"the columns differ from the {contract.name} contract",
            f"give the table exactly the columns {', '.join(contract.names)} "
            "(docs/data-contracts.md); rename or add the missing ones, drop the extra ones",
        ),
    ]


def _not_null(view: str, columns: list[str], what: str, fix: str) -> list[Rule]:
    return [
        Rule(f"{c}_present", view, "ExpectColumnValuesToNotBeNull", {"column": c}, what % c, fix)
        for c in columns
    ]


def counts_rules(config: QualityConfig) -> list[Rule]:
    regions = sorted(load_regions()["code"])
    return [
        *_schema(COUNTS),
        Rule(
            "has_rows",
            "rows",
            "ExpectTableRowCountToBeBetween",
            {"min_value": 1},
            "the table has no rows",
            "check that the file holds data below its header; an empty answer is no data",
        ),
        *_not_null(
            "rows",
            ["source_table", "measure", "classification", "region_code", "unit_code", "sex"],
            "%s is empty",
            "fill in the key column on every row; a row without it cannot be traced",
        ),
        Rule(
            "level_is_whole_number",
            "rows",
            "ExpectColumnValuesToMatchRegex",
            {"column": "level_text", "regex": r"^[1-9][0-9]*$"},
            "level is not a whole number from 1 up",
            "write the classification level as 1, 2, 3 … (1 = broadest)",
        ),
        Rule(
            "year_is_a_year",
            "rows",
            "ExpectColumnValuesToMatchRegex",
            {"column": "year_text", "regex": r"^(?:19|20)[0-9]{2}$"},
            "year is not a four-digit year",
            "write the statistical year as four digits, e.g. 2019",
        ),
        Rule(
            "count_is_whole_number",
            "rows",
            "ExpectColumnValuesToMatchRegex",
            {"column": "count_text", "regex": WHOLE},
            "count is not a whole number (text, a decimal, or a thousands separator)",
            "write counts as plain digits (1234, no spaces or decimals); leave a suppressed cell "
            "empty and put the source's mark (e.g. '..') in status",
        ),
        Rule(
            "count_not_negative",
            "rows",
            "ExpectColumnValuesToBeBetween",
            {"column": "count_value", "min_value": 0},
            "count is negative",
            "correct the number from the source table; a suppressed cell is empty, not negative",
        ),
        Rule(
            "sex_is_women_or_men",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "sex", "value_set": list(SEXES)},
            "sex is not 'women' or 'men'",
            "map the source's codes (StatFin 2 = women, 1 = men) and drop total rows; a total "
            "belongs to the source, not to counts",
        ),
        Rule(
            "region_is_known",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "region_code", "value_set": regions},
            "region code is not in data/classifications/regions.csv",
            "use SSS, MA1 or MK01…MK21; if the region division changed, add the code to "
            "regions.csv with its valid years",
        ),
        Rule(
            "unit_in_classification",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "unit_in_code_list", "value_set": [True]},
            "unit code is not a code of the declared classification level",
            "check unit_code, classification and level against data/classifications/<name>.csv; "
            "a new code needs a line there",
        ),
        Rule(
            "code_list_shipped",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "code_list", "value_set": ["ok"]},
            "no code list ships for this classification level, so its unit codes were not checked",
            "record the level's code list with `tasapaino snapshot refresh` "
            "(data/classifications/)",
            severity="warn",
        ),
        Rule(
            "keys_unique",
            "rows",
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": [*CELL_KEY, "sex"]},
            "the same table, measure, level, region, year, unit and sex occurs more than once",
            "remove the duplicate rows; if both are real, they belong to different measures",
        ),
        Rule(
            "both_sexes_in_every_cell",
            "cells",
            "ExpectColumnValuesToBeInSet",
            {"column": "sexes_present", "value_set": [",".join(SEXES)]},
            "a cell (table, region, year, unit) lacks a row for women or for men",
            "add the missing row; if the source suppressed it, add it with an empty count and the "
            "source's mark in status",
        ),
        Rule(
            "women_plus_men_equals_source_total",
            "rows",
            "ExpectColumnValuesToNotMatchRegex",
            {"column": "derivation", "regex": r"^check: women \+ men"},
            "women + men differ from the total the source publishes (collect flagged the cell)",
            "compare the cell with the source table; if the source itself is inconsistent, "
            "report it to the publisher before releasing these numbers",
        ),
        Rule(
            "suppressed_share_under_limit",
            "tables",
            "ExpectColumnValuesToBeBetween",
            {"column": "suppressed_share", "max_value": config.suppressed_share_max},
            f"more than {config.suppressed_share_max:.0%} of a table's cells are suppressed "
            "(empty count)",
            "query a coarser level or a larger region, or raise suppressed_share_max in "
            "checks/quality.yaml if this table is meant to be this sparse",
        ),
        Rule(
            "expected_years_and_regions_present",
            "coverage",
            "ExpectColumnValuesToBeInSet",
            {"column": "present", "value_set": [True]},
            "an expected year or region is missing",
            "fetch or transcribe the missing year/region, or change the expectation in "
            "checks/quality.yaml (coverage) if the source no longer has it",
        ),
        Rule(
            "plausible_change_since_previous_release",
            "changes",
            "ExpectColumnValuesToBeBetween",
            {
                "column": "relative_change",
                "min_value": -config.plausibility_max_change,
                "max_value": config.plausibility_max_change,
            },
            f"a count moved more than {config.plausibility_max_change:.0%} against the previous "
            "release",
            "compare with the source: a revision or a real change is fine (it goes to the "
            "changelog); a wrong table or unit is not",
            severity="warn",
        ),
    ]


def unit_shares_rules() -> list[Rule]:
    classes = ["women_over_90", "women_60_90", "balanced_40_60", "men_60_90", "men_over_90"]
    return [
        *_schema(UNIT_SHARES),
        Rule(
            "keys_unique",
            "rows",
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": list(UNIT_SHARES.primary_key)},
            "a unit occurs twice in the same table, region and year",
            "fix the duplicate in counts; unit_shares has one row per unit",
        ),
        Rule(
            "total_is_women_plus_men",
            "rows",
            "ExpectColumnPairValuesToBeEqual",
            {
                "column_A": "total",
                "column_B": "women_plus_men",
                "ignore_row_if": "either_value_is_missing",
            },
            "total differs from women + men",
            "recompute unit_shares from counts (assets/shares/compute.py)",
        ),
        Rule(
            "women_share_between_0_and_1",
            "rows",
            "ExpectColumnValuesToBeBetween",
            {"column": "women_share", "min_value": 0, "max_value": 1},
            "women's share is outside 0–1",
            "check the women and men counts of the unit",
        ),
        Rule(
            "segregation_class_known",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "segregation_class", "value_set": classes},
            "segregation class is not one of Statistics Finland's five",
            f"use one of {', '.join(classes)} (assets/shares/classes.py)",
        ),
    ]


def segregation_indices_rules() -> list[Rule]:
    return [
        *_schema(SEGREGATION_INDICES),
        Rule(
            "keys_unique",
            "rows",
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": list(SEGREGATION_INDICES.primary_key)},
            "an index occurs twice for the same table, region and year",
            "fix the index batch (assets/indices/batch.py)",
        ),
        Rule(
            "index_not_below_range",
            "rows",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "value",
                "column_B": "lower",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "an index is below its range (D, Gini, H, S, IP and M ≥ 0; A ≥ 1)",
            "a formula or its input is wrong: check the index in assets/indices/",
        ),
        Rule(
            "index_not_above_range",
            "rows",
            "ExpectColumnPairValuesAToBeGreaterThanB",
            {
                "column_A": "upper",
                "column_B": "value",
                "or_equal": True,
                "ignore_row_if": "either_value_is_missing",
            },
            "an index is above its range (D, Gini, H, S ≤ 1; IP ≤ 0.5; M ≤ ln 2)",
            "a formula or its input is wrong: check the index in assets/indices/",
        ),
        Rule(
            "index_range_configured",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "range_configured", "value_set": [True]},
            "an index has no range configured, so its values were not range-checked",
            "add the index id with its range to the index registry in "
            "assets/indices/segregation_indices.meta.yml",
            severity="warn",
        ),
        Rule(
            "undefined_value_has_reason",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "undefined_without_reason", "value_set": [False]},
            "an index value is empty without a method_note saying why",
            "give every undefined index a reason in method_note",
        ),
    ]


def criteria_results_rules() -> list[Rule]:
    return [
        *_schema(CRITERIA_RESULTS),
        Rule(
            "keys_unique",
            "rows",
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": list(CRITERIA_RESULTS.primary_key)},
            "a criterion is judged twice for the same subject",
            "fix the criteria engine or the catalogue (assets/criteria/)",
        ),
        Rule(
            "status_known",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "status", "value_set": ["met", "not_met", "insufficient_data"]},
            "status is not met, not_met or insufficient_data",
            "fix the criteria engine (assets/criteria/engine.py)",
        ),
        Rule(
            "evidence_given",
            "rows",
            "ExpectColumnValueLengthsToBeBetween",
            {"column": "evidence_text", "min_value": 1},
            "a result has no evidence",
            "every status must carry the numbers behind it in evidence",
        ),
    ]


PARTS_TOLERANCE = 1e-9
"""How far the three parts of a change in IP may miss the change (rounding of floats only)."""


def segregation_change_rules() -> list[Rule]:
    return [
        *_schema(SEGREGATION_CHANGE),
        Rule(
            "keys_unique",
            "rows",
            "ExpectCompoundColumnsToBeUnique",
            {"column_list": list(SEGREGATION_CHANGE.primary_key)},
            "a pair of years occurs twice for the same table and region",
            "fix the change split (assets/indices/change.py, segregation_change)",
        ),
        *_not_null(
            "rows",
            ["ip_start", "ip_end", "ip_change"],
            "%s is empty, though both years have units counted in indices",
            "IP is defined for every published pair: check the counts of the two years and "
            "assets/indices/change.py",
        ),
        Rule(
            "parts_add_up_to_change",
            "rows",
            "ExpectColumnValuesToBeBetween",
            {"column": "parts_off_by", "min_value": 0, "max_value": PARTS_TOLERANCE},
            f"mix, composition and units changed miss ip_change by more than {PARTS_TOLERANCE}",
            "the split is wrong: check karmel_maclachlan_change in assets/indices/change.py",
        ),
        Rule(
            "parts_all_or_none",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "partly_split", "value_set": [False]},
            "some parts of a change are given and others are empty",
            "a split is either complete or not made: check assets/indices/change.py",
        ),
        Rule(
            "unsplit_change_has_reason",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "unsplit_without_reason", "value_set": [False]},
            "a change is not split and method_note does not say why",
            "give every unsplit change a reason in method_note",
        ),
        Rule(
            "ip_in_range",
            "rows",
            "ExpectColumnValuesToBeBetween",
            {"column": "ip_end", "min_value": 0, "max_value": 0.5},
            "IP of the second year is outside 0–0.5",
            "a formula or its input is wrong: check assets/indices/twogroup.py",
        ),
        Rule(
            "years_in_order",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "end_after_start", "value_set": [True]},
            "year_end is not after year_start",
            "pairs run from a table's earlier year to its next one: check assets/indices/change.py",
        ),
    ]


def raw_rules(config: QualityConfig) -> list[Rule]:
    regions = sorted(load_regions()["code"])
    return [
        Rule(
            "dimension_present",
            "dimensions",
            "ExpectColumnValuesToBeInSet",
            {"column": "present", "value_set": [True]},
            "a dimension the pipeline needs (region alue_*, sex sukupuoli_*, year timeperiod_* "
            "or vuosi*, and the unit) is missing from the response",
            "ask for every variable in the query (tables YAML); if the table changed, update "
            "the configuration from its metadata",
        ),
        Rule(
            "value_is_whole_number",
            "rows",
            "ExpectColumnValuesToMatchRegex",
            {"column": "value_text", "regex": WHOLE},
            "a value is not a whole number",
            "the response is not a count table as expected: check the contentscode asked for",
        ),
        Rule(
            "value_not_negative",
            "rows",
            "ExpectColumnValuesToBeBetween",
            {"column": "value", "min_value": 0},
            "a value is negative",
            "report it to Statistics Finland; do not publish the table until corrected",
        ),
        Rule(
            "sex_code_known",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "sex", "value_set": list(RAW_SEXES)},
            "a sex code is not StatFin's 1 (men), 2 (women) or SSS (total)",
            "check the sukupuoli variable of the table's metadata; map a new code in collect",
        ),
        Rule(
            "region_code_known",
            "rows",
            "ExpectColumnValuesToBeInSet",
            {"column": "region", "value_set": regions},
            "a region code is not in data/classifications/regions.csv",
            "check the alue variable; a new regional division needs its codes in regions.csv",
        ),
        Rule(
            "year_is_a_year",
            "rows",
            "ExpectColumnValuesToMatchRegex",
            {"column": "year", "regex": r"^(?:19|20)[0-9]{2}$"},
            "a time code is not a four-digit year",
            "query annual data (timeperiod_y); monthly or quarterly tables are not supported",
        ),
        Rule(
            "suppressed_share_under_limit",
            "table",
            "ExpectColumnValuesToBeBetween",
            {"column": "suppressed_share", "max_value": config.suppressed_share_max},
            f"more than {config.suppressed_share_max:.0%} of the cells are suppressed",
            "query a coarser level or a larger region, or raise suppressed_share_max in "
            "checks/quality.yaml",
        ),
        Rule(
            "total_is_women_plus_men",
            "totals",
            "ExpectColumnPairValuesToBeEqual",
            {"column_A": "total", "column_B": "women_plus_men"},
            "women + men differ from the published total (sex code SSS)",
            "report the inconsistency to Statistics Finland, or flag the cell in collect",
        ),
    ]


def schema_rules(spec: dataset_registry.DatasetSpec) -> list[Rule]:
    """The schema half of a dataset's rules, read from its metadata file: exactly its columns,
    required fields filled in, unique primary key, ``enum``/``minimum``/``maximum`` constraints.

    Used for every dataset that has no hand-written suite here; the project's own datasets keep
    theirs (same checks, with messages written for their rows)."""
    name = spec.name
    where = f"{spec.path.name}"
    out = [
        Rule(
            "columns_match_contract",
            "input",
            "ExpectTableColumnsToMatchSet",
            {"column_set": spec.names, "exact_match": True},
            f"the columns differ from the {name} contract",
            f"give the table exactly the columns {', '.join(spec.names)} ({where})",
        )
    ]
    out += _not_null(
        "rows", spec.required(), "%s is empty", f"fill in the column on every row ({where})"
    )
    if spec.primary_key:
        single = len(spec.primary_key) == 1
        out.append(
            Rule(
                "keys_unique",
                "rows",
                "ExpectColumnValuesToBeUnique" if single else "ExpectCompoundColumnsToBeUnique",
                {"column": spec.primary_key[0]}
                if single
                else {"column_list": list(spec.primary_key)},
                f"a key ({', '.join(spec.primary_key)}) occurs twice",
                "keep one row per key; fix the asset that produces the dataset",
            )
        )
    for f in spec.fields:
        if "enum" in f.constraints:
            values = list(f.constraints["enum"])
            out.append(
                Rule(
                    f"{f.name}_known",
                    "rows",
                    "ExpectColumnValuesToBeInSet",
                    {"column": f.name, "value_set": values},
                    f"{f.name} is not one of {', '.join(map(str, values))}",
                    f"use one of the values listed in {where}",
                )
            )
        low, high = f.constraints.get("minimum"), f.constraints.get("maximum")
        if low is not None or high is not None:
            out.append(
                Rule(
                    f"{f.name}_in_range",
                    "rows",
                    "ExpectColumnValuesToBeBetween",
                    {"column": f.name, "min_value": low, "max_value": high},
                    f"{f.name} is outside {low if low is not None else ''}–"
                    f"{high if high is not None else ''}",
                    f"check the values against the constraints in {where}",
                )
            )
    return out


def declared_rules(spec: dataset_registry.DatasetSpec, config: QualityConfig) -> list[Rule]:
    """The cross-row rules a metadata file points at (``dagster.rules: module:function``; the
    function takes the gate's configuration and returns a list of ``Rule``)."""
    target = (spec.raw.get("dagster") or {}).get("rules")
    if not target:
        return []
    module, _, attr = str(target).partition(":")
    try:
        fn: Callable[[QualityConfig], list[Rule]] = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError) as exc:
        raise dataset_registry.MetadataError(
            f"{spec.path}: dagster.rules {target!r} cannot be loaded ({exc}); give "
            "'module:function'"
        ) from None
    return list(fn(config))


def all_rules(config: QualityConfig) -> dict[str, list[Rule]]:
    """Every dataset's rules; the keys are the Dagster asset names (plus ``raw``).

    ``api_counts`` (the API tables before they join the transcribed ones) meets the counts rules
    except two: it is empty in an offline run with no recordings, and its change against the
    previous release is judged once, on ``counts``. A registered dataset without a suite here
    gets the rules its metadata file implies plus the ones it declares (``schema_rules``,
    ``declared_rules``).
    """
    api = [
        r
        for r in counts_rules(config)
        if r.name not in {"has_rows", "plausible_change_since_previous_release"}
    ]
    return {
        "api_counts": api,
        "counts": counts_rules(config),
        "unit_shares": unit_shares_rules(),
        "segregation_indices": segregation_indices_rules(),
        "criteria_results": criteria_results_rules(),
        "segregation_change": segregation_change_rules(),
        "raw": raw_rules(config),
        **{
            name: [*schema_rules(spec), *declared_rules(spec, config)]
            for name, spec in dataset_registry.registry().items()
            if spec.checks and name not in _OWN_SUITES
        },
    }


# Datasets whose whole suite is written above.
_OWN_SUITES = frozenset(
    {"counts", "unit_shares", "segregation_indices", "criteria_results", "segregation_change"}
)
