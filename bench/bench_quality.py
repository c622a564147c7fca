"""Quality on generated and on real code (issues 9, 12): model, patterns and the calibrated hybrid.

The default run builds every training ingredient, trains the CPU MiniLM recipe
and scores it (about 40 minutes on 2 idle CPU cores; every step is cached in
--out, so a rerun resumes where it stopped):

  1. synth: train split (--train-files, seed 1, planted into the Python stdlib),
     generated dev split (seed 3, stdlib), generated test set (a) (seed 2,
     planted into the installed `rich` package);
  2. real code: `codepii corpus fetch` (the manifest-pinned PyPI/npm corpus,
     reserved packages refused) and `codepii corpus weak-label` (the people the
     packages declare): weak.jsonl whole files, weak-windows.jsonl +-N lines;
  3. a first model: MiniLM, --first-steps on synth only (DIR/first);
  4. `codepii calibrate` of the first model on dev + real-dev, then
     pseudo-labels of a corpus sample (--pseudo-max-mb) from its hybrid
     (train/pseudo_label.py, StarPII's rules) merged with the weak labels
     (weak spans win; the other files' weak windows join);
  5. the final model: the first one trained --final-steps more on synth +
     weak + pseudo (DIR/run/model), calibrated on dev + real-dev;
  6. tables for (a) generated test, (b) gitleaks rule examples
     (../shared/data/gitleaks), (c) real-dev (../shared/data/real-dev, 75 real
     files): overlap P/R/F1 per category, exact F1 and leak rate of model,
     patterns and hybrid (full tables: DIR/metrics-*.md).

real-dev only measures and chooses the hybrid's per-category policy; it is
never training text. `--ingredients` also trains one row per ingredient
(synth only, + weak, + pseudo, all; each the first model plus --final-steps
on its data) and prints what each adds on real-dev.

    python bench/bench_quality.py --out runs/bq                         # the default run
    python bench/bench_quality.py --out runs/bq --ingredients           # + the ingredient table
    python bench/bench_quality.py --out runs/bq-s --train-files 300 --dev-files 60 --test-files 60 \\
        --first-steps 60 --final-steps 60 --pseudo-max-mb 0.2        # a quick look
    python bench/bench_quality.py --out DIR --model DIR/run/model       # re-score a model (its calibration)
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import time

from benchcli import existing_dir, existing_file, guard, nonneg_int, positive_float, positive_int

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The shared data (gitleaks cases, the real-dev manifest) beside the checkout; CODEPII_SHARED_DATA elsewhere.
SHARED = os.environ.get("CODEPII_SHARED_DATA", os.path.join(ROOT, "..", "shared", "data"))
GITLEAKS = os.path.join(SHARED, "gitleaks", "cases.jsonl")
REAL_DEV_BUILD = os.path.join(SHARED, "real-dev", "build_real.py")
CATS = ("NAME", "EMAIL", "USERNAME", "PASSWORD", "KEY", "ID", "IP_ADDRESS", "micro")
SYSTEMS = ("model", "patterns", "hybrid")
# The README's CPU MiniLM recipe (128-token windows); steps come from --first-steps / --final-steps.
# lr 2e-4: at 1e-4 the first model sat on the all-O plateau for names, handles and passwords at 250 steps
# (best micro F1 0.0; a first model that finds no names pseudo-labels every name as O).
RECIPE = ("labels.max_length=128", "labels.stride=16", "batch.per_device=16", "optim.lr=2e-4",
          "optim.warmup_steps=30", "eval.max_windows=800")
INGREDIENTS = {"synth only": ("synth",), "+ weak": ("synth", "weak"), "+ pseudo": ("synth", "pseudo"),
               "all": ("synth", "weak", "pseudo")}


def sh(*argv: str) -> None:
    print("$ python", " ".join(argv), flush=True)
    subprocess.run([sys.executable, *argv], cwd=ROOT, check=True)


def test_carriers() -> str:
    """Real code unlike the training carriers (the stdlib): an installed third-party package."""
    import rich

    return os.path.dirname(rich.__file__)


def build_synth(out: str, args) -> dict[str, str]:
    paths = {k: os.path.join(out, f"{k}.jsonl") for k in ("train", "dev", "test")}
    stdlib = sysconfig.get_paths()["stdlib"]
    plan = {"train": (args.train_files, "1", stdlib), "dev": (args.dev_files, "3", stdlib),
            "test": (args.test_files, "2", test_carriers())}
    for key, (files, seed, carriers) in plan.items():
        if not os.path.exists(paths[key]):
            sh("-m", "codepii", "synth", "--out", paths[key], "--files", str(files), "--seed", seed, "--carriers", carriers)
    return paths


def build_real_dev(out: str, args) -> str:
    if args.real_dev:
        return args.real_dev
    path = os.path.join(out, "real-dev.jsonl")
    if not os.path.exists(path):
        sh(REAL_DEV_BUILD, "--out", path, "--cache", os.path.join(args.cache, "real-dev"))
    return path


def build_corpus(out: str, args) -> dict[str, str]:
    """The real-code corpus and its weak labels (whole files, and +-N line windows)."""
    paths = {k: os.path.join(out, f"{k}.jsonl") for k in ("corpus", "weak", "weak-windows")}
    if not os.path.exists(paths["corpus"]):
        extra = ["--manifest", args.manifest] if args.manifest else []
        sh("-m", "codepii", "corpus", "fetch", "--out", paths["corpus"], *extra)  # its own archive cache
    if not os.path.exists(paths["weak"]):
        sh("-m", "codepii", "corpus", "weak-label", "--input", paths["corpus"], "--out", paths["weak"])
    if not os.path.exists(paths["weak-windows"]):
        sh("-m", "codepii", "corpus", "weak-label", "--input", paths["corpus"], "--out", paths["weak-windows"],
           "--window-lines", str(args.weak_window_lines))
    return paths


def train(run_dir: str, data: list[str], steps: int, dev: str, args, init: str | None = None) -> str:
    """A trained model dir (skipped when run_dir/DONE exists: a rerun resumes here)."""
    model = os.path.join(run_dir, "model")
    if os.path.exists(os.path.join(run_dir, "DONE")):
        return model
    t = time.perf_counter()
    init_args = [f"model.name_or_path={init}"] if init else []
    sh("train/train.py", "--config", args.config, "data.train=[" + ",".join(data) + "]", f"data.eval={dev}",
       f"output_dir={run_dir}", "overwrite=true", f"max_steps={steps}", f"eval.every_steps={max(steps // 2, 1)}",
       *RECIPE, *init_args, *args.train_args)
    seconds = time.perf_counter() - t
    print(f"training {run_dir}: {seconds:.0f} s", flush=True)
    from codepii.io import write_text

    write_text(os.path.join(run_dir, "DONE"), f"{seconds:.0f} s\n")
    return model


def calibrate(model: str, devs: list[str]) -> None:
    from codepii.model import read_meta

    from codepii.detect.calibrate import dev_name

    if read_meta(model).hybrid.get("dev") == [dev_name(d) for d in devs]:
        return
    sh("-m", "codepii", "calibrate", "--model", model, *[a for d in devs for a in ("--dev", d)])


def sample_corpus(out: str, corpus: str, args) -> str:
    """A fixed sample of the corpus for pseudo-labeling: files of at most --pseudo-max-file-kb, in the order of
    a hash of their id, up to --pseudo-max-mb in all (the model's CPU time is the budget)."""
    import hashlib

    from codepii.io import iter_records, write_records

    path = os.path.join(out, "corpus-sample.jsonl")
    if os.path.exists(path):
        return path
    small = [r for r in iter_records(corpus) if len(r["content"]) <= args.pseudo_max_file_kb * 1000]
    small.sort(key=lambda r: hashlib.sha256(str(r["id"]).encode()).hexdigest())
    kept, chars = [], 0
    for r in small:
        if chars + len(r["content"]) > args.pseudo_max_mb * 1e6:
            break
        kept.append(r)
        chars += len(r["content"])
    write_records(path, kept)
    print(f"corpus sample: {len(kept)} of {len(small)} files, {chars / 1e6:.2f} MB -> {path}")
    return path


def pseudo_label(out: str, first_model: str, corpus: dict[str, str], args) -> str:
    """Pseudo-labels of a corpus sample from the calibrated hybrid; merged with the weak labels:
    whole-file weak spans of the sampled files win over pseudo spans; the other files' weak windows join."""
    from codepii.pseudo_label import merge_weak
    from codepii.io import iter_records, read_records, write_records

    pseudo, merged = os.path.join(out, "pseudo.jsonl"), os.path.join(out, "weak-pseudo.jsonl")
    if not os.path.exists(pseudo):
        sh("train/pseudo_label.py", "--config", "configs/pseudo_label/starpii.yaml", "detector.kind=hybrid",
           f"detector.model={first_model}", f"input={sample_corpus(out, corpus['corpus'], args)}", f"output={pseudo}")
    if not os.path.exists(merged):
        labeled = read_records(pseudo)
        ids = {r["id"] for r in labeled}
        weak = [r for r in iter_records(corpus["weak"]) if r["id"] in ids]
        # window ids are "<file id>#L<first>-<last>": the sampled files' windows are already in whole
        windows = [r for r in iter_records(corpus["weak-windows"]) if str(r["id"]).split("#L")[0] not in ids]
        write_records(merged, merge_weak(labeled, weak) + windows)
    return merged


def ingredient_data(use: tuple[str, ...], paths: dict[str, str]) -> list[str]:
    if "weak" in use and "pseudo" in use:
        return [paths["train"], paths["weak-pseudo"]]
    extra = {"weak": "weak-windows", "pseudo": "pseudo"}
    return [paths["train"]] + [paths[extra[u]] for u in use if u in extra]


def evaluate(model: str, gold: str, name: str, out: str, systems=SYSTEMS) -> dict:
    path = os.path.join(out, f"metrics-{name}.json")
    if not os.path.exists(path):
        detectors = [a for s in systems for a in ("--detector", s)]
        sh("eval/eval.py", "--gold", gold, "--model", model, *detectors, "--json", path,
           "--markdown", os.path.join(out, f"metrics-{name}.md"))
    with open(path) as f:
        return json.load(f)


def score_gitleaks(model: str, out: str) -> dict:
    from codepii.detect import detector_config
    from codepii.detect.build import build_detectors
    from codepii.io import read_records, write_json
    from codepii.secrets_suite import score_suite

    path = os.path.join(out, "gitleaks.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    cases, result = read_records(GITLEAKS), {}
    # model and hybrid share one model run (the hybrid's seconds: patterns + combining only)
    detectors = build_detectors([detector_config(k, model if k != "patterns" else None) for k in SYSTEMS])
    for kind, det in zip(SYSTEMS, detectors):
        t, preds = time.perf_counter(), []
        for i in range(0, len(cases), 256):
            preds.extend(det.detect([c["content"] for c in cases[i : i + 256]]))
        result[kind] = score_suite(cases, preds)
        result[kind]["seconds"] = round(time.perf_counter() - t, 1)
    write_json(path, result)
    return result


def fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def print_set(title: str, metrics: dict) -> None:
    print(f"\n{title}: overlap F1 per category, exact micro F1, leak (all)")
    print("| system | " + " | ".join(CATS) + " | exact micro | leak |")
    print("|---" * (len(CATS) + 3) + "|")
    for name, m in metrics["systems"].items():
        cells = [fmt(m["overlap"].get(c, {}).get("f1")) for c in CATS]
        print(f"| {name} | " + " | ".join(cells) + f" | {fmt(m['exact']['micro']['f1'])} | {fmt(m['leak_rate']['all'])} |")
    systems = metrics["systems"]
    if set(SYSTEMS) <= set(systems):
        f1 = {s: {c: systems[s]["overlap"][c]["f1"] for c in CATS} for s in SYSTEMS}
        lost = [f"{c} {fmt(f1['hybrid'][c])} < {fmt(max(f1['model'][c] or 0, f1['patterns'][c] or 0))}" for c in CATS[:-1]
                if f1["hybrid"][c] is not None and f1["hybrid"][c] < max(f1["model"][c] or 0, f1["patterns"][c] or 0) - 0.01]
        print("hybrid >= max(model, patterns) - 0.01 in every category: " + ("yes" if not lost else "no: " + ", ".join(lost)))


def print_gitleaks(gitleaks: dict) -> None:
    print("\n(b) gitleaks rule examples")
    print("| system | tp found | fp flagged | seconds |\n|---|---|---|---|")
    for name, g in gitleaks.items():
        print(f"| {name} | {fmt(g['tp_recall'])} ({g['n_tp']}) | {fmt(g['fp_flagged'])} ({g['n_fp']}) | {g['seconds']} |")


def run_ingredients(out: str, paths: dict[str, str], first: str, devs: list[str], args) -> None:
    """One model per ingredient row, each the first model + --final-steps on its data; real-dev table."""
    rows = {}
    for row, use in INGREDIENTS.items():
        run_dir = os.path.join(out, "run") if use == tuple(args.use) else os.path.join(out, "ingredients", "-".join(use))
        model = train(run_dir, ingredient_data(use, paths), args.final_steps, paths["dev"], args, init=first)
        calibrate(model, devs)
        rows[row] = evaluate(model, paths["real-dev"], "real-dev", run_dir, ("hybrid", "model"))["systems"]
    print("\n(c) real-dev by training ingredient: overlap F1 of the calibrated hybrid (model alone in micro-model)")
    print("| training data | " + " | ".join(CATS) + " | leak | micro-model |")
    print("|---" * (len(CATS) + 3) + "|")
    for row, systems in rows.items():
        h = systems["hybrid"]
        cells = [fmt(h["overlap"][c]["f1"]) for c in CATS]
        print(f"| {row} | " + " | ".join(cells) + f" | {fmt(h['leak_rate']['all'])} | {fmt(systems['model']['overlap']['micro']['f1'])} |")


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "runs", "bench-quality"), help="work directory; every step is cached there (default %(default)s)")
    ap.add_argument("--config", default="configs/train/minilm.yaml", help="train/train.py config of both models (default %(default)s; needs make minilm)")
    ap.add_argument("--train-files", type=positive_int, default=2000, help="generated training files (default %(default)s)")
    ap.add_argument("--dev-files", type=positive_int, default=300, help="generated dev files, for calibration (default %(default)s)")
    ap.add_argument("--test-files", type=positive_int, default=300, help="generated test files, set (a) (default %(default)s)")
    ap.add_argument("--first-steps", type=positive_int, default=250, help="steps of the first model, synth only (default %(default)s)")
    ap.add_argument("--final-steps", type=positive_int, default=350, help="further steps of the final model on all ingredients (default %(default)s)")
    ap.add_argument("--use", default="synth,weak,pseudo", help="ingredients of the final model (comma-separated)")
    ap.add_argument("--pseudo-max-mb", type=positive_float, default=2.0, help="MB of corpus text pseudo-labeled (a fixed sample)")
    ap.add_argument("--pseudo-max-file-kb", type=positive_float, default=40.0, help="larger corpus files are not pseudo-labeled")
    ap.add_argument("--weak-window-lines", type=nonneg_int, default=3, help="weak-label windows for the '+ weak' row")
    ap.add_argument("--real-dev", type=existing_file, help="a built real-dev.jsonl (default: build it into --out)")
    ap.add_argument("--manifest", type=existing_file, help="corpus manifest (default: the committed data/corpus/manifest.jsonl)")
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/codepii-bench"), help="real-dev download cache")
    ap.add_argument("--ingredients", action="store_true", help="also train and table one row per ingredient")
    ap.add_argument("--model", type=existing_dir, help="score this model dir instead of training one")
    ap.add_argument("--train-args", nargs="*", default=[], help="extra key=value overrides for train/train.py")
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(ROOT, args.config)):
        ap.error(f"--config {args.config}: no such file (a path in the checkout, e.g. configs/train/tiny.yaml)")
    args.use = tuple(u.strip() for u in args.use.split(","))
    if not set(args.use) <= {"synth", "weak", "pseudo"} or "synth" not in args.use:
        ap.error("--use: synth plus any of weak, pseudo")
    return args


def main() -> None:
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    paths = build_synth(args.out, args)
    paths["real-dev"] = build_real_dev(args.out, args)
    devs = [paths["dev"], paths["real-dev"]]
    model = args.model
    if model is not None:  # scores of another model must not come from the cache
        for name in ("metrics-test.json", "metrics-real-dev.json", "gitleaks.json"):
            if os.path.exists(os.path.join(args.out, name)):
                os.remove(os.path.join(args.out, name))
    else:
        if {"weak", "pseudo"} & set(args.use) or args.ingredients:
            paths.update(build_corpus(args.out, args))
        first = train(os.path.join(args.out, "first"), [paths["train"]], args.first_steps, paths["dev"], args)
        if "pseudo" in args.use or args.ingredients:
            calibrate(first, devs)
            paths["weak-pseudo"] = pseudo_label(args.out, first, paths, args)
            paths["pseudo"] = os.path.join(args.out, "pseudo.jsonl")
        run_dir = os.path.join(args.out, "run")
        model = train(run_dir, ingredient_data(args.use, paths), args.final_steps, paths["dev"], args, init=first)
        calibrate(model, devs)
    scored = os.path.dirname(os.path.abspath(model)) if args.model is None else args.out
    results = {"(a) generated test": evaluate(model, paths["test"], "test", scored),
               "(c) real-dev": evaluate(model, paths["real-dev"], "real-dev", scored)}
    gitleaks = score_gitleaks(model, scored)
    for title, metrics in results.items():
        print_set(title, metrics)
    print_gitleaks(gitleaks)
    if args.ingredients and args.model is None:
        run_ingredients(args.out, paths, first, devs, args)
    print(f"\nmodel: {model}; {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    guard(main)
