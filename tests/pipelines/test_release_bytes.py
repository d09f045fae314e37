"""The whole release is the same bytes in any time zone, and hostile unit labels given with
``--counts`` come out as text: no image, link, table cell or tag from a label in any Markdown or
HTML file of the release, and no formula in any spreadsheet cell (Excel CSV, workbooks)."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from markdown_it import MarkdownIt

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RUN_DATE = "2026-12-03"
# SYNTHETIC labels, each an attack on a renderer of Markdown or HTML.
HOSTILE = (
    '=HYPERLINK("http://x","y")',  # spreadsheet formulas (OWASP CSV injection)
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "![x](http://example.invalid/t.png)",
    "[a](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "a|b",
    "*bold* _under_ `code`\nnew line",
)


def _run(out: Path, tz: str, *extra: str) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "run",
            "--out",
            str(out),
            "--run-date",
            RUN_DATE,
            *extra,
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "TZ": tz},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def _files(release: Path) -> dict[str, bytes]:
    return {
        p.relative_to(release).as_posix(): p.read_bytes()
        for p in sorted(release.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def utc_release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("utc")
    _run(out, "UTC")
    return out / "latest"


@pytest.mark.timeout(900)
def test_the_release_is_byte_identical_in_utc_and_in_kiritimati(utc_release, tmp_path):
    """UTC+14: on most of the day another calendar day than UTC, and than Helsinki."""
    _run(tmp_path, "Pacific/Kiritimati")
    here, there = _files(utc_release), _files(tmp_path / "latest")
    assert sorted(here) == sorted(there)
    differing = [name for name in here if here[name] != there[name]]
    assert differing == []
    assert any(name.startswith("quality/") for name in here)  # the quality report is compared


def _hostile_counts(release: Path, path: Path) -> None:
    """The release's own counts, with five occupations and five fields given hostile names."""
    counts = pd.read_csv(release / "data" / "counts.csv", dtype=str, keep_default_na=False)
    for dimension in ("occupation", "field_of_education"):
        rows = counts["dimension"] == dimension
        codes = sorted(counts.loc[rows, "unit_code"].unique())[: len(HOSTILE)]
        for code, label in zip(codes, HOSTILE, strict=False):
            hit = rows & (counts["unit_code"] == code)
            for column in ("unit_name_fi", "unit_name_sv", "unit_name_en"):
                counts.loc[hit, column] = label
    counts.to_csv(path, index=False)


URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "xlink:href", "data", "poster"}


class _LiveMarkup(HTMLParser):
    """Everything in an HTML page that a label could have made live."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name in URL_ATTRIBUTES and (
                "example.invalid" in value or value.strip().lower().startswith("javascript:")
            ):
                self.found.append(f"<{tag} {name}={value}>")
            if name.startswith("on") and "alert" in value:
                self.found.append(f"<{tag} {name}={value}>")
        if tag == "img" and dict(attrs).get("src") == "x":
            self.found.append("<img src=x>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(1)" in data:
            self.found.append(f"<script>{data}</script>")


@pytest.fixture(scope="module")
def hostile_release(utc_release, tmp_path_factory) -> dict[str, bytes]:
    tmp = tmp_path_factory.mktemp("hostile")
    counts = tmp / "hostile_counts.csv"  # SYNTHETIC labels on the real counts
    _hostile_counts(utc_release, counts)
    out = tmp / "dist"
    _run(out, "UTC", "--counts", str(counts))
    return _files(out / "latest")


@pytest.mark.timeout(900)
def test_hostile_labels_become_text_in_every_markdown_and_html_file(hostile_release):
    files = hostile_release
    markdown = {n: d.decode("utf-8") for n, d in files.items() if n.endswith(".md")}
    pages = {n: d.decode("utf-8") for n, d in files.items() if n.endswith(".html")}
    article_md = "\n".join(t for n, t in markdown.items() if n.startswith("articles/"))
    # The labels did reach the articles (else this test would prove nothing), escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article_md
    assert "a\\|b" in article_md and "\\!\\[x\\](http\\://example.invalid/t.png)" in article_md

    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    for name, text in markdown.items():
        assert re.findall(r"<(?!https?://)", text) == [], f"raw < in {name}"
        assert not re.search(r"(?<!\\)://example", text), name  # a GitHub-style autolink
        tokens = parser.parse(text)
        for token in tokens:
            for child in [token, *(token.children or [])]:
                if child.type == "image":
                    assert re.fullmatch(r"[\w-]+\.svg", child.attrGet("src")), (name, child)
                if child.type == "link_open":
                    href = child.attrGet("href")
                    assert "example.invalid" not in href and "javascript" not in href, name
                assert child.type not in ("html_inline", "html_block"), (name, child.content)
        # A label cannot add a table cell: every row of a table has its header's cells.
        for line in text.splitlines():
            if "a\\|b" in line and line.startswith("|"):
                cells = re.split(r"(?<!\\)\|", line.strip("|"))
                header = next(
                    h for h in reversed(text[: text.index(line)].splitlines()) if "---" in h
                )
                assert len(cells) == header.strip("|").count("|") + 1, (name, line)
    for name, page in pages.items():
        live = _LiveMarkup()
        live.feed(page)
        assert live.found == [], (name, live.found[:3])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_NUMBER = re.compile(r"-?[0-9]+(,[0-9]+)?")


def _formula_cells(files: dict[str, bytes]) -> tuple[list[str], int]:
    """Cells of every Excel CSV and workbook that a spreadsheet would run, and the number of
    text cells looked at."""
    bad, seen = [], 0
    for name, data in files.items():
        if name.endswith("_excel.csv"):
            for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"):
                for cell in row:
                    seen += 1
                    if cell.startswith(FORMULA_STARTS) and not EXCEL_NUMBER.fullmatch(cell):
                        bad.append(f"{name}: {cell!r}")
        elif name.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(data))
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":
                            bad.append(f"{name}: formula {cell.value!r}")
                        if isinstance(cell.value, str):
                            seen += 1
                            if cell.value.startswith(FORMULA_STARTS):
                                bad.append(f"{name}: {cell.value!r}")
    return bad, seen


@pytest.mark.timeout(900)
def test_hostile_labels_are_no_formulas_in_any_spreadsheet(hostile_release):
    files = hostile_release
    bad, seen = _formula_cells(files)
    assert seen > 1000 and bad == [], bad[:5]
    # The labels did reach the spreadsheets, neutralised; the plain CSV keeps them exactly.
    excel = files["data/counts_excel.csv"].decode("utf-8-sig")
    assert '\'=HYPERLINK(""http://x"",""y"")' in excel and "'@SUM(1)" in excel
    plain = pd.read_csv(io.BytesIO(files["data/counts.csv"]), dtype=str, keep_default_na=False)
    assert {"+cmd|' /C calc'!A0", '=HYPERLINK("http://x","y")'} <= set(plain["unit_name_fi"])
    book = openpyxl.load_workbook(io.BytesIO(files["data/avainluvut.xlsx"]))
    texts = {c for s in book.worksheets[:2] for (c,) in s.iter_rows(max_col=1, values_only=True)}
    assert "'@SUM(1)" in texts and "'+cmd|' /C calc'!A0" in texts
    # Negative numbers are numbers, not text.
    shares = files["data/unit_shares_excel.csv"].decode("utf-8-sig")
    assert not re.search(r";'-[0-9]", shares)
