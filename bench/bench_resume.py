"""What verified resume costs: a rerun over finished shards with verify=sha256 vs verify=size,
and the JSONL reader (one parser with per-line errors) against plain json.loads over text lines.

    python bench/bench_resume.py                  # 8 shards x 4,000 rows (~40 MB of JSONL)
    python bench/bench_resume.py --shards 4 --rows 2000

Prints seconds per rerun (best of 3) and MB/s; the sha256 rerun reads every output once.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from codepii.config import load_config  # noqa: E402
from codepii.io import iter_jsonl_batches, write_records  # noqa: E402
from codepii.mask.config import MaskConfig  # noqa: E402
from codepii.mask.executor import LocalExecutor  # noqa: E402
from benchcli import guard, positive_int  # noqa: E402


def make_inputs(root: str, shards: int, rows: int) -> int:
    line = "    url = 'http://10.1.2.3/v1/items'  # ask jane.roe@corp.example.io\n" * 20
    for s in range(shards):
        write_records(os.path.join(root, f"s{s:03d}.jsonl"),
                      ({"id": f"{s}-{i}", "content": f"# file {i}\n{line}"} for i in range(rows)))
    return sum(os.path.getsize(os.path.join(root, f)) for f in os.listdir(root))


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shards", type=positive_int, default=8, help="JSONL shards (default %(default)s)")
    p.add_argument("--rows", type=positive_int, default=4000, help="rows per shard (default %(default)s)")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        mb = make_inputs(inputs, args.shards, args.rows) / 1e6
        base = [f"input={inputs}/*", f"output={out}", "detector.kind=patterns"]
        t = time.perf_counter()
        LocalExecutor(load_config(MaskConfig, None, base)).run()
        print(f"{args.shards} shards, {mb:.1f} MB of JSONL: first run {time.perf_counter() - t:.1f} s")
        for verify in ("size", "sha256"):
            cfg = load_config(MaskConfig, None, [*base, f"verify={verify}"])

            def rerun():
                summary = LocalExecutor(cfg).run()
                assert summary.totals()["skipped"] == args.shards

            print(f"rerun, every shard finished, verify={verify}: {best_of(3, rerun):.3f} s")
        path = os.path.join(inputs, "s000.jsonl")
        shard_mb = os.path.getsize(path) / 1e6
        ours = best_of(3, lambda: sum(len(b) for b in iter_jsonl_batches(path)))

        def plain():
            with open(path, encoding="utf-8") as f:
                return sum(1 for line in f if line.strip() and json.loads(line))

        theirs = best_of(3, plain)
        print(f"JSONL read of one {shard_mb:.1f} MB shard: codepii.io {shard_mb / ours:.0f} MB/s, "
              f"plain json.loads per text line {shard_mb / theirs:.0f} MB/s (ratio {theirs / ours:.2f})")


if __name__ == "__main__":
    guard(main)
