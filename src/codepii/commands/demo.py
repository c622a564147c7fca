"""``codepii demo``: the whole pipeline on generated data."""
from __future__ import annotations

import argparse

HELP = "run the whole pipeline on generated data on the CPU (minutes) and print where the report is"
DESCRIPTION = """Generate a corpus, cut it into crowd chunks, simulate a crowd, aggregate
its votes into gold spans, train a tiny encoder on them, evaluate the model,
the pattern detectors and the hybrid side by side, mask a sample dataset of
Parquet shards, and print a summary (per-category F1, masked counts, seconds
per stage) and the path of the HTML report. Every stage prints the command
that it runs. Needs a source checkout (the recipes live beside the package).

example:
  codepii demo                     # writes demo-out/
  codepii demo --out /tmp/d --quick
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="demo-out", help="output directory (default: demo-out)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated data and training (default 0)")
    p.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test of every stage in about a minute")


def run(args: argparse.Namespace) -> int:
    from ..demo import SIZES, run_demo

    run_demo(args.out, SIZES["quick" if args.quick else "full"], seed=args.seed)
    return 0
