"""The data page: content from the data package, escaping, and the browser acceptance checks."""

import datetime as dt
import json

import pandas as pd
import pytest

from publish import bundle, site
from publish.release import write_release
from tests.browser.harness import check_page, serve_directory
from tests.publish.release_fixtures import RUN_DATE

PAGES = ("index.html", "index.sv.html", "index.en.html")
QUALITY_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Quality (synthetic)'
    "</title></head><body><main><h1>Synthetic quality report</h1></main></body></html>"
)


@pytest.fixture(scope="module")
def dist(release_datasets, sources, synthetic_articles, tmp_path_factory):
    """Two releases: an earlier one and the latest, which lists it in its history."""
    root = tmp_path_factory.mktemp("dist")
    earlier = dt.date(2026, 10, 1)
    first = bundle.build(
        release_datasets, sources, synthetic_articles, run_date=earlier, code_version="test"
    )
    write_release(root, bundle.release_id(release_datasets["counts"], earlier), first)
    previous = bundle.Previous(history=["20201105-20261001"])
    quality = {"quality/index.html": QUALITY_PAGE.encode("utf-8")}
    files = bundle.build(
        release_datasets,
        sources,
        synthetic_articles,
        run_date=RUN_DATE,
        code_version="test",
        previous=previous,
        extra_files=quality,
    )
    write_release(root, bundle.release_id(release_datasets["counts"], RUN_DATE), files)
    return root


def test_finnish_page_lists_datasets_downloads_dictionary_and_history(dist):
    html = (dist / "latest" / "index.html").read_text(encoding="utf-8")
    doc = json.loads((dist / "latest" / "datapackage.json").read_text(encoding="utf-8"))
    assert '<html lang="fi">' in html
    for res in doc["resources"]:
        if res["type"] != "table":  # Parquet twins are checked below; workbooks not listed yet
            continue
        assert f'href="{res["path"]}"' in html
        if "twin_of" not in res:
            assert res["title_fi"] in html
    for res in doc["resources"]:
        if "twin_of" in res:
            assert f'href="{res["path"]}"' in html
    assert "756" in html  # counts rows
    assert "<code>women_share</code>" in html  # data dictionary
    assert 'href="../releases/20201105-20261001/"' in html
    assert 'href="articles/en/test/index.html"' in html
    assert 'href="articles/fi/testi/index.md"' in html
    assert 'href="quality/index.html"' in html
    assert "CC BY 4.0" in html and "Lähde: Tilastokeskus" in html
    assert "<script" not in html  # readable without JavaScript


def test_swedish_and_english_pages_exist_and_link_each_other(dist):
    sv = (dist / "latest" / "index.sv.html").read_text(encoding="utf-8")
    en = (dist / "latest" / "index.en.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in sv and "Källa: Statistikcentralen" in sv
    assert '<html lang="en">' in en and "Source: Statistics Finland" in en
    assert 'href="index.html"' in sv and 'href="index.sv.html"' in en


def test_article_titles_are_escaped():
    files = {"articles/fi/x/index.md": b"---\ntitle: '<script>alert(1)</script>'\n---\n"}
    (link,) = site.article_links(files)
    assert link.title == "<script>alert(1)</script>"
    package = {
        "title": "t",
        "title_fi": "t",
        "title_sv": "t",
        "description": "d",
        "description_fi": "d",
        "description_sv": "d",
        "version": "r1",
        "created": "2026-11-28T00:00:00Z",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://x.invalid/", "title": "CC"}],
        "sources": [],
        "citation": {"fi": "c", "sv": "c", "en": "c"},
        "resources": [],
    }
    pages = site.render_pages(json.dumps(package).encode(), files, [])
    html = pages["index.html"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_sizes_read_the_finnish_way():
    assert site.human_size(220_488, "fi") == "220,5\u00a0kt"
    assert site.human_size(220_488, "en") == "220.5\u00a0kB"
    assert site.human_size(1_512, "sv") == "1,5\u00a0kB"
    assert site.human_size(512, "fi") == "512\u00a0t"


@pytest.mark.parametrize("page", PAGES)
def test_data_page_in_the_browser(browser, dist, page):
    with serve_directory(dist) as base:
        report = check_page(browser, f"{base}/latest/{page}", f"data-page-{page}")
    report.assert_ok()
    assert len(report.checked_links) >= 20  # datasets in 3 forms, metadata, articles, history
    assert report.screenshot.is_file()


def test_data_page_from_the_file_system(browser, dist):
    report = check_page(browser, (dist / "latest" / "index.html").as_uri(), "data-page-file")
    report.assert_ok()
    assert any(link.endswith("/data/counts.parquet") for link in report.checked_links)


def _page(dist, name: str) -> str:
    return (dist / "latest" / name).read_text(encoding="utf-8")


def test_coverage_table_says_which_populations_are_regional_and_how_old(dist):
    fi = _page(dist, "index.html")
    assert "<h2>Mitä julkaisu kattaa</h2>" in fi
    # Occupations are national in the bundle; upper secondary students cover every region.
    assert "<tr><td>Perheelliset palkansaajat</td><td>2015</td><td>koko maa</td>" in fi
    assert (
        "<tr><td>Lukiolaiset</td><td>2012–2013, 2018–2019</td><td>koko maa, 20 maakuntaa</td>" in fi
    )
    assert "Uusin tilastovuosi: 2019." in fi
    assert "maakunnittain" not in fi.split("<h2>Mitä julkaisu kattaa")[0]  # nor the description
    en = _page(dist, "index.en.html")
    assert "<td>whole country</td>" in en and "Newest statistical year: 2019." in en


def test_source_titles_in_the_readers_language(dist):
    fi, sv, en = (_page(dist, p) for p in PAGES)
    assert "Tilastokeskus, Väestön koulutusrakenne: " in fi
    assert ">Tutkinnon suorittanut väestö koulutusalan ja -asteen sekä sukupuolen mukaan 2019" in fi
    assert "Statistikcentralen, Befolkningens utbildningsstruktur: " in sv
    assert 'lang="fi">Tutkinnon suorittanut väestö' in sv and "(tabellens namn på finska)" in sv
    assert ">Population with a qualification by field and level of education and sex, 2019" in en


def test_empty_dataset_release_id_and_contact_are_explained(release_datasets, sources):
    from assets.contracts import ALL

    empty = {c.name: pd.Series(dtype=c.dtype) for c in ALL["self_assessment_summary"].columns}
    datasets = {**release_datasets, "self_assessment_summary": pd.DataFrame(empty)}
    files = bundle.build(datasets, sources, {}, run_date=RUN_DATE, code_version="test")
    fi = files["index.html"].decode()
    assert '0 (<a href="#self_assessment_summary">tyhjä, miksi?</a>)' in fi
    assert "Tämä aineisto on tässä julkaisussa tyhjä" in fi
    assert "Julkaisun tunnus on kaksi päivämäärää" in fi
    assert "Julkaisijan yhteystietoja ei ole annettu tässä julkaisussa." in fi


def test_contact_from_the_environment(monkeypatch, release_datasets, sources):
    monkeypatch.setenv("TASAPAINO_CONTACT_EMAIL", "tasapaino@example.org")
    files = bundle.build(release_datasets, sources, {}, run_date=RUN_DATE, code_version="test")
    fi = files["index.html"].decode()
    assert 'Tasapaino, <a href="mailto:tasapaino@example.org">tasapaino@example.org</a>' in fi


def test_the_key_figure_workbooks_are_offered(dist):
    fi = _page(dist, "index.html")
    assert '<a href="data/avainluvut.xlsx" download hreflang="fi">avainluvut.xlsx</a>' in fi
    assert 'href="data/nyckeltal.xlsx"' in fi and 'href="data/key_figures.xlsx"' in fi
