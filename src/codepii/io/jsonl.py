"""The one JSONL parser: bytes in, records or per-line errors out.

Lines are read as bytes in 1 MiB pieces (zstd streams have no readline), so
a bad line never stops the lines after it from being read: it becomes a
:class:`BadLine` with its line number, byte offset and reason, and never its
text (a bad line may hold the very PII being masked). Plain, ``.gz`` and
``.zst`` files, local or fsspec.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Iterator, Literal

from ..errors import RecordError

DEFAULT_BATCH_ROWS = 1000
Undecodable = Literal["escape", "reject"]
# A first line opening a JSON array: a .json file written without lines=True (pandas, datasets to_json).
ARRAY_HINT = "; the file looks like a JSON array: JSONL has one object per line (jq -c '.[]' FILE converts it)"
UTF8_BOM = b"\xef\xbb\xbf"  # Notepad, PowerShell: a file-level mark, not part of the first record


@dataclass(frozen=True)
class BadLine:
    """A line that is not a JSON object: where it is and why, never what it holds."""

    line: int  # 1-based line number
    offset: int  # byte offset of the line's start in the (decompressed) file
    reason: str

    def describe(self, path: str) -> str:
        return f"{path} line {self.line} (byte {self.offset}): {self.reason}"


def byte_lines(f, chunk_bytes: int = 1 << 20) -> Iterator[tuple[int, bytes]]:
    """(byte offset, line without its newline) of a binary stream; linear in line length."""
    parts: list[bytes] = []  # pieces of the line not yet ended
    offset = 0
    while chunk := f.read(chunk_bytes):
        *lines, tail = chunk.split(b"\n")
        if lines:
            lines[0] = b"".join(parts) + lines[0]
            parts = []
            for line in lines:
                yield offset, line
                offset += len(line) + 1
        parts.append(tail)
    if any(parts):
        yield offset, b"".join(parts)


def parse_line(line: bytes, undecodable: Undecodable = "reject") -> dict | str:
    """The record on one line, or the reason it is not one (the reason never quotes the line).

    ``undecodable="escape"`` keeps invalid UTF-8 as lone surrogates so that the
    row (and its id) survives for a later step to reject; ``"reject"`` makes
    it a bad line.
    """
    try:
        text = line.decode("utf-8", "surrogateescape" if undecodable == "escape" else "strict")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 (byte {exc.start} of the line)"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"invalid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:
        return "invalid JSON (nested too deeply)"
    if not isinstance(record, dict):
        return f"expected a JSON object per line, got {type(record).__name__}"
    return record


class ZstdFrames:
    """A binary reader of the frames of a .zst stream that raises EOFError when the last frame is cut short.

    fsspec's zstandard reader returns what it decoded so far and then ``b""``: a truncated shard would read
    as fewer rows (none, when the cut is in the first block) with no error.
    """

    def __init__(self, raw, chunk_bytes: int = 1 << 17):  # compressed bytes per read (~1 MB of code out)
        import zstandard

        self._raw, self._chunk_bytes = raw, chunk_bytes
        self._new = zstandard.ZstdDecompressor().decompressobj
        self._frame, self._in_frame = self._new(), False

    def read(self, _size: int = -1) -> bytes:
        """The next decompressed piece (any length); ``b""`` at a clean end."""
        while chunk := self._raw.read(self._chunk_bytes):
            out = self._feed(chunk)
            if out:
                return out
        if self._in_frame:
            raise EOFError("the last zstd frame ends early")
        return b""

    def _feed(self, data: bytes) -> bytes:
        out = []
        while data:
            self._in_frame = True
            out.append(self._frame.decompress(data))
            if not self._frame.eof:
                break
            data = self._frame.unused_data  # the next frame (`cat a.zst b.zst`, pzstd) starts here
            self._frame, self._in_frame = self._new(), False
        return b"".join(out)


@contextlib.contextmanager
def _open_decompressed(path: str):
    """``path`` as decompressed bytes: .zst through :class:`ZstdFrames`, the rest by fsspec's suffix rule."""
    import fsspec

    if not path.lower().endswith(".zst"):
        with fsspec.open(path, "rb", compression="infer") as f:
            yield f
        return
    with fsspec.open(path, "rb") as raw:
        yield ZstdFrames(raw)


def iter_jsonl_lines(path: str, undecodable: Undecodable = "reject") -> Iterator[tuple[int, dict | BadLine]]:
    """(line number, record or BadLine) for each non-blank line of ``path``.

    An unreadable file (missing, truncated compression) is a RecordError
    naming the file and the last good line.
    """
    lineno = 0
    try:
        with _open_decompressed(path) as f:
            for lineno, (offset, line) in enumerate(byte_lines(f), start=1):
                if offset == 0 and line.startswith(UTF8_BOM):
                    line = line[len(UTF8_BOM):]
                if not line.strip():
                    continue
                parsed = parse_line(line, undecodable)
                if not isinstance(parsed, dict) and offset == 0 and line.lstrip().startswith(b"["):
                    parsed += ARRAY_HINT
                yield lineno, parsed if isinstance(parsed, dict) else BadLine(lineno, offset, parsed)
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file") from None
    except RecordError:
        raise
    except Exception as exc:  # OSError, EOFError, zstd/gzip errors: the type only, messages may quote data
        raise RecordError(
            f"{path}: cannot read after line {lineno} ({type(exc).__name__}); the file is truncated or corrupt"
        ) from None


def iter_jsonl_batches(path: str, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[list[dict]]:
    """Lists of records; the first bad line is a RecordError naming file, line and byte offset."""
    batch: list[dict] = []
    for _, item in iter_jsonl_lines(path):
        if isinstance(item, BadLine):
            raise RecordError(f"{item.describe(path)}; fix or remove that line")
        batch.append(item)
        if len(batch) >= batch_rows:
            yield batch
            batch = []
    if batch:
        yield batch


def json_line(row) -> bytes:
    """One JSONL line; a value with lone surrogates is kept losslessly as an escaped ASCII line."""
    try:
        return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(row, ensure_ascii=True) + "\n").encode("ascii")
