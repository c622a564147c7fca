"""A large real-code corpus for benchmarks: source files of the installed Python distributions.

Files come from ``importlib.metadata`` distributions (their RECORD lists), in a
fixed order, until the corpus holds the asked number of MB. Distributions in
../shared/data/reserved-packages.txt, and any path with a folder of a reserved
name (vendored copies), are left out. Built once into ``cache_dir`` as JSONL
(``{"id", "content"}``), written to a temporary name and renamed.
"""
from __future__ import annotations

import json
import os
import re
from importlib import metadata
from typing import Iterator

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESERVED = os.path.join(ROOT, "..", "shared", "data", "reserved-packages.txt")
SUFFIXES = (".py", ".pyi", ".js", ".ts", ".c", ".h", ".cpp", ".hpp", ".go", ".rs", ".java", ".rb", ".sh",
            ".yaml", ".yml", ".toml", ".cfg", ".ini", ".json", ".md", ".rst", ".txt", ".html", ".css")
MAX_FILE_BYTES = 1 << 20


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def reserved_names(path: str = RESERVED) -> set[str]:
    if not os.path.exists(path):
        raise SystemExit(f"{path} is missing: it lists the packages a corpus must leave out")
    with open(path, encoding="utf-8") as f:
        return {normalize(line.strip()) for line in f if line.strip() and not line.startswith("#")}


def iter_files(reserved: set[str]) -> Iterator[tuple[str, str]]:
    """(id, text) of installed source files, distribution by distribution, sorted."""
    dists = sorted(metadata.distributions(), key=lambda d: normalize(d.metadata["Name"] or ""))
    for dist in dists:
        name = normalize(dist.metadata["Name"] or "")
        if not name or name in reserved:
            continue
        for rel in sorted(str(f) for f in dist.files or ()):
            if not rel.endswith(SUFFIXES) or any(normalize(part) in reserved for part in rel.split("/")[:-1]):
                continue
            path = str(dist.locate_file(rel))
            try:
                if os.path.getsize(path) > MAX_FILE_BYTES:
                    continue
                with open(path, encoding="utf-8") as f:
                    yield f"{name}/{rel}", f.read()
            except (OSError, UnicodeDecodeError):
                continue


def build_real_code(megabytes: float, cache_dir: str, reserved: str = RESERVED) -> list[dict]:
    """Records of about ``megabytes`` MB of real code (cached)."""
    path = os.path.join(cache_dir, f"real-code-{megabytes:g}mb.jsonl")
    if not os.path.exists(path):
        os.makedirs(cache_dir, exist_ok=True)
        tmp = f"{path}.tmp-{os.getpid()}"
        total, target = 0, megabytes * 1e6
        with open(tmp, "w", encoding="utf-8") as out:
            for file_id, text in iter_files(reserved_names(reserved)):
                out.write(json.dumps({"id": file_id, "content": text}) + "\n")
                total += len(text.encode("utf-8", "surrogatepass"))
                if total >= target:
                    break
            out.flush()
            os.fsync(out.fileno())
        if total < target:
            os.remove(tmp)
            raise SystemExit(f"the installed packages hold only {total / 1e6:.1f} MB of source; ask for less")
        os.replace(tmp, path)
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]
