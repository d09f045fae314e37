"""Validate a dataset by name: build its views, run its rules, return the outcomes.

The Dagster checks, the release's quality report and ``tasapaino check`` all come through here,
so a file checked by hand meets exactly the rules the pipeline applies.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd

from assets import dataset_registry
from checks import views
from checks.config import QualityConfig, load_config
from checks.gx_runner import Outcome, Validator, shared_validator
from checks.suites import Rule, all_rules


def datasets() -> tuple[str, ...]:
    """The datasets with blocking checks: ``dagster.checks`` in their metadata file."""
    return tuple(dataset_registry.checked_datasets())


@cache
def config() -> QualityConfig:
    return load_config()


def rules() -> dict[str, list[Rule]]:
    """Every dataset's rules (built once per set of registered datasets)."""
    return _rules(datasets())


@cache
def _rules(names: tuple[str, ...]) -> dict[str, list[Rule]]:
    return all_rules(config())


def dataset_views(
    name: str, df: pd.DataFrame, *, previous: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    if name in ("counts", "api_counts"):
        return views.counts_views(df, config(), previous)
    if name == "unit_shares":
        return views.unit_shares_views(df)
    if name == "segregation_indices":
        return views.segregation_indices_views(df, config())
    if name == "criteria_results":
        return views.criteria_results_views(df)
    if name == "segregation_change":
        return views.segregation_change_views(df)
    if name in dataset_registry.registry() and name in rules():
        return views.numbered_rows_views(df)
    raise KeyError(f"no quality suite for dataset '{name}'")


def check_dataset(
    name: str,
    df: pd.DataFrame,
    *,
    previous: pd.DataFrame | None = None,
    validator: Validator | None = None,
) -> list[Outcome]:
    """Every rule of ``name`` applied to ``df`` (``previous``: the last release's counts)."""
    return (validator or shared_validator()).validate(
        name, rules()[name], dataset_views(name, df, previous=previous)
    )


def check_raw(
    parsed: pd.DataFrame, texts: dict[int, str], *, validator: Validator | None = None
) -> list[Outcome]:
    """Rules of a parsed json-stat2 response (see ``checks.reading.read_jsonstat``)."""
    return (validator or shared_validator()).validate(
        "raw", rules()["raw"], views.raw_views(parsed, texts, config())
    )


def structural_failure(dataset: str, message: str) -> Outcome:
    """A response the parser rejected (size ≠ values, a gap in an index …) as one outcome."""
    return Outcome(
        dataset=dataset,
        rule="jsonstat_structure",
        severity="error",
        passed=False,
        what="the json-stat2 dataset is inconsistent",
        fix="fetch the response again; if it persists, the query or the service is broken",
        failing=1,
        sample=[{"problem": message}],
    )


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    errors = [o for o in outcomes if o.blocking]
    warnings = [o for o in outcomes if not o.passed and o.severity == "warn"]
    return {"rules": len(outcomes), "errors": len(errors), "warnings": len(warnings)}
