"""Benchmark: score 1,000 files with 10,000 gold spans as eval/eval.py does; prints seconds.

    python bench/bench_metrics.py [--files 1000] [--spans-per-file 10] [--seed 0] [--keep DIR]

Stages timed separately: reading + matching + per-file scoring (index_gold,
score_predictions), aggregation (span_metrics), the threshold sweep, and the
HTML report. Target: scoring under 10 s on one CPU core.
"""
from __future__ import annotations

import argparse
import os
import random
import tempfile
import time

from codepii.io import write_records
from codepii.labels import MAIN_CATEGORIES
from codepii.metrics import index_gold, iter_rows, score_predictions, span_metrics, threshold_sweep
from codepii.report import metrics_json
from codepii.report_html import render_html

from benchcli import guard, nonneg_int, positive_int

CATEGORIES = MAIN_CATEGORIES + ("NAME_LICENSE", "EMAIL_EXAMPLE", "AMBIGUOUS")


def make_file(rng: random.Random, index: int, n_spans: int) -> tuple[dict, dict]:
    """One ~2 KB code-like file with ``n_spans`` gold spans and perturbed, scored predictions."""
    parts, gold, pred, pos = [], [], [], 0
    for _ in range(n_spans):
        filler = f"    value_{rng.randrange(10**6)} = compute(x, y)  # step\n" * rng.randint(0, 2) + "    secret = '"
        value = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(6, 30)))
        parts += [filler, value, "'\n"]
        start = pos + len(filler)
        pos = start + len(value) + 2
        cat = rng.choice(CATEGORIES)
        gold.append({"start": start, "end": start + len(value), "category": cat})
        r = rng.random()
        main = cat.split("_")[0] if cat.endswith(("_LICENSE", "_EXAMPLE")) else cat
        if r < 0.6:  # exact hit
            pred.append({"start": start, "end": start + len(value), "category": main if main != "AMBIGUOUS" else "KEY"})
        elif r < 0.75:  # partial hit
            pred.append({"start": start + 2, "end": start + len(value), "category": main if main != "AMBIGUOUS" else "KEY"})
        elif r < 0.85:  # wrong category
            pred.append({"start": start, "end": start + len(value), "category": rng.choice(MAIN_CATEGORIES)})
        if rng.random() < 0.1:  # a false positive inside the filler
            pred.append({"start": start - 12, "end": start - 6, "category": rng.choice(MAIN_CATEGORIES)})
    for p in pred:
        p["score"] = round(rng.random(), 3)
    content = "".join(parts)
    return (
        {"id": f"file-{index}", "content": content, "entities": gold},
        {"id": f"file-{index}", "content": content, "entities": pred},
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=positive_int, default=1000, help="generated files (default %(default)s)")
    p.add_argument("--spans-per-file", type=nonneg_int, default=10, help="gold spans per file (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="seed of the files and predictions (default %(default)s)")
    p.add_argument("--keep", metavar="DIR", help="also write gold.jsonl and pred.jsonl to DIR (to time eval/eval.py)")
    args = p.parse_args()
    rng = random.Random(args.seed)
    pairs = [make_file(rng, i, args.spans_per_file) for i in range(args.files)]
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = os.path.join(tmp, "gold.jsonl"), os.path.join(tmp, "pred.jsonl")
        for path, records in ((gold_path, [g for g, _ in pairs]), (pred_path, [q for _, q in pairs])):
            write_records(path, records)
        n_pred = sum(len(q["entities"]) for _, q in pairs)
        t0 = time.perf_counter()
        gold = index_gold(iter_rows(gold_path))
        result = score_predictions(gold, iter_rows(pred_path), "bench")
        t1 = time.perf_counter()
        metrics = span_metrics(result.files)
        t2 = time.perf_counter()
        threshold_sweep(result.files)
        t3 = time.perf_counter()
        page = render_html([result], metrics_json([result]), gold_path, max_files=50)
        t4 = time.perf_counter()
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            for path in (gold_path, pred_path):
                os.replace(path, os.path.join(args.keep, os.path.basename(path)))
    print(f"files={args.files} gold_spans={args.files * args.spans_per_file} predicted_spans={n_pred}")
    print(f"read+match+score: {t1 - t0:.3f} s")
    print(f"aggregate metrics: {t2 - t1:.3f} s")
    print(f"TOTAL scoring (target < 10 s): {t2 - t0:.3f} s   micro overlap F1 {metrics['overlap']['micro']['f1']:.3f}")
    print(f"threshold sweep (21 thresholds): {t3 - t2:.3f} s")
    print(f"HTML report ({min(50, args.files)} files shown, {len(page) / 1e6:.1f} MB): {t4 - t3:.3f} s")
    return 0


if __name__ == "__main__":
    guard(main)
