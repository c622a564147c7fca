"""Shard readers for the masking chain and its record type, ``MaskBatch``.

A ``MaskBatch`` is a slice of one input shard's rows, in order: row dicts,
or (Parquet, saved HF datasets) an Arrow record batch of which only the text
column is turned into Python objects. Readers stream batches and never hold a whole shard
(Parquet: one row group at a time; JSONL: line by line). A JSONL line that
is not a JSON object does not stop the shard: it arrives as a row that is
already rejected, with its line number, byte offset and reason (never its
text), unless the reader was built with ``on_bad_row="fail"``.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Literal

from ..errors import CodepiiError, RecordError
from ..spans import Span
from .hf import iter_hf_batches, iter_hf_record_batches, read_hf_schema
from .jsonl import BadLine, iter_jsonl_lines
from .parquet import iter_parquet_batches, iter_parquet_record_batches, read_parquet_schema
from .paths import detect_format
from .readers import require_one_column

OnBadRow = Literal["reject", "fail"]


MISSING = object()  # a row without the text column (not the same as a null text)


@dataclass
class MaskBatch:
    """Rows ``first_row ..`` of ``shard``, in order, in one of two forms:

    - row dicts: ``rows[i]`` is row ``first_row + i`` (JSONL; Parquet, saved HF datasets with
      ``arrow_batches=false``);
    - Arrow (Parquet, saved HF datasets): ``record`` is the ``pyarrow.RecordBatch`` as read and ``rows`` is empty; only the text
      column is in Python (``record_texts``), every other column stays Arrow up to the writer.

    ``reasons[i]`` is None or why the row is rejected; ``bad[i]`` is the BadLine of a row that could not
    be parsed (its row dict is empty). ``masked[i]`` and ``pii[i]`` are set for accepted rows by the
    replace step.
    """

    shard: str
    first_row: int
    rows: list[dict] = field(default_factory=list)
    record: Any = None  # pyarrow.RecordBatch (Arrow form)
    record_texts: list | None = None  # Arrow form: the text column's values (MISSING when it has none)
    texts: list[str | None] = field(default_factory=list)  # decoded text of the accepted rows
    reasons: list[str | None] = field(default_factory=list)
    spans: list[list[Span]] = field(default_factory=list)
    text_bytes: int = 0  # UTF-8 bytes of the accepted texts (for MB/s)
    bad: dict[int, BadLine] = field(default_factory=dict)
    masked: list[str | None] = field(default_factory=list)
    pii: list[list[dict] | None] = field(default_factory=list)

    def __post_init__(self):
        n = len(self)
        self.texts = self.texts or [None] * n
        self.reasons = self.reasons or [None] * n
        self.spans = self.spans or [[] for _ in range(n)]
        self.masked = self.masked or [None] * n
        self.pii = self.pii or [None] * n
        for i, b in self.bad.items():
            self.reasons[i] = b.reason

    def __len__(self) -> int:
        return self.record.num_rows if self.record is not None else len(self.rows)

    def accepted(self) -> list[int]:
        return [i for i, r in enumerate(self.reasons) if r is None]

    def text_values(self, text_column: str) -> list:
        """The text column's raw values, row by row (MISSING where a row has no such column)."""
        if self.record is not None:
            return self.record_texts
        return [row.get(text_column, MISSING) for row in self.rows]

    def row_id(self, i: int, id_column: str):
        """Row ``i``'s id for the rejects file; its row number in the shard when it has none."""
        if self.record is None:
            return self.rows[i].get(id_column, self.first_row + i)
        found = self.record.schema.get_all_field_indices(id_column)  # Parquet allows repeated names: the first
        if not found:
            return self.first_row + i
        return self.record.column(found[0])[i].as_py()

    def output_rows(self, text_column: str, pii_column: str) -> list[dict]:
        """The accepted row dicts with the masked text and the pii column set (key order kept)."""
        out = []
        for i in self.accepted():
            row = self.rows[i]
            row[text_column] = self.masked[i]
            row[pii_column] = self.pii[i]
            out.append(row)
        return out


class ShardReader(abc.ABC):
    """One job: stream one input shard as MaskBatches; ``schema`` is the Arrow schema when the format has one."""

    schema = None

    def __init__(self, path: str, batch_rows: int, on_bad_row: OnBadRow = "reject"):
        self.path = path
        self.batch_rows = batch_rows
        self.on_bad_row = on_bad_row

    @abc.abstractmethod
    def _parts(self) -> Iterator[dict]:
        """MaskBatch fields of each batch in file order: ``rows`` and ``bad``, or ``record`` and ``record_texts``."""

    def __iter__(self) -> Iterator[MaskBatch]:
        first = 0
        parts = self._parts()
        while True:
            try:
                part = next(parts)
            except StopIteration:
                return
            except CodepiiError:
                raise
            except Exception as exc:  # a decompressor or Arrow error: the shard is corrupt, not the run
                # Only the type: parser messages may quote the data.
                raise RecordError(
                    f"{self.path}: cannot read after row {first} ({type(exc).__name__}); the file is corrupt or truncated"
                ) from None
            batch = MaskBatch(self.path, first, **part)
            yield batch
            first += len(batch)


class JsonlShardReader(ShardReader):
    """JSONL read as bytes: invalid UTF-8 inside a string still parses (surrogate escapes), so that the
    validator rejects that one row with its id; a line that is no JSON object is a rejected row."""

    def _parts(self):
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
                yield {"rows": rows, "bad": bad}
                rows, bad = [], {}
        if rows:
            yield {"rows": rows, "bad": bad}


class ArrowShardReader(ShardReader):
    """A format with an Arrow schema: row dicts, or with ``text_column`` Arrow record batches of which only
    that column becomes Python. A format gives its schema reader and its two batch iterators (path, rows)."""

    read_schema: Callable[[str], Any]
    row_batches: Callable[[str, int], Iterator[list[dict]]]
    record_batches: Callable[[str, int], Iterator[Any]]

    def __init__(self, path: str, batch_rows: int, on_bad_row: OnBadRow = "reject", text_column: str | None = None):
        super().__init__(path, batch_rows, on_bad_row)
        self.schema = self.read_schema(path)
        self.text_column = text_column
        self._check_names()

    def _check_names(self) -> None:
        """Parquet allows two columns of one name: the text column must be one column, and a row dict
        (``text_column`` None) holds one value per name, so it would write one column's values into both."""
        names = self.schema.names
        if self.text_column is not None:
            require_one_column(self.path, names, self.text_column)
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated and self.text_column is None:
            name = repeated[0]
            raise RecordError(f"{self.path}: {names.count(name)} columns named {name!r}; a row dict holds only one: "
                              "use arrow_batches=true (keeps both) or rename one")

    def _parts(self):
        if self.text_column is None:
            return ({"rows": rows} for rows in self.row_batches(self.path, self.batch_rows))
        return self._records()

    def _records(self):
        has_text = self.text_column in self.schema.names
        for rb in self.record_batches(self.path, self.batch_rows):
            # Decoded here, in the reader: invalid UTF-8 is the shard's read error, as on the dict path.
            texts = rb.column(self.text_column).to_pylist() if has_text else [MISSING] * rb.num_rows
            yield {"record": rb, "record_texts": texts}


class ParquetShardReader(ArrowShardReader):
    read_schema = staticmethod(read_parquet_schema)
    row_batches = staticmethod(iter_parquet_batches)
    record_batches = staticmethod(iter_parquet_record_batches)


class HfShardReader(ArrowShardReader):
    """A saved HF dataset (``Dataset.save_to_disk``)."""

    read_schema = staticmethod(read_hf_schema)
    row_batches = staticmethod(iter_hf_batches)
    record_batches = staticmethod(iter_hf_record_batches)


def open_reader(path: str, batch_rows: int, on_bad_row: OnBadRow = "reject", arrow_text_column: str | None = None
                ) -> ShardReader:
    """The reader for ``path``'s format; any failure to open it is a RecordError naming the file.
    ``arrow_text_column``: read Parquet and saved HF datasets as Arrow record batches with only that column
    in Python."""
    try:
        fmt = detect_format(path)
        if fmt == "jsonl":
            return JsonlShardReader(path, batch_rows, on_bad_row)
        return {"parquet": ParquetShardReader, "hf": HfShardReader}[fmt](path, batch_rows, on_bad_row, arrow_text_column)
    except CodepiiError:
        raise
    except Exception as exc:  # e.g. a damaged saved HF dataset; the type only, never the data
        raise RecordError(f"{path}: cannot open ({type(exc).__name__}); the file is corrupt or not a dataset") from None
