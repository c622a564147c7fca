"""Throughput of the executors on the same shards: this process, workers=2 local processes, Ray x1/x2.

    python bench/bench_ray.py                      # 4 Parquet shards x 300 rows, pattern detector, 2 CPUs
    python bench/bench_ray.py --shards 8 --rows 500 --num-cpus 4
    python bench/bench_ray.py --no-ray --shards 8 --rows 3000   # local: workers=1 vs workers=2 only

One local Ray instance (``--num-cpus``) is started once; its start-up time is
printed apart and not counted in the engines' figures. Every run masks the
same shards into a fresh output directory and is checked to give the same
bytes as the local engine.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_mask_memory import write_shard  # noqa: E402


def digest(out: Path) -> str:
    """Hash of every output shard's bytes (manifests hold timings and are left out)."""
    h = hashlib.sha256()
    for p in sorted(out.glob("*.parquet")):
        h.update(p.read_bytes())
    return h.hexdigest()


def run(engine: str, inputs: str, out: Path, workers: int = 1) -> dict:
    from codepii.config import load_config
    from codepii.mask.config import MaskConfig

    from codepii.mask.executor import make_executor

    count = f"ray.workers={workers}" if engine == "ray" else f"workers={workers}"
    cfg = load_config(MaskConfig, None, [f"input={inputs}", f"output={out}", f"engine={engine}", count])
    start = time.perf_counter()
    summary = make_executor(cfg).run()  # workers>1 locally: spawned processes (their start-up is counted)
    seconds = time.perf_counter() - start
    ms = [r.manifest for r in summary.results]
    assert summary.ok and all(r.status == "done" for r in summary.results)
    return {"seconds": seconds, "rows": sum(m.rows_in for m in ms), "mb": sum(m.text_bytes for m in ms) / 1e6}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shards", type=int, default=4)
    p.add_argument("--rows", type=int, default=300, help="rows per shard (~1.2 KB each)")
    p.add_argument("--num-cpus", type=int, default=2, help="CPUs of the local Ray instance")
    p.add_argument("--no-ray", action="store_true", help="only the local executors")
    args = p.parse_args()
    os.environ.setdefault("CODEPII_PROGRESS", "0")

    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        root = Path(tmp)
        for i in range(args.shards):
            write_shard(str(root / "in" / f"s{i:03d}.parquet"), args.rows)
        inputs = str(root / "in" / "*.parquet")
        rows = [("local", 1), ("local", 2)]
        if not args.no_ray:
            import ray

            start = time.perf_counter()
            ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
            print(f"ray start-up: {time.perf_counter() - start:.1f} s (not counted below)")
            rows += [("ray", 1), ("ray", 2)]
        try:
            reference, first = None, None
            for engine, workers in rows:
                out = root / f"out_{engine}_{workers}"
                r = run(engine, inputs, out, workers)
                same = reference is None or digest(out) == reference
                reference = reference or digest(out)
                first = first or r["seconds"]
                print(f"{engine:>5} x{workers}: {r['rows']} rows, {r['mb']:.1f} MB in {r['seconds']:6.1f} s = "
                      f"{r['rows'] / r['seconds']:7.0f} rows/s, {r['mb'] / r['seconds']:5.2f} MB/s, "
                      f"{first / r['seconds']:.2f}x local x1{'' if same else '  (OUTPUT DIFFERS FROM LOCAL)'}")
        finally:
            if not args.no_ray:
                ray.shutdown()


if __name__ == "__main__":
    main()
