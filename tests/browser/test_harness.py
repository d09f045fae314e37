"""The browser harness itself: a clean page passes, and each kind of defect is caught."""

from pathlib import Path

from tests.browser.harness import check_page, serve_directory

GOOD = """<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><title>Testisivu (synteettinen)</title></head>
<body><main><h1>Testisivu</h1><p><a href="data.csv">Lataa data</a></p>
<p><a href="https://example.org/">Ulkoinen linkki</a></p></main></body></html>
"""

BAD = """<!doctype html>
<html><head><meta charset="utf-8"><title>Bad page (synthetic)</title></head>
<body><main><h1>Bad</h1><a href="missing.csv">missing</a><img src="chart.png">
<script>console.error("boom")</script>
<script src="https://cdn.example.org/lib.js"></script></main></body></html>
"""


def _site(root: Path) -> Path:
    (root / "index.html").write_text(GOOD, encoding="utf-8")
    (root / "bad.html").write_text(BAD, encoding="utf-8")
    (root / "data.csv").write_text("a\r\n1\r\n", encoding="utf-8")
    return root


def test_a_clean_page_passes_and_leaves_a_screenshot(browser, tmp_path):
    with serve_directory(_site(tmp_path)) as base:
        report = check_page(browser, f"{base}/index.html", "harness-good")
    report.assert_ok()
    assert report.checked_links == [f"{base}/data.csv"]
    assert report.external_links == ["https://example.org/"]
    assert report.screenshot.stat().st_size > 1000


def test_each_defect_is_reported(browser, tmp_path):
    with serve_directory(_site(tmp_path)) as base:
        report = check_page(browser, f"{base}/bad.html", "harness-bad")
    assert "boom" in report.console_errors
    assert any("missing.csv (404)" in b for b in report.broken_links)
    assert any("chart.png (404)" in b for b in report.broken_links)
    assert report.blocked_requests == ["https://cdn.example.org/lib.js"]
    rules = {a.split(" ")[0] for a in report.accessibility}
    assert {"html-has-lang", "image-alt"} <= rules


def test_a_page_opened_from_the_file_system_is_checked_too(browser, tmp_path):
    site = _site(tmp_path)
    report = check_page(browser, (site / "index.html").as_uri(), "harness-file")
    report.assert_ok()
    assert report.checked_links == [(site / "data.csv").as_uri()]
