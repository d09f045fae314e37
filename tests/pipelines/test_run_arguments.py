"""`tasapaino run` refuses bad arguments before any work: one line, exit code 2, quickly.

Each case runs the real command in a child process in which Dagster cannot be imported, so a
refusal that came after the pipeline started could not pass. (How fast a refusal is, is a
benchmark's business, not a test's: wall-clock limits fail on a loaded machine.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NO_DAGSTER = (
    "import sys; sys.modules['dagster'] = None; "
    "from pipelines.cli import main; sys.exit(main(sys.argv[1:]))"
)
HEADER = (
    "source,source_table,dimension,classification,level,measure,unit_code,unit_name_fi,"
    "unit_name_sv,unit_name_en,region_code,region_name_fi,year,sex,count,status,derivation,"
    "retrieved_at,source_updated\n"
)


def _refused(args: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-c", NO_DAGSTER, "run", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("tasapaino run: ")
    return done.stderr


def _file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _sparse(tmp_path: Path, size: int) -> str:
    """A file of ``size`` bytes that takes no disk space (SYNTHETIC: zeros after a header)."""
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:
        fh.write(HEADER.encode())
        fh.truncate(size)
    return str(path)


def _latest_folder(tmp_path: Path) -> str:
    (tmp_path / "latest").mkdir()
    return str(tmp_path)


def _link_to_etc(tmp_path: Path) -> str:
    (tmp_path / "out").symlink_to("/etc")
    return str(tmp_path / "out")


CASES: dict[str, tuple[Callable[[Path], list[str]], str]] = {
    "run date not in the calendar": (
        lambda t: ["--out", str(t), "--run-date", "2026-13-45"],
        "--run-date 2026-13-45: no such day in the calendar",
    ),
    "run date too early": (
        lambda t: ["--out", str(t), "--run-date", "1800-01-01"],
        "--run-date 1800-01-01: outside 2000-01-01…",
    ),
    "run date too far ahead": (
        lambda t: ["--out", str(t), "--run-date", "2999-01-01"],
        "--run-date 2999-01-01: outside 2000-01-01…",
    ),
    "run date in another form": (
        lambda t: ["--out", str(t), "--run-date", "3.12.2026"],
        "--run-date 3.12.2026: not a date; write it as YYYY-MM-DD",
    ),
    "out is the root": (lambda t: ["--out", "/"], "--out /: / is a system folder"),
    "out is a system folder": (lambda t: ["--out", "/etc"], "--out /etc: /etc is a system folder"),
    "out inside a system tree": (
        lambda t: ["--out", "/proc/tasapaino"],
        "--out /proc/tasapaino: /proc/tasapaino is a system folder",
    ),
    "out is /var": (lambda t: ["--out", "/var"], "/var is a system folder"),
    "out links to a system folder": (
        lambda t: ["--out", _link_to_etc(t)],
        "/etc is a system folder",
    ),
    "out is a file": (
        lambda t: ["--out", _file(t, "out.txt", b"x")],
        "out.txt is a file, not a folder",
    ),
    "latest is a real folder": (
        lambda t: ["--out", _latest_folder(t)],
        "latest is a real folder, not the symlink a release root keeps there",
    ),
    "counts missing": (
        lambda t: ["--out", str(t), "--counts", str(t / "nope.csv")],
        "nope.csv: no such file",
    ),
    "counts empty": (
        lambda t: ["--out", str(t), "--counts", _file(t, "empty.csv", b"")],
        "the file is empty",
    ),
    "counts text junk": (
        lambda t: ["--out", str(t), "--counts", _file(t, "junk.csv", b"qwerty,uiop\n" * 100_000)],
        "columns do not match the counts contract (missing source, ",
    ),
    "counts junk under a good header": (
        lambda t: [
            "--out",
            str(t),
            "--counts",
            _file(t, "rows.csv", (HEADER + "a,b,c\n" * 50_000).encode()),
        ],
        "row 2 has 3 fields but the header has 19",
    ),
    "counts one endless line": (
        lambda t: ["--out", str(t), "--counts", _file(t, "line.csv", b"x" * 200_000)],
        "the first line is longer than 64 KiB; not a counts CSV file",
    ),
    "counts an HTML page": (
        lambda t: ["--out", str(t), "--counts", _file(t, "page.csv", b"<html><body>503</body>")],
        "the file is an HTML/XML page, not data",
    ),
    "counts not UTF-8": (
        lambda t: ["--out", str(t), "--counts", _file(t, "latin.csv", "lähde\n".encode("latin-1"))],
        "the file is not UTF-8 text (byte 0xe4 on line 1",
    ),
    "counts a fake Parquet file": (
        lambda t: ["--out", str(t), "--counts", _file(t, "fake.parquet", b"not parquet at all")],
        "the file is named .parquet but is not a Parquet file",
    ),
    "counts over the size limit": (
        lambda t: ["--out", str(t), "--counts", _sparse(t, 1 << 30)],
        "1024 MiB is more than the 256 MiB a counts file may have",
    ),
    "full refresh without live": (
        lambda t: ["--out", str(t), "--full-refresh"],
        "--full-refresh: only meaningful with --source live",
    ),
    "snapshot not a snapshot": (
        lambda t: ["--out", str(t), "--snapshot", str(t)],
        "not a snapshot folder",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_before_any_work(case, tmp_path):
    make_args, expected = CASES[case]
    out = tmp_path / "work"
    out.mkdir()
    err = _refused(make_args(out))
    assert expected in err
    assert not (out / "releases").exists()


def test_the_size_limit_follows_its_environment_variable(tmp_path):
    """Raised, the limit lets the file's head be judged instead: still refused, unread."""
    err = _refused(
        ["--out", str(tmp_path), "--counts", _sparse(tmp_path, 300 << 20)],
        env={"TASAPAINO_MAX_COUNTS_MB": "400"},
    )
    assert "the file contains NUL bytes: it is binary, not CSV text" in err


def test_the_bundled_counts_contract_file_passes_the_early_check(tmp_path):
    """The check must not refuse a good file: a counts file of the release's own layout."""
    from assets.collect.local_counts import check_counts_file
    from tests.checks.corpus import CORPUS

    assert check_counts_file(CORPUS / "counts_negative.parquet") > 0
    good = tmp_path / "counts.csv"
    good.write_text(HEADER + "transcribed," + "x," * 17 + "x\n", encoding="utf-8")
    assert check_counts_file(good) == good.stat().st_size
