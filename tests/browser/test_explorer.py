"""The "find my field or occupation" page in Chromium, opened from the file system as a reader
who downloaded the release would: search, result, download; and axe-core, sideways scrolling and
outside requests checked on each language version at desktop and phone width."""

from __future__ import annotations

import pytest

from publish import bundle
from publish.explorer import PAGES
from publish.release import write_release
from tests.browser.harness import BLOCKING_IMPACTS, check_page, serve_directory
from tests.publish.release_fixtures import RUN_DATE


@pytest.fixture(scope="module")
def dist(release_datasets, sources, tmp_path_factory):
    root = tmp_path_factory.mktemp("explorer")
    files = bundle.build(release_datasets, sources, {}, run_date=RUN_DATE, code_version="test")
    write_release(root, bundle.release_id(release_datasets["counts"], RUN_DATE), files)
    return root


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    return [
        f"{v['id']}: {v['help']}"
        for v in Axe().run(page).response["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def test_find_tekniikan_alat_from_a_folder_and_download_its_rows(browser, dist, tmp_path):
    page_file = (dist / "latest" / PAGES["fi"]).resolve()
    context = browser.new_context(accept_downloads=True, viewport={"width": 375, "height": 800})
    outside: list[str] = []
    errors: list[str] = []
    try:
        page = context.new_page()
        page.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith(("file://", "blob:", "data:"))
                else (outside.append(r.request.url), r.abort())
            ),
        )
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.get_by_label("Alan tai ammatin nimi").press_sequentially("tekniikan")
        page.get_by_role("button", name="Tekniikan alat").press("Enter")
        result = page.locator("#result")
        assert result.locator("h2").inner_text() == "Tekniikan alat"
        assert "Naisten osuus" in result.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert _serious(page) == []
        with page.expect_download() as caught:
            page.get_by_role("button", name="Lataa rivit (CSV)").press("Enter")
        saved = tmp_path / "rows.csv"
        caught.value.save_as(saved)
    finally:
        context.close()
    assert errors == [] and outside == []
    published = (dist / "latest" / "data" / "unit_shares.csv").read_bytes().split(b"\r\n")
    header, rows = published[0], [r for r in published[1:] if r]
    expected = [header, *(r for r in rows if r.split(b",")[7] == b"Tekniikan alat")]
    assert len(expected) > 1
    assert saved.read_bytes() == b"\r\n".join(expected) + b"\r\n"


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", sorted(PAGES))
def test_each_language_version_passes_the_page_checks(browser, dist, lang, width):
    with serve_directory(dist) as base:
        report = check_page(
            browser,
            f"{base}/latest/{PAGES[lang]}",
            f"explorer-{lang}-{width}",
            viewport_width=width,
        )
    report.assert_ok()
    assert report.scroll_width <= width
