"""Where the files of a release go while they are written: memory or a staging folder.

The bundle (publish/bundle.py) writes every file into a sink, small ones whole and the large
dataset files as streams, and gets back each file's size and SHA-256, hashed while writing, for
``datapackage.json`` and ``SHA256SUMS``. ``MemorySink`` keeps the bytes (tests, ``bundle.build``);
``FolderSink`` writes into a folder, so a national table at the finest grain never has to fit in
memory as bytes. Where a folder becomes a release is publish/release.py's business.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol


@dataclass(frozen=True)
class FileInfo:
    """Size and SHA-256 (hex) of a written file."""

    size: int
    sha256: str

    @classmethod
    def of(cls, data: bytes) -> FileInfo:
        return cls(len(data), hashlib.sha256(data).hexdigest())


class HashingWriter(io.RawIOBase):
    """Passes bytes on to ``out`` while counting and hashing them (no second read).

    ``tell`` is the number of bytes written, which is what the Parquet writer asks for.
    """

    def __init__(self, out: BinaryIO) -> None:
        super().__init__()
        self.out = out
        self.size = 0
        self._hash = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._hash.update(view)
        self.out.write(view)
        self.size += view.nbytes
        return view.nbytes

    def tell(self) -> int:
        return self.size

    @property
    def info(self) -> FileInfo:
        return FileInfo(self.size, self._hash.hexdigest())


class Sink(Protocol):
    """What the bundle writes into."""

    @property
    def files(self) -> Mapping[str, FileInfo]: ...

    def add(self, name: str, data: bytes) -> FileInfo: ...

    def open(self, name: str) -> contextlib.AbstractContextManager[HashingWriter]: ...


class _Names:
    """Each name once: a bundle that writes a file twice has a bug, not a newer version."""

    def __init__(self) -> None:
        self.files: dict[str, FileInfo] = {}

    def _claim(self, name: str) -> None:
        if name in self.files:
            raise ValueError(f"{name}: written twice into one release")
        self.files[name] = FileInfo(0, "")


class MemorySink(_Names):
    """Files kept as bytes, in the order they were written."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, bytes] = {}

    def add(self, name: str, data: bytes) -> FileInfo:
        self._claim(name)
        self.data[name] = bytes(data)
        self.files[name] = FileInfo.of(self.data[name])
        return self.files[name]

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[HashingWriter]:
        self._claim(name)
        buf = io.BytesIO()
        writer = HashingWriter(buf)
        yield writer
        self.data[name] = buf.getvalue()
        self.files[name] = writer.info


class FolderSink(_Names):
    """Files written under ``folder``. With ``durable``, each closed file is fsynced in a
    background thread while the next one is written; ``close`` waits until all are on disk."""

    def __init__(self, folder: Path, *, durable: bool = True) -> None:
        super().__init__()
        self.folder = folder
        self._syncer = ThreadPoolExecutor(max_workers=1) if durable else None
        self._pending: list[Future[None]] = []

    def add(self, name: str, data: bytes) -> FileInfo:
        with self.open(name) as out:
            out.write(data)
        return self.files[name]

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[HashingWriter]:
        self._claim(name)
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            writer = HashingWriter(fh)
            yield writer
        self.files[name] = writer.info
        if self._syncer is not None:
            self._pending.append(self._syncer.submit(_fsync_file, path))

    def close(self) -> None:
        """Wait until every file is on disk (raises the first fsync error)."""
        if self._syncer is None:
            return
        try:
            for future in self._pending:
                future.result()
        finally:
            self._syncer.shutdown(wait=True, cancel_futures=True)
            self._pending.clear()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
