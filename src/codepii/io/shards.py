"""Shard readers for the masking chain and its record type, ``MaskBatch``.

A ``MaskBatch`` is a slice of one input shard's rows, in order. Readers
stream batches and never hold a whole shard (Parquet: one row group at a
time; JSONL: line by line). A JSONL line that is not a JSON object does not
stop the shard: it arrives as a row that is already rejected, with its line
number, byte offset and reason (never its text), unless the reader was built
with ``on_bad_row="fail"``.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Iterator, Literal

from ..errors import CodepiiError, RecordError
from ..spans import Span
from .hf import iter_hf_batches, read_hf_schema
from .jsonl import BadLine, iter_jsonl_lines
from .parquet import iter_parquet_batches, read_parquet_schema
from .paths import detect_format

OnBadRow = Literal["reject", "fail"]


@dataclass
class MaskBatch:
    """``rows[i]`` is row ``first_row + i`` of ``shard``; ``reasons[i]`` is None or why it is rejected;
    ``bad[i]`` is the BadLine of a row that could not be parsed (its row dict is empty)."""

    shard: str
    first_row: int
    rows: list[dict]
    texts: list[str | None] = field(default_factory=list)  # decoded text of the accepted rows
    reasons: list[str | None] = field(default_factory=list)
    spans: list[list[Span]] = field(default_factory=list)
    text_bytes: int = 0  # UTF-8 bytes of the accepted texts (for MB/s)
    bad: dict[int, BadLine] = field(default_factory=dict)

    def __post_init__(self):
        n = len(self.rows)
        self.texts = self.texts or [None] * n
        self.reasons = self.reasons or [None] * n
        self.spans = self.spans or [[] for _ in range(n)]
        for i, b in self.bad.items():
            self.reasons[i] = b.reason

    def accepted(self) -> list[int]:
        return [i for i, r in enumerate(self.reasons) if r is None]


class ShardReader(abc.ABC):
    """One job: stream one input shard as MaskBatches; ``schema`` is the Arrow schema when the format has one."""

    schema = None

    def __init__(self, path: str, batch_rows: int, on_bad_row: OnBadRow = "reject"):
        self.path = path
        self.batch_rows = batch_rows
        self.on_bad_row = on_bad_row

    @abc.abstractmethod
    def _row_batches(self) -> Iterator[tuple[list[dict], dict[int, BadLine]]]:
        """(rows, bad lines by index in rows) in file order."""

    def __iter__(self) -> Iterator[MaskBatch]:
        first = 0
        batches = self._row_batches()
        while True:
            try:
                rows, bad = next(batches)
            except StopIteration:
                return
            except CodepiiError:
                raise
            except Exception as exc:  # a decompressor or Arrow error: the shard is corrupt, not the run
                # Only the type: parser messages may quote the data.
                raise RecordError(
                    f"{self.path}: cannot read after row {first} ({type(exc).__name__}); the file is corrupt or truncated"
                ) from None
            yield MaskBatch(self.path, first, rows, bad=bad)
            first += len(rows)


class JsonlShardReader(ShardReader):
    """JSONL read as bytes: invalid UTF-8 inside a string still parses (surrogate escapes), so that the
    validator rejects that one row with its id; a line that is no JSON object is a rejected row."""

    def _row_batches(self):
        rows: list[dict] = []
        bad: dict[int, BadLine] = {}
        for _, item in iter_jsonl_lines(self.path, undecodable="escape"):
            if isinstance(item, BadLine):
                if self.on_bad_row == "fail":
                    raise RecordError(f"{item.describe(self.path)}; fix or remove that line (or on_bad_row=reject)")
                bad[len(rows)] = item
                item = {}
            rows.append(item)
            if len(rows) >= self.batch_rows:
                yield rows, bad
                rows, bad = [], {}
        if rows:
            yield rows, bad


class ParquetShardReader(ShardReader):
    def __init__(self, path: str, batch_rows: int, on_bad_row: OnBadRow = "reject"):
        super().__init__(path, batch_rows, on_bad_row)
        self.schema = read_parquet_schema(path)

    def _row_batches(self):
        return ((rows, {}) for rows in iter_parquet_batches(self.path, self.batch_rows))


class HfShardReader(ShardReader):
    def __init__(self, path: str, batch_rows: int, on_bad_row: OnBadRow = "reject"):
        super().__init__(path, batch_rows, on_bad_row)
        self.schema = read_hf_schema(path)

    def _row_batches(self):
        return ((rows, {}) for rows in iter_hf_batches(self.path, self.batch_rows))


READERS = {"jsonl": JsonlShardReader, "parquet": ParquetShardReader, "hf": HfShardReader}


def open_reader(path: str, batch_rows: int, on_bad_row: OnBadRow = "reject") -> ShardReader:
    """The reader for ``path``'s format; any failure to open it is a RecordError naming the file."""
    try:
        return READERS[detect_format(path)](path, batch_rows, on_bad_row)
    except CodepiiError:
        raise
    except Exception as exc:  # e.g. a damaged saved HF dataset; the type only, never the data
        raise RecordError(f"{path}: cannot open ({type(exc).__name__}); the file is corrupt or not a dataset") from None
