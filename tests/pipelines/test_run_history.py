"""The run history's SQLite settings: relaxed fsync and a kept connection per database."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from pipelines import run_history


def _engine(path):
    # As Dagster's SQLite storages make theirs: a new connection per use.
    return sa.create_engine(f"sqlite:///{path}", poolclass=NullPool)


def test_connections_commit_without_an_fsync_per_event_and_the_wal_survives_a_close(tmp_path):
    db = tmp_path / "runs.db"
    run_history.install()
    try:
        engine = _engine(db)
        with engine.connect() as conn:
            conn.execute(sa.text("PRAGMA journal_mode=WAL"))
            assert conn.execute(sa.text("PRAGMA synchronous")).scalar() == 1  # NORMAL
            conn.execute(sa.text("CREATE TABLE event (id INTEGER)"))
            conn.commit()
        for i in range(3):
            with engine.connect() as conn:
                conn.execute(sa.text("INSERT INTO event VALUES (:i)"), {"i": i})
                conn.commit()
            # Without the kept connection this close was the last one: SQLite would checkpoint
            # and delete the WAL after every write.
            assert (tmp_path / "runs.db-wal").exists()
    finally:
        run_history.uninstall()
    assert not (tmp_path / "runs.db-wal").exists()  # the last close checkpoints once
    with _engine(db).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM event")).scalar() == 3
        assert conn.execute(sa.text("PRAGMA synchronous")).scalar() == 2  # FULL again
    assert not run_history._PINNED


def test_other_databases_are_left_alone(tmp_path):
    run_history.install()
    try:
        engine = sa.create_engine("sqlite://")  # in memory: no file to keep open
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
        assert not run_history._PINNED
    finally:
        run_history.uninstall()


def test_dagster_storages_reuse_one_engine_per_database_while_installed(tmp_path):
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    original = sqlite_event_log.create_engine
    url = f"sqlite:///{tmp_path / 'index.db'}"
    run_history.install()
    try:
        first = sqlite_event_log.create_engine(url, poolclass=NullPool)
        with first.connect() as conn:
            conn.execute(sa.text("CREATE TABLE event (id INTEGER)"))
            conn.commit()
        first.dispose()  # what Dagster does after each write: the engine stays usable
        again = sqlite_event_log.create_engine(url, poolclass=NullPool)
        assert again is first
        with again.connect() as conn:
            conn.execute(sa.text("INSERT INTO event VALUES (1)"))
            conn.commit()
        other = sqlite_event_log.create_engine(
            f"sqlite:///{tmp_path / 'run.db'}", poolclass=NullPool
        )
        assert other is not first
    finally:
        run_history.uninstall()
    assert sqlite_event_log.create_engine is original
    assert not run_history._ENGINES
    with _engine(tmp_path / "index.db").connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM event")).scalar() == 1


def test_writes_reuse_open_connections_and_each_is_committed_when_it_ends(tmp_path):
    import sqlite3

    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    opened = []

    def count(conn, _record):
        opened.append(conn)

    sa.event.listen(sa.engine.Engine, "connect", count)
    db = tmp_path / "run.db"
    run_history.install()
    try:
        for i in range(5):  # as Dagster's storage writes: engine, transaction, dispose
            engine = sqlite_event_log.create_engine(f"sqlite:///{db}", poolclass=NullPool)
            with engine.connect() as conn, conn.begin():
                if i == 0:
                    conn.execute(sa.text("CREATE TABLE event (id INTEGER)"))
                conn.execute(sa.text("INSERT INTO event VALUES (:i)"), {"i": i})
            engine.dispose()
            reader = sqlite3.connect(db)  # another process's view: the write is committed
            assert reader.execute("SELECT count(*) FROM event").fetchone() == (i + 1,)
            reader.close()
        assert len(opened) == 1
    finally:
        run_history.uninstall()
        sa.event.remove(sa.engine.Engine, "connect", count)
    assert engine.pool.checkedin() == 0  # uninstall closed the pooled connection
