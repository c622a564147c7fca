"""Reading release archives (sdists, npm tarballs): text source files only, each with a language.

Skipped: binaries (a NUL byte or not UTF-8), files over ``max_file_bytes``,
minified or generated files (very long lines, ``*.min.js``, lock files, source
maps), ``node_modules/`` and vendored copies of reserved packages.
"""
from __future__ import annotations

import hashlib
import os
import tarfile
import zipfile
from dataclasses import dataclass
from typing import Iterator

from ..errors import CodepiiError
from .reserved import ReservedPackages

DEFAULT_MAX_FILE_BYTES = 100_000
MAX_LINE_CHARS = 1_000  # a file whose longest line is longer than this is minified or generated
MAX_MEAN_LINE_CHARS = 200

# Suffix (or whole file name) -> record language.
LANGUAGES = {
    ".py": "python", ".pyi": "python", ".pyx": "cython", ".pxd": "cython",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".mts": "typescript", ".cts": "typescript",
    ".java": "java", ".kt": "kotlin", ".scala": "scala", ".go": "go", ".rs": "rust",
    ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp",
    ".cs": "csharp", ".php": "php", ".rb": "ruby", ".pl": "perl", ".pm": "perl", ".lua": "lua",
    ".swift": "swift", ".m": "objective-c", ".r": "r", ".jl": "julia",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".ps1": "powershell", ".bat": "batchfile",
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml", ".ini": "ini", ".cfg": "ini",
    ".conf": "ini", ".env": "dotenv", ".sql": "sql", ".xml": "xml", ".html": "html", ".htm": "html",
    ".css": "css", ".scss": "css", ".less": "css", ".vue": "vue", ".svelte": "svelte",
    ".md": "markdown", ".markdown": "markdown", ".rst": "restructuredtext", ".txt": "text",
    ".tf": "hcl", ".proto": "protobuf", ".graphql": "graphql", ".tex": "tex", ".cmake": "cmake",
}
NAMED_FILES = {
    "dockerfile": "dockerfile", "makefile": "makefile", "pkg-info": "text", "metadata": "text",
    "license": "text", "licence": "text", "copying": "text", "copyright": "text", "notice": "text",
    "authors": "text", "contributors": "text", "credits": "text", "maintainers": "text", "thanks": "text",
    "changes": "text", "changelog": "text", "history": "text", "readme": "text", "news": "text",
    "cargo.toml": "toml", "setup.cfg": "ini", "tox.ini": "ini", "manifest.in": "text",
}
SKIP_SUFFIXES = (".min.js", ".min.css", ".map", ".lock", "-lock.json", ".pb.go", "_pb2.py", ".svg")
SKIP_NAMES = {"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "cargo.lock", "record"}


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def language_of(path: str) -> str | None:
    """The record language of a member path, or None for a file kind the corpus does not keep."""
    name = os.path.basename(path).lower()
    if name in NAMED_FILES:
        return NAMED_FILES[name]
    stem, ext = os.path.splitext(name)
    if ext in LANGUAGES:
        return LANGUAGES[ext]
    if stem in NAMED_FILES and ext in ("", ".txt", ".md", ".rst"):
        return {".md": "markdown", ".rst": "restructuredtext"}.get(ext, "text")
    return None


@dataclass(frozen=True)
class ArchiveFilter:
    """Which members of an archive become corpus records."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    reserved: ReservedPackages | None = None

    def skip_reason(self, path: str, size: int) -> str | None:
        """Why ``path`` is left out (from its name and size alone), or None to read it."""
        lower = path.lower()
        parts = lower.split("/")
        if "node_modules" in parts[:-1] or any(p.startswith(".") and p not in (".", "..") for p in parts[:-1]):
            return "vendored or hidden folder"
        if self.reserved is not None and self.reserved.vendored_in(path):
            return "vendored copy of a reserved package"
        if parts[-1] in SKIP_NAMES or lower.endswith(SKIP_SUFFIXES):
            return "generated"
        if language_of(path) is None:
            return "not a source or text file"
        if size > self.max_file_bytes:
            return "too large"
        return None

    def decode(self, data: bytes) -> str | None:
        """The text of a member, or None when it is binary, not UTF-8, empty or minified."""
        if b"\0" in data[:8192]:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        lines = text.splitlines()
        if not text.strip() or not lines:
            return None
        if max(map(len, lines)) > MAX_LINE_CHARS or len(text) / len(lines) > MAX_MEAN_LINE_CHARS:
            return None
        return text.lstrip("\ufeff")


def strip_top_folder(member: str) -> str:
    """``pkg-1.0/src/x.py`` -> ``src/x.py`` (sdists and npm tarballs hold one top folder)."""
    parts = member.split("/", 1)
    return parts[1] if len(parts) == 2 else member


def iter_members(archive: str) -> Iterator[tuple[str, int, callable]]:
    """(member path, size, read()) for each regular file of a .tar.gz/.tgz/.tar.bz2/.zip archive."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield info.filename, info.file_size, (lambda i=info: zf.read(i))
        return
    try:
        tf = tarfile.open(archive)
    except (tarfile.TarError, OSError) as exc:
        raise CodepiiError(f"{archive}: not a tar or zip archive ({exc}); delete it from the cache and fetch again") from None
    with tf:
        for info in tf:
            if info.isfile():
                yield info.name, info.size, (lambda i=info: tf.extractfile(i).read())


def read_archive(archive: str, keep: ArchiveFilter) -> Iterator[tuple[str, str]]:
    """(path without the top folder, text) of every member ``keep`` accepts, in archive order."""
    for member, size, read in iter_members(archive):
        path = strip_top_folder(member.removeprefix("./"))
        if keep.skip_reason(path, size) is not None:
            continue
        text = keep.decode(read())
        if text is not None:
            yield path, text
