"""Peak memory of the local masking engine on one shard and on a shard 10x larger (target: <= 1.2x).

    python bench/bench_mask_memory.py                       # Parquet, 1,000 vs 10,000 rows of ~1.2 KB
    python bench/bench_mask_memory.py --format jsonl --rows 2000

Each measurement runs in a fresh process (``--measure``) that masks one shard
with the pattern detector and reports its own peak RSS (``ru_maxrss``), so
imports and the detector count the same in both runs and only the
shard-dependent memory differs. The engine streams record batches
(``batch_rows``) and never holds a whole shard.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

from benchcli import guard, positive_int

TEMPLATE = """# Maintainer: {name} <{email}>
import requests

API_HOST = "{ip}"
TOKEN = "{key}"


def fetch_{n}(session, item_id):
    \"\"\"Fetch one item; retries are the caller's job.\"\"\"
    url = f"http://{{API_HOST}}/v1/items/{{item_id}}"
    resp = session.get(url, headers={{"Authorization": "Bearer " + TOKEN}}, timeout=10)
    resp.raise_for_status()
    return resp.json()
"""


def make_rows(n: int, seed: int = 0):
    """About 1.2 KB of Python per row with an email, an IP and a key in each."""
    rng = random.Random(seed)
    for i in range(n):
        text = TEMPLATE.format(
            name=f"Dev{i} Person", email=f"dev{i}@corp{i % 97}.io", ip=f"{rng.randint(11, 200)}.{rng.randint(0, 255)}.7.{i % 250}",
            key="ghp_" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(36)), n=i,
        )
        yield {"id": f"row{i}", "content": text + "\n# padding line for size\n" * 30, "lang": "python"}


def stack_columns(row: dict, i: int) -> dict:
    """``row`` with metadata columns like The Stack v2's beside the text: ids, repository, licenses, dates,
    counts, flags (nulls included)."""
    import datetime as dt

    day = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=37 * i)
    return {**row, "blob_id": f"{i * 7919:040x}", "directory_id": f"{i // 8:040x}", "path": f"/src/pkg{i % 40}/mod_{i}.py",
            "repo_name": f"org{i % 50}/repo{i % 300}", "detected_licenses": ["MIT", "Apache-2.0"][: i % 3],
            "license_type": "permissive" if i % 5 else "no_license", "snapshot_id": f"{i % 300:040x}",
            "branch_name": "refs/heads/main", "visit_date": day, "committer_date": day - dt.timedelta(days=i % 900),
            "github_id": None if i % 6 == 0 else 10_000_000 + i % 300, "star_events_count": i % 1000,
            "fork_events_count": i % 97, "gha_language": None if i % 4 else "Python", "src_encoding": "UTF-8",
            "is_vendor": False, "is_generated": i % 11 == 0, "length_bytes": len(row["content"]), "extension": "py"}


def write_shard(path: str, rows: int, batch_rows: int = 1000, wide: bool = False) -> None:
    """Stream rows to a shard (Parquet row groups of ``batch_rows``) without holding it in memory;
    ``wide``: with The Stack-like metadata columns (``stack_columns``)."""
    from codepii.io import open_writer

    with open_writer(path) as w:
        batch = []
        for i, r in enumerate(make_rows(rows)):
            batch.append(stack_columns(r, i) if wide else r)
            if len(batch) == batch_rows:
                w.write_batch(batch)
                batch = []
        if batch:
            w.write_batch(batch)


def measure(input_path: str, output_dir: str, batch_rows: int) -> None:
    """Child process: mask one shard, print peak RSS (MB) and the run's figures as JSON."""
    from codepii.config import load_config
    from codepii.mask.config import MaskConfig
    from codepii.mask.executor import LocalExecutor

    cfg = load_config(MaskConfig, None, [f"input={input_path}", f"output={output_dir}", f"batch_rows={batch_rows}"])
    start = time.perf_counter()
    summary = LocalExecutor(cfg).run()
    seconds = time.perf_counter() - start
    m = summary.results[0].manifest
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(json.dumps({"peak_rss_mb": peak_mb, "rows": m.rows_in, "text_mb": m.text_bytes / 1e6, "seconds": seconds}))


def run_child(input_path: str, output_dir: str, batch_rows: int) -> dict:
    cmd = [sys.executable, __file__, "--measure", input_path, output_dir, "--batch-rows", str(batch_rows)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=dict(os.environ, CODEPII_PROGRESS="0"))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=positive_int, default=1000, help="rows of the small shard (the large one has 10x)")
    p.add_argument("--format", choices=["parquet", "jsonl", "jsonl.zst"], default="parquet", help="shard format (default %(default)s)")
    p.add_argument("--batch-rows", type=positive_int, default=256, help="rows per record batch of the engine (default %(default)s)")
    p.add_argument("--measure", nargs=2, metavar=("INPUT", "OUTPUT"), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.measure:
        measure(*args.measure, args.batch_rows)
        return
    with tempfile.TemporaryDirectory(prefix="bench-mask-mem-") as tmp:
        results = {}
        for label, rows in (("1x", args.rows), ("10x", args.rows * 10)):
            path = os.path.join(tmp, f"shard_{label}.{args.format}")
            write_shard(path, rows)
            results[label] = run_child(path, os.path.join(tmp, f"out_{label}"), args.batch_rows)
            r = results[label]
            print(f"{label:>4}: {r['rows']:>7} rows, {r['text_mb']:7.1f} MB text, peak RSS {r['peak_rss_mb']:7.1f} MB, "
                  f"{r['text_mb'] / r['seconds']:.2f} MB/s, {r['rows'] / r['seconds']:.0f} rows/s")
        ratio = results["10x"]["peak_rss_mb"] / results["1x"]["peak_rss_mb"]
        print(f"peak RSS 10x / 1x = {ratio:.2f} (target <= 1.20): {'OK' if ratio <= 1.2 else 'OVER'}")


if __name__ == "__main__":
    guard(main)
