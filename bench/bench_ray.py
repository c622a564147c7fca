"""Throughput of the executors on the same shards: this process, workers=2 local processes, Ray x1/x2.

    python bench/bench_ray.py                      # 4 Parquet shards x 300 rows, pattern detector, 2 CPUs
    python bench/bench_ray.py --shards 8 --rows 500 --num-cpus 4
    python bench/bench_ray.py --no-ray --shards 8 --rows 3000   # local: workers=1 vs workers=2 only
    OMP_NUM_THREADS=1 python bench/bench_ray.py --no-ray --shards 8 --rows 12000 --dicts --repeats 3
        # Parquet as row dicts (arrow_batches=false) vs Arrow record batches, alternating, best of 3;
        # then both again with the detector's spans replayed ("replay": the engine without detection),
        # and the detector alone on the same texts
    OMP_NUM_THREADS=1 python bench/bench_ray.py --no-ray --shards 8 --rows 12000 --dicts --repeats 3 --wide
        # the same with 20 metadata columns beside the text, like The Stack v2's
    OMP_NUM_THREADS=1 python bench/bench_ray.py --no-ray --shards 8 --real-mb 50 --dicts --repeats 3
        # real code instead of the templated rows: the files of bench/realcode.py's corpus, one per row

One local Ray instance (``--num-cpus``) is started once; its start-up time is
printed apart and not counted in the engines' figures. Every run masks the
same shards into a fresh output directory and is checked to give the same
bytes as the first run. ``MB/CPU-s`` (runs in this process only) is MB per
CPU-second of this process, all its threads: the per-core figure on a busy
machine.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_mask_memory import write_shard  # noqa: E402
from benchcli import guard, nonneg_float, positive_int  # noqa: E402


def digest(out: Path) -> str:
    """Hash of every output shard's bytes (manifests hold timings and are left out)."""
    h = hashlib.sha256()
    for p in sorted(out.glob("*.parquet")):
        h.update(p.read_bytes())
    return h.hexdigest()


def run(engine: str, inputs: str, out: Path, workers: int = 1, overrides: tuple[str, ...] = (), detector=None) -> dict:
    from codepii.config import load_config
    from codepii.mask.config import MaskConfig

    from codepii.mask.executor import make_executor

    count = f"ray.workers={workers}" if engine == "ray" else f"workers={workers}"
    cfg = load_config(MaskConfig, None, [f"input={inputs}", f"output={out}", f"engine={engine}", count, *overrides])
    start, cpu = time.perf_counter(), time.process_time()
    summary = make_executor(cfg, detector).run()  # workers>1 locally: spawned processes (start-up counted)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    ms = [r.manifest for r in summary.results]
    assert summary.ok and all(r.status == "done" for r in summary.results)
    # CPU seconds of this process (all its threads): the per-core figure of an in-process run.
    return {"seconds": seconds, "cpu": cpu if engine == "local" and workers == 1 else None,
            "rows": sum(m.rows_in for m in ms), "mb": sum(m.text_bytes for m in ms) / 1e6}


def replay_detector(inputs: str):
    """The pattern detector's spans of every text, detected once and replayed: a run with it measures the
    engine without detection. Also prints the detector's own MB per CPU-second (the ceiling of a run)."""
    import glob

    import pyarrow.parquet as pq

    from codepii.detect import Detector, build_detector
    from codepii.mask.config import MaskConfig

    texts = [t for p in sorted(glob.glob(inputs)) for t in pq.read_table(p, columns=["content"]).column(0).to_pylist()]
    detector = build_detector(MaskConfig().detector)
    detector.detect(texts[:8])  # compiled before the clock starts
    cpu = time.process_time()
    spans = dict(zip(texts, detector.detect(texts)))
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"detector only: {mb:.1f} MB in {time.process_time() - cpu:.1f} CPU-s = "
          f"{mb / (time.process_time() - cpu):5.2f} MB/CPU-s (the pattern detector alone, same texts)", flush=True)

    class ReplayDetector(Detector):
        def detect(self, batch):
            return [spans[t] for t in batch]

        def fingerprint(self) -> str:
            return detector.fingerprint()

    return ReplayDetector()


def plan(args) -> list[tuple[str, str, int, tuple[str, ...], bool]]:
    """(label, engine, workers, config overrides, replayed spans) of each run, in order."""
    local = [("local", 1), ("local", 2)] + ([] if args.no_ray else [("ray", 1), ("ray", 2)])
    runs = [(f"{e} x{w}", e, w, (), False) for e, w in local]
    if args.dicts:  # the row-dict path and the Arrow path alternate, workers=1, then both without detection
        pair = [("dicts x1", "local", 1, ("arrow_batches=false",), False), ("arrow x1", "local", 1, (), False)]
        replay = [(f"{label} replay", e, w, o, True) for label, e, w, o, _ in pair]
        runs = pair * args.repeats + replay * args.repeats + runs[1:]
    return runs


def report(label: str, r: dict, first: float, same: bool) -> None:
    per_cpu = f", {r['mb'] / r['cpu']:5.2f} MB/CPU-s" if r["cpu"] else ""
    print(f"{label:>15}: {r['rows']} rows, {r['mb']:.1f} MB in {r['seconds']:6.1f} s = "
          f"{r['rows'] / r['seconds']:7.0f} rows/s, {r['mb'] / r['seconds']:5.2f} MB/s{per_cpu}, "
          f"{first / r['seconds']:.2f}x the first{'' if same else '  (OUTPUT DIFFERS FROM THE FIRST)'}", flush=True)


def best_of(results: dict[str, list[dict]]) -> None:
    """Each label's best run (wall and CPU), and the Arrow path's ratio to the row-dict path."""
    best = {k: (min(r["seconds"] for r in v), min(r["cpu"] or 1e9 for r in v), v[0]["mb"]) for k, v in results.items()}
    for k, (sec, cpu, mb) in best.items():
        print(f"best {k:>15}: {mb / sec:5.2f} MB/s" + (f", {mb / cpu:5.2f} MB/CPU-s" if cpu < 1e9 else ""))
    for tail in ("", " replay"):
        if f"dicts x1{tail}" in best and f"arrow x1{tail}" in best:
            (ds, dc, _), (as_, ac, _) = best[f"dicts x1{tail}"], best[f"arrow x1{tail}"]
            print(f"arrow / dicts, workers=1{tail}: {ds / as_:.2f}x wall, {dc / ac:.2f}x CPU")


def write_real_shards(folder: Path, shards: int, megabytes: float, cache_dir: str) -> None:
    """The real-code corpus (bench/realcode.py: installed packages' files, reserved packages left out) as
    ``shards`` Parquet shards of ``{"id", "content"}`` rows, files dealt round-robin."""
    from codepii.io import open_writer
    from realcode import build_real_code

    records = build_real_code(megabytes, cache_dir)
    for i in range(shards):
        with open_writer(str(folder / f"s{i:03d}.parquet")) as w:
            part = records[i::shards]
            for j in range(0, len(part), 1000):
                w.write_batch(part[j : j + 1000])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shards", type=positive_int, default=4, help="Parquet shards (default %(default)s)")
    p.add_argument("--rows", type=positive_int, default=300, help="rows per shard (~1.2 KB each)")
    p.add_argument("--num-cpus", type=positive_int, default=2, help="CPUs of the local Ray instance")
    p.add_argument("--no-ray", action="store_true", help="only the local executors")
    p.add_argument("--dicts", action="store_true",
                   help="also run the row-dict path (arrow_batches=false), alternating with the Arrow path")
    p.add_argument("--repeats", type=positive_int, default=1, help="with --dicts: runs of each path (best is reported)")
    p.add_argument("--wide", action="store_true", help="rows with 20 metadata columns like The Stack v2's")
    p.add_argument("--real-mb", type=nonneg_float, default=0,
                   help="shards of this many MB of real code (bench/realcode.py, one file per row) instead of --rows")
    p.add_argument("--cache-dir", default=os.path.join(os.path.expanduser("~"), ".cache", "codepii", "bench"),
                   help="where the --real-mb corpus is built once (default %(default)s)")
    args = p.parse_args()
    os.environ.setdefault("CODEPII_PROGRESS", "0")

    with tempfile.TemporaryDirectory(prefix="bench-ray-") as tmp:
        root = Path(tmp)
        if args.real_mb:
            write_real_shards(root / "in", args.shards, args.real_mb, args.cache_dir)
        for i in range(0 if args.real_mb else args.shards):
            write_shard(str(root / "in" / f"s{i:03d}.parquet"), args.rows, wide=args.wide)
        inputs = str(root / "in" / "*.parquet")
        if not args.no_ray:
            import ray

            start = time.perf_counter()
            ray.init(num_cpus=args.num_cpus, include_dashboard=False, log_to_driver=False)
            print(f"ray start-up: {time.perf_counter() - start:.1f} s (not counted below)")
        try:
            reference, first, results = None, None, {}
            replay = replay_detector(inputs) if args.dicts else None
            for n, (label, engine, workers, overrides, replayed) in enumerate(plan(args)):
                out = root / f"out{n}"
                r = run(engine, inputs, out, workers, overrides, replay if replayed else None)
                reference, first = reference or digest(out), first or r["seconds"]
                report(label, r, first, digest(out) == reference)
                results.setdefault(label, []).append(r)
                shutil.rmtree(out)
            best_of(results)
        finally:
            if not args.no_ray:
                ray.shutdown()


if __name__ == "__main__":
    guard(main)
