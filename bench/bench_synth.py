"""Benchmark: generate the synthetic corpus and write it as JSONL; prints files/s and MB/s.

    python bench/bench_synth.py [--files 10000] [--seed 0] [--carriers DIR] [--out FILE]

Times generation alone (records built and validated in memory) and then the
same files written through codepii.io.write_records. Target: 10,000
files in under a minute on one CPU core. Wall and CPU seconds are both
printed: on a shared machine the CPU figure is the one to compare.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time

from codepii.io import write_records
from codepii.synth import compute_stats, generate

from benchcli import existing_dir, guard, positive_int


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=positive_int, default=10_000, help="files to generate (default %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default %(default)s)")
    ap.add_argument("--carriers", type=existing_dir, help="folder of real source files (the --carriers mode)")
    ap.add_argument("--out", help="JSONL file to write (default: a temp file, deleted)")
    args = ap.parse_args()

    t0, c0 = time.perf_counter(), time.process_time()
    records = list(generate(args.files, args.seed, carriers=args.carriers))
    gen_s, gen_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    stats = compute_stats(records)
    mb = stats["chars"] / 1e6

    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or os.path.join(tmp, "corpus.jsonl")
        t1 = time.perf_counter()
        write_records(out, records)
        write_s = time.perf_counter() - t1
        size_mb = os.path.getsize(out) / 1e6

    print(f"files: {stats['files']}  spans: {stats['spans']}  content: {mb:.1f} M chars  jsonl: {size_mb:.1f} MB")
    print(f"generate+validate: {gen_s:.1f} s wall ({gen_cpu_s:.1f} s CPU)  ->  {args.files / gen_s:,.0f} files/s, {mb / gen_s:.2f} M chars/s "
          f"({args.files / gen_cpu_s:,.0f} files/s per busy core)")
    print(f"write jsonl:       {write_s:.1f} s")
    print(f"total:             {gen_s + write_s:.1f} s for {args.files} files ({args.files / (gen_s + write_s):,.0f} files/s)")


if __name__ == "__main__":
    guard(main)
