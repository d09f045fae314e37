"""The source configuration: what the live run reads, and one clear line per mistake."""

from __future__ import annotations

import pytest

from assets.collect.tables import ConfigError, load_statfin_tables, load_vipunen_resources


def test_the_configured_tables_cover_the_issue():
    tables = {(t.id, t.measure) for t in load_statfin_tables()}
    assert {("tyokay/115s", "employed"), ("tyokay/115q", "employed")} <= tables
    assert ("vkour/12br", "population_with_qualification") in tables
    opiskt = {m for t, m in tables if t.startswith("opiskt/")}
    assert opiskt == {"new_students", "degrees"}


def test_unconfirmed_ids_are_marked():
    unconfirmed = {t.id for t in load_statfin_tables() if not t.confirmed}
    assert unconfirmed == {"opiskt/12bd"}
    assert not load_vipunen_resources()[0].confirmed


def test_115s_reads_levels_1_to_3_by_region_and_115q_levels_1_to_5_nationally():
    by_key = {(t.id, t.measure): t for t in load_statfin_tables()}
    assert by_key[("tyokay/115s", "employed")].levels == (1, 2, 3)
    assert by_key[("tyokay/115s", "employed")].region == "alue"
    assert by_key[("tyokay/115q", "employed")].levels == (1, 2, 3, 4, 5)
    assert by_key[("tyokay/115q", "employed")].region is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("id: 115s\n    measure: m", r"id '115s' must look like folder/table"),
        ("id: tyokay/115s\n    measure: m\n    dimension: wages", r"dimension 'wages' is not"),
        (
            "id: tyokay/115s\n    dimension: occupation",
            r"tables\[0\] \(tyokay/115s\): missing 'measure'",
        ),
    ],
)
def test_mistakes_name_the_file_and_entry(tmp_path, entry, message):
    path = tmp_path / "statfin.yaml"
    path.write_text(
        "defaults: {sex: sukupuoli, time: timeperiod}\ntables:\n  - " + entry + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=message):
        load_statfin_tables(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"vipunen.yaml: source configuration file is missing"):
        load_vipunen_resources(tmp_path / "vipunen.yaml")
