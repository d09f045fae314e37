"""Column contracts between pipeline stages, as the stages use them (see docs/data-contracts.md).

The columns, dtypes and descriptions of each dataset are written once, in its
``<dataset>.meta.yml`` beside the asset that produces it; ``assets.dataset_registry`` reads
them. This module keeps the small ``Contract`` view the computing code is written against, and
``conform``, which enforces a contract at a stage boundary: it fails loudly on a missing column
instead of letting a silent NaN column travel to the release.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from assets import dataset_registry
from assets.dataset_registry import ContractError

__all__ = ["ALL", "Column", "Contract", "ContractError", "conform", "contract"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    description_en: str
    description_fi: str


@dataclass(frozen=True)
class Contract:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def contract(name: str) -> Contract:
    """The contract of a dataset described in the registry."""
    spec = dataset_registry.dataset(name)
    return Contract(
        spec.name,
        tuple(
            Column(f.name, f.dtype, f.description["en"], f.description["fi"]) for f in spec.fields
        ),
        spec.primary_key,
    )


COUNTS = contract("counts")
UNIT_SHARES = contract("unit_shares")
SEGREGATION_INDICES = contract("segregation_indices")
CRITERIA_RESULTS = contract("criteria_results")
SEGREGATION_CHANGE = contract("segregation_change")
# The published `sources` dataset: one row per source table and measure (from source_catalog).
# Kept out of ALL: it describes the inputs, it is not a stage's output.
SOURCES = contract("sources")
SELF_ASSESSMENT_SUMMARY = contract("self_assessment_summary")
CRITERIA_CATALOGUE = contract("criteria_catalogue")

ALL = {
    c.name: c
    for c in (
        COUNTS,
        UNIT_SHARES,
        SEGREGATION_INDICES,
        CRITERIA_RESULTS,
        SEGREGATION_CHANGE,
        SELF_ASSESSMENT_SUMMARY,
        CRITERIA_CATALOGUE,
    )
}


def conform(df: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """Return ``df`` with exactly the contract's columns, in order, with the contract's types."""
    return dataset_registry.conform(df, contract)
