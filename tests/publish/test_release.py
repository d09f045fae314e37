"""Atomic release writing and checksums, on a local disk and on an in-memory object store."""

import os
import uuid

import pytest

from publish.release import (
    ReleaseError,
    is_local,
    latest_id,
    release_ids,
    release_root,
    rollback,
    verify,
    write_release,
)


def test_release_is_written_and_latest_points_to_it(tmp_path):
    path = write_release(tmp_path, "r1", {"data/a.csv": b"x\r\n", "datapackage.json": b"{}"})
    assert (tmp_path / "latest").resolve() == path.resolve()
    assert os.readlink(tmp_path / "latest") == "releases/r1"
    verify(path)
    assert (path / "SHA256SUMS").read_text().count("\n") == 2


def test_a_second_release_switches_latest(tmp_path):
    write_release(tmp_path, "r1", {"a": b"1"})
    write_release(tmp_path, "r2", {"a": b"2"})
    assert (tmp_path / "latest" / "a").read_bytes() == b"2"
    assert (tmp_path / "releases" / "r1" / "a").read_bytes() == b"1"


def test_tampered_release_fails_verification(tmp_path):
    path = write_release(tmp_path, "r1", {"a": b"1"})
    (path / "a").write_bytes(b"changed")
    with pytest.raises(ReleaseError, match="a does not match"):
        verify(path)


def test_no_temporary_directories_are_left(tmp_path):
    write_release(tmp_path, "r1", {"a": b"1"})
    assert [p.name for p in (tmp_path / "releases").iterdir()] == ["r1"]


def test_same_id_same_bytes_keeps_the_folder(tmp_path):
    first = write_release(tmp_path, "r1", {"a": b"1"})
    inode = first.stat().st_ino
    write_release(tmp_path, "r1", {"a": b"1"})
    assert (tmp_path / "releases" / "r1").stat().st_ino == inode


def test_same_id_new_bytes_replaces_the_release_and_leaves_nothing_behind(tmp_path):
    write_release(tmp_path, "r1", {"a": b"1"})
    write_release(tmp_path, "r1", {"a": b"2", "b": b"3"})
    assert (tmp_path / "latest" / "a").read_bytes() == b"2"
    assert [p.name for p in (tmp_path / "releases").iterdir()] == ["r1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "releases"]


def test_leftovers_of_a_dead_run_are_swept(tmp_path):
    write_release(tmp_path, "r1", {"a": b"1"})
    dead = 2**22 + 12345  # above the default pid_max of 4 194 304: no such process
    stale = tmp_path / "releases" / f".staging.{dead}.r2.abc"
    stale.mkdir()
    (stale / "a").write_bytes(b"half")
    (tmp_path / f".latest.{dead}.tmp").symlink_to("releases/r1")
    write_release(tmp_path, "r2", {"a": b"2"})
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "releases"]


def test_rollback_points_latest_at_the_previous_release(tmp_path):
    write_release(tmp_path, "20200101-20260101", {"a": b"1"})
    write_release(tmp_path, "20200101-20260201", {"a": b"2"})
    assert rollback(tmp_path) == "20200101-20260101"
    assert (tmp_path / "latest" / "a").read_bytes() == b"1"
    with pytest.raises(ReleaseError, match="no release older"):
        rollback(tmp_path)
    assert rollback(tmp_path, "20200101-20260201") == "20200101-20260201"


def test_rollback_refuses_a_release_that_does_not_verify(tmp_path):
    write_release(tmp_path, "r1", {"a": b"1"})
    write_release(tmp_path, "r2", {"a": b"2"})
    (tmp_path / "releases" / "r1" / "a").write_bytes(b"tampered")
    with pytest.raises(ReleaseError, match="does not match"):
        rollback(tmp_path, "r1")
    assert latest_id(tmp_path) == "r2"


def test_memory_filesystem_gets_a_latest_pointer_object():
    root = release_root(f"memory://tasapaino-{uuid.uuid4().hex}/dist")
    assert not is_local(root)
    write_release(root, "r1", {"data/a.csv": b"x\r\n"})
    write_release(root, "r2", {"data/a.csv": b"y\r\n"})
    assert (root / "latest").read_text() == "releases/r2\n"
    assert latest_id(root) == "r2" and release_ids(root) == ["r1", "r2"]
    verify(root / "releases" / "r2")
    assert rollback(root) == "r1"
    assert (root / "latest").read_text() == "releases/r1\n"


def test_object_store_releases_are_immutable():
    root = release_root(f"memory://tasapaino-{uuid.uuid4().hex}/dist")
    write_release(root, "r1", {"a": b"1"})
    write_release(root, "r1", {"a": b"1"})  # same bytes: idempotent
    with pytest.raises(ReleaseError, match="immutable"):
        write_release(root, "r1", {"a": b"2"})
    assert (root / "releases" / "r1" / "a").read_bytes() == b"1"


def test_an_interrupted_object_store_write_is_not_a_release():
    root = release_root(f"memory://tasapaino-{uuid.uuid4().hex}/dist")
    write_release(root, "r1", {"a": b"1"})
    (root / "releases" / "r2" / "a").write_bytes(b"2")  # a run died before SHA256SUMS
    assert release_ids(root) == ["r1"] and latest_id(root) == "r1"
    write_release(root, "r2", {"a": b"2", "b": b"3"})  # the next run completes it
    assert latest_id(root) == "r2"
    verify(root / "releases" / "r2")


def test_local_paths_and_file_urls_are_local(tmp_path):
    assert release_root(str(tmp_path)) == tmp_path.resolve()
    assert release_root(tmp_path.as_uri()) == tmp_path.resolve()


def _streamed(files: dict[str, bytes]):
    """A bundle that writes its files as streams, in two pieces each."""

    def fill(sink):
        for name, data in files.items():
            with sink.open(name) as out:
                out.write(data[:1])
                out.write(data[1:])

    return fill


def test_a_streamed_release_equals_the_same_files_given_as_bytes(tmp_path):
    files = {"data/a.csv": b"x,y\r\n1,2\r\n", "datapackage.json": b"{}"}
    write_release(tmp_path / "bytes", "r1", files)
    path = write_release(tmp_path / "streamed", "r1", _streamed(files))
    verify(path)
    assert (path / "SHA256SUMS").read_bytes() == (
        tmp_path / "bytes" / "latest" / "SHA256SUMS"
    ).read_bytes()


def test_a_failing_bundle_publishes_nothing_and_leaves_latest(tmp_path):
    write_release(tmp_path, "r1", {"a": b"1"})

    def fill(sink):
        with sink.open("data/big.csv") as out:
            out.write(b"half of a table")
            raise RuntimeError("the dataset writer failed")

    with pytest.raises(RuntimeError, match="dataset writer failed"):
        write_release(tmp_path, "r2", fill)
    assert latest_id(tmp_path) == "r1"
    assert [p.name for p in (tmp_path / "releases").iterdir()] == ["r1"]


def test_a_bundle_may_not_write_its_own_sha256sums(tmp_path):
    with pytest.raises(ReleaseError, match="written by the release step"):
        write_release(tmp_path, "r1", {"SHA256SUMS": b"forged"})
    with pytest.raises(ReleaseError, match="written by the release step"):
        write_release(tmp_path, "r1", _streamed({"SHA256SUMS": b"forged"}))
    assert release_ids(tmp_path) == []


def test_a_streamed_release_on_the_memory_filesystem():
    root = release_root(f"memory://tasapaino-{uuid.uuid4().hex}/dist")
    write_release(root, "r1", _streamed({"data/a.csv": b"x\r\n", "b": b"2"}))
    assert (root / "releases" / "r1" / "data" / "a.csv").read_bytes() == b"x\r\n"
    assert latest_id(root) == "r1"
    verify(root / "releases" / "r1")
