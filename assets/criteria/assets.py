"""Dagster assets of the equality criteria stage: the self-assessment summary and the results.

Self-assessment responses are read inside ``self_assessment_summary`` and never stored as an
asset of their own: organisation-level rows and comments do not leave that step.
"""

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    Config,
    MetadataValue,
    Output,
    asset,
)

from assets.criteria.catalogue import catalogue_table, catalogue_versions, load_catalogue
from assets.criteria.engine import apply_catalogue
from assets.criteria.inputs import Inputs, Settings
from assets.criteria.responses import default_responses_dir, read_responses
from assets.criteria.self_assessment import SuppressionRule, disclosure_problems, summarise
from assets.reference.classifications import load_regions

GROUP = "criteria"


class SelfAssessmentConfig(Config):
    """``responses_dir``: folder of response CSVs and organisations.csv (empty: the default
    ``data/self_assessment``); ``min_organisations``: smallest group whose aggregate is shown."""

    responses_dir: str = ""
    min_organisations: int = 3


class CriteriaConfig(Config):
    """``min_count``: fewer persons than this in a count a rule uses → insufficient_data."""

    min_count: int = Settings.min_count


@asset(
    group_name=GROUP,
    description="Every criterion of the catalogue with its set version, source, verbatim flag, "
    "rule and texts in Finnish, Swedish and English.",
)
def criteria_catalogue(context: AssetExecutionContext) -> pd.DataFrame:
    catalogue = load_catalogue()
    df = catalogue_table(catalogue)
    context.add_output_metadata(
        {
            "dagster/row_count": len(df),
            "criteria_sets": MetadataValue.json(catalogue_versions(catalogue)),
        }
    )
    return df


@asset(
    group_name=GROUP,
    description="Self-assessment scores of guidance organisations aggregated by theme, "
    "dimension and criterion, region and year; groups of fewer than three organisations "
    "suppressed. Never organisation-level rows or comments.",
    check_specs=[
        AssetCheckSpec(
            "only_safe_aggregates",
            asset="self_assessment_summary",
            blocking=True,
            description="No organisation or comment column, no numbers on suppressed rows, "
            "no published group below the minimum number of organisations.",
        )
    ],
)
def self_assessment_summary(
    context: AssetExecutionContext, config: SelfAssessmentConfig
) -> Iterator[Output[pd.DataFrame] | AssetCheckResult]:
    catalogue = load_catalogue()
    folder = Path(config.responses_dir) if config.responses_dir else default_responses_dir()
    regions = load_regions()
    rule = SuppressionRule(config.min_organisations)
    responses = read_responses(folder, catalogue, regions)
    df = summarise(responses, regions, rule)
    yield Output(
        df,
        metadata={
            "dagster/row_count": len(df),
            "criteria_sets": MetadataValue.json(catalogue_versions(catalogue)),
            "responses_read": len(responses),
            "suppressed_rows": int(df["suppressed"].sum()) if len(df) else 0,
        },
    )
    problems = disclosure_problems(df, rule)
    yield AssetCheckResult(
        check_name="only_safe_aggregates",
        passed=not problems,
        metadata={"problems": MetadataValue.json(problems)},
    )


@asset(
    group_name=GROUP,
    description="Every criterion of every shipped criteria set applied to every subject, with "
    "its set, version, threshold and evidence (insufficient_data with the reason where nothing "
    "can be judged).",
)
def criteria_results(
    context: AssetExecutionContext,
    config: CriteriaConfig,
    unit_shares: pd.DataFrame,
    segregation_indices: pd.DataFrame,
    self_assessment_summary: pd.DataFrame,
) -> pd.DataFrame:
    catalogue = load_catalogue()
    inputs = Inputs(unit_shares, segregation_indices, self_assessment_summary)
    df = apply_catalogue(catalogue, inputs, Settings(min_count=config.min_count))
    context.add_output_metadata(
        {
            "dagster/row_count": len(df),
            "criteria_sets": MetadataValue.json(catalogue_versions(catalogue)),
            "status": MetadataValue.json(
                {str(k): int(v) for k, v in df["status"].value_counts().items()}
            ),
        }
    )
    return df
