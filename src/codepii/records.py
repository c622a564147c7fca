"""Dataset record I/O: JSONL (.gz/.zst), Parquet and saved HF datasets, local or fsspec.

Readers stream record batches (lists of dicts) and never load a whole shard
when they need not. Gold readers also accept the two BigCode PII dataset
layouts so that the real crowd-labeled data trains as-is (DESIGN.md).
"""
from __future__ import annotations

import abc
import glob
import json
import logging
import os
from typing import Any, Iterable, Iterator, Mapping, Sequence

from .errors import RecordError, SpanError
from .labels import CATEGORIES
from .spans import Span, resolve_overlaps, validate_spans
from .unresolved import entity_confidences, normalize_ranges

log = logging.getLogger(__name__)

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
COMPRESSED_SUFFIXES = {".gz": "gzip", ".zst": "zstd"}
PARQUET_SUFFIXES = (".parquet", ".pq")
FORMATS = ("jsonl", "parquet", "hf")
DEFAULT_BATCH_ROWS = 1000

# Category spellings seen in other datasets -> ours.
CATEGORY_ALIASES = {"IP": "IP_ADDRESS", "API_KEY": "KEY", "SSH_KEY": "KEY", "PERSON": "NAME"}


def is_url(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def _fs_and_path(path: str):
    import fsspec

    fs, _, paths = fsspec.get_fs_token_paths(path)
    return fs, paths[0]


def is_hf_dataset_dir(path: str) -> bool:
    """A directory written by ``datasets.Dataset.save_to_disk``."""
    if is_url(path):
        fs, p = _fs_and_path(path)
        return fs.isdir(p) and fs.exists(p.rstrip("/") + "/state.json")
    return os.path.isdir(path) and os.path.exists(os.path.join(path, "state.json"))


def detect_format(path: str) -> str:
    """``jsonl`` (plain, .gz or .zst), ``parquet`` or ``hf``; a RecordError otherwise."""
    if is_hf_dataset_dir(path):
        return "hf"
    name = path.rstrip("/").lower()
    for suffix in COMPRESSED_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    raise RecordError(
        f"{path}: unknown record format; use .jsonl, .jsonl.gz, .jsonl.zst, .parquet or a saved HF dataset directory"
    )


def _is_supported(path: str) -> bool:
    try:
        detect_format(path)
        return True
    except RecordError:
        return False


def expand_paths(spec: str | Sequence[str]) -> list[str]:
    """Expand a path, glob, directory or fsspec URL (or a list of them) into sorted record files.

    A directory that is a saved HF dataset stays one entry; any other directory
    contributes the supported files directly inside it.
    """
    specs = [spec] if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for s in specs:
        if is_url(s):
            fs, p = _fs_and_path(s)
            protocol = s.split("://", 1)[0]
            if is_hf_dataset_dir(s):
                matches = [s]
            elif fs.isdir(p):
                matches = [f"{protocol}://{m}" for m in sorted(fs.ls(p, detail=False)) if _is_supported(m)]
            else:
                matches = [f"{protocol}://{m}" for m in sorted(fs.glob(p))]
        else:
            s = s[len("file://") :] if s.startswith("file://") else s
            if is_hf_dataset_dir(s):
                matches = [s]
            elif os.path.isdir(s):
                matches = sorted(os.path.join(s, f) for f in os.listdir(s) if _is_supported(f))
            else:
                matches = sorted(glob.glob(s, recursive=True)) if glob.has_magic(s) else ([s] if os.path.exists(s) else [])
        if not matches:
            raise RecordError(f"{s}: no such file, or the pattern matches nothing; check the path or glob")
        out.extend(matches)
    return out


def _open_text(path: str, mode: str):
    import fsspec

    return fsspec.open(path, mode, compression="infer", encoding="utf-8", newline="\n" if "w" in mode else None)


def iter_jsonl_batches(path: str, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[list[dict]]:
    batch: list[dict] = []
    try:
        with _open_text(path, "rt") as f:
            for lineno, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RecordError(f"{path} line {lineno}: invalid JSON ({exc.msg}); fix or remove that line") from None
                if not isinstance(record, dict):
                    raise RecordError(f"{path} line {lineno}: expected a JSON object per line, got {type(record).__name__}")
                batch.append(record)
                if len(batch) >= batch_rows:
                    yield batch
                    batch = []
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise RecordError(f"{path}: no such file") from None
        raise RecordError(f"{path}: cannot read ({type(exc).__name__}: {exc}); the file is truncated or not UTF-8 text") from None
    if batch:
        yield batch


def iter_parquet_batches(
    path: str, batch_rows: int = DEFAULT_BATCH_ROWS, columns: Sequence[str] | None = None
) -> Iterator[list[dict]]:
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
            for rb in pf.iter_batches(batch_size=batch_rows, columns=list(columns) if columns else None):
                yield rb.to_pylist()
    except (OSError, pa.ArrowInvalid) as exc:
        if isinstance(exc, FileNotFoundError):
            raise RecordError(f"{path}: no such file") from None
        raise RecordError(f"{path}: cannot read Parquet ({exc}); the file is truncated or not Parquet") from None


def iter_hf_batches(path: str, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[list[dict]]:
    import datasets

    ds = datasets.load_from_disk(path)
    if isinstance(ds, datasets.DatasetDict):
        raise RecordError(f"{path}: a DatasetDict with splits {list(ds)}; point at one split's directory")
    for batch in ds.iter(batch_size=batch_rows):
        keys = list(batch)
        n = len(batch[keys[0]]) if keys else 0
        yield [{k: batch[k][i] for k in keys} for i in range(n)]


def iter_batches(
    spec: str | Sequence[str], batch_rows: int = DEFAULT_BATCH_ROWS, columns: Sequence[str] | None = None
) -> Iterator[list[dict]]:
    """Stream lists of record dicts from every file ``spec`` expands to."""
    for path in expand_paths(spec):
        fmt = detect_format(path)
        if fmt == "jsonl":
            batches = iter_jsonl_batches(path, batch_rows)
        elif fmt == "parquet":
            batches = iter_parquet_batches(path, batch_rows, columns)
        else:
            batches = iter_hf_batches(path, batch_rows)
        yield from batches


def iter_records(spec: str | Sequence[str], batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[dict]:
    for batch in iter_batches(spec, batch_rows):
        yield from batch


def read_records(spec: str | Sequence[str]) -> list[dict]:
    return list(iter_records(spec))


def require_columns(record: Mapping, columns: Iterable[str], where: str) -> None:
    """Raise a RecordError naming the missing column(s) and the ones that exist."""
    missing = [c for c in columns if c not in record]
    if missing:
        raise RecordError(
            f"{where}: missing column(s) {', '.join(missing)}; the record has: {', '.join(map(str, record)) or 'nothing'}"
        )


class RecordWriter(abc.ABC):
    """Base of the writers: ``write_batch(list[dict])`` then ``close()``; a context manager."""

    def __init__(self, path: str):
        self.path = path
        self.rows = 0

    @abc.abstractmethod
    def write_batch(self, records: Sequence[Mapping]) -> None:
        """Append records; the first batch may fix the schema."""

    @abc.abstractmethod
    def close(self) -> None:
        """Flush and close; a writer that got no rows still leaves a valid empty file."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class JsonlWriter(RecordWriter):
    """JSONL, compressed by suffix (.gz, .zst); one object per line, UTF-8, unescaped."""

    def __init__(self, path: str):
        super().__init__(path)
        if not is_url(path):
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self._ctx = _open_text(path, "wt")
        self._f = self._ctx.__enter__()

    def write_batch(self, records: Sequence[Mapping]) -> None:
        self._f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        self.rows += len(records)

    def close(self) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(None, None, None)
            self._ctx = None


class ParquetWriter(RecordWriter):
    """Parquet, one row group per batch; the schema comes from the first batch unless given."""

    def __init__(self, path: str, schema=None, compression: str = "zstd"):
        super().__init__(path)
        if not is_url(path):
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        self.schema = schema
        self.compression = compression
        self._writer = None
        self._file = None

    def write_batch(self, records: Sequence[Mapping]) -> None:
        import fsspec
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not records:
            return
        table = pa.Table.from_pylist(list(records), schema=self.schema)
        if self._writer is None:
            self.schema = table.schema
            self._file = fsspec.open(self.path, "wb").__enter__()
            self._writer = pq.ParquetWriter(self._file, self.schema, compression=self.compression)
        self._writer.write_table(table)
        self.rows += len(records)

    def close(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._writer is None and self.schema is None:
            # No rows at all: still write a valid empty file.
            self.schema = pa.schema([])
        if self._writer is None:
            import fsspec

            with fsspec.open(self.path, "wb") as f:
                pq.write_table(self.schema.empty_table(), f, compression=self.compression)
            return
        self._writer.close()
        self._file.close()
        self._writer = None


def open_writer(path: str, fmt: str | None = None) -> RecordWriter:
    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        return JsonlWriter(path)
    if fmt == "parquet":
        return ParquetWriter(path)
    raise RecordError(f"{path}: writing format {fmt!r} is not streamed; use write_records for a saved HF dataset")


def write_records(path: str, records: Iterable[Mapping], fmt: str | None = None, batch_rows: int = DEFAULT_BATCH_ROWS) -> int:
    """Write records to ``path`` (format by suffix, or ``fmt``); returns the row count."""
    fmt = fmt or (detect_format(path) if not path.rstrip("/").endswith(("/", ".hf")) else "hf")
    if fmt == "hf":
        import datasets

        ds = datasets.Dataset.from_list(list(records))
        ds.save_to_disk(path)
        return len(ds)
    with open_writer(path, fmt) as w:
        batch: list[Mapping] = []
        for r in records:
            batch.append(r)
            if len(batch) >= batch_rows:
                w.write_batch(batch)
                batch = []
        if batch:
            w.write_batch(batch)
        return w.rows


# ---------------------------------------------------------------- gold records


def _parse_entities(value: Any, where: str) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{where}: entities column is a string but not JSON ({exc.msg})") from None
    if not isinstance(value, list):
        raise RecordError(f"{where}: entities must be a list, got {type(value).__name__}")
    return value


def _entity_to_span(e: Any, where: str) -> Span:
    if not isinstance(e, Mapping):
        raise SpanError(f"{where}: entity {e!r} is not an object")
    category = e.get("category", e.get("tag"))
    if "position" in e and "start" not in e:
        pos = e["position"]
        if not isinstance(pos, (list, tuple)) or len(pos) != 2:
            raise SpanError(f"{where}: entity {e!r} has a position that is not [start, end]")
        e = {"start": pos[0], "end": pos[1], "category": category, "score": e.get("score")}
    else:
        e = {**e, "category": category}
    span = Span.from_dict(e, where)
    return span.with_category(CATEGORY_ALIASES.get(span.category, span.category))


def normalize_gold(
    raw: Mapping,
    where: str,
    validate: bool = True,
    overlaps: str = "error",
    categories: Iterable[str] = CATEGORIES,
) -> dict:
    """One gold record in our layout from ours or a BigCode PII layout.

    ``overlaps``: ``error`` (our own gold never overlaps) or ``resolve`` (keep
    the longest of overlapping spans; the BigCode data has a few).
    """
    if "content" in raw:
        content = raw["content"]
    elif "text" in raw:
        content = raw["text"]
    else:
        require_columns(raw, ["content"], where)
    if not isinstance(content, str):
        raise RecordError(f"{where}: content is {type(content).__name__}, not text")
    if "entities" in raw:
        entities = _parse_entities(raw["entities"], where)
    elif "fragments" in raw:
        entities = _parse_entities(raw["fragments"], where)
    else:
        require_columns(raw, ["entities"], where)
    rid = raw.get("id", where)
    spans = [_entity_to_span(e, f"record {rid}") for e in entities]
    if overlaps == "resolve":
        before = len(spans)
        spans = resolve_overlaps(spans, "longest")
        if len(spans) != before:
            log.warning("record %s: dropped %d overlapping span(s)", rid, before - len(spans))
    if validate:
        spans = validate_spans(spans, content, rid, categories)
    out = {k: v for k, v in raw.items() if k not in ("text", "fragments", "entities", "content")}
    confidence = entity_confidences(entities)  # fallback spans of `crowd aggregate --fallback best`
    out.update({"id": rid, "content": content, "entities": [_with_confidence(s, confidence) for s in spans]})
    out.update(normalize_ranges(raw, content, where))  # unresolved / fallback ranges: what the gold does not know
    if "language" in raw:
        out["language"] = raw["language"]
    return out


def _with_confidence(span: Span, confidence: Mapping[tuple[int, int], float]) -> dict:
    d = span.to_dict()
    if (span.start, span.end) in confidence:
        d["confidence"] = confidence[(span.start, span.end)]
    return d


def read_gold(
    spec: str | Sequence[str],
    validate: bool = True,
    overlaps: str = "error",
    categories: Iterable[str] = CATEGORIES,
) -> Iterator[dict]:
    """Stream gold (or prediction) records in our layout, with errors naming file and row."""
    categories = tuple(categories)
    for path in expand_paths(spec):
        fmt = detect_format(path)
        batches = iter_batches(path) if fmt != "jsonl" else iter_jsonl_batches(path)
        row = 0
        for batch in batches:
            for raw in batch:
                row += 1
                yield normalize_gold(raw, f"{path} row {row}", validate, overlaps, categories)


def record_spans(record: Mapping) -> list[Span]:
    """The ``entities`` of a normalized record as Spans."""
    return [Span.from_dict(e, f"record {record.get('id')}") for e in record.get("entities", [])]
