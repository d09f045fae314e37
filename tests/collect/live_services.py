"""An imitation of StatFin (PxWeb v1) and Vipunen on 127.0.0.1 for live-run tests (SYNTHETIC data).

The StatFin side serves the real tables' full layouts (tests/collect/statfin_layouts.py): 115q,
115s and 12br, with the service's ``?config`` limits (120 000 cells a query, 40 calls a minute),
its folder listings, metadata in fi/sv/en and json-stat2 answers; it can be told to answer 429,
503 or 500, to hang, to send an endless body or an HTML page. The clients find it through
TASAPAINO_STATFIN_URL / TASAPAINO_VIPUNEN_URL exactly as they would find the real services.
Nothing leaves the machine.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx

from assets.reference.paths import data_dir
from tests.collect.pxweb_mock import ROOT, PxWebMock, table_12br, table_115q, table_115s
from tests.collect.test_vipunen_client import VipunenMock

VIPUNEN_ROOT = "https://vipunen.test/api"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Misbehaviour:
    """What the server does instead of answering, for requests matching ``when``."""

    when: Callable[[str, str], bool]  # (method, path) -> applies
    action: str  # hang | trickle | html | 500 | redirect-away | redirect-loop | redirect-moved
    seconds: float = 120.0


class _Handler(BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[Any, str]]] = {}
    misbehaviour: ClassVar[list[Misbehaviour]] = []

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        for m in self.misbehaviour:
            if m.when(self.command, self.path):
                return self._misbehave(m)
        prefix, _, rest = self.path.lstrip("/").partition("/")
        mock, base = self.routes[prefix]
        request = httpx.Request(
            self.command, f"{base}/{rest}", content=body, headers=dict(self.headers)
        )
        response = mock.handle(request)
        self._send(response.status_code, response.content, dict(response.headers))

    def _send(self, status: int, content: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            if k.lower() not in ("content-length", "transfer-encoding", "content-encoding"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _misbehave(self, m: Misbehaviour) -> None:
        if m.action == "hang":
            time.sleep(m.seconds)
            return
        if m.action == "trickle":  # an endless body, one byte a second
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            deadline = time.monotonic() + m.seconds
            while time.monotonic() < deadline:
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(1.0)
            return
        if m.action == "html":
            page = b"<!DOCTYPE html><html><head><title>Huoltokatko</title></head></html>"
            return self._send(200, page, {"Content-Type": "text/html"})
        if m.action == "redirect-away":
            return self._send(307, b"", {"Location": "http://127.0.0.2:9/elsewhere"})
        if m.action == "redirect-loop":
            return self._send(302, b"", {"Location": self.path})
        if m.action == "redirect-moved":  # the same host, another address for the same resource
            return self._send(301, b"", {"Location": f"{self.path}?moved=1"})
        if m.action.isdigit():
            return self._send(int(m.action), b"error", {"Content-Type": "text/plain"})
        raise ValueError(m.action)

    do_GET = do_POST = _serve

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class LiveServices:
    pxweb: PxWebMock
    vipunen: VipunenMock
    data: Path
    statfin_url: str
    vipunen_url: str
    misbehaviour: list[Misbehaviour] = field(default_factory=list)

    def misbehave(self, when: Callable[[str, str], bool], action: str, seconds: float = 120.0):
        self.misbehaviour.append(Misbehaviour(when, action, seconds))


def start(tmp_path: Path, monkeypatch, *, years: int = 14, vipunen: bool = True) -> Iterator:
    """Serve 115q, 115s and 12br (and Vipunen unless ``vipunen`` is False: then its URL is a
    closed port); point the environment at them and at a copy of the project's data."""
    pxweb = PxWebMock()
    pxweb.add(table_115q(years=years))
    pxweb.add(table_115s(years=years))
    pxweb.add(table_12br())
    vmock = VipunenMock()
    misbehaviour: list[Misbehaviour] = []
    _Handler.routes = {"pxweb": (pxweb, ROOT), "vipunen": (vmock, VIPUNEN_ROOT)}
    _Handler.misbehaviour = misbehaviour
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    port = server.server_address[1]
    statfin_url = f"http://127.0.0.1:{port}/pxweb"
    vipunen_url = f"http://127.0.0.1:{port if vipunen else closed_port()}/vipunen"
    monkeypatch.setenv("TASAPAINO_DATA_DIR", str(data))
    monkeypatch.setenv("TASAPAINO_STATFIN_URL", statfin_url)
    monkeypatch.setenv("TASAPAINO_VIPUNEN_URL", vipunen_url)
    monkeypatch.setenv("TASAPAINO_ARCHIVE_DIR", str(tmp_path / "archive"))
    # A refused connection is retried until the table's deadline: keep that short in tests.
    monkeypatch.setenv("TASAPAINO_HTTP_TABLE_DEADLINE_S", "5")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir(exist_ok=True)
    services = LiveServices(pxweb, vmock, data, statfin_url, vipunen_url, misbehaviour)
    try:
        yield services
    finally:
        server.shutdown()
        server.server_close()


def collect_resources(tmp_path: Path, *, statfin_live=True, vipunen_live=True, snapshot="") -> dict:
    """The resources the collect assets need, live or offline, with a throwaway archive and
    release root under ``tmp_path``."""
    from assets.resources import (
        CollectionPolicy,
        HandedTables,
        LocalCountsFiles,
        ReleaseTarget,
        SnapshotSource,
        StatFinApi,
        VipunenApi,
    )

    return {
        "snapshot": SnapshotSource(directory=snapshot),
        "local_counts": LocalCountsFiles(),
        "handed_tables": HandedTables(),
        "collection": CollectionPolicy(),
        "statfin": StatFinApi(live=statfin_live, archive_dir=str(tmp_path / "archive")),
        "vipunen": VipunenApi(live=vipunen_live),
        "release_target": ReleaseTarget(out_dir=str(tmp_path / "dist")),
    }
