"""The catalogue is data: schema-valid, checked for meaning, and errors name file and entry."""

from __future__ import annotations

import jsonschema
import pytest
import yaml

from assets.criteria.catalogue import (
    CATALOGUE_DIR,
    CatalogueError,
    criterion_texts,
    load_catalogue,
    schema,
)
from tests.criteria.conftest import set_of

SHIPPED = {"tilastokeskus-segregation-classes", "tasapaino-trends", "osmo2-equality"}


def edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def criterion(data, cid):
    (c,) = [c for c in data["criteria"] if c["id"] == cid]
    return c


@pytest.mark.parametrize("path", sorted(CATALOGUE_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_is_valid_against_the_json_schema(path):
    jsonschema.Draft202012Validator.check_schema(schema())
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    assert path.stem == data["id"]


def test_the_three_sets_ship(catalogue):
    assert {s["id"] for s in catalogue} == SHIPPED


def test_our_own_set_is_labelled_as_ours(catalogue):
    trends = set_of(catalogue, "tasapaino-trends")
    assert trends["provenance"]["origin"] == "tasapaino"
    assert trends["provenance"]["publisher"] == "Tasapaino"
    assert set_of(catalogue, "tilastokeskus-segregation-classes")["provenance"]["origin"] == (
        "external"
    )


def test_osmo2_texts_are_placeholders_not_claimed_as_verbatim(catalogue):
    osmo = set_of(catalogue, "osmo2-equality")
    assert osmo["provenance"]["verbatim"] is False
    assert {c["text_status"] for c in osmo["criteria"]} == {"to_fill_in"}
    themes = {t["id"]: t for t in osmo["themes"]}
    assert set(themes) == {"yhdenvertaisuus", "saavutettavuus", "osallisuus"}
    assert [d["id"] for d in themes["saavutettavuus"]["dimensions"]] == [
        "sosiaalinen",
        "psyykkinen",
        "fyysinen",
        "kielellinen",
    ]
    covered = {(c["theme"], c.get("dimension")) for c in osmo["criteria"]}
    assert ("saavutettavuus", "kielellinen") in covered and ("osallisuus", None) in covered


def test_the_pipeline_criterion_is_marked_as_an_approximation(catalogue):
    crit = criterion(set_of(catalogue, "tasapaino-trends"), "education_to_work_pipeline")
    assert crit["approximation"] is True
    assert "Likiarvo" in crit["caveat"]["fi"]


def test_finnish_texts_of_every_criterion_for_the_articles(catalogue):
    texts = criterion_texts("fi", catalogue)
    assert len(texts) == sum(len(s["criteria"]) for s in catalogue)
    assert texts["title"].str.len().gt(0).all() and texts["text"].str.len().gt(0).all()
    row = texts.set_index("criterion_id").loc["balanced_40_60"]
    assert row["title"] == "Tasa-ala (40–60 % naisia)"
    assert (
        row["criteria_version"] == set_of(catalogue, "tilastokeskus-segregation-classes")["version"]
    )
    osmo = texts[texts["criteria_set"] == "osmo2-equality"]
    assert set(osmo["text_status"]) == {"to_fill_in"}


def test_unknown_metric_names_the_file_and_the_entry(catalogue_copy):
    path = catalogue_copy / "tasapaino-trends.yaml"
    edit(path, lambda d: criterion(d, "toward_balance").update(metric="womens_share"))
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue_copy)
    message = str(err.value)
    assert "tasapaino-trends.yaml" in message
    assert "criterion 'toward_balance'" in message
    assert "unknown metric 'womens_share'" in message


def test_overlapping_class_bounds_name_the_file_and_both_entries(catalogue_copy):
    path = catalogue_copy / "tilastokeskus-segregation-classes.yaml"
    edit(path, lambda d: criterion(d, "women_60_90")["thresholds"].update(high=0.95))
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue_copy)
    message = str(err.value)
    assert "tilastokeskus-segregation-classes.yaml" in message
    assert "'women_60_90'" in message and "'women_over_90'" in message
    assert "overlap" in message


def test_a_gap_between_class_bounds_is_an_error(catalogue_copy):
    path = catalogue_copy / "tilastokeskus-segregation-classes.yaml"
    edit(path, lambda d: criterion(d, "balanced_40_60")["thresholds"].update(include_low=False))
    with pytest.raises(CatalogueError, match=r"no criterion contains women_share = 0\.4"):
        load_catalogue(catalogue_copy)


def test_missing_provenance_names_the_file_and_the_entry(catalogue_copy):
    path = catalogue_copy / "osmo2-equality.yaml"
    edit(path, lambda d: d.pop("provenance"))
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue_copy)
    message = str(err.value)
    assert "osmo2-equality.yaml" in message
    assert "'provenance' is a required property" in message


def test_missing_verbatim_flag_names_the_provenance_entry(catalogue_copy):
    path = catalogue_copy / "osmo2-equality.yaml"
    edit(path, lambda d: d["provenance"].pop("verbatim"))
    with pytest.raises(CatalogueError, match=r"osmo2-equality\.yaml.*provenance.*'verbatim'"):
        load_catalogue(catalogue_copy)


def test_a_bad_criterion_field_names_the_criterion(catalogue_copy):
    path = catalogue_copy / "osmo2-equality.yaml"
    edit(path, lambda d: criterion(d, "osallisuus-1")["title"].pop("sv"))
    with pytest.raises(CatalogueError) as err:
        load_catalogue(catalogue_copy)
    assert "criteria[5] (id 'osallisuus-1').title" in str(err.value)


def test_undeclared_theme_is_an_error(catalogue_copy):
    path = catalogue_copy / "osmo2-equality.yaml"
    edit(path, lambda d: criterion(d, "osallisuus-1").update(theme="osallistuminen"))
    with pytest.raises(CatalogueError, match="theme 'osallistuminen' is not declared"):
        load_catalogue(catalogue_copy)


def test_verbatim_set_cannot_hold_placeholders(catalogue_copy):
    path = catalogue_copy / "osmo2-equality.yaml"
    edit(path, lambda d: d["provenance"].update(verbatim=True))
    with pytest.raises(CatalogueError, match="verbatim: true but text_status"):
        load_catalogue(catalogue_copy)


def test_self_assessment_ids_are_unique_across_sets(catalogue_copy):
    text = (catalogue_copy / "osmo2-equality.yaml").read_text(encoding="utf-8")
    (catalogue_copy / "zz-copy.yaml").write_text(
        text.replace("id: osmo2-equality", "id: zz-copy"), encoding="utf-8"
    )
    with pytest.raises(CatalogueError, match=r"zz-copy\.yaml.*also a self-assessment criterion"):
        load_catalogue(catalogue_copy)


def test_unknown_mapping_is_named(catalogue_copy):
    path = catalogue_copy / "tasapaino-trends.yaml"
    edit(
        path,
        lambda d: criterion(d, "education_to_work_pipeline")["params"].update(mapping="nope"),
    )
    with pytest.raises(CatalogueError, match=r"education_to_work_pipeline.*mapping 'nope'"):
        load_catalogue(catalogue_copy)


def test_catalogue_table_traces_every_criterion_to_its_source(catalogue):
    from assets.contracts import CRITERIA_CATALOGUE
    from assets.criteria.catalogue import catalogue_table

    flat = catalogue_table(catalogue)
    assert list(flat.columns) == CRITERIA_CATALOGUE.names
    table = flat.set_index("criterion_id")
    assert len(table) == sum(len(s["criteria"]) for s in catalogue)
    women = table.loc["women_over_90"]
    assert women["threshold"] == "women_share > 0.9"
    assert women["source_url"].startswith("https://www.stat.fi/")
    osmo = table.loc["osallisuus-1"]
    assert (osmo["verbatim"], osmo["text_status"], osmo["metric"]) == (
        False,
        "to_fill_in",
        "mean_score",
    )
    assert table.loc["toward_balance", "params"] == '{"years": 5}'
