"""The shipped code lists: a consistent hierarchy that finer levels aggregate through."""

from __future__ import annotations

import pytest

from assets.reference.classifications import ancestor_code, code_level, load_classification


@pytest.mark.parametrize("name", ["ammatti_2010", "koulutusala_2016"])
def test_every_level_2_code_hangs_under_a_level_1_code(name):
    df = load_classification(name)
    assert not df["code"].duplicated().any()
    level1 = set(df.loc[df["level"].eq(1), "code"])
    level2 = df[df["level"].eq(2)]
    assert len(level2) > 0 and set(level2["parent"]) <= level1


@pytest.mark.parametrize("name", ["ammatti_2010", "koulutusala_2016"])
def test_levels_and_parents_agree_with_the_code_rule(name):
    df = load_classification(name)
    real = df[~df["code"].str.contains("+", regex=False)]  # not the derived residual 10+99
    assert (real["level"] == [code_level(name, c) for c in real["code"]]).all()
    level2 = real[real["level"].eq(2)]
    assert (level2["parent"] == [ancestor_code(name, c, 1) for c in level2["code"]]).all()


def test_level_1_stays_as_it_was():
    aml = load_classification("ammatti_2010")
    assert aml.loc[aml["level"].eq(1), "code"].tolist() == [*"0123456789", "X"]
    assert aml.set_index("code").at["2", "name_fi"] == "Erityisasiantuntijat"


def test_aml_has_the_43_sub_major_groups_of_the_published_classification_plus_unknown():
    aml = load_classification("ammatti_2010")
    assert aml["level"].eq(2).sum() == 43 + 1
    assert aml.set_index("code").at["25", "name_en"] == (
        "Information and communications technology professionals"
    )


def test_every_level_2_unit_has_an_english_name():
    for name in ("ammatti_2010", "koulutusala_2016"):
        df = load_classification(name)
        assert df.loc[df["level"].eq(2), "name_en"].ne("").all()
