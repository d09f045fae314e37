"""Hand-given StatFin and Vipunen files read into ``counts`` as an API answer would be.

Every fixture is SYNTHETIC (tests/fixtures/table_files/README.md); the expected numbers follow
from the leaf counts written out in tests/fixtures/table_files/generate.py."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

import assets.collect.table_files as table_files
from assets.collect.table_files import HandedTable, TableFileError, read_table_file
from assets.collect.tables import load_statfin_tables, load_vipunen_resources

HERE = Path(__file__).resolve().parents[2] / "fixtures" / "table_files"
KEY = ["unit_code", "region_code", "year", "sex"]
COMPARED = [*KEY, "level", "count", "status"]


@pytest.fixture(scope="module")
def configured():
    return load_statfin_tables(), load_vipunen_resources()


def read(name: str | Path, configured) -> list[HandedTable]:
    path = name if isinstance(name, Path) else HERE / name
    return read_table_file(path, *configured)


def one(name: str | Path, configured) -> HandedTable:
    (table,) = read(name, configured)
    return table


def cell(counts: pd.DataFrame, unit: str, region: str, year: int, sex: str) -> pd.Series:
    row = counts[
        (counts["unit_code"] == unit)
        & (counts["region_code"] == region)
        & (counts["year"] == year)
        & (counts["sex"] == sex)
    ]
    assert len(row) == 1, (unit, region, year, sex)
    return row.iloc[0]


def comparable(counts: pd.DataFrame) -> pd.DataFrame:
    return counts[COMPARED].sort_values(KEY, ignore_index=True)


def test_a_115s_px_file_gives_its_counts_traced_to_the_file(configured):
    table = one("115s_utf8.px", configured)
    data = (HERE / "115s_utf8.px").read_bytes()
    assert (table.source, table.source_table, table.measure) == (
        "statfin",
        "tyokay/115s",
        "employed",
    )
    assert table.file == "115s_utf8.px" and table.file_format == "px"
    assert table.sha256 == hashlib.sha256(data).hexdigest()
    assert table.title.startswith("Työlliset muuttujina Ammattiryhmä, Alue")
    counts = table.counts
    assert len(counts) == 2 * 2 * 2 * 7  # regions × years × sexes × units at levels 1–3
    assert set(counts["level"]) == {1, 2, 3}
    assert cell(counts, "211", "SSS", 2021, "men")["count"] == 5000
    assert cell(counts, "211", "SSS", 2021, "women")["count"] == 4000
    assert cell(counts, "2", "SSS", 2022, "women")["count"] == 4100 + 850
    assert cell(counts, "21", "MK17", 2021, "women")["count"] == 300 + 70
    assert cell(counts, "211", "MK17", 2021, "men")["region_name_fi"] == "Pohjois-Pohjanmaa"
    assert set(counts["source_updated"]) == {pd.Timestamp("2024-10-29T06:00:00Z")}
    note = f"hand-given file 115s_utf8.px (SHA-256 {table.sha256[:12]})"
    assert counts["derivation"].str.contains(note, regex=False).all()


def test_dot_dot_cells_are_null_counts_with_their_mark(configured):
    counts = one("115s_utf8.px", configured).counts
    marked = counts[counts["status"] != ""]
    assert len(marked) == 1
    row = marked.iloc[0]
    assert (row["unit_code"], row["region_code"], row["year"], row["sex"]) == (
        "212",
        "MK17",
        2021,
        "women",
    )
    assert pd.isna(row["count"]) and row["status"] == ".."


@pytest.mark.parametrize("name", ["115s_latin1.px", "115s_ansi.px"])
def test_iso_8859_1_and_utf8_files_parse_identically(configured, name):
    utf8 = one("115s_utf8.px", configured).counts
    latin1 = one(name, configured).counts
    assert (HERE / name).read_bytes().count("ä".encode("iso-8859-1")) > 0
    pd.testing.assert_frame_equal(
        latin1.drop(columns=["derivation", "retrieved_at"]),
        utf8.drop(columns=["derivation", "retrieved_at"]),
    )
    assert "Työlliset" in one(name, configured).title


def test_an_8_bit_codepage_on_utf8_bytes_is_read_as_utf8(configured, tmp_path):
    text = (HERE / "115s_utf8.px").read_text(encoding="utf-8")
    path = tmp_path / "115s.px"
    path.write_text(text.replace('CODEPAGE="utf-8"', 'CODEPAGE="iso-8859-1"'), encoding="utf-8")
    assert one(path, configured).title == one("115s_utf8.px", configured).title


def test_keys_layout_with_left_out_zero_rows(configured):
    table = one("115s_keys.px", configured)
    counts = table.counts
    assert len(counts) == 56
    for year in (2021, 2022):
        left_out = cell(counts, "212", "MK17", year, "women")
        assert left_out["count"] == 0 and left_out["status"] == ""
    assert cell(counts, "21", "MK17", 2021, "women")["count"] == 300
    assert cell(counts, "211", "SSS", 2022, "men")["count"] == 5100
    assert "statfin_tyokay_pxt_115s" in counts["derivation"].iloc[0]


def test_115q_with_ammatti_and_ammattiasema_serves_both_configured_measures(configured):
    tables = {t.measure: t for t in read("115q_multilingual.px", configured)}
    assert set(tables) == {"employed", "wage_earners"}
    assert {t.source_table for t in tables.values()} == {"tyokay/115q"}
    employed, wage = tables["employed"].counts, tables["wage_earners"].counts
    assert set(employed["region_code"]) == {"SSS"} and set(employed["year"]) == {2022}
    assert cell(employed, "211", "SSS", 2022, "men")["count"] == 5100
    assert cell(employed, "211", "SSS", 2022, "women")["count"] == 4100
    assert cell(wage, "211", "SSS", 2022, "men")["count"] == round(5100 * 0.9)
    assert cell(wage, "531", "SSS", 2022, "women")["count"] == round(9100 * 0.7)
    assert cell(wage, "2", "SSS", 2022, "men")["count"] == round(5100 * 0.9) + round(1250 * 0.8)


def test_multilingual_keywords_give_swedish_and_english_names(configured):
    counts = next(
        t.counts for t in read("115q_multilingual.px", configured) if t.measure == "employed"
    )
    row = cell(counts, "212", "SSS", 2022, "women")
    assert row["unit_name_fi"] == "Matemaatikot, tilastotieteilijät ym."
    assert row["unit_name_sv"] == "Matematiker, statistiker m.fl."
    assert row["unit_name_en"] == "Mathematicians, actuaries and statisticians"


def test_an_unknown_table_is_refused_naming_its_id(configured):
    with pytest.raises(TableFileError) as caught:
        read("11re_unknown.px", configured)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("11re_unknown.px: ")
    assert "statfin_vaerak_pxt_11re" in message and "not a configured source table" in message
    assert "data/sources/statfin.yaml" in message


def test_an_unrecognised_variable_is_named(configured, tmp_path):
    text = (HERE / "115s_utf8.px").read_text(encoding="utf-8")
    text = text.replace('"Alue"', '"Seutukunta"').replace("alue_28_20250101", "seutukunta_3_2020")
    path = tmp_path / "115s_seutukunta.px"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TableFileError) as caught:
        read(path, configured)
    message = str(caught.value)
    assert "\n" not in message
    assert "no variable 'alue'" in message
    assert "seutukunta_3_2020 (Seutukunta)" in message


def test_a_fixed_value_is_matched_exactly(configured, tmp_path):
    """``ammattiasema: SS`` must not take ``SSS``: a file without SS serves only measure 1."""
    text = (HERE / "115q_multilingual.px").read_text(encoding="utf-8")
    path = tmp_path / "115q.px"
    path.write_text(text.replace('"SS","1","2"', '"SSS","1","2"'), encoding="utf-8")
    assert [t.measure for t in read(path, configured)] == ["wage_earners"]


@pytest.mark.parametrize("name", ["115s_fi.csv", "115s_en.csv"])
def test_statfin_csv_exports_equal_the_px_counts(configured, name):
    px = one("115s_utf8.px", configured).counts
    table = one(name, configured)
    assert table.file_format == "statfin-csv" and table.source_table == "tyokay/115s"
    pd.testing.assert_frame_equal(comparable(table.counts), comparable(px))


def test_the_finnish_csv_export_gives_its_update_date_and_title(configured):
    table = one("115s_fi.csv", configured)
    assert set(table.counts["source_updated"]) == {pd.Timestamp("2024-10-28T22:00:00Z")}
    assert table.counts["derivation"].str.endswith("recognised by title 115s").all()


def test_the_english_csv_export_without_metadata_has_no_update_date(configured):
    counts = one("115s_en.csv", configured).counts
    assert counts["source_updated"].isna().all()
    assert cell(counts, "21", "SSS", 2021, "men")["unit_name_en"] == (
        "Science and engineering professionals"
    )


def test_retrieved_at_is_the_files_modification_time(configured, tmp_path):
    path = tmp_path / "115s.px"
    shutil.copy(HERE / "115s_utf8.px", path)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    counts = one(path, configured).counts
    assert set(counts["retrieved_at"]) == {pd.Timestamp("2023-11-14T22:13:20Z")}


@pytest.mark.parametrize(
    ("name", "file_format"),
    [("amk_report.xlsx", "vipunen-xlsx"), ("amk_records.csv", "vipunen-csv")],
)
def test_vipunen_exports(configured, name, file_format):
    table = one(name, configured)
    assert (table.source, table.file_format) == ("vipunen", file_format)
    assert table.source_table == "vipunen/amk_opiskelijat_ja_tutkinnot"
    counts = table.counts
    assert set(counts["region_code"]) == {"MK17"} and set(counts["year"]) == {2022}
    assert cell(counts, "07", "MK17", 2022, "women")["count"] == 207 + 30
    assert cell(counts, "07", "MK17", 2022, "men")["count"] == 338
    suppressed = cell(counts, "06", "MK17", 2022, "women")
    assert pd.isna(suppressed["count"]) and suppressed["status"] == "1-4"
    assert counts["derivation"].str.contains(f"hand-given file {name}", regex=False).all()


def test_the_two_vipunen_exports_agree(configured):
    xlsx = one("amk_report.xlsx", configured).counts
    csv = one("amk_records.csv", configured).counts
    pd.testing.assert_frame_equal(comparable(xlsx), comparable(csv))


def test_the_size_limit_is_checked_before_reading(configured, monkeypatch):
    monkeypatch.setattr(table_files, "MAX_BYTES", 1024)

    def no_reading(self):
        raise AssertionError("read before the size check")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(TableFileError, match=r"115s_utf8.px: the file is .* over the"):
        read("115s_utf8.px", configured)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"<!DOCTYPE html><html><body>Kirjaudu</body></html>\n", "an HTML page"),
        (b'TABLEID="115s";\nSTUB="Alue";\nVALUES("Alue")="KOKO MAA";\n', "no DATA entry"),
    ],
)
def test_files_that_are_not_tables_are_refused_in_one_line(configured, tmp_path, content, expected):
    path = tmp_path / "download.px"
    path.write_bytes(content)
    with pytest.raises(TableFileError) as caught:
        read(path, configured)
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_a_cut_off_px_file_is_refused(configured, tmp_path):
    data = (HERE / "115s_utf8.px").read_bytes()
    path = tmp_path / "115s.px"
    path.write_bytes(data[: data.rindex(b"\n", 0, len(data) - 40)])
    with pytest.raises(TableFileError, match=r"DATA has .* cells but the variables describe 96"):
        read(path, configured)
