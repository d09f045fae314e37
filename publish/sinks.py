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
import queue
import threading
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

    ``tell`` is the number of bytes written, which is what the Parquet writer asks for. With
    ``background``, hashing and writing happen in order in a thread of their own (both release
    the GIL), while the caller formats the next rows; at most ``QUEUED`` buffers wait, so
    memory stays bounded. Written buffers must not change afterwards: bytes and Arrow buffers
    never do, and anything writable is copied. ``info`` waits until everything is written.
    """

    QUEUED = 4

    def __init__(self, out: BinaryIO, *, background: bool = False) -> None:
        super().__init__()
        self.out = out
        self.size = 0
        self._hash = hashlib.sha256()
        self._error: BaseException | None = None
        self._queue: queue.Queue[memoryview | None] | None = None
        self._thread: threading.Thread | None = None
        if background:
            self._queue = queue.Queue(maxsize=self.QUEUED)
            self._thread = threading.Thread(target=self._drain, name="hashing-writer", daemon=True)
            self._thread.start()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        size = view.nbytes
        if self._queue is None:
            self._consume(view)
        else:
            self._raise_error()
            self._queue.put(view if view.readonly else memoryview(bytes(view)))
        self.size += size
        return size

    def tell(self) -> int:
        return self.size

    def _consume(self, view: memoryview) -> None:
        self._hash.update(view)
        self.out.write(view)

    def _drain(self) -> None:
        assert self._queue is not None
        while (view := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._consume(view)
                except BaseException as exc:  # handed to the writing thread by _raise_error
                    self._error = exc

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def finish(self) -> FileInfo:
        """Wait for the queued bytes; size and SHA-256 of everything written."""
        if self._thread is not None and self._queue is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._raise_error()
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
        self.files[name] = writer.finish()
        self.data[name] = buf.getvalue()


class FolderSink(_Names):
    """Files written under ``folder``. With ``durable``, each closed file is fsynced in a
    background thread while the next one is written; ``close`` waits until all are on disk."""

    def __init__(self, folder: Path, *, durable: bool = True) -> None:
        super().__init__()
        self.folder = folder
        self._syncer = ThreadPoolExecutor(max_workers=1) if durable else None
        self._pending: list[Future[None]] = []

    def add(self, name: str, data: bytes) -> FileInfo:
        self._claim(name)
        path = self._path(name)
        with open(path, "wb") as fh:
            fh.write(data)
        return self._done(name, path, FileInfo.of(data))

    @contextlib.contextmanager
    def open(self, name: str) -> Iterator[HashingWriter]:
        """A stream hashed and written in the background (large files)."""
        self._claim(name)
        path = self._path(name)
        with open(path, "wb") as fh:
            writer = HashingWriter(fh, background=True)
            try:
                yield writer
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.finish()  # stop its thread; the first error is the one to report
                raise
            info = writer.finish()
        self._done(name, path, info)

    def _path(self, name: str) -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _done(self, name: str, path: Path, info: FileInfo) -> FileInfo:
        self.files[name] = info
        if self._syncer is not None:
            self._pending.append(self._syncer.submit(fsync_path, path))
        return info

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


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's entry to disk (a folder: so a rename in it survives a crash)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
