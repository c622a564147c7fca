"""Where records live: format detection, path expansion and the one fsspec helper.

A path is local (``/data/x.jsonl``, ``file:///data/x.jsonl``) or an fsspec
URL (``s3://bucket/x.parquet``, ``memory://x``). Local paths use ``os``
directly; URLs go through :func:`url_fs`.
"""
from __future__ import annotations

import glob
import hashlib
import os
import posixpath
from typing import Sequence

from ..errors import RecordError

JSONL_SUFFIXES = (".jsonl", ".json", ".ndjson")
COMPRESSED_SUFFIXES = {".gz": "gzip", ".zst": "zstd"}
PARQUET_SUFFIXES = (".parquet", ".pq")
FORMATS = ("jsonl", "parquet", "hf")


def is_url(path: str) -> bool:
    """An fsspec URL other than ``file://`` (which is handled as a local path)."""
    return "://" in path and not path.startswith("file://")


def url_fs(path: str):
    """(filesystem, path inside it) for ``path``; the local filesystem for a local path."""
    import fsspec

    try:
        fs, inner = fsspec.core.url_to_fs(path)
    except ImportError as exc:  # fsspec's message names the package: "Install s3fs to access S3"
        raise RecordError(f"{path}: {exc} (pip install it where codepii runs)") from None
    except ValueError as exc:
        if "protocol" not in str(exc).lower():
            raise
        scheme = path.split("://", 1)[0]
        raise RecordError(f"{path}: unknown URL scheme {scheme!r}; use a local path or an fsspec URL "
                          "(s3://, gs://, hf://, ...) whose filesystem package is installed") from None
    return fs, inner


def local_path(path: str) -> str:
    return path[len("file://") :] if path.startswith("file://") else path


def join(root: str, *parts: str) -> str:
    """``root/parts...`` with ``/`` for URLs and ``os.path`` for local paths."""
    return posixpath.join(root.rstrip("/"), *parts) if is_url(root) else os.path.join(root, *parts)


def parent(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[0] if is_url(path) else os.path.dirname(os.path.abspath(path))


def is_hf_dataset_dir(path: str) -> bool:
    """A directory written by ``datasets.Dataset.save_to_disk``."""
    if is_url(path):
        fs, p = url_fs(path)
        return fs.isdir(p) and fs.exists(p.rstrip("/") + "/state.json")
    path = local_path(path)
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


def _visible(path: str) -> bool:
    """Hidden names (temporaries of unfinished writes, ``_manifests``) are never input shards."""
    return not posixpath.basename(path.rstrip("/")).startswith((".", "_"))


def _expand_url(s: str) -> list[str]:
    fs, p = url_fs(s)
    protocol = s.split("://", 1)[0]
    if is_hf_dataset_dir(s):
        return [s]
    if fs.isdir(p):
        found = (f"{protocol}://{m}" for m in sorted(fs.ls(p, detail=False)) if _visible(m))
        return [m for m in found if _is_supported(m)]
    return [f"{protocol}://{m}" for m in sorted(fs.glob(p)) if _visible(m)]


def _expand_local(s: str) -> list[str]:
    s = local_path(s)
    if is_hf_dataset_dir(s):
        return [s]
    if os.path.isdir(s):
        # Each entry by its full path: a saved HF dataset is recognised by the state.json inside it.
        entries = (os.path.join(s, f) for f in os.listdir(s) if _visible(f))
        return sorted(p for p in entries if _is_supported(p))
    if glob.has_magic(s):
        return [m for m in sorted(glob.glob(s, recursive=True)) if _visible(m)]
    return [s] if os.path.exists(s) else []


def _nothing_found(spec: str) -> str:
    """Why ``spec`` gave no record files, and the fix."""
    fs, inner = url_fs(spec)
    if fs.isdir(inner):
        return (f"{spec}: the directory holds no .jsonl(.gz/.zst), .parquet or saved HF dataset directly inside it; "
                "point at the files (a glob like DIR/**/*.parquet) or at a saved dataset")
    return f"{spec}: no such file, or the pattern matches nothing; check the path or glob"


def expand_paths(spec: str | Sequence[str]) -> list[str]:
    """Expand a path, glob, directory or fsspec URL (or a list of them) into sorted record files.

    A directory that is a saved HF dataset stays one entry; any other directory
    contributes the supported files directly inside it. Hidden names (a
    leading ``.`` or ``_``: temporaries, manifests) never match a glob.
    """
    specs = [spec] if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for s in specs:
        matches = _list_url(s) if is_url(s) else _expand_local(s)
        if not matches:
            raise RecordError(_nothing_found(s))
        out.extend(matches)
    return out


def _list_url(spec: str) -> list[str]:
    """``_expand_url``, with the store's own failure (no network, no credentials, no bucket) as one line."""
    try:
        return _expand_url(spec)
    except RecordError:
        raise
    except Exception as exc:  # noqa: BLE001 - each fsspec backend raises its own types (httpx, botocore, aiohttp)
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
        raise RecordError(f"{spec}: cannot list it ({type(exc).__name__}{': ' + first if first else ''}); "
                          "check the URL, the network and the credentials") from None


def same_place(path: str) -> str:
    """A key that two spellings of one local file or URL share (``./a.jsonl``, ``/abs/a.jsonl``, links)."""
    return path.split("://", 1)[1].rstrip("/") if is_url(path) else os.path.realpath(local_path(path))


def refuse_overwriting_inputs(outputs: Sequence[tuple[str, str | None]], inputs: str | Sequence[str]) -> None:
    """A RecordError when an output (``(flag, path)``; None = not asked for) is one of the input files:
    writing it would replace the data it is computed from (``--json gold.jsonl``)."""
    try:
        places = {same_place(p): p for p in expand_paths(inputs)}
    except RecordError:
        return  # missing inputs are reported where they are read
    for flag, path in outputs:
        if path and same_place(path) in places:
            raise RecordError(f"{flag} {path} is the input {places[same_place(path)]}: writing it would replace "
                              f"that input; choose another {flag} path")


def files_of(path: str) -> list[str]:
    """``path`` itself, or a directory's files in name order (``state.json`` excluded: it holds a timestamp)."""
    fs, p = url_fs(path)
    if not fs.isdir(p):
        return [p]
    return sorted(f for f in fs.find(p) if not f.endswith("state.json"))


def sha256_of(path: str) -> tuple[str, int]:
    """(hex digest, bytes) of a file, or of a directory's files in name order (state.json excluded)."""
    fs, _ = url_fs(path)
    h, size = hashlib.sha256(), 0
    for p in files_of(path):
        with fs.open(p, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
    return h.hexdigest(), size


def size_of(path: str) -> int:
    """Bytes of a file, or of a directory's files (state.json excluded), without reading them."""
    fs, _ = url_fs(path)
    return sum(fs.size(p) for p in files_of(path))
