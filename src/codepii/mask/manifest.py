"""Completion records: one small JSON per finished output shard (DESIGN.md, "Manifest").

Layout under the output directory, for an input shard named REL:
``REL`` (the masked shard), ``_rejects/REL.jsonl`` (rows that could not be
processed, when any) and ``_manifests/REL.json``. The manifest is written
last, after the output was renamed into place; a shard counts as finished
only when its manifest names the same model and config fingerprints and the
output on disk has the checksum (``verify=sha256``) or size (``verify=size``)
the manifest recorded.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from ..io import join, remove, sha256_of, url_fs, write_text
from ..io.paths import size_of

MANIFEST_DIR = "_manifests"
REJECTS_DIR = "_rejects"


@dataclass
class Manifest:
    input: str
    output: str
    rows_in: int
    rows_out: int
    rows_rejected: int
    counts: dict[str, int]  # PII spans per category
    sha256: str  # of the output file (of a saved HF dataset's data files)
    output_bytes: int
    model_fingerprint: str
    config_fingerprint: str
    seconds: float
    text_bytes: int = 0  # UTF-8 bytes of the masked texts
    rejects: str | None = None
    input_bytes: int | None = None  # the input's size when it was masked (None: a manifest from before it was kept)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True)


def shard_paths(output_dir: str, rel: str) -> tuple[str, str, str]:
    """(output shard, rejects file, manifest) for the input shard named ``rel``."""
    return (
        join(output_dir, rel),
        join(output_dir, REJECTS_DIR, rel + ".jsonl"),
        join(output_dir, MANIFEST_DIR, rel + ".json"),
    )


def _fs(path: str):
    return url_fs(path)[0]


def read_manifest(path: str) -> Manifest | None:
    """The manifest at ``path``, or None when it is missing or unreadable (a partial write is redone)."""
    fs = _fs(path)
    if not fs.exists(path):
        return None
    try:
        with fs.open(path, "r", encoding="utf-8") as f:
            return Manifest(**json.load(f))
    except (ValueError, TypeError):
        return None


def write_manifest(path: str, manifest: Manifest) -> None:
    """Write atomically: a reader sees the old manifest, no manifest, or the complete new one."""
    write_text(path, manifest.to_json())


def remove_manifest(path: str) -> None:
    """Forget a shard's completion before redoing it, so a crash mid-rewrite is never taken as done."""
    remove(path)


def is_finished(manifest_path: str, output_path: str, model_fp: str, config_fp: str,
                verify: str = "sha256", input_path: str | None = None) -> Manifest | None:
    """The manifest when the shard is finished for these fingerprints and its output is intact, else None.

    ``verify="sha256"`` re-reads the output and compares the recorded checksum
    (a file truncated, damaged or replaced at the same size is redone);
    ``"size"`` compares sizes only. With ``input_path``, an input whose size
    changed since it was masked (re-downloaded, completed, replaced) is redone.
    """
    m = read_manifest(manifest_path)
    if m is None or m.model_fingerprint != model_fp or m.config_fingerprint != config_fp:
        return None
    if input_path is not None and m.input_bytes is not None and input_size(input_path) != m.input_bytes:
        return None
    if not _fs(output_path).exists(output_path) or size_of(output_path) != m.output_bytes:
        return None
    if verify == "sha256" and sha256_of(output_path)[0] != m.sha256:
        return None
    return m


def input_size(path: str) -> int | None:
    """Bytes of an input shard (a saved dataset's data files), None when it cannot be read."""
    try:
        return size_of(path)
    except OSError:  # the input is gone: its task reports that
        return None
