"""Record readers over every format: one entry point that streams batches of row dicts."""
from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, Mapping, Sequence

from ..errors import RecordError
from .hf import iter_hf_batches, read_hf_schema
from .jsonl import DEFAULT_BATCH_ROWS, BadLine, iter_jsonl_batches, iter_jsonl_lines
from .parquet import iter_parquet_batches, read_parquet_schema
from .paths import detect_format, expand_paths


def iter_file_batches(path: str, batch_rows: int = DEFAULT_BATCH_ROWS,
                      columns: Sequence[str] | None = None) -> Iterator[list[dict]]:
    """Batches of one file, in the reader its format needs."""
    fmt = detect_format(path)
    if fmt == "jsonl":
        return iter_jsonl_batches(path, batch_rows)
    if fmt == "parquet":
        return iter_parquet_batches(path, batch_rows, columns)
    return iter_hf_batches(path, batch_rows)


def iter_batches(
    spec: str | Sequence[str], batch_rows: int = DEFAULT_BATCH_ROWS, columns: Sequence[str] | None = None
) -> Iterator[list[dict]]:
    """Stream lists of record dicts from every file ``spec`` expands to."""
    for path in expand_paths(spec):
        yield from iter_file_batches(path, batch_rows, columns)


def iter_records(spec: str | Sequence[str], batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[dict]:
    for batch in iter_batches(spec, batch_rows):
        yield from batch


def read_records(spec: str | Sequence[str]) -> list[dict]:
    return list(iter_records(spec))


class MissingColumnError(RecordError):
    """A shard lacks a column the command needs (the whole run would be wasted: stop before any output)."""


def require_columns(record: Mapping, columns: Iterable[str], where: str) -> None:
    """Raise a RecordError naming the missing column(s) and the ones that exist."""
    missing = [c for c in columns if c not in record]
    if missing:
        raise RecordError(
            f"{where}: missing column(s) {', '.join(missing)}; the record has: {', '.join(map(str, record)) or 'nothing'}"
        )


def _arrow_schema(path: str):
    """The Arrow schema of a Parquet file or saved HF dataset; None for JSONL (it has none)."""
    fmt = detect_format(path)
    if fmt == "parquet":
        return read_parquet_schema(path)
    return read_hf_schema(path) if fmt == "hf" else None


def shard_columns(path: str, first_rows: int = DEFAULT_BATCH_ROWS) -> list[str] | None:
    """The columns a file has: its schema (Parquet, HF), or the keys of its first ``first_rows``
    good records (JSONL; None when it has none, e.g. an empty file)."""
    schema = _arrow_schema(path)
    return list(schema.names) if schema is not None else _jsonl_columns(path, first_rows)


def _jsonl_columns(path: str, first_rows: int) -> list[str] | None:
    seen: dict[str, None] = {}
    first_bad: list[BadLine] = []  # the first line that is no JSON object, when no line is one

    def good():
        for _, r in iter_jsonl_lines(path, undecodable="escape"):
            if not isinstance(r, BadLine):
                yield r
            elif not first_bad:
                first_bad.append(r)

    records = 0
    for records, record in enumerate(islice(good(), first_rows), start=1):
        seen.update(dict.fromkeys(map(str, record)))
    if not records and first_bad:  # every row would be rejected: the file is not JSONL at all
        bad = first_bad[0]
        raise MissingColumnError(f"{path}: no line is a JSON object (line {bad.line} (byte {bad.offset}): {bad.reason})")
    return list(seen) if seen else None


def require_shard_columns(path: str, columns: Sequence[str], first_rows: int = DEFAULT_BATCH_ROWS,
                          hint: str = "", text_column: str | None = None) -> None:
    """Fail fast, before any output: a MissingColumnError naming the shard, the missing column(s) and the
    ones it has. With ``text_column`` (Parquet, HF), that column must also be one column holding text: else
    every row would be rejected. JSONL rows are checked one by one when read."""
    schema = _arrow_schema(path)
    have = list(schema.names) if schema is not None else _jsonl_columns(path, first_rows)
    if have is None:
        return  # nothing to read: the shard masks to an empty output
    missing = [c for c in columns if c not in have]
    if missing:
        where = "schema has" if schema is not None else f"first {first_rows} rows have"
        raise MissingColumnError(
            f"{path}: no column {', '.join(map(repr, missing))} (its {where}: {', '.join(have) or 'nothing'})"
            + (f"; {hint}" if hint else "")
        )
    if text_column is not None and schema is not None and text_column in have:
        require_one_column(path, have, text_column)
        _require_text_type(path, schema, text_column, hint)


def is_text_type(tp, binary: bool = False) -> bool:
    """An Arrow type whose values are strings (``binary``: or bytes): plain, large, view or dictionary-encoded."""
    import pyarrow as pa

    if pa.types.is_dictionary(tp):
        tp = tp.value_type
    kinds = [pa.types.is_string, pa.types.is_large_string, pa.types.is_string_view]
    if binary:
        kinds += [pa.types.is_binary, pa.types.is_large_binary, pa.types.is_binary_view]
    return any(is_kind(tp) for is_kind in kinds)


def require_one_column(path: str, names: Sequence[str], column: str) -> None:
    """Parquet allows two columns of one name; which of them is ``column`` (the text to mask) cannot be told."""
    if names.count(column) > 1:
        raise MissingColumnError(f"{path}: {names.count(column)} columns named {column!r}; rename one so that "
                                 "text_column names one column")


def _require_text_type(path: str, schema, column: str, hint: str) -> None:
    import pyarrow as pa

    tp = schema.field(column).type
    if not is_text_type(tp, binary=True) and not pa.types.is_null(tp):
        text_columns = [f.name for f in schema if is_text_type(f.type)]
        raise MissingColumnError(f"{path}: column {column!r} holds {tp}, not text (its text columns: "
                                 f"{', '.join(text_columns) or 'none'})" + (f"; {hint}" if hint else ""))
