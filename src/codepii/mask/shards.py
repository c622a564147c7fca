"""Shard readers and writers for the masking chain (reader -> validator -> detector -> replacer -> writer).

The record type passed along the chain is ``MaskBatch``: a slice of one input
shard's rows, in order. Readers stream batches and never hold a whole shard;
writers write under a temporary name and only ``commit()`` (fsync, atomic
rename) makes the output visible (STYLE.md, rule 6). Writers are
deterministic: the same rows give the same bytes, so a rerun after a crash
reproduces an uninterrupted run byte for byte.
"""
from __future__ import annotations

import abc
import gzip
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from typing import Iterator, Mapping, Sequence

from ..errors import CodepiiError, RecordError
from ..records import detect_format, is_url, iter_hf_batches, iter_parquet_batches
from ..spans import Span


@dataclass
class MaskBatch:
    """``rows[i]`` is row ``first_row + i`` of ``shard``; ``reasons[i]`` is None or why it is rejected."""

    shard: str
    first_row: int
    rows: list[dict]
    texts: list[str | None] = field(default_factory=list)  # decoded text of the accepted rows
    reasons: list[str | None] = field(default_factory=list)
    spans: list[list[Span]] = field(default_factory=list)
    text_bytes: int = 0  # UTF-8 bytes of the accepted texts (for MB/s)

    def __post_init__(self):
        n = len(self.rows)
        self.texts = self.texts or [None] * n
        self.reasons = self.reasons or [None] * n
        self.spans = self.spans or [[] for _ in range(n)]

    def accepted(self) -> list[int]:
        return [i for i, r in enumerate(self.reasons) if r is None]


# ---------------------------------------------------------------- readers


class ShardReader(abc.ABC):
    """One job: stream one input shard as MaskBatches; ``schema`` is the Arrow schema when the format has one."""

    schema = None

    def __init__(self, path: str, batch_rows: int):
        self.path = path
        self.batch_rows = batch_rows

    @abc.abstractmethod
    def _row_batches(self) -> Iterator[list[dict]]:
        """Lists of row dicts in file order."""

    def __iter__(self) -> Iterator[MaskBatch]:
        first = 0
        batches = self._row_batches()
        while True:
            try:
                rows = next(batches)
            except StopIteration:
                return
            except CodepiiError:
                raise
            except Exception as exc:  # a decompressor or Arrow error: the shard is corrupt, not the run
                # Only the type: parser messages may quote the data.
                raise RecordError(
                    f"{self.path}: cannot read after row {first} ({type(exc).__name__}); the file is corrupt or truncated"
                ) from None
            yield MaskBatch(self.path, first, rows)
            first += len(rows)


def _byte_lines(f, chunk_bytes: int = 1 << 20) -> Iterator[bytes]:
    """Lines of a binary stream in 1 MiB reads (zstd streams have no readline); linear in line length."""
    parts: list[bytes] = []  # pieces of the line not yet ended
    while chunk := f.read(chunk_bytes):
        *lines, tail = chunk.split(b"\n")
        if lines:
            lines[0] = b"".join(parts) + lines[0]
            parts = []
            yield from lines
        parts.append(tail)
    if any(parts):
        yield b"".join(parts)


class JsonlShardReader(ShardReader):
    """JSONL read as bytes: a line with invalid UTF-8 still parses (surrogate escapes), so that the
    validator rejects that one row with its id instead of the whole shard failing."""

    def _row_batches(self):
        import fsspec

        batch: list[dict] = []
        try:
            with fsspec.open(self.path, "rb", compression="infer") as f:
                for lineno, line in enumerate(_byte_lines(f), start=1):
                    if line.strip():
                        batch.append(self._parse(line, lineno))
                    if len(batch) >= self.batch_rows:
                        yield batch
                        batch = []
        except (OSError, EOFError) as exc:
            if isinstance(exc, FileNotFoundError):
                raise RecordError(f"{self.path}: no such file") from None
            raise RecordError(f"{self.path}: cannot read ({type(exc).__name__}); the file is truncated or corrupt") from None
        if batch:
            yield batch

    def _parse(self, line: bytes, lineno: int) -> dict:
        try:
            record = json.loads(line.decode("utf-8", "surrogateescape"))
        except json.JSONDecodeError as exc:
            raise RecordError(f"{self.path} line {lineno}: invalid JSON ({exc.msg}); fix or remove that line") from None
        if not isinstance(record, dict):
            raise RecordError(f"{self.path} line {lineno}: expected a JSON object per line, got {type(record).__name__}")
        return record


class ParquetShardReader(ShardReader):
    def __init__(self, path: str, batch_rows: int):
        super().__init__(path, batch_rows)
        import fsspec
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            with fsspec.open(path, "rb") as f:
                self.schema = pq.read_schema(f)
        except (OSError, pa.ArrowInvalid) as exc:
            raise RecordError(f"{path}: cannot read Parquet ({exc}); the file is truncated or not Parquet") from None

    def _row_batches(self):
        return iter_parquet_batches(self.path, self.batch_rows)


class HfShardReader(ShardReader):
    def __init__(self, path: str, batch_rows: int):
        super().__init__(path, batch_rows)
        import datasets

        try:
            self.schema = datasets.load_from_disk(path).features.arrow_schema
        except (OSError, ValueError, FileNotFoundError) as exc:
            raise RecordError(f"{path}: cannot read the saved HF dataset ({type(exc).__name__}: {exc})") from None

    def _row_batches(self):
        return iter_hf_batches(self.path, self.batch_rows)


READERS = {"jsonl": JsonlShardReader, "parquet": ParquetShardReader, "hf": HfShardReader}


def open_reader(path: str, batch_rows: int) -> ShardReader:
    """The reader for ``path``'s format; any failure to open it is a RecordError naming the file."""
    try:
        return READERS[detect_format(path)](path, batch_rows)
    except CodepiiError:
        raise
    except Exception as exc:  # e.g. a damaged saved HF dataset; the type only, never the data
        raise RecordError(f"{path}: cannot open ({type(exc).__name__}); the file is corrupt or not a dataset") from None


# ---------------------------------------------------------------- writers


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
    fields = [pa.field(f.name, pa.string()) if f.name == text_column and not pa.types.is_string(f.type) else f for f in fields]
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

