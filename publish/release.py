"""Write a release directory atomically and point ``latest`` at it.

The release is built in a temporary sibling directory, checked against its own SHA256SUMS, then
renamed into place; ``latest`` is replaced by renaming a new symlink over it. A run that dies at
any moment leaves either the old release or the new one behind ``latest``, never a half of one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


class ReleaseError(RuntimeError):
    """A release could not be written or did not verify; nothing published was changed."""


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ]
    return "".join(lines).encode("utf-8")


def verify(directory: Path) -> None:
    """Raise ReleaseError unless every file listed in SHA256SUMS matches."""
    sums = directory / "SHA256SUMS"
    if not sums.exists():
        raise ReleaseError(f"{directory}: no SHA256SUMS")
    for line in sums.read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        path = directory / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise ReleaseError(f"{directory}: {name} does not match SHA256SUMS")


def write_release(out_dir: Path, release_id: str, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (relative path → bytes) as ``out_dir/releases/<release_id>``."""
    releases = out_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    final = releases / release_id
    tmp = Path(tempfile.mkdtemp(prefix=f".{release_id}.", dir=releases))
    tmp.chmod(0o755)  # mkdtemp makes it private; a published release is world-readable
    try:
        payload = dict(files)
        payload["SHA256SUMS"] = sha256sums(files)
        for name, data in payload.items():
            path = tmp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        verify(tmp)
        if final.exists():
            # Same id means same vintage and run date: move the old one aside, then swap.
            old = Path(tempfile.mkdtemp(prefix=f".{release_id}.old.", dir=releases))
            os.rename(final, old / "release")
            os.rename(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    point_latest(out_dir, final)
    return final


def point_latest(out_dir: Path, release_dir: Path) -> None:
    """Atomically make ``out_dir/latest`` a relative symlink to ``release_dir``."""
    link = out_dir / "latest"
    tmp_link = out_dir / f".latest.{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(os.path.relpath(release_dir, out_dir), tmp_link)
    os.replace(tmp_link, link)
