"""Acceptance: SIGKILL at 20 seeded random moments while publishing never breaks ``latest``.

A child process publishes the prepared bundle of the real snapshot in a loop (see
``publish_worker.py``); the test kills it with SIGKILL at a random moment, then checks that
``latest`` points at a complete, checksum-valid release and that every folder under a final
name in ``releases/`` verifies. The next child starts from whatever the killed one left.
"""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publish.release import ReleaseError, verify, write_release

PROJECT_ROOT = Path(__file__).resolve().parents[2]
KILLS = 20
SEED = 20261128


def _start(root: Path, bundle: Path, *extra: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.publish.publish_worker", str(root), str(bundle), *extra],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _check_invariants(root: Path) -> None:
    latest = root / "latest"
    assert latest.is_symlink(), "latest is missing or not a symlink"
    verify(latest.resolve())  # complete and checksum-valid, wherever it points
    for entry in (root / "releases").iterdir():
        if not entry.name.startswith("."):
            verify(entry)  # no partial release under a final name


@pytest.mark.timeout(120)
def test_sigkill_while_publishing_never_breaks_latest(release_files, tmp_path):
    root = tmp_path / "dist"
    bundle = tmp_path / "bundle.pickle"
    bundle.write_bytes(pickle.dumps(dict(release_files)))
    write_release(root, "20201105-20260000", release_files)
    rng = random.Random(SEED)
    published = 0
    leftovers_seen = 0
    for _ in range(KILLS):
        proc = _start(root, bundle)
        time.sleep(rng.uniform(0.0, 0.5))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        published += out.count("published")
        mine = f".{proc.pid}."
        leftovers_seen += any(mine in p.name for p in (root / "releases").iterdir())
        _check_invariants(root)
    assert published > 0, "the child never got to publish: kills did not hit publishing"
    print(f"{KILLS} kills: {published} releases completed, {leftovers_seen} interrupted mid-write")


@pytest.mark.timeout(120)
def test_the_same_checks_catch_a_naive_writer(release_files, tmp_path):
    """Negative control: writing in place and relinking ``latest`` breaks under SIGKILL."""
    root = tmp_path / "dist"
    bundle = tmp_path / "bundle.pickle"
    bundle.write_bytes(pickle.dumps(dict(release_files)))
    write_release(root, "20201105-20260000", release_files)
    rng = random.Random(SEED)
    broken = 0
    for _ in range(8):
        proc = _start(root, bundle, "--naive")
        time.sleep(rng.uniform(0.05, 0.5))
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        try:
            _check_invariants(root)
        except (AssertionError, ReleaseError, OSError):
            broken += 1
    assert broken > 0
