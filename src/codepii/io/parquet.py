"""Parquet reading: the schema without the data, and record batches (as Arrow or as row dicts) one at a time."""
from __future__ import annotations

from typing import Iterator, Sequence

from ..errors import RecordError
from .jsonl import DEFAULT_BATCH_ROWS


def _unreadable(path: str, exc: Exception) -> RecordError:
    if isinstance(exc, FileNotFoundError):
        return RecordError(f"{path}: no such file")
    return RecordError(f"{path}: cannot read Parquet ({type(exc).__name__}); the file is truncated or not Parquet")


def read_parquet_schema(path: str):
    """The file's Arrow schema, read from its footer only."""
    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with fsspec.open(path, "rb") as f:
            return pq.read_schema(f)
    except (OSError, pa.ArrowException) as exc:
        raise _unreadable(path, exc) from None


def iter_parquet_batches(
    path: str, batch_rows: int = DEFAULT_BATCH_ROWS, columns: Sequence[str] | None = None
) -> Iterator[list[dict]]:
    """Lists of row dicts; ``columns`` restricts the read, and a missing one is an error naming the columns."""
    import pyarrow as pa

    for rb in iter_parquet_record_batches(path, batch_rows, columns):
        try:
            rows = rb.to_pylist()
        except pa.ArrowException as exc:
            raise _unreadable(path, exc) from None
        yield rows


def iter_parquet_record_batches(path: str, batch_rows: int = DEFAULT_BATCH_ROWS, columns: Sequence[str] | None = None):
    """``pyarrow.RecordBatch`` objects of at most ``batch_rows`` rows, as stored: no column becomes Python objects."""
    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with fsspec.open(path, "rb") as f:
            pf = pq.ParquetFile(f)
            if columns is not None:
                missing = [c for c in columns if c not in pf.schema_arrow.names]
                if missing:
                    raise RecordError(
                        f"{path}: missing column(s) {', '.join(missing)}; columns: {', '.join(pf.schema_arrow.names)}"
                    )
            yield from pf.iter_batches(batch_size=batch_rows, columns=list(columns) if columns else None)
    except (OSError, pa.ArrowException) as exc:
        raise _unreadable(path, exc) from None
