"""One masking run, in this process, of the Parquet shards in a folder, with whichever codepii is on
PYTHONPATH: compares two checkouts (e.g. main before a change) on the same shards, run after run.

    python bench/bench_mask_once.py --make /tmp/shards [--wide]      # 8 shards x 12,000 rows (bench_ray's)
    git worktree add /tmp/base 4ecd5fd
    for r in 1 2 3; do
      OMP_NUM_THREADS=1 PYTHONPATH=/tmp/base/src python bench/bench_mask_once.py /tmp/shards --label base
      OMP_NUM_THREADS=1 PYTHONPATH=src python bench/bench_mask_once.py /tmp/shards --label branch
    done

Prints MB/s and MB per CPU-second of this process (the per-core figure on a busy machine); imports and
the detector's start-up are counted, the same for both.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchcli import guard, positive_int


def make(folder: str, shards: int, rows: int, wide: bool) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_mask_memory import write_shard

    for i in range(shards):
        write_shard(os.path.join(folder, f"s{i:03d}.parquet"), rows, wide=wide)


def run(folder: str, label: str, overrides: list[str]) -> None:
    import codepii
    from codepii.config import load_config
    from codepii.mask.config import MaskConfig
    from codepii.mask.executor import make_executor

    out = tempfile.mkdtemp(prefix="bench-once-")
    try:
        cfg = load_config(MaskConfig, None, [f"input={folder}/*.parquet", f"output={out}", *overrides])
        start, cpu = time.perf_counter(), time.process_time()
        summary = make_executor(cfg).run()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert summary.ok, "a shard failed"
        mb = sum(r.manifest.text_bytes for r in summary.results) / 1e6
        print(f"{label:>12}: {mb:.1f} MB in {seconds:5.1f} s = {mb / seconds:5.2f} MB/s, {mb / cpu:5.2f} MB/CPU-s "
              f"({Path(codepii.__file__).parent})", flush=True)
    finally:
        shutil.rmtree(out)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", help="folder of Parquet shards")
    p.add_argument("overrides", nargs="*", help="MaskConfig key=value overrides, e.g. arrow_batches=false")
    p.add_argument("--make", action="store_true", help="write the shards into the folder and exit")
    p.add_argument("--shards", type=positive_int, default=8, help="with --make: shards to write (default %(default)s)")
    p.add_argument("--rows", type=positive_int, default=12000, help="with --make: rows per shard, ~1.2 KB of text each (default %(default)s)")
    p.add_argument("--wide", action="store_true", help="with --make: 20 metadata columns like The Stack v2's")
    p.add_argument("--label", default="run", help="name printed before the figures (default %(default)s)")
    args = p.parse_args()
    os.environ.setdefault("CODEPII_PROGRESS", "0")
    if args.make:
        make(args.folder, args.shards, args.rows, args.wide)
    else:
        run(args.folder, args.label, args.overrides)


if __name__ == "__main__":
    guard(main)
