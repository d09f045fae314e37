"""The ``tasapaino`` executable ends without freeing its heap: what it prints and its exit code
must be exactly those of ``main`` all the same (``pipelines.cli.console``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipelines.cli import main

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _executable(*argv: str) -> subprocess.CompletedProcess[str]:
    # Buffered as a user's pipe is: output still in Python's buffers at the end must be written.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *argv],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_short_lines_left_in_the_buffer_are_written(capsys):
    done = _executable("criteria")

    assert done.returncode == 0, done.stderr
    assert main(["criteria"]) == 0
    expected = capsys.readouterr().out
    assert expected.startswith("catalogue: ")
    assert done.stdout == expected


def test_the_exit_code_is_mains():
    done = _executable("run", "--run-date", "2026-02-30")

    assert done.returncode == 2
    assert done.stderr.startswith("tasapaino run: --run-date 2026-02-30: no such day")
