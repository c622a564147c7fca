"""Throughput of engine=ray with 1 and 2 workers next to the local engine, on the same shards.

    python bench/bench_ray.py                      # 4 Parquet shards x 300 rows, pattern detector, 2 CPUs
    python bench/bench_ray.py --shards 8 --rows 500 --num-cpus 4

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

    cfg = load_config(MaskConfig, None, [f"input={inputs}", f"output={out}", f"engine={engine}", f"ray.workers={workers}"])
    if engine == "ray":
        from codepii.mask.ray_engine import RayExecutor as Executor
    else:
        from codepii.mask.executor import LocalExecutor as Executor
    start = time.perf_counter()
    summary = Executor(cfg).run()
    seconds = time.perf_counter() - start
    ms = [r.manifest for r in summary.results]
    assert summary.ok and all(r.status == "done" for r in summary.results)
    return {"seconds": seconds, "rows": sum(m.rows_in for m in ms), "mb": sum(m.text_bytes for m in ms) / 1e6}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shards", type=int, default=4)
    p.add_argument("--rows", type=int, default=300, help="rows per shard (~1.2 KB each)")
    p.add_argument("--num-cpus", type=int, default=2, help="CPUs of the local Ray instance")
    args = p.parse_args()
    os.environ.setdefault("CODEPII_PROGRESS", "0")
    import ray

    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        root = Path(tmp)
        for i in range(args.shards):
            write_shard(str(root / "in" / f"s{i:03d}.parquet"), args.rows)
        inputs = str(root / "in" / "*.parquet")
        start = time.perf_counter()
        ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
        print(f"ray start-up: {time.perf_counter() - start:.1f} s (not counted below)")
        try:
            rows = [("local", 1), ("ray", 1), ("ray", 2)]
            reference = None
            for engine, workers in rows:
                out = root / f"out_{engine}_{workers}"
                r = run(engine, inputs, out, workers)
                same = reference is None or digest(out) == reference
                reference = reference or digest(out)
                print(f"{engine:>5} x{workers}: {r['rows']} rows, {r['mb']:.1f} MB in {r['seconds']:6.1f} s = "
                      f"{r['rows'] / r['seconds']:7.0f} rows/s, {r['mb'] / r['seconds']:5.2f} MB/s"
                      f"{'' if same else '  (OUTPUT DIFFERS FROM LOCAL)'}")
        finally:
            ray.shutdown()


if __name__ == "__main__":
    main()
