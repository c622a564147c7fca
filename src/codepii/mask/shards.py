"""Shard readers and the record type of the masking chain (reader -> validator -> detector -> replacer -> writer).

The record type passed along the chain is ``MaskBatch``: a slice of one input
shard's rows, in order. Readers stream batches and never hold a whole shard
(Parquet: one row group at a time; JSONL: line by line). Writers live in
``writers.py``.
"""
from __future__ import annotations

import abc
import json
from dataclasses import dataclass, field
from typing import Iterator

from ..errors import CodepiiError, RecordError
from ..records import detect_format, iter_hf_batches, iter_parquet_batches
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
