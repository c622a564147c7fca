"""Masked-shard writers: deterministic bytes under a temporary name, visible only after ``commit()``.

``commit()`` closes the format layer, then the atomic file flushes, fsyncs
and renames it over the final name (STYLE.md, rule 6). The same rows give
the same bytes, so a rerun after a crash reproduces an uninterrupted run
byte for byte. The output shard's commit passes the fault points
``after_temp_write``, ``after_fsync`` and ``inside_rename``; the rejects
file's passes ``inside_rejects_commit`` (codepii.faults).
"""
from __future__ import annotations

import abc
import contextlib
import os
from typing import Mapping, Sequence

from ..errors import RecordError
from .atomic import AtomicFile, atomic_move, remove, temp_name
from .jsonl import json_line
from .paths import is_url, sha256_of
from .shards import MaskBatch
from .writers import compressor

SHARD_FAULTS = {"written": "after_temp_write", "synced": "after_fsync", "renaming": "inside_rename"}
REJECTS_FAULTS = {"synced": "inside_rejects_commit"}
# DatasetInfo fields a masked copy keeps; sizes, split counts and checksums describe the input, not it.
CARD_FIELDS = ("description", "citation", "homepage", "license", "supervised_keys", "builder_name", "dataset_name",
               "config_name", "version")


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


class ShardWriter(abc.ABC):
    """One job: write accepted rows to a temporary file; ``commit()`` makes it the output."""

    def __init__(self, final: str, faults: Mapping[str, str] | None = None):
        self.final = final
        self.rows = 0
        self._file = AtomicFile(final, SHARD_FAULTS if faults is None else faults)
        self._raw = self._file.raw

    @property
    def tmp(self) -> str:
        return self._file.tmp

    @abc.abstractmethod
    def write_rows(self, rows: Sequence[Mapping]) -> None:
        """Append rows (already masked)."""

    def write_batch(self, batch: MaskBatch, text_column: str, pii_column: str) -> None:
        """Append a masked batch's accepted rows."""
        self.write_rows(batch.output_rows(text_column, pii_column))

    def _finish(self) -> None:
        """Close the format layer; the raw file is flushed and synced afterwards."""

    def commit(self) -> None:
        self._finish()
        self._file.commit()

    def abort(self) -> None:
        """Close and delete the temporary file (after a read error)."""
        with contextlib.suppress(Exception):  # the format layer may flush into the file being dropped
            self._finish()
        self._file.abort()


class JsonlShardWriter(ShardWriter):
    """JSONL, gzip (mtime 0, no name: reproducible bytes) or zstd by suffix."""

    def __init__(self, final: str, faults: Mapping[str, str] | None = None):
        super().__init__(final, faults)
        self._out = compressor(self._raw, final)

    def write_rows(self, rows):
        self.write_bytes(b"".join(json_line(r) for r in rows))
        self.rows += len(rows)

    def write_bytes(self, data: bytes) -> None:
        (self._out or self._raw).write(data)

    def _finish(self):
        if self._out is not None:
            self._out.close()


class ArrowShardWriter(ShardWriter):
    """A format written as Arrow record batches by ``self._writer`` (``write_batch``, ``close``), with the
    output ``schema``: row dicts become a batch; an Arrow-form MaskBatch keeps its other columns' arrays."""

    schema = None
    _writer = None

    def write_rows(self, rows):
        import pyarrow as pa

        if rows:
            self._writer.write_batch(pa.RecordBatch.from_pylist(list(rows), schema=self.schema))
            self.rows += len(rows)

    def write_batch(self, batch, text_column, pii_column):
        if batch.record is None:
            return super().write_batch(batch, text_column, pii_column)
        record = masked_record(batch, self.schema, text_column, pii_column)
        if record.num_rows:
            self._writer.write_batch(record)
            self.rows += record.num_rows

    def _finish(self):
        self._writer.close()


class ParquetShardWriter(ArrowShardWriter):
    """Parquet with the input's schema plus the pii column; one row group per batch."""

    def __init__(self, final: str, schema):
        import pyarrow.parquet as pq

        super().__init__(final)
        self.schema = schema
        self._writer = pq.ParquetWriter(self._raw, schema, compression="zstd")


def masked_record(batch: MaskBatch, schema, text_column: str, pii_column: str):
    """An Arrow-form batch's accepted rows as a RecordBatch of the output ``schema``: the masked text and
    the pii entries become Arrow arrays; every other column is the input's array, filtered only when a
    row was rejected (never turned into Python objects)."""
    import pyarrow as pa

    from .arrow_columns import bool_array, entries_array, string_array

    keep = batch.accepted()
    mask = None if len(keep) == len(batch) else bool_array([r is None for r in batch.reasons])
    # The input's columns by position, not name (Parquet allows two of one name), less an old pii column:
    # output_schema's fields in the same order.
    sources = [j for j, f in enumerate(batch.record.schema) if f.name != pii_column]
    arrays = []
    for j, f in zip(sources, schema):
        if f.name == text_column:
            arrays.append(string_array([batch.masked[i] for i in keep], f.type))
        else:
            column = batch.record.column(j)
            arrays.append(column if mask is None else column.filter(mask))
    arrays.append(entries_array([batch.pii[i] for i in keep], schema.field(len(sources)).type))
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


class HfShardWriter(ArrowShardWriter):
    """A saved HF dataset: Arrow stream written as rows come, turned into a dataset dir on commit, with the
    ``source`` dataset's card fields (description, citation, homepage, license, names) and split."""

    def __init__(self, final: str, schema, source: str | None = None):
        import pyarrow as pa

        if is_url(final):
            raise RecordError(f"{final}: saved HF datasets are written to local directories only")
        super().__init__(final)
        self.schema = schema
        self.source = source
        self._writer = pa.ipc.new_stream(self._raw, schema)

    def _dataset(self):
        """The written rows as a Dataset: the source's card and split; a fingerprint from the bytes (it is
        saved in state.json, so a random one made every run's output differ)."""
        import datasets
        from datasets.table import MemoryMappedTable

        from .hf import load_hf_dataset

        src = load_hf_dataset(self.source) if self.source else None
        card = {k: getattr(src.info, k) for k in CARD_FIELDS} if src is not None else {}
        info = datasets.DatasetInfo(features=datasets.Features.from_arrow_schema(self.schema), **card)
        fingerprint = sha256_of(self._file.tmp)[0][:16]
        table = MemoryMappedTable.from_file(self._file.tmp)
        return datasets.Dataset(table, info=info, split=src.split if src is not None else None, fingerprint=fingerprint)

    def commit(self) -> None:
        self._finish()
        self._file.close_synced()
        tmp_dir = temp_name(self.final)
        self._dataset().save_to_disk(tmp_dir)
        os.remove(self._file.tmp)
        self._file.tmp = tmp_dir
        atomic_move(tmp_dir, self.final, SHARD_FAULTS["renaming"])
        self._file.done = True


def open_writer(fmt: str, final: str, reader_schema, text_column: str, pii_column: str, with_hash: bool,
                source: str | None = None) -> ShardWriter:
    """The writer of one output shard; ``source`` is the input shard (a saved HF dataset's card is copied)."""
    if fmt == "jsonl":
        return JsonlShardWriter(final)
    schema = output_schema(reader_schema, text_column, pii_column, with_hash)
    return ParquetShardWriter(final, schema) if fmt == "parquet" else HfShardWriter(final, schema, source)


class RejectsWriter:
    """The rejects file of one shard: JSONL ``{"row", "id", "reason"}`` (plus ``line`` and ``offset`` for
    a line that could not be parsed); never the text."""

    def __init__(self, final: str):
        self.final = final
        self.lines: list[bytes] = []  # rejected rows are few; their ids are small

    def add(self, row: int, row_id, reason: str, line: int | None = None, offset: int | None = None) -> None:
        if not isinstance(row_id, (str, int, float, type(None))):
            row_id = str(row_id)
        entry = {"row": row, "id": row_id, "reason": reason}
        if line is not None:
            entry.update(line=line, offset=offset)
        self.lines.append(json_line(entry))

    def commit(self) -> None:
        """Write (or, with no rejects, remove a stale file) atomically."""
        if not self.lines:
            remove(self.final)
            return
        w = JsonlShardWriter(self.final, REJECTS_FAULTS)
        w.write_bytes(b"".join(self.lines))
        w.commit()
