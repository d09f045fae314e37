"""Write a release atomically and point ``latest`` at it, on a local disk or object storage.

The release target is a path abstraction (universal-pathlib): a local folder such as ``dist``,
or a URL such as ``s3://bucket/tasapaino`` or ``memory://dist`` (tests). The guarantees differ,
because object stores have no atomic rename and no symlinks. Files are streamed to disk as the
bundle writes them (publish/sinks.py) and hashed on the way, so a release larger than memory
is no problem:

Local file system (POSIX rename and symlink):
  The release is written into a hidden staging folder ``releases/.staging.<pid>.<id>.<rand>``,
  verified against its own SHA256SUMS and renamed to ``releases/<id>``; then a new symlink is
  renamed over ``latest``. A run killed at any moment leaves ``latest`` pointing at a complete,
  verified release and no partial folder under a final name (hidden leftovers of dead runs are
  swept by the next run). Re-publishing an id with different bytes swaps folders while
  ``latest`` points at a hard-linked verified copy, so it never dangles.

Object storage (``s3://``, ``gs://``, ``memory://``, …):
  Releases are immutable. The files are written and checksummed in a local temporary folder,
  then copied under the final prefix ``releases/<id>/``, ``SHA256SUMS`` last, and read back
  and verified; only then is the single ``latest`` object
  (text ``releases/<id>``) written. A single-object PUT is atomic, so readers that follow
  ``latest`` always get a complete, verified release. A killed run may leave an incomplete
  prefix without a valid ``SHA256SUMS``: a release counts only if its ``SHA256SUMS`` verifies,
  and the next run with the same id overwrites such a prefix. An id that already holds a
  *different* verified release is refused instead of overwritten in place.

Every change to a release root (writing a release, switching ``latest``, sweeping leftovers)
holds its exclusive lock (publish/lock.py), so two writers never interleave.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from publish.lock import pid_alive, release_lock
from publish.sinks import FileInfo, FolderSink, Sink, fsync_path

SUMS = "SHA256SUMS"
LATEST = "latest"
HIDDEN = "."
VERIFY_THREADS = min(4, os.cpu_count() or 1)


class ReleaseError(RuntimeError):
    """A release could not be written or did not verify; nothing published was changed."""


def release_root(location: str | os.PathLike[str]) -> Any:
    """A local folder as a resolved ``pathlib.Path``; a URL (``s3://…``) as a ``UPath``."""
    from upath import UPath  # with fsspec about 0.2 s: not paid when definitions load

    text = os.fspath(location)
    if "://" not in text or text.startswith("file://"):
        return Path(UPath(text).path if text.startswith("file://") else text).resolve()
    return UPath(text)


def is_local(root: Any) -> bool:
    return isinstance(root, Path)


def sha256sums(files: Mapping[str, FileInfo]) -> bytes:
    lines = [f"{info.sha256}  {name}\n" for name, info in sorted(files.items())]
    return "".join(lines).encode("utf-8")


def file_sha256(path: Any) -> str:
    """SHA-256 of a file read in blocks: release files may be larger than memory allows."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _actual_sha256(path: Any) -> str | None:
    return file_sha256(path) if path.is_file() else None


def verify(directory: Any) -> None:
    """Raise ReleaseError unless SHA256SUMS exists and every file listed in it matches.

    Files are read back in parallel threads (hashing releases the GIL): a national release
    is gigabytes, and this runs before every rename and every switch of ``latest``.
    """
    sums = directory / SUMS
    if not sums.exists():
        raise ReleaseError(f"{directory}: no {SUMS}")
    listed = [line.split("  ", 1) for line in sums.read_text(encoding="utf-8").splitlines()]
    with ThreadPoolExecutor(max_workers=VERIFY_THREADS) as pool:
        actual = pool.map(_actual_sha256, [directory / name for _, name in listed])
        for (digest, name), found in zip(listed, actual, strict=True):
            if found != digest:
                raise ReleaseError(f"{directory}: {name} does not match {SUMS}")


def is_valid(directory: Any) -> bool:
    try:
        verify(directory)
    except (ReleaseError, OSError, ValueError):
        return False
    return True


Files = Mapping[str, bytes] | Callable[[Sink], object]


def write_release(root: Any, release_id: str, files: Files, *, run_id: str = "") -> Any:
    """Write a release as ``root/releases/<release_id>``, then point ``root/latest`` at it,
    holding the root's lock (``run_id`` names the holder). Returns the release folder.

    ``files`` is either relative path → bytes, or a function that writes the files into the
    sink it is given (publish/sinks.py): large datasets then go to disk as they are produced.
    The release is verified once, before it gets its final name (local) or read back from
    the store; ``latest`` is switched after that, last.
    """
    if not release_id or release_id.startswith(HIDDEN) or "/" in release_id:
        raise ReleaseError(f"release id {release_id!r}: must be a plain, non-hidden name")
    fill = files if callable(files) else _adder(files)
    with release_lock(root, run_id=run_id):
        if is_local(root):
            final = _write_local(root, release_id, fill)
        else:
            final = _write_object_store(root, release_id, fill)
        _switch_latest(root, release_id)  # verified just now, in staging or read back
    return final


def _adder(files: Mapping[str, bytes]) -> Callable[[Sink], None]:
    def fill(sink: Sink) -> None:
        for name, data in files.items():
            sink.add(name, data)

    return fill


def _fill_and_sum(folder: Path, fill: Callable[[Sink], object], *, durable: bool) -> bytes:
    """Write the files and their SHA256SUMS into ``folder``; returns the SHA256SUMS bytes."""
    sink = FolderSink(folder, durable=durable)
    try:
        fill(sink)
        if SUMS in sink.files:
            raise ReleaseError(f"{SUMS} is written by the release step, not by the bundle")
        sums = sha256sums(sink.files)
        sink.add(SUMS, sums)
    finally:
        sink.close()
    return sums


# --- local file system -------------------------------------------------------------------


def _hidden_owner(name: str) -> int | None:
    """Pid encoded in a hidden working name ``.<kind>.<pid>.…``; None for other names."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[0] == "" and parts[2].isdigit():
        return int(parts[2])
    return None


def _latest_target_name(root: Path) -> str | None:
    link = root / LATEST
    return Path(os.readlink(link)).name if link.is_symlink() else None


def sweep_leftovers(root: Path) -> list[str]:
    """Remove hidden staging folders and temporary links left by runs that died, except the
    verified twin that ``latest`` may still point at (a run killed mid-swap)."""
    with release_lock(root):
        return _sweep(root)


def _sweep(root: Path) -> list[str]:
    removed = []
    in_use = _latest_target_name(root)
    for folder in (root, root / "releases"):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            pid = _hidden_owner(entry.name)
            if pid is None or pid == os.getpid() or pid_alive(pid) or entry.name == in_use:
                continue
            if entry.is_symlink() or entry.is_file():
                entry.unlink(missing_ok=True)
            else:
                shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    return removed


def _stage(releases: Path, kind: str, release_id: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f".{kind}.{os.getpid()}.{release_id}.", dir=releases))
    path.chmod(0o755)  # mkdtemp makes it private; a published release is world-readable
    return path


def _link_copy(source: Path, target: Path) -> None:
    """A verified twin of ``source`` made of hard links (no data copied; files never change)."""
    for path in sorted(source.rglob("*")):
        dest = target / path.relative_to(source)
        if path.is_dir():
            dest.mkdir(parents=True, exist_ok=True)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, dest)
            except OSError:
                shutil.copy2(path, dest)


def _same_release(final: Path, sums: bytes) -> bool:
    listed = final / SUMS
    return listed.is_file() and listed.read_bytes() == sums and is_valid(final)


def _write_local(root: Path, release_id: str, fill: Callable[[Sink], object]) -> Path:
    releases = root / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    sweep_leftovers(root)
    final = releases / release_id
    staging = _stage(releases, "staging", release_id)
    cleanup = [staging]
    try:
        sums = _fill_and_sum(staging, fill, durable=True)
        verify(staging)
        if _same_release(final, sums):
            return final  # same id, same bytes: nothing to swap
        if final.exists():
            # Different bytes under the same id: keep `latest` on a verified twin during the swap.
            twin = _stage(releases, "twin", release_id)
            cleanup.append(twin)
            _link_copy(staging, twin)
            verify(twin)
            _point_local(root, twin)
            old = _stage(releases, "old", release_id)
            cleanup.append(old)
            os.rename(final, old / "release")
            os.rename(staging, final)
            fsync_path(releases)
            _point_local(root, final)  # before the twin goes
        else:
            os.rename(staging, final)
            fsync_path(releases)
    finally:
        in_use = _latest_target_name(root)
        for path in cleanup:
            if path.name != in_use:  # after a failure `latest` may still need the twin
                shutil.rmtree(path, ignore_errors=True)
    return final


def _point_local(root: Path, target: Path) -> None:
    link = root / LATEST
    tmp_link = root / f".latest.{os.getpid()}.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(os.path.relpath(target, root), tmp_link)
    os.replace(tmp_link, link)
    fsync_path(root)


# --- object storage ----------------------------------------------------------------------


def _write_object_store(root: Any, release_id: str, fill: Callable[[Sink], object]) -> Any:
    """Stage the files in a local temporary folder (their checksums decide whether the id is
    free), then copy them under the final prefix, SHA256SUMS last, and read them back."""
    final = root / "releases" / release_id
    existing = final / SUMS
    with tempfile.TemporaryDirectory(prefix="tasapaino-release-") as tmp:
        staging = Path(tmp)
        sums = _fill_and_sum(staging, fill, durable=False)
        if existing.exists() and is_valid(final):
            if existing.read_bytes() == sums:
                return final
            raise ReleaseError(
                f"{final}: a different release with this id is already published; releases on "
                "object storage are immutable (publish with another --run-date, or delete the "
                "prefix)"
            )
        for line in sums.decode("utf-8").splitlines():
            name = line.split("  ", 1)[1]
            with (staging / name).open("rb") as src, (final / name).open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    existing.write_bytes(sums)  # last: its presence marks the release complete
    verify(final)
    return final


# --- reading and switching ---------------------------------------------------------------


def point_latest(root: Any, release_id: str) -> None:
    """Make ``latest`` name ``releases/<release_id>``: a symlink renamed into place on a local
    disk, a single small object elsewhere. Refuses a release that does not verify."""
    with release_lock(root):
        verify(root / "releases" / release_id)
        _switch_latest(root, release_id)


def _switch_latest(root: Any, release_id: str) -> None:
    target = root / "releases" / release_id
    if is_local(root):
        _point_local(root, target)
    else:
        (root / LATEST).write_text(f"releases/{release_id}\n", encoding="utf-8")


def latest_id(root: Any) -> str | None:
    """The id ``latest`` points at, or None before the first release."""
    link = root / LATEST
    if is_local(root):
        if not link.is_symlink():
            return None
        return Path(os.readlink(link)).name
    if not link.exists():
        return None
    return link.read_text(encoding="utf-8").strip().rsplit("/", 1)[-1]


def release_ids(root: Any) -> list[str]:
    """Ids of complete releases (a SHA256SUMS present), oldest first; hidden work folders and
    prefixes of interrupted object-store writes are not releases."""
    releases = root / "releases"
    if not releases.exists():
        return []
    return sorted(
        p.name for p in releases.iterdir() if not p.name.startswith(HIDDEN) and (p / SUMS).exists()
    )


def earlier_ids(root: Any, release_id: str) -> list[str]:
    """Complete releases older than ``release_id`` (ids sort by vintage, then run date)."""
    return [r for r in release_ids(root) if r < release_id]


def rollback(root: Any, release_id: str | None = None) -> str:
    """Point ``latest`` at ``release_id`` or, by default, the release before the current one.
    The choice and the switch happen under the root's lock, so no run publishes in between."""
    with release_lock(root):
        return _rollback(root, release_id)


def _rollback(root: Any, release_id: str | None) -> str:
    if release_id is None:
        current = latest_id(root)
        older = [r for r in release_ids(root) if current is None or r < current]
        if not older:
            raise ReleaseError(f"{root}: no release older than {current} to roll back to")
        release_id = older[-1]
    elif release_id not in release_ids(root):
        raise ReleaseError(f"{root}: no release {release_id!r} (see `tasapaino publish --list`)")
    point_latest(root, release_id)
    return release_id


def read_file(root: Any, release_id: str, name: str) -> bytes | None:
    path = root / "releases" / release_id / name
    with contextlib.suppress(FileNotFoundError):
        if path.is_file():
            return path.read_bytes()
    return None
