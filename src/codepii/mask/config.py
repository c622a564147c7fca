"""The masking recipe's typed config (``mask/mask.py --config configs/mask/X.yaml key=value ...``).

YAML keys, dataclass fields and dotted overrides share one name (STYLE.md,
rule 2). ``output_fingerprint`` hashes only the fields that change the bytes
of an output shard, so that a rerun with another engine, rank or worker count
still skips finished shards.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

from ..config import fingerprint, to_dict
from ..detect.config import DetectorConfig
from ..errors import ConfigError
from ..labels import DEFAULT_PLACEHOLDERS, MAIN_CATEGORIES


@dataclass(frozen=True)
class RayConfig:
    # None: start a local Ray instance in this process; "auto": join the cluster
    # started with `ray start`; or "ray://head:10001" / "HOST:6379".
    address: str | None = None
    # Actors, each loading the detector (and its model) once and masking whole shards.
    workers: int = 1
    gpus_per_worker: float = 0.0
    cpus_per_worker: float = 1.0
    # CPUs for a local Ray instance started by this process (None: all of them).
    num_cpus: int | None = None
    # A crashed actor (OOM, lost node) is restarted this many times and its shard redone from scratch.
    max_restarts: int = 2


@dataclass(frozen=True)
class MaskConfig:
    input: str = ""  # path, glob, directory or fsspec URL of the input shards
    output: str = ""  # output directory: one masked shard per input shard, same format
    # The detector (codepii.detect.DetectorConfig): detector.kind=model|patterns|hybrid detector.model=DIR ...
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    engine: Literal["local", "ray"] = "local"
    # engine=local: processes masking shards side by side, each with its own detector (all cores of a
    # node without Ray); 1 masks in this process. Output is the same for any value.
    workers: int = 1
    text_column: str = "content"
    id_column: str = "id"  # named in rejects; the row index is used when a row has none
    pii_column: str = "pii"
    batch_rows: int = 256  # rows per read/detect/write batch (also the Parquet row group size)
    max_text_bytes: int = 50_000_000  # rows whose text is larger (UTF-8 bytes) go to the rejects file
    # A JSONL line that is not a JSON object: "reject" it (line number, byte offset and reason in the
    # rejects file, never its text) and mask the rest of the shard, or "fail" the whole shard.
    on_bad_row: Literal["reject", "fail"] = "reject"
    # How a rerun checks that a shard its manifest calls finished is intact: "sha256" re-reads the
    # output and compares the recorded checksum; "size" only compares sizes (cheaper on object stores).
    verify: Literal["sha256", "size"] = "sha256"
    # Merged over labels.DEFAULT_PLACEHOLDERS: placeholders.EMAIL=X changes one and keeps the others.
    placeholders: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PLACEHOLDERS))
    # Detected but left in the text (still listed in the pii column), e.g. [USERNAME] as the reference did.
    keep_categories: tuple[str, ...] = ()
    # Add a keyed HMAC-SHA256 of each original value to the pii column (never the value itself).
    hash_values: bool = False
    hash_key_env: str = "CODEPII_HASH_KEY"  # environment variable that holds the HMAC key
    # Shard split for several processes; None reads RANK / WORLD_SIZE (torchrun, accelerate).
    rank: int | None = None
    world_size: int | None = None
    read_ahead_batches: int = 2  # batches read in a background thread while the detector runs
    # Parquet shards and saved HF datasets flow through the chain as Arrow record batches: only the text
    # column becomes Python objects, every other column goes to the output as the input's arrays. false: as
    # row dicts (the path before issue 13, kept to compare; the same output rows).
    arrow_batches: bool = True
    ray: RayConfig = field(default_factory=RayConfig)

    def __post_init__(self) -> None:
        """Values that types alone cannot check; a ConfigError names the key and the fix.
        ``input`` and ``output`` are checked when a run is planned (a Masker needs neither)."""
        for key in ("batch_rows", "max_text_bytes", "workers"):
            if getattr(self, key) < 1:
                raise ConfigError(f"config key {key!r} must be at least 1, got {getattr(self, key)}")
        for cat in list(self.placeholders) + list(self.keep_categories):
            if cat not in MAIN_CATEGORIES:
                raise ConfigError(
                    f"config key 'placeholders'/'keep_categories': {cat!r} is not a main category "
                    f"({', '.join(MAIN_CATEGORIES)})"
                )
        if self.hash_values and not os.environ.get(self.hash_key_env):
            raise ConfigError(f"hash_values=true needs a secret key in the environment variable {self.hash_key_env}")
        for key in ("text_column", "id_column"):
            if self.pii_column == getattr(self, key):
                raise ConfigError(f"config key 'pii_column': {self.pii_column!r} is also the {key}; the pii lists "
                                  f"would replace that column: pick another name (default pii)")
        if self.ray.workers < 1:
            raise ConfigError(f"config key 'ray.workers' must be at least 1, got {self.ray.workers}")


# Fields that never change an output shard's bytes.
_NOT_IN_FINGERPRINT = ("input", "output", "engine", "workers", "rank", "world_size", "read_ahead_batches", "ray",
                       "verify", "arrow_batches")


def output_fingerprint(cfg: MaskConfig) -> str:
    """Hash of the settings that change what an output shard contains."""
    data = to_dict(cfg)
    for key in _NOT_IN_FINGERPRINT:
        data.pop(key)
    return fingerprint(data)


def effective_placeholders(cfg: MaskConfig) -> dict[str, str]:
    """The defaults with the configured placeholders on top (a partial mapping never unmasks a category)."""
    return {**DEFAULT_PLACEHOLDERS, **cfg.placeholders}


def require_paths(cfg: MaskConfig) -> None:
    """A run needs ``input``, ``output`` and, for a model, ``detector.model`` (a Masker used from
    Python needs no paths); checked before any shard or worker starts."""
    if not cfg.input:
        raise ConfigError("config key 'input' is required: input=GLOB (a path, glob, directory or URL)")
    if not cfg.output:
        raise ConfigError("config key 'output' is required: output=DIR")
    cfg.detector.require_model()


def rank_and_world(cfg: MaskConfig) -> tuple[int, int]:
    """This process's shard slot: config first, then torchrun/accelerate's RANK and WORLD_SIZE."""
    world = cfg.world_size if cfg.world_size is not None else int(os.environ.get("WORLD_SIZE", "1"))
    rank = cfg.rank if cfg.rank is not None else int(os.environ.get("RANK", "0"))
    if world < 1 or not 0 <= rank < world:
        raise ConfigError(f"rank {rank} / world_size {world}: need 0 <= rank < world_size")
    return rank, world
