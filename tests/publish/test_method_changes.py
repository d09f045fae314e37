"""Changes of method are declared once and reach the changelog of the first release built with
them, and of no later one."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from publish import bundle, method_changes
from publish.changelog import compare_counts, render
from publish.history import load_previous
from publish.release import write_release
from tests.publish.release_fixtures import RUN_DATE
from tests.publish.test_changelog import NEW, OLD


def test_the_shipped_changes_load_in_version_order():
    changes = method_changes.load()
    assert [c.version for c in changes] == list(range(2, 2 + len(changes)))
    assert method_changes.current_version(changes) == changes[-1].version
    exact = next(c for c in changes if c.version == 2)
    assert exact.dataset == "segregation_indices"
    assert exact.what == ("dissimilarity_expected", "mutual_information_m_expected")
    assert "2–4 %" in exact.fi and "2–4 %" in exact.en


def test_a_malformed_entry_is_named(tmp_path):
    path = tmp_path / "changes.yaml"
    path.write_text("- version: 2\n  date: 2026-11-28\n  dataset: x\n  what: [y]\n  fi: z\n")
    with pytest.raises(ValueError, match=r"changes.yaml: entry 1 needs .* en"):
        method_changes.load(path)
    path.write_text("- {version: 3, date: 2026-11-28, dataset: x, what: [y], fi: z, en: z}\n")
    with pytest.raises(ValueError, match="entry 1 must have version 2"):
        method_changes.load(path)


def _change(version: int) -> method_changes.MethodChange:
    return method_changes.MethodChange(
        version,
        dt.date(2026, 11, 28),
        "segregation_indices",
        ("a", "b"),
        "Suomeksi.",
        "In English.",
    )


def test_the_changelog_lists_the_changes_since_the_previous_release():
    changes = [_change(2), _change(3)]
    diff = compare_counts(OLD, NEW)
    text = render("r2", "r1", diff, [], "", method_changes.since(changes, 2)).decode()
    assert "### Menetelmämuutokset (method changes)" in text
    assert "- segregation_indices (a, b), 2026-11-28: Suomeksi. (In English.)" in text
    assert text.count("segregation_indices (a, b)") == 1  # version 2 was already in r1
    unchanged = render("r2", "r1", diff, [], "", method_changes.since(changes, 3)).decode()
    assert "Ei menetelmämuutoksia (no method changes)." in unchanged


def test_the_previous_release_says_which_method_version_it_had(tmp_path):
    package = {"tasapaino": {"code_version": "abc", "method_version": 2}}
    write_release(tmp_path, "20200101-20260101", {"datapackage.json": json.dumps(package).encode()})
    assert load_previous(tmp_path, "20200101-20260201").method_version == 2
    # Releases from before the versions were recorded: the baseline.
    write_release(tmp_path, "20200101-20260301", {"datapackage.json": b"{}"})
    assert load_previous(tmp_path, "20200101-20260401").method_version == method_changes.BASELINE


def test_a_release_records_its_method_version_and_lists_what_its_predecessor_lacked(
    release_datasets, sources
):
    current = method_changes.current_version(method_changes.load())
    older = bundle.Previous(
        release_id="20201105-20261001", counts=release_datasets["counts"], method_version=1
    )
    files = bundle.build(
        release_datasets, sources, {}, run_date=RUN_DATE, code_version="test", previous=older
    )
    assert json.loads(files["datapackage.json"])["tasapaino"]["method_version"] == current
    log = files["CHANGELOG.md"].decode("utf-8")
    assert "segregation_indices (dissimilarity_expected, mutual_information_m_expected)" in log
    same = bundle.Previous(
        release_id="20201105-20261001", counts=release_datasets["counts"], method_version=current
    )
    files = bundle.build(
        release_datasets, sources, {}, run_date=RUN_DATE, code_version="test", previous=same
    )
    assert "Ei menetelmämuutoksia" in files["CHANGELOG.md"].decode("utf-8")
