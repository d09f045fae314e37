"""Recorded API responses: written by ``snapshot refresh`` and live runs, replayed offline.

Each response body is stored byte for byte as received, beside a small JSON file with its
request (method, URL, parameters, body), HTTP status, retrieval time and SHA-256::

    <root>/statfin/<folder>/<table>/<measure>/001-metadata-fi.json        body as received
    <root>/statfin/<folder>/<table>/<measure>/001-metadata-fi.request.json
    <root>/statfin/<folder>/<table>/<measure>/004-data.json …
    <root>/statfin/_service/001-config.json, 002-listing.json …           limits and listings
    <root>/vipunen/<resource>/<measure>/001-count.json, 002-data.json …

Replaying reads these back into ``Exchange`` records, which go through the very same parser
and harmonisation as a live run. A body whose checksum no longer matches is refused.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from pathlib import Path

from assets.collect.http import Exchange

SERVICE = "_service"


class RecordingError(ValueError):
    """A recorded response is missing or was changed after it was recorded."""


def exchange_dir(root: Path, source: str, table: str, measure: str) -> Path:
    return root / source / table / measure


def write_exchanges(directory: Path, exchanges: Iterable[Exchange]) -> list[Path]:
    """Replace ``directory`` with the given exchanges, numbered in call order."""
    staging = directory.with_name(directory.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    written = []
    for n, exchange in enumerate(exchanges, start=1):
        stem = f"{n:03d}-{exchange.kind}"
        (staging / f"{stem}.json").write_bytes(exchange.body)
        meta = {
            "source": exchange.source,
            "table": exchange.table,
            "kind": exchange.kind,
            "method": exchange.method,
            "url": exchange.url,
            **({"final_url": exchange.final_url} if exchange.final_url else {}),
            "params": exchange.params,
            "request_body": exchange.request_body,
            "status": exchange.status,
            "retrieved_at": exchange.retrieved_at,
            "sha256": exchange.sha256,
            "bytes": len(exchange.body),
            "source_updated": source_updated(exchange),
        }
        (staging / f"{stem}.request.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        written.append(directory / f"{stem}.json")
    if directory.exists():
        shutil.rmtree(directory)
    staging.rename(directory)
    return written


def source_updated(exchange: Exchange) -> str:
    """The source's own update time carried by a response: json-stat2 ``updated``, or the
    newest ``updated`` of a folder listing, or Vipunen's ``tietojoukkoPaivitettyPvm``."""
    try:
        doc = exchange.json()
    except ValueError:
        return ""
    if isinstance(doc, dict):
        return str(doc.get("updated") or "")
    if isinstance(doc, list) and doc and isinstance(doc[0], dict):
        stamps = [str(d.get("updated") or d.get("tietojoukkoPaivitettyPvm") or "") for d in doc]
        return max(stamps)
    return ""


def read_exchanges(directory: Path) -> list[Exchange]:
    """The exchanges recorded in ``directory``, in call order, checksums verified."""
    if not directory.is_dir():
        raise RecordingError(
            f"{directory}: no recorded responses; record them with `tasapaino snapshot refresh`"
        )
    out = []
    for meta_path in sorted(directory.glob("*.request.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body_path = meta_path.with_name(meta_path.name.removesuffix(".request.json") + ".json")
        if not body_path.is_file():
            raise RecordingError(f"{body_path}: recorded body is missing")
        body = body_path.read_bytes()
        if hashlib.sha256(body).hexdigest() != meta["sha256"]:
            raise RecordingError(
                f"{body_path}: content differs from the SHA-256 recorded with it; restore the "
                "file from git or record it again with `tasapaino snapshot refresh`"
            )
        out.append(
            Exchange(
                source=meta["source"],
                table=meta["table"],
                kind=meta["kind"],
                method=meta["method"],
                url=meta["url"],
                request_body=meta["request_body"],
                status=int(meta["status"]),
                body=body,
                retrieved_at=meta["retrieved_at"],
                params=dict(meta.get("params") or {}),
                final_url=str(meta.get("final_url") or ""),
            )
        )
    return out


def recorded_dirs(root: Path) -> list[Path]:
    """Every folder that holds recorded exchanges (for verification and listings)."""
    return sorted({p.parent for p in root.rglob("*.request.json")}) if root.is_dir() else []


def verify(root: Path) -> list[str]:
    """One problem per line for every recorded folder that does not read back; [] when sound."""
    problems = []
    for directory in recorded_dirs(root):
        try:
            read_exchanges(directory)
        except (RecordingError, KeyError, json.JSONDecodeError) as exc:
            problems.append(str(exc))
    return problems
