"""What a new release reads from earlier ones: the newest verified release before it."""

from publish.history import load_previous
from publish.release import write_release


def test_previous_is_the_newest_verified_release_before_the_new_id(tmp_path):
    log = b"# Muutosloki (changelog)\n\n## r\n"
    write_release(tmp_path, "20200101-20260101", {"CHANGELOG.md": log})
    write_release(tmp_path, "20200101-20260201", {"CHANGELOG.md": log})
    write_release(tmp_path, "20200101-20260301", {"CHANGELOG.md": log})
    (tmp_path / "releases" / "20200101-20260201" / "CHANGELOG.md").write_bytes(b"tampered")
    previous = load_previous(tmp_path, "20200101-20260215")
    assert previous.release_id == "20200101-20260101"  # 0201 does not verify; 0301 is later
    assert previous.history == ["20200101-20260101", "20200101-20260201"]
    assert previous.changelog.startswith("# Muutosloki") and previous.counts is None


def test_rebuilding_an_id_does_not_compare_with_itself(tmp_path):
    write_release(tmp_path, "20200101-20260101", {"a": b"1"})
    previous = load_previous(tmp_path, "20200101-20260101")
    assert previous.release_id is None and previous.history == []
