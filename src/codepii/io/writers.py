"""Record writers (JSONL, .gz, .zst, Parquet, saved HF datasets), all atomic.

A writer is a context manager: on a clean exit the file is committed
(temp name -> fsync -> rename); on an exception it is removed, so a failed
command leaves nothing at its final name. Parquet needs a schema before its
first row group: pass one (``schema=``, or ``fields=`` for the columns whose
type must not be guessed, such as ``entities`` of prediction records), or let
the writer infer it from every row of the file, at the cost of holding the
file's rows (as Arrow) until ``close()``.
"""
from __future__ import annotations

import abc
import contextlib
import gzip
from typing import Iterable, Mapping, Sequence

from ..errors import RecordError
from .atomic import AtomicFile, atomic_move, makedirs_for, remove, temp_name
from .jsonl import DEFAULT_BATCH_ROWS, json_line
from .paths import detect_format, is_url


def entities_type(with_score: bool = True):
    """Arrow type of a record's ``entities``: list<struct<start, end, category[, score]>>."""
    import pyarrow as pa

    fields = [("start", pa.int64()), ("end", pa.int64()), ("category", pa.string())]
    return pa.list_(pa.struct(fields + ([("score", pa.float64())] if with_score else [])))


def compressor(raw, name: str):
    """A reproducible compressing layer over ``raw`` by ``name``'s suffix (gzip with mtime 0 and no
    name; zstd), or None for plain files."""
    name = name.lower()
    if name.endswith(".gz"):
        return gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0)
    if name.endswith(".zst"):
        import zstandard

        return zstandard.ZstdCompressor().stream_writer(raw, closefd=False)
    return None


class RecordWriter(abc.ABC):
    """Base of the writers: ``write_batch(list[dict])`` then ``close()``; a context manager."""

    def __init__(self, path: str):
        self.path = path
        self.rows = 0
        self._file = AtomicFile(path)

    @abc.abstractmethod
    def write_batch(self, records: Sequence[Mapping]) -> None:
        """Append records."""

    @abc.abstractmethod
    def _finish(self) -> None:
        """Close the format layer (the temporary file stays open)."""

    def close(self) -> None:
        """Finish and commit; a writer that got no rows still leaves a valid empty file."""
        if self._file.done:
            return
        try:
            self._finish()
        except BaseException:
            self._file.abort()
            raise
        self._file.commit()

    def abort(self) -> None:
        """Drop the temporary file; nothing appears at the final name."""
        self._file.abort()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.close() if exc_type is None else self.abort()


class JsonlWriter(RecordWriter):
    """JSONL, compressed by suffix (.gz, .zst); one object per line, UTF-8, unescaped."""

    def __init__(self, path: str):
        super().__init__(path)
        self._out = compressor(self._file.raw, path) or self._file.raw

    def write_batch(self, records: Sequence[Mapping]) -> None:
        self._out.write(b"".join(json_line(r) for r in records))
        self.rows += len(records)

    def _finish(self) -> None:
        if self._out is not self._file.raw:
            self._out.close()


class ParquetWriter(RecordWriter):
    """Parquet, one row group per batch with ``schema``; without one, the schema comes from all rows
    (``fields`` fixing some column types) and the file is written on ``close()``."""

    def __init__(self, path: str, schema=None, compression: str = "zstd", fields: Mapping | None = None):
        super().__init__(path)
        self.schema = schema
        self.fields = dict(fields or {})
        self.compression = compression
        self._writer = None
        self._tables: list = []  # inferred mode: the file's rows until close()

    def _table(self, records: Sequence[Mapping]):
        import pyarrow as pa

        if self.schema is not None:
            return pa.Table.from_pylist(list(records), schema=self.schema)
        table = pa.Table.from_pylist(list(records))
        for name, type_ in self.fields.items():
            if name in table.column_names:
                i = table.column_names.index(name)
                table = table.set_column(i, pa.field(name, type_), table.column(i).cast(type_))
        return table

    def write_batch(self, records: Sequence[Mapping]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not records:
            return
        try:
            table = self._table(records)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise RecordError(f"{self.path}: rows {self.rows}+ do not fit the Parquet schema ({exc})") from None
        if self.schema is None:
            self._tables.append(table)
        else:
            if self._writer is None:
                self._writer = pq.ParquetWriter(self._file.raw, self.schema, compression=self.compression)
            self._writer.write_table(table)
        self.rows += len(records)

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):  # it writes a footer into the file being dropped
                self._writer.close()
            self._writer = None
        super().abort()

    def _finish(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._writer is not None:
            self._writer.close()
            return
        if self._tables:
            table = pa.concat_tables(self._tables, promote_options="permissive")
        else:
            table = (self.schema or pa.schema([pa.field(k, t) for k, t in self.fields.items()])).empty_table()
        self._tables = []
        pq.write_table(table, self._file.raw, compression=self.compression)


def open_writer(path: str, fmt: str | None = None, schema=None, fields: Mapping | None = None) -> RecordWriter:
    """The atomic writer for ``path``'s format (Parquet: ``schema`` or inferred with ``fields`` fixed)."""
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        return JsonlWriter(path)
    if fmt == "parquet":
        return ParquetWriter(path, schema=schema, fields=fields)
    raise RecordError(f"{path}: writing format {fmt!r} is not streamed; use write_records for a saved HF dataset")


def _write_hf(path: str, records: Iterable[Mapping]) -> int:
    import datasets

    if is_url(path):
        raise RecordError(f"{path}: saved HF datasets are written to local directories only")
    ds = datasets.Dataset.from_list(list(records))
    makedirs_for(path)
    tmp = temp_name(path)
    try:
        ds.save_to_disk(tmp)
    except BaseException:
        remove(tmp)
        raise
    atomic_move(tmp, path)
    return len(ds)


def write_records(path: str, records: Iterable[Mapping], fmt: str | None = None,
                  batch_rows: int = DEFAULT_BATCH_ROWS, schema=None, fields: Mapping | None = None) -> int:
    """Write records to ``path`` atomically (format by suffix, or ``fmt``); returns the row count."""
    fmt = fmt or (detect_format(path) if not path.rstrip("/").endswith(("/", ".hf")) else "hf")
    if fmt == "hf":
        return _write_hf(path, records)
    with open_writer(path, fmt, schema=schema, fields=fields) as w:
        batch: list[Mapping] = []
        for r in records:
            batch.append(r)
            if len(batch) >= batch_rows:
                w.write_batch(batch)
                batch = []
        if batch:
            w.write_batch(batch)
        return w.rows
