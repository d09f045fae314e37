"""Harmonised StatFin counts: names, levels, status marks, totals and aggregation
(on the SYNTHETIC regional fixture in tests/fixtures/statfin)."""

from __future__ import annotations

import pandas as pd

from assets.reference.classifications import aggregate_to_level, ancestor_code, code_level
from tests.collect.fixtures import regional_counts


def test_fixture_covers_mk17_and_sss_at_three_levels():
    counts = regional_counts()
    assert set(counts["region_code"]) == {"MK17", "SSS"}
    assert set(counts["level"]) == {1, 2, 3}
    assert sorted(counts["year"].unique()) == [2021, 2022, 2023]
    assert set(counts["region_name_fi"]) == {"Pohjois-Pohjanmaa", "Koko maa"}


def test_a_suppressed_cell_is_null_with_its_mark():
    counts = regional_counts()
    cell = counts[
        counts["unit_code"].eq("712")
        & counts["region_code"].eq("MK17")
        & counts["year"].eq(2021)
        & counts["sex"].eq("women")
    ]
    assert cell["count"].isna().all() and cell["status"].tolist() == [".."]
    assert counts["status"].ne("").sum() == 1


def test_women_plus_men_equal_the_sources_total_so_nothing_is_flagged():
    assert regional_counts()["derivation"].eq("").all()


def test_names_come_from_the_classification_then_from_the_table():
    counts = regional_counts().drop_duplicates("unit_code").set_index("unit_code")
    assert counts.at["2", "unit_name_en"] == "Professionals"  # shipped level 1
    assert counts.at["21", "unit_name_fi"] == "Luonnontieteiden ja tekniikan erityisasiantuntijat"
    assert counts.at["711", "unit_name_fi"] == "Rakennuksen runkotyöntekijät ym."  # table text


def test_aggregating_level_3_to_level_1_equals_the_sources_level_1():
    counts = regional_counts()
    finest = counts[counts["level"].eq(3)]
    aggregated = aggregate_to_level(finest, 1).set_index(
        ["region_code", "year", "unit_code", "sex"]
    )
    source = counts[counts["level"].eq(1)].set_index(["region_code", "year", "unit_code", "sex"])
    joined = aggregated["count"].to_frame("aggregated").join(source["count"])
    known = joined["aggregated"].notna()
    assert known.sum() == len(joined) - 1  # the group holding the suppressed cell is unknown
    assert (joined.loc[known, "aggregated"] == joined.loc[known, "count"]).all()
    suppressed = joined[~known].index.tolist()
    assert suppressed == [("MK17", 2021, "7", "women")]


def test_level_rules_of_both_classifications():
    assert (
        code_level("ammatti_2010", "2512.") == 5
        and ancestor_code("ammatti_2010", "2512.", 2) == "25"
    )
    assert code_level("ammatti_2010", "XX") == 2 and code_level("ammatti_2010", "SSSSS") is None
    assert code_level("koulutusala_2016", "061") == 2
    assert ancestor_code("koulutusala_2016", "0613", 1) == "06"


def test_counts_are_typed_by_the_contract():
    counts = regional_counts()
    assert str(counts["count"].dtype) == "Int64"
    assert isinstance(counts["retrieved_at"].dtype, pd.DatetimeTZDtype)


def test_a_total_that_does_not_match_women_plus_men_is_flagged_not_corrected():
    import dataclasses
    import json

    from assets.collect.harmonise import statfin_counts
    from tests.collect.fixtures import regional_exchanges, spec_115s

    meta, data = regional_exchanges()
    doc = json.loads(data.body)
    # row-major cells (occupation, area, sex, year): (2, SSS, total, 2023) = (1, 0, 0, 2)
    position = 1 * (2 * 3 * 3) + 0 * (3 * 3) + 0 * 3 + 2
    assert doc["dimension"]["ammatti_104_20161021"]["category"]["index"]["2"] == 1
    doc["value"][position] += 5
    changed = dataclasses.replace(data, body=json.dumps(doc).encode())
    counts = statfin_counts(spec_115s(), [meta, changed])
    flagged = counts[counts["derivation"].ne("")]
    assert set(zip(flagged["unit_code"], flagged["region_code"], flagged["year"], strict=True)) == {
        ("2", "SSS", 2023)
    }
    women_men = int(flagged["count"].sum())
    assert flagged["derivation"].iloc[0] == (
        f"check: women + men = {women_men} but the source's total is {women_men + 5}"
    )


def _edited_115s(edit) -> pd.DataFrame:
    """statfin_counts of the SYNTHETIC regional fixture after ``edit`` changed its document."""
    import dataclasses
    import json

    from assets.collect.harmonise import statfin_counts
    from tests.collect.fixtures import regional_exchanges, spec_115s

    meta, data = regional_exchanges()
    doc = json.loads(data.body)
    edit(doc)
    return statfin_counts(spec_115s(), [meta, dataclasses.replace(data, body=json.dumps(doc))])


def test_a_fractional_count_stops_collect_instead_of_being_rounded():
    import pytest

    from assets.collect.http import SourceError

    def halve(doc):
        doc["value"][7] = 12.5

    with pytest.raises(
        SourceError,
        match=r"tyokay/115s: 1 value\(s\) are not whole numbers, "
        r"first 12.5 at ammatti_104_20161021=",
    ):
        _edited_115s(halve)


def test_a_count_given_as_a_float_with_no_fraction_is_accepted():
    def as_float(doc):
        doc["value"] = [None if v is None else float(v) for v in doc["value"]]

    assert _edited_115s(as_float)["count"].tolist() == regional_counts()["count"].tolist()


def test_an_unknown_sex_code_stops_collect():
    import pytest

    from assets.collect.http import SourceError

    def rename_total(doc):
        sex = next(d for d in doc["id"] if d.startswith("sukupuoli"))
        index = doc["dimension"][sex]["category"]["index"]
        index["3"] = index.pop("SSS")

    with pytest.raises(SourceError, match=r"sex code\(s\) 3 are neither men \(1\), women \(2\)"):
        _edited_115s(rename_total)


def _record_service_names(root, code: str, names: dict[str, str]) -> None:
    """A classification-service recording of one ammatti_2010 item, as ``snapshot refresh``
    writes it under ``<recorded>/classifications/``."""
    import json

    from assets.collect.classification_service import SERVICE_IDS
    from assets.collect.http import Exchange
    from assets.collect.recorded import write_exchanges

    service_id = SERVICE_IDS["ammatti_2010"]
    write_exchanges(
        root / "classifications" / service_id / "items",
        [
            Exchange(
                source="classifications",
                table=service_id,
                kind=f"items-{lang}",
                method="GET",
                url="https://example.invalid/items",
                request_body=None,
                status=200,
                body=json.dumps(
                    [
                        {
                            "code": code,
                            "level": 3,
                            "classificationItemNames": [{"lang": lang, "name": name}],
                        }
                    ]
                ).encode(),
                retrieved_at="2026-01-01T00:00:00Z",
            )
            for lang, name in names.items()
        ],
    )


def test_service_names_come_from_the_snapshot_the_caller_names(tmp_path):
    """The recorded classification-service names are read from the directory the caller passes
    (the run's ``snapshot`` resource), not from the bundled snapshot."""
    from assets.collect.harmonise import unit_names

    code = "7119"  # not in the shipped list
    names = {"fi": "Muut rakentajat", "sv": "Andra byggarbetare", "en": "Other builders"}
    _record_service_names(tmp_path / "one", code, names)
    labels = {"fi": {code: "7119 Taulukon oma teksti"}}
    given = unit_names("ammatti_2010", [code], labels, tmp_path / "one")
    assert given.loc[0, "unit_name_fi"] == "Muut rakentajat"
    assert given.loc[0, "unit_name_en"] == "Other builders"
    elsewhere = unit_names("ammatti_2010", [code], labels, tmp_path / "other")
    assert elsewhere.loc[0, "unit_name_fi"] == "Taulukon oma teksti"
    assert unit_names("ammatti_2010", [code], labels).loc[0, "unit_name_fi"] == (
        "Taulukon oma teksti"
    )
