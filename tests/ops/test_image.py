"""The code image, as far as this machine can build it: deploy/Dockerfile's own steps.

No Docker engine runs here or in CI, so ``docker build`` cannot be tested. What the image holds is
still decided by two things that can: the files its COPY lines name, and the environment that
``uv sync --frozen --no-dev --extra s3`` makes from uv.lock. This test lays out exactly those
files in an empty folder (as git tracks them), syncs the runtime-only environment from the
local cache (offline), and then, as an unprivileged user that cannot write to the code folder
(the image's ``USER tasapaino``): runs the main job on the bundled snapshot, and serves the code
location over gRPC as the image's CMD does. It fails if the image would miss a file, need a
dev-only package, or write into its own code folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assets.reference.paths import PROJECT_ROOT
from tests.ops.conftest import free_port

DOCKERFILE = PROJECT_ROOT / "deploy" / "Dockerfile"
NOBODY = 65534


def copied_paths() -> list[str]:
    """Sources of the Dockerfile's COPY lines (the last word of each is the destination)."""
    paths: list[str] = []
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words and words[0] == "COPY":
            paths.extend(words[1:-1])
    return paths


def _uv() -> str:
    local = PROJECT_ROOT / ".tools" / "bin" / "uv"  # what the Makefile bootstraps
    found = str(local) if local.exists() else shutil.which("uv")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("no uv: `make test` bootstraps it into .tools/bin/uv")
        pytest.skip("no uv here; `make test` bootstraps it into .tools/bin/uv")
    return found


def _python() -> str:
    """A Python 3.11 that every user may run, as the image's /usr/local/bin/python is (the
    test's own interpreter may live in root's home, which nobody else can enter)."""
    system = Path("/usr/bin/python3.11")
    return str(system) if system.exists() else sys.executable


@pytest.fixture(scope="module")
def image() -> Iterator[Path]:
    """The image's WORKDIR with its files and its runtime-only environment in ./venv."""
    root = Path(tempfile.mkdtemp(prefix="tasapaino-image-"))
    root.chmod(0o755)  # the unprivileged user must read the code, as in the image
    code = root / "opt"
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--", *copied_paths()],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for name in filter(None, tracked.split("\0")):
        target = code / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT_ROOT / name, target)
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(root / "venv"),
        "UV_COMPILE_BYTECODE": "1",
        "UV_OFFLINE": "1",  # from the cache `make test` filled: the test never reaches a registry
    }
    subprocess.run(
        [_uv(), "sync", "--frozen", "--no-dev", "--extra", "s3", "--quiet", "--python", _python()],
        cwd=code,
        env=env,
        check=True,
    )
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | 0o444 | (0o111 if path.is_dir() else 0))
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _as_image_user(argv: list[str], home: Path) -> tuple[list[str], dict[str, str]]:
    """The command as the image's user would run it, with the image's environment.

    As root (CI), it runs as ``nobody``, who cannot write to the code folder; otherwise as the
    current user, with the code folder made read-only by the ``read_only`` fixture.
    """
    venv_bin = home.parent / "venv" / "bin"
    env = {
        "PATH": f"{venv_bin}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    if os.geteuid() == 0:
        for path in (home, *home.rglob("*")):
            os.chown(path, NOBODY, NOBODY)
        argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]
    return argv, env


@pytest.fixture
def read_only(image: Path) -> Iterator[Path]:
    """The code folder read-only for a non-root user (root is dropped to nobody instead)."""
    code = image / "opt"
    if os.geteuid() != 0:
        for path in [code, *code.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
    yield code
    if os.geteuid() != 0:
        for path in [code, *code.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)


def _snapshot(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")}


def test_the_image_files_run_the_main_job_as_an_unprivileged_user(image: Path, read_only: Path):
    home = image / "home"
    out = home / "dist"
    out.mkdir(parents=True)
    before = _snapshot(read_only)
    argv, env = _as_image_user(
        [str(image / "venv" / "bin" / "tasapaino"), "run", "--out", str(out)], home
    )
    done = subprocess.run(argv, cwd=read_only, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    latest = out / "latest"
    assert (latest / "SHA256SUMS").is_file() and (latest / "data" / "counts.csv").is_file()
    # Run history went to the user's home, nothing into the code folder.
    assert (home / ".tasapaino" / "dagster_home").is_dir()
    assert _snapshot(read_only) == before


def test_the_image_serves_the_code_location_over_grpc(image: Path, read_only: Path):
    home = image / "home"
    home.mkdir(exist_ok=True)
    port = free_port()
    dagster = str(image / "venv" / "bin" / "dagster")
    # The image's CMD, on loopback.
    argv, env = _as_image_user(
        [dagster, "api", "grpc", "-h", "127.0.0.1", "-p", str(port), "-m", "pipelines.definitions"],
        home,
    )
    server = subprocess.Popen(
        argv,
        cwd=read_only,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            check = subprocess.run(
                [dagster, "api", "grpc-health-check", "-h", "127.0.0.1", "-p", str(port)],
                env=env,
                capture_output=True,
                text=True,
            )
            if check.returncode == 0:
                break
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() < deadline, check.stdout + check.stderr
            time.sleep(1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
