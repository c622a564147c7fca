"""Quality of the default detectors, side by side (issue 9): model, patterns, hybrid.

Trains a config (default: the offline pretrained MiniLM) on a generated corpus,
then reports per-category overlap-F1, exact-F1 and leak rate on
  (a) a generated test set from another seed and other carrier code, and
  (b) gitleaks' rule examples (../shared/data/gitleaks): tp recall with a
      KEY/PASSWORD span over the known secret, share of fps flagged.

    python bench/bench_quality.py                       # tens of minutes on 2 CPU cores
    python bench/bench_quality.py --train-files 300 --max-steps 60 --config configs/train/tiny.yaml   # a quick look
    python bench/bench_quality.py --model runs/bench-quality/run/model   # re-score an existing model
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GITLEAKS = os.path.join(ROOT, "..", "shared", "data", "gitleaks", "cases.jsonl")
CATS = ("NAME", "EMAIL", "USERNAME", "PASSWORD", "KEY", "ID", "IP_ADDRESS", "micro")


def sh(*argv: str) -> None:
    print("$", " ".join(argv).replace(sys.executable, "python"), flush=True)
    subprocess.run([sys.executable, *argv], cwd=ROOT, check=True)


def test_carriers() -> str:
    """Real code unlike the training carriers (the stdlib): an installed third-party package."""
    import rich

    return os.path.dirname(rich.__file__)


def build_data(out: str, args) -> tuple[str, str]:
    train, test = os.path.join(out, "train.jsonl"), os.path.join(out, "test.jsonl")
    if not os.path.exists(train):
        sh("-m", "codepii", "synth", "--out", train, "--files", str(args.train_files), "--seed", "1",
           "--carriers", sysconfig.get_paths()["stdlib"])
    if not os.path.exists(test):
        sh("-m", "codepii", "synth", "--out", test, "--files", str(args.test_files), "--seed", "2",
           "--carriers", test_carriers())
    return train, test


def score_gitleaks(kinds: list[str], model: str | None) -> dict:
    from codepii.detect import build_detector
    from codepii.io import read_records
    from codepii.secrets_suite import score_suite

    cases = read_records(GITLEAKS)
    out = {}
    for kind in kinds:
        det = build_detector(kind, model=model if kind != "patterns" else None)
        t = time.perf_counter()
        preds = []
        for i in range(0, len(cases), 256):
            preds.extend(det.detect([c["content"] for c in cases[i : i + 256]]))
        out[kind] = score_suite(cases, preds)
        out[kind]["seconds"] = round(time.perf_counter() - t, 1)
    return out


def fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def print_tables(metrics: dict, gitleaks: dict) -> None:
    for measure in ("overlap", "exact"):
        print(f"\n(a) generated test set — {measure} F1")
        print("| system | " + " | ".join(CATS) + " |")
        print("|---" * (len(CATS) + 1) + "|")
        for name, m in metrics["systems"].items():
            print(f"| {name} | " + " | ".join(fmt(m[measure].get(c, {}).get("f1")) for c in CATS) + " |")
    print("\n(a) leak rate (share of gold characters left unmasked)")
    cats = [c for c in CATS if c != "micro"] + ["all"]
    print("| system | " + " | ".join(cats) + " |")
    print("|---" * (len(cats) + 1) + "|")
    for name, m in metrics["systems"].items():
        print(f"| {name} | " + " | ".join(fmt(m["leak_rate"].get(c)) for c in cats) + " |")
    print("\n(b) gitleaks rule examples")
    print("| system | tp found | fp flagged | seconds |\n|---|---|---|---|")
    for name, g in gitleaks.items():
        print(f"| {name} | {fmt(g['tp_recall'])} ({g['n_tp']}) | {fmt(g['fp_flagged'])} ({g['n_fp']}) | {g['seconds']} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "bench-quality"))
    ap.add_argument("--config", default="configs/train/minilm.yaml")
    ap.add_argument("--train-files", type=int, default=3000)
    ap.add_argument("--test-files", type=int, default=500)
    ap.add_argument("--max-steps", type=int, default=1500)
    ap.add_argument("--model", help="score this model dir instead of training one")
    ap.add_argument("--train-args", nargs="*", default=[], help="extra key=value overrides for train/train.py")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    train, test = build_data(args.out, args)
    model = args.model
    if model is None:
        run_dir = os.path.join(args.out, "run")
        t = time.perf_counter()
        sh("train/train.py", "--config", args.config, f"data.train={train}", f"output_dir={run_dir}",
           f"max_steps={args.max_steps}", *args.train_args)
        print(f"training: {time.perf_counter() - t:.0f} s")
        model = os.path.join(run_dir, "model")
    metrics_path = os.path.join(args.out, "metrics.json")
    sh("eval/eval.py", "--gold", test, "--model", model, "--detector", "model", "--detector", "patterns",
       "--detector", "hybrid", "--json", metrics_path, "--report", os.path.join(args.out, "report.html"))
    gitleaks = score_gitleaks(["model", "patterns", "hybrid"], model)
    from codepii.io import write_json

    write_json(os.path.join(args.out, "gitleaks.json"), gitleaks)
    print_tables(json.load(open(metrics_path)), gitleaks)


if __name__ == "__main__":
    main()
