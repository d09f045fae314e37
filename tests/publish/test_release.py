"""Atomic release writing and checksums."""

import os

import pytest

from publish.release import ReleaseError, verify, write_release


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
