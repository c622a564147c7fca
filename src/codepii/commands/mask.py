"""``codepii mask``: the bulk-masking recipe ``mask/mask.py`` as a subcommand (same config, overrides, exit codes)."""
from __future__ import annotations

import argparse

HELP = "mask PII in a dataset's shards (the mask/mask.py recipe): same rows back, text masked, a pii column"
DESCRIPTION = """Bulk masking: the same dataset back, with PII replaced by placeholders.
The same as `python mask/mask.py` (docs/mask.md), on PATH for installed users;
several GPUs on one machine: `accelerate launch mask/mask.py ...`.

    codepii mask --config configs/mask/patterns.yaml input='data/*.parquet' output=masked/
    codepii mask --config configs/mask/model.yaml input=... output=... detector.model=runs/tiny/model
    codepii mask --config ... engine=ray ray.address=auto ray.workers=8 ray.gpus_per_worker=1

Writes one masked shard per input shard (same format, rows, order and other
columns; the text column masked; a ``pii`` column of spans in original
offsets), ``_rejects/`` for rows that could not be processed, ``_manifests/``
for finished shards, ``_config.yaml`` and ``_summary.json``. A rerun
skips finished shards and redoes the rest. Exit code 0 when every shard was
masked, 2 on a config error or when a shard could not be read.
"""
EPILOG = (
    "overrides: any config key as key=value, e.g. input=GLOB output=DIR detector.model=DIR "
    "detector.kind=model|patterns|hybrid engine=local|ray batch_rows=512 ray.workers=4 "
    "(see configs/mask/*.yaml for every key, commented)"
)
# codepii.cli adds key=value arguments that follow other flags (`input=A --config C output=B`) to these.
TAKES_OVERRIDES = True


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("--config", help="YAML config (configs/mask/*.yaml); defaults apply without one")
    p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log debug messages")
    p.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides (dotted for nested keys)")


def run(args: argparse.Namespace) -> int:
    import sys

    from ..config import load_config
    from ..errors import EXIT_USER_ERROR, ConfigError
    from ..mask.config import MaskConfig
    from ..mask.executor import make_executor

    bad = [a for a in args.overrides if "=" not in a]
    if bad:
        raise ConfigError(f"override {bad[0]!r} is not key=value (for example input='data/*.parquet')")
    cfg = load_config(MaskConfig, args.config, args.overrides)  # values checked as it loads
    summary = make_executor(cfg).run()
    print(summary.format(), file=sys.stderr)
    return 0 if summary.ok else EXIT_USER_ERROR
