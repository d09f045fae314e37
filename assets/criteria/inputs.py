"""What the engine judges (the pipeline's datasets) and how strictly (settings)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Settings:
    """Engine settings; the Dagster asset exposes them as run configuration.

    ``min_count``: a subject whose persons (women + men) number fewer than this, in any count a
    rule uses, is ``insufficient_data`` rather than judged on a handful of people.
    """

    min_count: int = 5

    def __post_init__(self) -> None:
        if self.min_count < 1:
            raise ValueError(f"min_count must be at least 1, got {self.min_count}")


@dataclass(frozen=True)
class Inputs:
    """The published datasets a criteria set is applied to."""

    unit_shares: pd.DataFrame
    segregation_indices: pd.DataFrame
    self_assessment_summary: pd.DataFrame
