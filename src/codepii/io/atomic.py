"""Atomic writes: every file the project writes goes to a temporary name in the target's
directory, is flushed and fsynced, then renamed over the final name (STYLE.md, rules 6 and 14).

On a local or network filesystem the rename is atomic; on an object store
(an fsspec URL) it is a copy then a delete, and the copy is what makes the
object visible. A reader therefore sees the old file, no file, or the whole
new one; a failed or killed write leaves only a hidden ``.NAME.XXXX.tmp``
that :func:`remove_stale_temps` (or the next write of the same name) clears.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import uuid
from typing import Any, Iterator, Mapping

from ..errors import CodepiiError, RecordError
from ..faults import fault
from .paths import is_url, local_path, url_fs

# Stages of a commit at which a fault point may be named (see codepii.faults).
STAGES = ("written", "synced", "renaming")


def temp_name(final: str) -> str:
    """A hidden sibling of ``final``, unique per attempt (a stale writer never shares it)."""
    head, tail = final.rstrip("/").rsplit("/", 1) if "/" in final else ("", final)
    name = f".{tail}.{uuid.uuid4().hex[:12]}.tmp"
    return f"{head}/{name}" if head else name


def remove_stale_temps(final: str) -> None:
    """Delete temporaries that killed runs left beside ``final`` (local paths)."""
    if is_url(final):
        return
    head, tail = os.path.split(os.path.abspath(local_path(final)))
    if os.path.isdir(head):
        for name in os.listdir(head):
            if name.startswith(f".{tail}.") and name.endswith(".tmp"):
                p = os.path.join(head, name)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)


def fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def refuse_directory(final: str) -> None:
    """A file must not take a directory's name: the rename would first delete the directory."""
    if not is_url(final) and os.path.isdir(local_path(final)):
        raise CodepiiError(f"{final}: is a directory; give a file name (e.g. {os.path.join(final, 'out')})")


def atomic_move(tmp: str, final: str, fault_point: str | None = None) -> None:
    """Rename ``tmp`` over ``final``: atomic locally, a copy then a delete on object stores.
    ``fault_point`` fires between the two halves (see codepii.faults)."""
    if is_url(final):
        fs, _ = url_fs(final)
        fs.copy(tmp, final, recursive=True)
        fault(fault_point) if fault_point else None
        fs.rm(tmp, recursive=True)
        return
    tmp, final = local_path(tmp), local_path(final)
    if not os.path.isdir(tmp):
        refuse_directory(final)
    if os.path.isdir(final):
        shutil.rmtree(final)  # a directory (saved HF dataset) cannot be renamed over another
    os.replace(tmp, final)
    fault(fault_point) if fault_point else None
    fsync_dir(os.path.dirname(os.path.abspath(final)))


def remove(path: str) -> None:
    """Delete a file or directory if it exists (local or URL)."""
    if is_url(path):
        fs, p = url_fs(path)
        if fs.exists(p):
            fs.rm(p, recursive=True)
        return
    path = local_path(path)
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.remove(path)


def makedirs_for(final: str) -> None:
    if is_url(final):
        fs, p = url_fs(final)
        fs.makedirs(p.rstrip("/").rsplit("/", 1)[0], exist_ok=True)
    else:
        parent = os.path.dirname(os.path.abspath(local_path(final)))
        try:
            os.makedirs(parent, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            blocker = parent
            while not os.path.exists(blocker):  # the part of the path that exists as a file
                blocker = os.path.dirname(blocker)
            raise RecordError(f"{final}: cannot create its directory: {blocker} is a file; choose another path") from None


class AtomicFile:
    """A binary file written as ``tmp`` beside ``final``; ``commit()`` makes it ``final``, ``abort()`` drops it.

    ``faults`` maps commit stages (``written``, ``synced``, ``renaming``) to
    fault point names, for the writers whose crashes the tests exercise.
    """

    def __init__(self, final: str, faults: Mapping[str, str] | None = None):
        self.final = final
        self.tmp = temp_name(final)
        self.faults = dict(faults or {})
        refuse_directory(final)
        makedirs_for(final)
        if is_url(final):
            fs, _ = url_fs(final)
            self.raw = fs.open(self.tmp, "wb")
        else:
            self.raw = open(local_path(self.tmp), "wb")
        self.done = False

    def write(self, data: bytes) -> int:
        return self.raw.write(data)

    def _fault(self, stage: str) -> None:
        if stage in self.faults:
            fault(self.faults[stage])

    def close_synced(self) -> None:
        """Flush, fsync (local files) and close the temporary file."""
        self.raw.flush()
        self._fault("written")
        if not is_url(self.final):
            os.fsync(self.raw.fileno())
        self.raw.close()
        self._fault("synced")

    def commit(self) -> None:
        self.close_synced()
        atomic_move(self.tmp, self.final, self.faults.get("renaming"))
        self.done = True

    def abort(self) -> None:
        """Close and delete the temporary file; the final name is left as it was."""
        if self.done:
            return
        try:
            self.raw.close()
        finally:
            remove(self.tmp)
            self.done = True

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.commit() if exc_type is None else self.abort()


@contextlib.contextmanager
def atomic_open(path: str, mode: str = "w", encoding: str = "utf-8", newline: str | None = "\n") -> Iterator[Any]:
    """``with atomic_open(path, "w") as f: ...``: a text (``"w"``) or binary (``"wb"``) file that
    appears at ``path`` only when the block ends without an exception."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes only: mode 'w' or 'wb', not {mode!r}")
    target = AtomicFile(path)
    try:
        if mode == "wb":
            yield target.raw
        else:
            text = io.TextIOWrapper(target.raw, encoding=encoding, newline=newline, write_through=True)
            yield text
            text.flush()
            text.detach()
    except BaseException:
        target.abort()
        raise
    target.commit()


def write_bytes(path: str, data: bytes) -> None:
    with atomic_open(path, "wb") as f:
        f.write(data)


def write_text(path: str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_open(path, "w") as f:
        f.write(text)


def write_json(path: str, data: Any, indent: int | None = 2) -> None:
    """Write ``data`` as JSON (UTF-8, unescaped, trailing newline) atomically."""
    write_text(path, json.dumps(data, indent=indent, ensure_ascii=False) + "\n")
