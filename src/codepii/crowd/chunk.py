"""Cut files into line chunks (crowd tasks) and stitch chunk spans back to file offsets.

A chunk is ``{"chunk_id", "file_id", "start_line", "char_offset", "text"}``
(DESIGN.md). Chunks of one file are consecutive and cover it exactly, so
``"".join(texts) == content`` and a chunk offset ``i`` is file offset
``char_offset + i`` (Python string indices, i.e. code points).
"""
from __future__ import annotations

from typing import Iterable, Iterator, Mapping, Sequence

from ..errors import RecordError
from ..labels import AMBIGUOUS
from ..io import require_columns
from ..spans import Span, sort_spans

DEFAULT_LINES = 50
CHUNK_COLUMNS = ("chunk_id", "file_id", "start_line", "char_offset", "text")


def line_starts(text: str) -> list[int]:
    """Offsets where lines begin. Only ``\\n`` ends a line, so CRLF stays inside
    one line and Unicode line separators (U+2028, form feed) do not split code."""
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        if pos + 1 < len(text):
            starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def split_lines(text: str, lines: int = DEFAULT_LINES) -> list[tuple[int, int, str]]:
    """``(start_line, char_offset, text)`` pieces of at most ``lines`` lines each.

    ``start_line`` is 1-based. An empty text gives one empty piece, so every
    file has at least one chunk and is never lost on the way to gold.
    """
    if lines < 1:
        raise ValueError(f"lines must be >= 1, got {lines}")
    starts = line_starts(text)
    pieces = []
    for i in range(0, len(starts), lines):
        begin = starts[i]
        end = starts[i + lines] if i + lines < len(starts) else len(text)
        pieces.append((i + 1, begin, text[begin:end]))
    return pieces


def chunk_id(file_id: object, start_line: int) -> str:
    return f"{file_id}:{start_line}"


def chunk_record(
    record: Mapping, lines: int = DEFAULT_LINES, id_column: str = "id", content_column: str = "content", where: str = ""
) -> list[dict]:
    """The chunks of one corpus record; ``language`` passes through when present."""
    require_columns(record, [id_column, content_column], where or "corpus record")
    content = record[content_column]
    if not isinstance(content, str):
        raise RecordError(f"{where}: column {content_column!r} is {type(content).__name__}, not text")
    file_id = record[id_column]
    out = []
    for start_line, offset, text in split_lines(content, lines):
        chunk = {
            "chunk_id": chunk_id(file_id, start_line),
            "file_id": file_id,
            "start_line": start_line,
            "char_offset": offset,
            "text": text,
        }
        if "language" in record:
            chunk["language"] = record["language"]
        out.append(chunk)
    return out


def chunk_records(records: Iterable[Mapping], lines: int = DEFAULT_LINES, source: str = "corpus", **kwargs) -> Iterator[dict]:
    """Chunks of every record in order; duplicate file ids are an error (chunk ids must be unique).

    ``source`` (the input's path) names the file in errors."""
    seen: set = set()
    for row, record in enumerate(records, start=1):
        where = f"{source} row {row}"
        chunks = chunk_record(record, lines, where=where, **kwargs)
        file_id = chunks[0]["file_id"]
        if file_id in seen:
            raise RecordError(f"{where}: duplicate file id {file_id!r}; chunk ids are built from it, make ids unique")
        seen.add(file_id)
        yield from chunks


def check_chunk(chunk: Mapping, where: str) -> None:
    """Raise a RecordError when a chunk record lacks a column or has a wrong type."""
    require_columns(chunk, CHUNK_COLUMNS, where)
    if not isinstance(chunk["text"], str):
        raise RecordError(f"{where}: chunk text is {type(chunk['text']).__name__}, not text")
    for key in ("start_line", "char_offset"):
        if not isinstance(chunk[key], int) or isinstance(chunk[key], bool) or chunk[key] < 0:
            raise RecordError(f"{where}: {key} must be a non-negative integer, got {chunk[key]!r}")


def group_file_chunks(chunks: Iterable[Mapping]) -> dict[object, list[Mapping]]:
    """file_id -> its chunks by offset; a gap or overlap between them is an error naming the chunk."""
    files: dict[object, list[Mapping]] = {}
    for c in chunks:
        files.setdefault(c["file_id"], []).append(c)
    for file_id, parts in files.items():
        parts.sort(key=lambda c: c["char_offset"])
        expected = 0
        for c in parts:
            if c["char_offset"] != expected:
                raise RecordError(
                    f"chunk {c['chunk_id']}: starts at offset {c['char_offset']} but the previous chunk of file "
                    f"{file_id!r} ends at {expected}; a chunk is missing or duplicated, re-run `codepii crowd chunk`"
                )
            expected += len(c["text"])
    return files


def file_content(parts: Sequence[Mapping]) -> str:
    """The file text rebuilt from its chunks (in offset order)."""
    return "".join(c["text"] for c in parts)


def stitch_spans(parts: Sequence[tuple[Mapping, Sequence[Span]]]) -> list[Span]:
    """Spans in chunk offsets -> file offsets.

    An entity cut by a chunk edge comes back as two pieces that touch exactly at
    the edge; pieces that touch there are joined again, into AMBIGUOUS when the
    two chunks gave the entity different categories.
    """
    edges = set()
    shifted: list[Span] = []
    for chunk, spans in parts:
        offset = chunk["char_offset"]
        edges.add(offset)
        shifted.extend(s.shift(offset) for s in spans)
    out: list[Span] = []
    for s in sort_spans(shifted):
        last = out[-1] if out else None
        if last is not None and last.end == s.start and s.start in edges:
            category = last.category if last.category == s.category else AMBIGUOUS
            out[-1] = Span(last.start, s.end, category, last.score)
        else:
            out.append(s)
    return out


def clip_to_chunks(spans: Iterable[Span], parts: Sequence[Mapping]) -> dict[str, list[Span]]:
    """File spans -> chunk_id -> spans in chunk offsets (an entity across an edge is cut in pieces)."""
    out: dict[str, list[Span]] = {c["chunk_id"]: [] for c in parts}
    ordered = sort_spans(spans)
    for c in parts:
        begin, end = c["char_offset"], c["char_offset"] + len(c["text"])
        for s in ordered:
            a, b = max(s.start, begin), min(s.end, end)
            if a < b:
                out[c["chunk_id"]].append(Span(a - begin, b - begin, s.category, s.score))
    return out
