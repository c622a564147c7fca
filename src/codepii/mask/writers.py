"""Shard writers: deterministic bytes under a temporary name, visible only after ``commit()``.

``commit()`` closes the format layer, flushes and fsyncs the file, then
renames it over the final name (atomic on a local or network filesystem) and
fsyncs the directory (STYLE.md, rule 6). The same rows give the same bytes,
so a rerun after a crash reproduces an uninterrupted run byte for byte.
"""
from __future__ import annotations

import abc
import gzip
import json
import os
import shutil
import uuid
from typing import Mapping, Sequence

from ..errors import RecordError
from ..records import is_url


def pii_type(with_hash: bool):
    """Arrow type of the pii column: list<struct<start, end, category, score[, value_hash]>>."""
    import pyarrow as pa

    fields = [("start", pa.int64()), ("end", pa.int64()), ("category", pa.string()), ("score", pa.float64())]
    if with_hash:
        fields.append(("value_hash", pa.string()))
    return pa.list_(pa.struct(fields))


def output_schema(schema, text_column: str, pii_column: str, with_hash: bool):
    """The input schema with the text column as string and the pii column appended (replaced if present)."""
    import pyarrow as pa

    fields = [f for f in schema if f.name != pii_column]
    textual = (pa.types.is_string, pa.types.is_large_string)
    fields = [
        pa.field(f.name, pa.string()) if f.name == text_column and not any(t(f.type) for t in textual) else f
        for f in fields
    ]
    return pa.schema(fields + [pa.field(pii_column, pii_type(with_hash))], metadata=schema.metadata)


def _fs(path: str):
    import fsspec

    return fsspec.core.url_to_fs(path)[0] if is_url(path) else None


def temp_name(final: str) -> str:
    """A hidden sibling of ``final``, unique per attempt (a stale writer never shares it)."""
    head, tail = final.rsplit("/", 1) if "/" in final else ("", final)
    name = f".{tail}.{uuid.uuid4().hex[:12]}.tmp"
    return f"{head}/{name}" if head else name


def remove_stale_temps(final: str) -> None:
    """Delete temporaries that killed runs left beside ``final`` (local paths)."""
    if is_url(final):
        return
    head, tail = os.path.split(os.path.abspath(final))
    if os.path.isdir(head):
        for name in os.listdir(head):
            if name.startswith(f".{tail}.") and name.endswith(".tmp"):
                p = os.path.join(head, name)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)


def fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_move(tmp: str, final: str) -> None:
    """Rename ``tmp`` over ``final`` (atomic on one local filesystem; a copy-then-delete on object stores)."""
    fs = _fs(final)
    if fs is not None:
        fs.mv(tmp, final, recursive=True)
        return
    if os.path.isdir(final):
        shutil.rmtree(final)
    os.replace(tmp, final)
    fsync_dir(os.path.dirname(os.path.abspath(final)))


class ShardWriter(abc.ABC):
    """One job: write accepted rows to a temporary file; ``commit()`` makes it the output."""

    def __init__(self, final: str):
        self.final = final
        self.tmp = temp_name(final)
        self.rows = 0
        fs = _fs(final)
        if fs is None:
            os.makedirs(os.path.dirname(os.path.abspath(final)), exist_ok=True)
            self._raw = open(self.tmp, "wb")
        else:
            fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
            self._raw = fs.open(self.tmp, "wb")

    @abc.abstractmethod
    def write_rows(self, rows: Sequence[Mapping]) -> None:
        """Append rows (already masked)."""

    def _finish(self) -> None:
        """Close the format layer; the raw file is flushed and synced afterwards."""

    def _sync_close(self) -> None:
        self._raw.flush()
        if hasattr(self._raw, "fileno") and _fs(self.final) is None:
            os.fsync(self._raw.fileno())
        self._raw.close()

    def commit(self) -> None:
        self._finish()
        self._sync_close()
        atomic_move(self.tmp, self.final)

    def abort(self) -> None:
        """Close and delete the temporary file (after a read error)."""
        try:
            self._raw.close()
        finally:
            fs = _fs(self.final)
            if fs is not None:
                fs.rm(self.tmp, recursive=True)
            elif os.path.isdir(self.tmp):
                shutil.rmtree(self.tmp)
            elif os.path.exists(self.tmp):
                os.remove(self.tmp)


def json_line(row: Mapping) -> bytes:
    """One JSONL line; a value with lone surrogates is kept losslessly as an escaped ASCII line."""
    try:
        return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(row, ensure_ascii=True) + "\n").encode("ascii")


class JsonlShardWriter(ShardWriter):
    """JSONL, gzip (mtime 0, no name: reproducible bytes) or zstd by suffix."""

    def __init__(self, final: str):
        super().__init__(final)
        name = final.lower()
        if name.endswith(".gz"):
            self._out = gzip.GzipFile(filename="", fileobj=self._raw, mode="wb", mtime=0)
        elif name.endswith(".zst"):
            import zstandard

            self._out = zstandard.ZstdCompressor().stream_writer(self._raw, closefd=False)
        else:
            self._out = None

    def write_rows(self, rows):
        self.write_bytes(b"".join(json_line(r) for r in rows))
        self.rows += len(rows)

    def write_bytes(self, data: bytes) -> None:
        (self._out or self._raw).write(data)

    def _finish(self):
        if self._out is not None:
            self._out.close()


class ParquetShardWriter(ShardWriter):
    """Parquet with the input's schema plus the pii column; one row group per batch."""

    def __init__(self, final: str, schema):
        import pyarrow.parquet as pq

        super().__init__(final)
        self.schema = schema
        self._writer = pq.ParquetWriter(self._raw, schema, compression="zstd")

    def write_rows(self, rows):
        import pyarrow as pa

        if rows:
            self._writer.write_table(pa.Table.from_pylist(list(rows), schema=self.schema))
            self.rows += len(rows)

    def _finish(self):
        self._writer.close()


class HfShardWriter(ShardWriter):
    """A saved HF dataset: Arrow stream written as rows come, turned into a dataset dir on commit."""

    def __init__(self, final: str, schema):
        import pyarrow as pa

        if is_url(final):
            raise RecordError(f"{final}: saved HF datasets are written to local directories only")
        super().__init__(final)
        self.schema = schema
        self._writer = pa.ipc.new_stream(self._raw, schema)

    def write_rows(self, rows):
        import pyarrow as pa

        if rows:
            self._writer.write_batch(pa.RecordBatch.from_pylist(list(rows), schema=self.schema))
            self.rows += len(rows)

    def _finish(self):
        self._writer.close()

    def commit(self) -> None:
        import datasets

        self._finish()
        self._sync_close()
        tmp_dir = temp_name(self.final)
        datasets.Dataset.from_file(self.tmp).save_to_disk(tmp_dir)
        os.remove(self.tmp)
        self.tmp = tmp_dir
        atomic_move(tmp_dir, self.final)


def open_writer(fmt: str, final: str, reader_schema, text_column: str, pii_column: str, with_hash: bool) -> ShardWriter:
    if fmt == "jsonl":
        return JsonlShardWriter(final)
    schema = output_schema(reader_schema, text_column, pii_column, with_hash)
    return ParquetShardWriter(final, schema) if fmt == "parquet" else HfShardWriter(final, schema)


class RejectsWriter:
    """The rejects file of one shard: JSONL ``{"row", "id", "reason"}``; never the text."""

    def __init__(self, final: str):
        self.final = final
        self.lines: list[bytes] = []  # rejected rows are few; their ids are small

    def add(self, row: int, row_id, reason: str) -> None:
        if not isinstance(row_id, (str, int, float, type(None))):
            row_id = str(row_id)
        self.lines.append(json_line({"row": row, "id": row_id, "reason": reason}))

    def commit(self) -> None:
        """Write (or, with no rejects, remove a stale file) atomically."""
        if not self.lines:
            fs = _fs(self.final)
            if fs is not None and fs.exists(self.final):
                fs.rm(self.final)
            elif fs is None and os.path.exists(self.final):
                os.remove(self.final)
            return
        w = JsonlShardWriter(self.final)
        w.write_bytes(b"".join(self.lines))
        w.commit()


def sha256_of(path: str) -> tuple[str, int]:
    """(hex digest, bytes) of a file, or of a directory's files in name order (state.json excluded)."""
    import hashlib

    import fsspec

    h, size = hashlib.sha256(), 0
    fs = _fs(path) or fsspec.filesystem("file")
    files = [path] if not fs.isdir(path) else sorted(p for p in fs.find(path) if not p.endswith("state.json"))
    for p in files:
        with fs.open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
    return h.hexdigest(), size

