"""The parser on real StatFin json-stat2 responses (tests/fixtures/statfin/real/README.md)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from assets.collect.jsonstat import parse_jsonstat2
from assets.collect.statfin import Variable, find_variable

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "statfin" / "real"


def test_the_real_files_are_the_recorded_bytes():
    sums = {
        "115h_response.json": "eebe479a3e503bd1447ed16c2a3c30db5eddc3a3bb72597d798efbed5899e7c0",
        "12tw_response.json": "698b2db081888ff0e102abf54791bd2838e4e12324a0a2c4e6279e35be25f78c",
    }
    for name, digest in sums.items():
        assert hashlib.sha256((REAL / name).read_bytes()).hexdigest() == digest


def test_115h_women_and_men_by_area_and_year():
    df = parse_jsonstat2((REAL / "115h_response.json").read_bytes(), table="statfin 115h")
    assert len(df) == 22 * 1 * 3 * 17
    assert df.attrs["updated"] == "2024-12-17T06:00:00Z"
    assert set(df["Sukupuoli"]) == {"SSS", "1", "2"}
    assert df["Työpaikan alue"].iloc[0] == "SSS"
    assert sorted(set(df["Vuosi"]))[0] == "2007" and sorted(set(df["Vuosi"]))[-1] == "2023"
    wide = df.pivot_table(
        index=["Työpaikan alue", "Vuosi"], columns="Sukupuoli", values="value", aggfunc="first"
    )
    # Whole country, 2007: 1 209 238 men + 1 159 828 women = 2 369 066 employed.
    assert wide.loc[("SSS", "2007")].tolist() == [1209238, 1159828, 2369066]
    assert (wide["1"] + wide["2"] == wide["SSS"]).all()  # every total is men + women
    lahti = df[df["Työpaikan alue"].eq("KU398")]
    assert set(lahti["Työpaikan alue_label"]) == {"Lahti"}
    assert df["status"].eq("").all()


def test_12tw_status_marks_are_kept_with_a_null_value():
    df = parse_jsonstat2((REAL / "12tw_response.json").read_bytes(), table="statfin 12tw")
    assert len(df) == 3 * 21 * 2
    marked = df[df["status"].ne("")]
    assert len(marked) == 20
    assert set(marked["status"]) == {"..."}
    assert marked["value"].isna().all()
    assert df.loc[df["status"].eq(""), "value"].notna().all()


def test_old_style_variable_codes_are_found_by_name():
    variables = [
        Variable(code, code, ("SSS",), ("Yhteensä",), True, False)
        for code in ("Työpaikan alue", "Toimiala", "Sukupuoli", "Vuosi", "Tiedot")
    ]
    assert find_variable(variables, "sukupuoli", table="115h").code == "Sukupuoli"
    assert find_variable(variables, "Työpaikan alue", table="115h").code == "Työpaikan alue"
