"""Cheaper writes to the local run history (Dagster's SQLite storage) during ``tasapaino run``.

A bundled run writes about 500 events. Dagster's SQLite storage opens a connection per write
(SQLAlchemy ``NullPool``), commits with ``synchronous=FULL`` (an fsync per event) and, as the
last connection to a WAL database closes, checkpoints the WAL and deletes it — per event. On
this project's 2-core machines that was about 2.5 s of a 20 s run, and far more under disk load.

Two standard SQLite settings, for this process only:

- ``PRAGMA synchronous=NORMAL`` on every SQLite connection: in WAL mode a commit is then
  durable against a crash of the process, only not against a power cut (the SQLite manual's
  advice for WAL). The history is a log of local runs; the release itself is written and
  fsynced by ``publish.release``, not here.
- one extra connection kept open per history database while the run lasts, so a write's close
  is never the last one: the WAL is checkpointed by SQLite's automatic checkpoint instead of on
  every close.

And one SQLAlchemy engine per database file instead of one per write: Dagster's SQLite storages
call ``create_engine`` for each connection they open (about 3 ms of dialect and pool set-up
each, 1.5 s of a bundled run). The cached engines pool their connections instead of Dagster's
``NullPool``: every write is still a transaction of its own, committed when the write ends, but
on a connection opened once (opening one and reading its schema was about 1 ms of each of the
run's ≈ 900 writes).
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

_PINNED: dict[str, sqlite3.Connection] = {}
_INSTALLED = False
# Dagster's SQLite storage modules, each of which calls its imported ``create_engine`` per write.
_STORAGE_MODULES = (
    "dagster._core.storage.event_log.sqlite.sqlite_event_log",
    "dagster._core.storage.runs.sqlite.sqlite_run_storage",
    "dagster._core.storage.schedules.sqlite.sqlite_schedule_storage",
)
_ORIGINAL: dict[str, Callable[..., Any]] = {}
_ENGINES: dict[str, Any] = {}


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous=NORMAL")
        path = next(
            (row[2] for row in cursor.execute("PRAGMA database_list") if row[1] == "main"), ""
        )
    finally:
        cursor.close()
    if not path:
        return
    pinned = _PINNED.get(path)
    if pinned is None:
        pinned = _PINNED[path] = sqlite3.connect(path, check_same_thread=False)
    # A connection counts only once it has read the database (and so opened its WAL); reading
    # again at each new connection follows the file into WAL mode once Dagster switches it.
    pinned.execute("SELECT count(*) FROM sqlite_master").fetchone()


def _engine_cache(create: Callable[..., Any]) -> Callable[..., Any]:
    def cached(url: Any, **kwargs: Any) -> Any:
        key = repr((str(url), sorted((k, repr(v)) for k, v in kwargs.items())))
        engine = _ENGINES.get(key)
        if engine is None:
            from sqlalchemy.pool import QueuePool

            # A pool of open connections instead of Dagster's NullPool: each write still runs
            # in a transaction of its own, committed when it ends, on a connection no other
            # thread uses meanwhile; only the opening (and the schema read that follows) is
            # saved. Dagster disposes the engine after each use, which would close them: that
            # is a no-op here, ``uninstall`` disposes for real.
            kwargs["poolclass"] = QueuePool
            engine = _ENGINES[key] = create(url, **kwargs)
            engine.dispose = _keep_open
        return engine

    return cached


def _keep_open(*_args: Any, **_kwargs: Any) -> None:
    """Stands in for ``Engine.dispose`` of a cached engine while the run lasts."""


def install() -> None:
    """Apply the settings to every SQLite connection SQLAlchemy opens in this process, and
    reuse one engine per database in Dagster's SQLite storages."""
    global _INSTALLED
    if _INSTALLED:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "connect", _on_connect)
    for name in _STORAGE_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:  # another Dagster layout: its storages keep their own engines
            continue
        create = getattr(module, "create_engine", None)
        if callable(create):
            _ORIGINAL[name] = create
            module.create_engine = _engine_cache(create)  # type: ignore[attr-defined]
    _INSTALLED = True


def uninstall() -> None:
    """Stop applying them and close the kept connections (the last close checkpoints the WAL
    once). ``tasapaino run`` may be called in a process that lives on (tests, a server)."""
    global _INSTALLED
    if _INSTALLED:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "connect", _on_connect)
        _INSTALLED = False
    while _ORIGINAL:
        name, create = _ORIGINAL.popitem()
        sys.modules[name].create_engine = create  # type: ignore[attr-defined]
    while _ENGINES:
        _, engine = _ENGINES.popitem()
        del engine.dispose  # the engine's own method again
        engine.dispose()
    while _PINNED:
        _, connection = _PINNED.popitem()
        connection.close()
