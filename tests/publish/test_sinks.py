"""Sinks: files written whole or as streams, sized and hashed on the way, each name once."""

import hashlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from publish.sinks import FileInfo, FolderSink, MemorySink


def test_a_stream_is_hashed_and_counted_as_written(tmp_path):
    sink = FolderSink(tmp_path)
    with sink.open("data/a.csv") as out:
        out.write(b"a,b\r\n")
        out.write(memoryview(b"1,2\r\n"))
        assert out.tell() == 10
    sink.add("b.txt", "ä\n".encode())
    sink.close()
    assert (tmp_path / "data" / "a.csv").read_bytes() == b"a,b\r\n1,2\r\n"
    assert sink.files == {
        "data/a.csv": FileInfo(10, hashlib.sha256(b"a,b\r\n1,2\r\n").hexdigest()),
        "b.txt": FileInfo(3, hashlib.sha256("ä\n".encode()).hexdigest()),
    }


def test_memory_and_folder_sinks_agree_on_a_parquet_stream(tmp_path):
    """The Parquet writer writes through a sink's stream and asks it for its position."""
    table = pa.table({"x": list(range(1000))})
    memory, folder = MemorySink(), FolderSink(tmp_path, durable=False)
    for sink in (memory, folder):
        with sink.open("t.parquet") as out:
            pq.write_table(table, out)
    folder.close()
    data = (tmp_path / "t.parquet").read_bytes()
    assert memory.data["t.parquet"] == data
    assert memory.files["t.parquet"] == folder.files["t.parquet"] == FileInfo.of(data)
    assert pq.read_table(tmp_path / "t.parquet").equals(table)


@pytest.mark.parametrize("kind", ["memory", "folder"])
def test_a_name_is_written_once(kind, tmp_path):
    sink = MemorySink() if kind == "memory" else FolderSink(tmp_path)
    sink.add("a", b"1")
    with pytest.raises(ValueError, match="a: written twice"):
        sink.add("a", b"2")
