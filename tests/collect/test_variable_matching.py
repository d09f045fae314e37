"""Variables and values are matched by name, never by prefix, on the real tables' layouts."""

from __future__ import annotations

import dataclasses

import pytest

from assets.collect.http import SourceError
from assets.collect.statfin import (
    Variable,
    build_selection,
    find_variable,
    match_value,
    parse_metadata,
    variable_name,
)
from assets.collect.tables import load_statfin_tables
from tests.collect.pxweb_mock import table_12br, table_115q, table_115s


def variables_of(table, lang: str = "fi") -> list[Variable]:
    return parse_metadata(table.metadata(lang), table=table.table)


def spec(table_id: str, measure: str):
    return next(t for t in load_statfin_tables() if (t.id, t.measure) == (table_id, measure))


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("ammatti_104_20161021", "ammatti"),
        ("ammattiasema_7_20121201", "ammattiasema"),
        ("alue_28_20250101", "alue"),
        ("timeperiod_y", "timeperiod"),
        ("contentscode", "contentscode"),
        ("Sukupuoli", "sukupuoli"),  # older tables: the code is a Finnish word
        ("Työpaikan alue", "työpaikan alue"),
    ],
)
def test_a_code_s_name_segment_is_what_precedes_its_version_stamp(code, name):
    assert variable_name(code) == name


def test_ammatti_never_matches_ammattiasema_in_the_real_115q():
    variables = variables_of(table_115q())
    assert find_variable(variables, "ammatti", table="115q").code == "ammatti_104_20161021"
    assert find_variable(variables, "ammattiasema", table="115q").code == (
        "ammattiasema_7_20121201"
    )


def test_115q_employed_and_wage_earners_pin_the_occupational_status_exactly():
    variables = variables_of(table_115q())
    for measure, status in (("employed", "SS"), ("wage_earners", "1")):
        selection, codes = build_selection(spec("tyokay/115q", measure), variables)
        chosen = dict(selection)
        assert chosen["ammattiasema_7_20121201"] == [status]
        assert chosen["contentscode"] == ["tyokay-tyolliset2"]  # not the share tyokay-osuus
        assert chosen["sukupuoli_9_20180101"] == ["SSS", "1", "2"]
        assert codes["unit"] == "ammatti_104_20161021"
        assert "region" not in codes  # a national table


def test_12br_leaves_age_and_level_at_their_totals_and_municipalities_out():
    selection, codes = build_selection(
        spec("vkour/12br", "population_with_qualification"), variables_of(table_12br())
    )
    chosen = dict(selection)
    assert chosen["ikaryhma_15_20180101"] == ["SSS"]
    assert chosen["koulutusaste_6_20160101"] == ["SSS"]
    assert chosen[codes["region"]] == ["SSS", *[c for c in chosen[codes["region"]] if c != "SSS"]]
    assert not [c for c in chosen[codes["region"]] if c.startswith("KU")]
    assert len(chosen[codes["region"]]) == 20
    assert codes["unit"] == "koulutusala_5_20160101"  # not koulutusaste


def test_two_variables_with_the_same_name_are_refused_naming_both():
    table = table_115s()
    table.variables.append(dict(table.variables[1], code="alue_29_20270101"))
    with pytest.raises(SourceError) as err:
        find_variable(variables_of(table), "alue", table="115s")
    assert "alue_28_20250101, alue_29_20270101" in str(err.value)
    assert "full code" in str(err.value)


def test_a_full_code_in_the_configuration_picks_one_of_two():
    table = table_115s()
    table.variables.append(dict(table.variables[1], code="alue_29_20270101"))
    found = find_variable(variables_of(table), "alue_29_20270101", table="115s")
    assert found.code == "alue_29_20270101"


def test_the_text_fallback_uses_every_language_but_only_when_unambiguous():
    table = table_115s(area_code="maakunta_1_20270101")
    variables = variables_of(table)
    texts = {v.code: [v.text] for v in variables_of(table, "sv")}
    assert find_variable(variables, "Område", table="115s", texts=texts).code == (
        "maakunta_1_20270101"
    )
    with pytest.raises(SourceError, match="no variable is named 'region'"):
        find_variable(variables, "region", table="115s", texts=texts)


def test_value_codes_match_exactly_or_by_a_version_digit_only():
    table = table_115q()
    contents = next(v for v in variables_of(table) if v.code == "contentscode")
    wanted = spec("tyokay/115q", "employed")
    assert match_value(contents, "tyokay-tyolliset2", wanted, "contents") == "tyokay-tyolliset2"
    assert match_value(contents, "tyokay-tyolliset", wanted, "contents") == "tyokay-tyolliset2"
    with pytest.raises(SourceError, match="matches 0 values"):
        match_value(contents, "tyokay", wanted, "contents")  # a prefix is not enough


def test_a_fixed_value_that_is_only_a_prefix_is_refused():
    wanted = dataclasses.replace(spec("tyokay/115q", "employed"), fixed={"ammattiasema": "S"})
    with pytest.raises(SourceError, match="has no value 'S'"):
        build_selection(wanted, variables_of(table_115q()))
