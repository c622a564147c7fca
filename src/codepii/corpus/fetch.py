"""Release archives from the package registries, pinned by a manifest so the corpus rebuilds exactly.

A manifest row is ``{"registry": "pypi"|"npm", "name", "version", "file",
"sha256"}``. Archives are downloaded with the registries' own clients (``pip
download --no-binary :all:`` for PyPI sdists, ``npm pack`` for npm tarballs)
into a cache folder, where an archive already present is reused; its sha256
must match the manifest.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator

from ..errors import CodepiiError, RecordError
from .archive import ArchiveFilter, language_of, read_archive, sha256_file
from .reserved import ReservedPackages, normalize_name

REGISTRIES = ("pypi", "npm")
DEFAULT_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "codepii-corpus")
DOWNLOAD_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class ManifestEntry:
    registry: str
    name: str
    version: str
    file: str
    sha256: str

    @classmethod
    def from_dict(cls, d: dict, where: str) -> "ManifestEntry":
        missing = [k for k in ("registry", "name", "version", "file", "sha256") if not isinstance(d.get(k), str)]
        if missing:
            raise RecordError(f"{where}: manifest row needs the text field(s) {', '.join(missing)}")
        if d["registry"] not in REGISTRIES:
            raise RecordError(f"{where}: registry {d['registry']!r} is not one of {', '.join(REGISTRIES)}")
        if os.path.basename(d["file"]) != d["file"]:
            raise RecordError(f"{where}: file {d['file']!r} must be a bare file name")
        return cls(d["registry"], d["name"], d["version"], d["file"], d["sha256"].lower())

    @property
    def spec(self) -> str:
        return f"{self.name}=={self.version}" if self.registry == "pypi" else f"{self.name}@{self.version}"


def read_manifest(path: str) -> list[ManifestEntry]:
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError:
        raise CodepiiError(f"{path}: cannot read the manifest; check the path (made by `codepii corpus manifest`)") from None
    entries = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{path} line {lineno}: invalid JSON ({exc.msg})") from None
        entries.append(ManifestEntry.from_dict(row, f"{path} line {lineno}"))
    return entries


def manifest_lines(entries: Iterable[ManifestEntry]) -> list[str]:
    return [json.dumps(asdict(e), ensure_ascii=False) for e in entries]


def _run(cmd: list[str], cwd: str, what: str) -> str:
    try:
        done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT_SECONDS)
    except FileNotFoundError:
        raise CodepiiError(f"{what}: {cmd[0]!r} not found; install it (pip and npm fetch the archives)") from None
    except subprocess.TimeoutExpired:
        raise CodepiiError(f"{what}: download timed out after {DOWNLOAD_TIMEOUT_SECONDS} s; check the registry") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise CodepiiError(f"{what}: download failed ({last}); check the name and version")
    return done.stdout


ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip", ".tar.bz2")


def cached_archive(registry: str, name: str, version: str, cache: str) -> str | None:
    """An archive of ``name`` ``version`` already in ``cache/<registry>/`` (sdist or npm file naming), else None."""
    folder = os.path.join(cache, registry)
    want = normalize_name(f"{name.lstrip('@').replace('/', '-')}-{version}")
    for f in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        stem = next((f[: -len(s)] for s in ARCHIVE_SUFFIXES if f.endswith(s)), None)
        if stem is not None and not f.startswith(".") and normalize_name(stem) == want:
            return os.path.join(folder, f)
    return None


def download(registry: str, name: str, version: str, cache: str) -> str:
    """Download one release archive into ``cache/<registry>/`` (or reuse it there); returns its path."""
    where = f"{registry} {name} {version}"
    found = cached_archive(registry, name, version, cache)
    if found:
        return found
    target_dir = os.path.join(cache, registry)
    os.makedirs(target_dir, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".download-") as tmp:
        if registry == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", name,
                   "--disable-pip-version-check", "--no-input", "-q", f"{name}=={version}", "-d", tmp]
            try:  # pip reads an sdist's metadata: with the installed setuptools that is seconds, not a minute
                _run(cmd + ["--no-build-isolation"], tmp, where)
            except CodepiiError:
                _run(cmd, tmp, where)  # another build backend: let pip install it in isolation
        else:
            _run(["npm", "pack", f"{name}@{version}", "--silent"], tmp, where)
        files = [f for f in os.listdir(tmp) if not f.startswith(".")]
        if len(files) != 1:
            raise CodepiiError(f"{where}: expected one archive from the registry, got {files or 'none'}")
        final = os.path.join(target_dir, files[0])
        os.replace(os.path.join(tmp, files[0]), final)
    return final


def ensure_archive(entry: ManifestEntry, cache: str) -> str:
    """The cached archive of ``entry`` (downloaded when absent), checked against its sha256."""
    path = os.path.join(cache, entry.registry, entry.file)
    if not os.path.exists(path):
        got = download(entry.registry, entry.name, entry.version, cache)
        if os.path.basename(got) != entry.file:
            raise CodepiiError(
                f"{entry.registry} {entry.spec}: the registry gave {os.path.basename(got)}, the manifest says "
                f"{entry.file}; fix the manifest row"
            )
    digest = sha256_file(path)
    if digest != entry.sha256:
        raise CodepiiError(
            f"{path}: sha256 {digest} does not match the manifest's {entry.sha256} for {entry.spec}; "
            "the archive changed or is corrupt: delete it and fetch again, or fix the manifest"
        )
    return path


def parse_spec(registry: str, spec: str) -> tuple[str, str]:
    """(name, version) of ``NAME==VER`` (PyPI) or ``NAME@VER`` (npm, scoped names too)."""
    name, _, version = spec.rpartition("@") if registry == "npm" else spec.partition("==")
    if not name or not version:
        example = "NAME==VERSION" if registry == "pypi" else "NAME@VERSION"
        raise CodepiiError(f"--{registry} {spec!r}: give an exact {example}")
    return name, version


def resolve(specs: list[tuple[str, str]], cache: str, reserved: ReservedPackages, jobs: int = 4) -> Iterator[ManifestEntry]:
    """Manifest rows for (registry, ``NAME==VER`` or ``NAME@VER``) specs, downloading each archive (``jobs`` at once)."""
    from concurrent.futures import ThreadPoolExecutor

    parsed = [(registry, *parse_spec(registry, spec)) for registry, spec in specs]
    for (registry, name, _), (_, spec) in zip(parsed, specs):
        reserved.check(name, f"--{registry} {spec}")  # refuse before downloading anything
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        paths = pool.map(lambda p: download(p[0], p[1], p[2], cache), parsed)
        for (registry, name, version), path in zip(parsed, paths):
            yield ManifestEntry(registry, name, version, os.path.basename(path), sha256_file(path))


def ensure_archives(entries: list[ManifestEntry], cache: str, jobs: int = 4) -> Iterator[tuple[ManifestEntry, str]]:
    """(entry, archive path) in manifest order, downloading missing archives ``jobs`` at once."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        yield from zip(entries, pool.map(lambda e: ensure_archive(e, cache), entries))


def corpus_records(entry: ManifestEntry, archive: str, keep: ArchiveFilter) -> Iterator[dict]:
    """Corpus records of one archive: ``{"id", "content", "language", "package", "registry", "version", "path"}``."""
    for path, text in read_archive(archive, keep):
        yield {
            "id": f"{entry.registry}/{normalize_name(entry.name)}@{entry.version}/{path}",
            "content": text,
            "language": language_of(path),
            "package": entry.name,
            "registry": entry.registry,
            "version": entry.version,
            "path": path,
        }


def atomic_write_lines(path: str, lines: Iterable[str]) -> int:
    """Write text lines to a temporary sibling, fsync, rename over ``path``; returns the count."""
    head = os.path.dirname(os.path.abspath(path))
    os.makedirs(head, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=head, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            for line in lines:
                f.write(line + "\n")
                n += 1
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return n
