"""Shared fixtures: the bundled snapshot read once per session."""

from __future__ import annotations

import pandas as pd
import pytest

from assets.collect.transcribed import provenance, read_tables, to_counts
from assets.contracts import SEGREGATION_CHANGE, conform
from assets.indices.batch import segregation_indices
from assets.indices.change import segregation_change
from assets.reference.paths import snapshot_dir
from assets.shares.compute import unit_shares

# Fixtures for every test package: browser checks (tests/browser/harness.py) and the prepared
# inputs of the release step (tests/publish/release_fixtures.py), the articles' published
# datasets (tests/publish/article_data.py).
pytest_plugins = (
    "tests.browser.harness",
    "tests.publish.release_fixtures",
    "tests.publish.article_data",
)


@pytest.fixture(scope="session")
def transcribed():
    return read_tables(snapshot_dir() / "transcribed")


@pytest.fixture(scope="session")
def counts(transcribed) -> pd.DataFrame:
    return to_counts(transcribed)


@pytest.fixture(scope="session")
def sources(transcribed) -> pd.DataFrame:
    return provenance(transcribed)


@pytest.fixture(scope="session")
def shares(counts) -> pd.DataFrame:
    return unit_shares(counts)


@pytest.fixture(scope="session")
def indices(shares) -> pd.DataFrame:
    return segregation_indices(shares)


@pytest.fixture(scope="session")
def changes(shares) -> pd.DataFrame:
    """``segregation_change`` of the bundled snapshot, as its asset returns it."""
    return conform(segregation_change(shares), SEGREGATION_CHANGE)
