"""Bulk masking: the same dataset back, with PII replaced by placeholders.

    python mask/mask.py --config configs/mask/patterns.yaml input='data/*.parquet' output=masked/
    python mask/mask.py --config configs/mask/model.yaml input=... output=... detector.model=runs/tiny/model
    accelerate launch mask/mask.py --config ...        # one process per GPU, each with its own shards
    python mask/mask.py --config ... workers=16        # all the cores of a CPU node, no Ray needed
    python mask/mask.py --config ... engine=ray ray.address=auto ray.workers=8 ray.gpus_per_worker=1

Writes one masked shard per input shard (same format, rows, order and other
columns; the text column masked; a ``pii`` column of spans in original
offsets), ``_rejects/`` for rows that could not be processed, ``_manifests/``
for finished shards, ``config.yaml`` and ``_summary.json``. A rerun
skips finished shards and redoes the rest. Exit code 0 when every shard was
masked, 2 on a config error or when a shard could not be read.
"""
from __future__ import annotations

import argparse
import logging
import sys

from codepii.config import load_config, split_config_args
from codepii.errors import EXIT_USER_ERROR, exit_on_user_error
from codepii.mask.config import MaskConfig, require_paths
from codepii.mask.executor import make_executor
from codepii.progress import quiet_hf_bars

log = logging.getLogger("mask")


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="mask/mask.py",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="overrides: any config key as key=value, e.g. input=GLOB output=DIR detector.model=DIR "
        "detector.kind=model|patterns|hybrid engine=local|ray batch_rows=512 ray.workers=4 "
        "(see configs/mask/*.yaml for every key, commented)",
    )
    parser.add_argument("--config", help="YAML config (configs/mask/*.yaml); defaults apply without one")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    flags, overrides = split_config_args(argv)
    return parser.parse_args(flags), overrides


def setup_config(args: argparse.Namespace, overrides: list[str]) -> MaskConfig:
    cfg = load_config(MaskConfig, args.config, overrides)  # values checked as it loads
    require_paths(cfg)
    return cfg


@exit_on_user_error
def main(argv: list[str] | None = None) -> int:
    quiet_hf_bars()
    args, overrides = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    cfg = setup_config(args, overrides)
    summary = make_executor(cfg).run()  # engine=ray, workers=N processes, or this process (as `codepii mask`)
    print(summary.format(), file=sys.stderr)
    return 0 if summary.ok else EXIT_USER_ERROR


if __name__ == "__main__":
    sys.exit(main())
