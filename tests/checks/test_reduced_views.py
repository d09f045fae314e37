"""GX judging the reduced view (checks/vectorised.py) gives exactly the outcomes of GX judging
the whole view: the same verdicts, counts, failing rows and failing values, for every file of
the bad-input corpus, the bundled datasets and SYNTHETIC tables with many failures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assets.collect.files import Unreadable
from checks.gate import check_dataset, check_raw
from checks.gx_runner import SAMPLE, Validator
from checks.reading import read_input
from checks.vectorised import per_value
from tests.checks.corpus import CORPUS, manifest


@pytest.fixture(scope="module")
def whole() -> Validator:
    return Validator(reduce_above=None)


@pytest.fixture(scope="module")
def reduced() -> Validator:
    return Validator(reduce_above=0)  # every view reduced, however short


def same(a, b) -> None:
    assert [o.rule for o in a] == [o.rule for o in b]
    for x, y in zip(a, b, strict=True):
        assert (x.passed, x.failing, x.checked, x.error) == (
            y.passed,
            y.failing,
            y.checked,
            y.error,
        ), x.rule
        assert x.sample == y.sample, x.rule
        assert x.values == y.values, x.rule
        assert x.observed == y.observed, x.rule


@pytest.mark.parametrize("name", sorted(manifest()))
def test_corpus_file(name, whole, reduced):
    try:
        item = read_input(CORPUS / name)
    except Unreadable:
        pytest.skip("unreadable: judged before any rule")
    if item.kind == "jsonstat2":
        if item.structure_error:
            pytest.skip("structure error: judged before any rule")
        same(
            check_raw(item.frame, item.texts, validator=whole),
            check_raw(item.frame, item.texts, validator=reduced),
        )
    else:
        same(
            check_dataset("counts", item.frame, validator=whole),
            check_dataset("counts", item.frame, validator=reduced),
        )


def test_bundled_datasets_and_a_changed_previous_release(counts, shares, indices, whole, reduced):
    previous = counts.copy()
    previous["count"] = previous["count"] * 3
    for name, frame, prev in (
        ("counts", counts, previous),
        ("unit_shares", shares, None),
        ("segregation_indices", indices, None),
    ):
        same(
            check_dataset(name, frame, previous=prev, validator=whole),
            check_dataset(name, frame, previous=prev, validator=reduced),
        )


def test_many_failures_of_every_kind(counts, shares, indices, whole, reduced):
    rng = np.random.default_rng(7)
    bad = pd.concat([counts, counts.head(3 * SAMPLE)], ignore_index=True)  # repeated keys
    n = len(bad)
    bad["count"] = bad["count"].astype(object)
    picks = rng.choice(n, 4 * SAMPLE, replace=False)
    bad.loc[picks[: SAMPLE * 2], "count"] = -5
    bad.loc[picks[SAMPLE * 2 :], "count"] = "12.5"
    bad.loc[rng.choice(n, 3 * SAMPLE, replace=False), "region_code"] = "XX9"
    bad.loc[rng.choice(n, 2 * SAMPLE, replace=False), "sex"] = None
    same(
        check_dataset("counts", bad, validator=whole),
        check_dataset("counts", bad, validator=reduced),
    )

    s = shares.copy()
    s.loc[s.index[: 2 * SAMPLE], "total"] = s["total"].iloc[: 2 * SAMPLE] + 1
    s.loc[s.index[5 : 5 + 2 * SAMPLE], "women_share"] = 1.5
    same(
        check_dataset("unit_shares", s, validator=whole),
        check_dataset("unit_shares", s, validator=reduced),
    )
    i = indices.copy()
    i["value"] = pd.to_numeric(i["value"], errors="coerce")
    i.loc[i.index[: 3 * SAMPLE], "value"] = 7.0
    i.loc[i.index[-SAMPLE:], "index"] = "not_configured"
    same(
        check_dataset("segregation_indices", i, validator=whole),
        check_dataset("segregation_indices", i, validator=reduced),
    )


def test_per_value_judges_each_distinct_value_once():
    seen: list[object] = []

    def judge(values: pd.Series) -> pd.Series:
        seen.extend(values)
        return values.str.startswith("a")

    series = pd.Series(["ab", "b", None, "ab", "ac"] * 1000)
    assert per_value(series, judge).tolist() == [True, False, False, True, True] * 1000
    assert sorted(seen) == ["ab", "ac", "b"]
