"""Reusable browser checks for published HTML pages (data page, articles).

A page is served from a local HTTP server on 127.0.0.1 and loaded in Debian's headless
``chromium`` through Playwright (``executable_path``: no browser download, no network). One call,
``check_page``, collects everything a reader would trip over:

- console errors and uncaught page errors;
- every link (``a[href]``) and every loaded resource (``img``, ``link``, ``script``, ``source``)
  on the local server, fetched again over HTTP: each must answer 200;
- requests to any other host, which are blocked (a published page must work offline) and
  reported, while links to other hosts (source tables, licence) are listed but not fetched;
- axe-core violations of impact ``serious`` or ``critical``;
- a page wider than the viewport (``document.documentElement.scrollWidth``): on a phone it
  would scroll sideways;
- a full-page screenshot under ``test-artifacts/`` kept as a test artefact.

Use it from any test module through the session fixture ``browser`` (registered for the whole
test suite by ``tests/conftest.py``) and ``serve_directory``::

    def test_my_page(browser, tmp_path):
        with serve_directory(tmp_path) as base:
            report = check_page(browser, f"{base}/index.html", "my-page")
        report.assert_ok()

Chromium missing: the tests skip on a workstation, but fail loudly when ``CI=true`` so that a CI
run can never pass without having run them (``make chromium`` installs it).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
BLOCKING_IMPACTS = ("serious", "critical")


def chromium_executable() -> str:
    """Path of Debian's chromium; skip without it locally, fail in CI (CI=true)."""
    path = os.environ.get("TASAPAINO_CHROMIUM") or shutil.which("chromium") or CHROMIUM
    if Path(path).is_file():
        return path
    message = f"chromium not found at {path}: run `make chromium` (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; browser tests must run in CI", pytrace=False)
    pytest.skip(message)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean; failures are reported by the checks, not the log."""


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that stops reading a download it does not need is not a failure."""


@contextmanager
def serve_directory(root: Path) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1 (a free port); yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the whole session (about 1 s to start)."""
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable, args=list(CHROMIUM_FLAGS), headless=True
        )
        try:
            yield instance
        finally:
            instance.close()


@dataclass
class PageReport:
    url: str
    screenshot: Path
    console_errors: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    accessibility: list[str] = field(default_factory=list)
    checked_links: list[str] = field(default_factory=list)
    external_links: list[str] = field(default_factory=list)
    viewport_width: int = 1280
    scroll_width: int = 0

    @property
    def problems(self) -> list[str]:
        return [
            *(f"console error: {e}" for e in self.console_errors),
            *(f"broken link: {e}" for e in self.broken_links),
            *(
                f"request to another host (page must work offline): {e}"
                for e in self.blocked_requests
            ),
            *(f"axe: {e}" for e in self.accessibility),
            *(
                [f"page is {self.scroll_width} px wide at a {self.viewport_width} px viewport"]
                if self.scroll_width > self.viewport_width
                else []
            ),
        ]

    def assert_ok(self) -> None:
        assert not self.problems, f"{self.url}:\n  " + "\n  ".join(self.problems)


def _status(url: str) -> int:
    """HTTP status of a GET; a ``file://`` link answers 200 when the file exists."""
    if url.startswith("file://"):
        path = Path(urllib.request.url2pathname(urlsplit(url).path))
        return 200 if path.is_file() or (path / "index.html").is_file() else 404
    request = urllib.request.Request(url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()  # the whole file must arrive, not just the status line
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


_LINKS_JS = """() => {
  const out = [];
  for (const a of document.querySelectorAll('a[href]')) out.push(a.href);
  for (const e of document.querySelectorAll('img[src], script[src], source[src]')) out.push(e.src);
  for (const l of document.querySelectorAll('link[href]')) out.push(l.href);
  return out;
}"""


def check_page(browser: Any, url: str, name: str, *, viewport_width: int = 1280) -> PageReport:
    """Load ``url`` and run every check; ``name`` names the screenshot file."""
    from axe_playwright_python.sync_playwright import Axe

    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    ARTIFACTS.mkdir(exist_ok=True)
    report = PageReport(
        url=url, screenshot=ARTIFACTS / f"{name}.png", viewport_width=viewport_width
    )
    context = browser.new_context(viewport={"width": viewport_width, "height": 900})
    try:
        page = context.new_page()

        def route(r: Any) -> None:
            if r.request.url.startswith(origin) or r.request.url.startswith("data:"):
                r.continue_()
            else:
                report.blocked_requests.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on(
            "console",
            lambda m: report.console_errors.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: report.console_errors.append(str(e)))
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            report.broken_links.append(f"{url} ({response.status if response else 'no answer'})")
        report.scroll_width = int(page.evaluate("document.documentElement.scrollWidth"))
        page.screenshot(path=str(report.screenshot), full_page=True)
        links = sorted({urldefrag(urljoin(url, h))[0] for h in page.evaluate(_LINKS_JS)})
        for link in links:
            if link.startswith(origin):
                report.checked_links.append(link)
                status = _status(link)
                if status != 200:
                    report.broken_links.append(f"{link} ({status})")
            elif link.startswith(("http://", "https://")):
                report.external_links.append(link)
        results = Axe().run(page)
        for violation in results.response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = [", ".join(n["target"]) for n in violation["nodes"][:3]]
                report.accessibility.append(
                    f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
                )
    finally:
        context.close()
    return report
