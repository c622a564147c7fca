"""``codepii demo``: the whole pipeline on generated data, on the CPU, in minutes.

Every stage runs the same command a user would type (printed before it runs),
so the demo doubles as a walkthrough: synth → crowd chunk → crowd simulate →
crowd aggregate → train/train.py → eval/eval.py → mask/mask.py.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field

from .errors import CodepiiError
from .labels import MAIN_CATEGORIES
from .io import read_records, write_json, write_records


@dataclass(frozen=True)
class DemoSize:
    train_files: int
    test_files: int
    train_steps: int
    mask_shards: int
    eval_every: int


SIZES = {
    # ~6-8 minutes on 2 CPU cores
    "full": DemoSize(train_files=1000, test_files=200, train_steps=500, mask_shards=4, eval_every=100),
    # the test suite's shortened path: seconds per stage
    "quick": DemoSize(train_files=60, test_files=20, train_steps=12, mask_shards=2, eval_every=6),
}


def repo_root() -> str:
    """The checkout holding the recipes (train/, eval/, mask/, configs/)."""
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    if not os.path.exists(os.path.join(root, "train", "train.py")):
        raise CodepiiError(
            f"the recipes (train/train.py, eval/eval.py, mask/mask.py) are not beside the package at {root}; "
            "run the demo from a source checkout (git clone, then make demo)"
        )
    return root


@dataclass
class Stage:
    name: str
    seconds: float = 0.0
    commands: list = field(default_factory=list)


class DemoRunner:
    """Runs stages as subprocesses from the repo root, timing each one."""

    def __init__(self, out_dir: str, log_path: str):
        self.out = os.path.abspath(out_dir)
        self.root = repo_root()
        self.stages: list[Stage] = []
        self.log_path = log_path
        self.env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "PYTHONUNBUFFERED": "1"}

    def path(self, *parts: str) -> str:
        return os.path.join(self.out, *parts)

    def stage(self, name: str) -> Stage:
        print(f"\n== {name}", flush=True)
        self.stages.append(Stage(name))
        return self.stages[-1]

    def run(self, stage: Stage, argv: list[str]) -> None:
        shown = " ".join(shlex.quote(a) for a in argv).replace(sys.executable, "python")
        print(f"$ {shown}", flush=True)
        stage.commands.append(shown)
        start = time.perf_counter()
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"\n$ {shown}\n")
            log.flush()
            proc = subprocess.run(argv, cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        stage.seconds += time.perf_counter() - start
        if proc.returncode != 0:
            tail = open(self.log_path, encoding="utf-8").read().splitlines()[-15:]
            print("\n".join(tail), file=sys.stderr)
            raise CodepiiError(f"demo stage {stage.name!r} failed (exit {proc.returncode}); full log: {self.log_path}")

    def codepii(self, stage: Stage, *args: str) -> None:
        self.run(stage, [sys.executable, "-m", "codepii", *args])

    def recipe(self, stage: Stage, script: str, *args: str) -> None:
        self.run(stage, [sys.executable, os.path.join(self.root, script), *args])


CROWD_ROUNDS = 3  # aggregate, re-issue the unresolved tasks, aggregate again: at most this many rounds


def crowd_rounds(d: "DemoRunner", s: Stage, seed: int) -> None:
    """Aggregate all rounds so far; while tasks are unresolved, issue them again (same workers).

    Writes gold.jsonl (the last round's gold), crowd_quality.json (its score
    against the generator's truth) and crowd_rounds.json (per round: tasks
    unresolved, gold micro F1)."""
    p, rounds = d.path, []
    for r in range(CROWD_ROUNDS):
        crowd = [p("crowd" if k == 0 else f"crowd{k}") for k in range(r + 1)]
        if r:
            d.codepii(s, "crowd", "simulate", "--gold", p("corpus.jsonl"), "--chunks", p("tasks", "chunks.jsonl"),
                      "--out", crowd[-1], "--seed", str(seed), "--round", str(r), "--only-unresolved", p("gold.summary.json"))
        d.codepii(s, "crowd", "aggregate", "--chunks", p("tasks", "chunks.jsonl"),
                  "--labels", *[os.path.join(c, "labels.jsonl") for c in crowd],
                  "--validations", *[os.path.join(c, "validations.jsonl") for c in crowd],
                  "--skills", p("crowd", "skills.csv"), "--quiz-questions", "20", "--out", p("gold.jsonl"))
        d.recipe(s, "eval/eval.py", "--gold", p("corpus.jsonl"), "--pred", f"crowd={p('gold.jsonl')}",
                 "--json", p("crowd_quality.json"))
        unresolved = json.load(open(p("gold.summary.json")))["chunk_projects"]["unresolved"]
        f1 = json.load(open(p("crowd_quality.json")))["systems"]["crowd"]["overlap"]["micro"]["f1"]
        rounds.append({"round": r, "unresolved": unresolved, "micro_f1": f1})
        print(f"   round {r}: {unresolved} tasks unresolved, crowd gold micro F1 {f1:.3f} against the truth", flush=True)
        if not unresolved:
            break
    write_json(p("crowd_rounds.json"), rounds)


def write_mask_shards(corpus_path: str, out_dir: str, n_shards: int) -> list[str]:
    """A sample dataset to mask: the test corpus without labels, as Parquet shards."""
    rows = [{"id": r["id"], "content": r["content"], "language": r.get("language")} for r in read_records(corpus_path)]
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for k in range(n_shards):
        path = os.path.join(out_dir, f"part-{k:05d}.parquet")
        write_records(path, rows[k::n_shards])
        paths.append(path)
    return paths


def run_demo(out_dir: str, size: DemoSize, seed: int = 0) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    d = DemoRunner(out_dir, os.path.join(os.path.abspath(out_dir), "demo.log"))
    open(d.log_path, "w").close()
    p = d.path

    s = d.stage("1. generate a labeled corpus (train) and a test set from another seed")
    d.codepii(s, "synth", "--out", p("corpus.jsonl"), "--files", str(size.train_files), "--seed", str(seed))
    d.codepii(s, "synth", "--out", p("test.jsonl"), "--files", str(size.test_files), "--seed", str(seed + 1000))

    s = d.stage("2. crowd: 50-line chunks, one task set per category; a simulated crowd labels and validates")
    d.codepii(s, "crowd", "chunk", "--input", p("corpus.jsonl"), "--out", p("tasks"))
    d.codepii(s, "crowd", "simulate", "--gold", p("corpus.jsonl"), "--chunks", p("tasks", "chunks.jsonl"),
              "--out", p("crowd"), "--seed", str(seed))

    s = d.stage(f"3. crowd: aggregate votes (crowd-kit), merge projects, mark AMBIGUOUS, stitch to files; "
                f"re-issue what is unresolved, up to {CROWD_ROUNDS} rounds")
    crowd_rounds(d, s, seed)

    s = d.stage("4. train the tiny encoder on the aggregated gold (CPU; unresolved tasks are not trained as O)")
    d.recipe(s, "train/train.py", "--config", "configs/train/tiny.yaml", f"data.train={p('gold.jsonl')}",
             f"output_dir={p('run')}", f"max_steps={size.train_steps}", f"eval.every_steps={size.eval_every}",
             f"seed={seed}", "overwrite=true")  # a rerun of the demo replaces its previous run

    s = d.stage("5. evaluate model, patterns and hybrid side by side on the test set")
    d.recipe(s, "eval/eval.py", "--gold", p("test.jsonl"), "--model", p("run", "model"), "--detector", "model",
             "--detector", "patterns", "--detector", "hybrid", "--json", p("metrics.json"),
             "--markdown", p("metrics.md"), "--report", p("report.html"))

    s = d.stage("6. mask a sample dataset of Parquet shards (hybrid detector, restartable)")
    write_mask_shards(p("test.jsonl"), p("dataset"), size.mask_shards)
    d.recipe(s, "mask/mask.py", "--config", "configs/mask/model.yaml", "detector.kind=hybrid", f"input={p('dataset')}/*.parquet",
             f"output={p('masked')}", f"detector.model={p('run', 'model')}")
    return summarize(d)


def _f1_row(metrics: dict, system: str) -> dict:
    overlap = metrics["systems"][system]["overlap"]
    return {c: overlap[c]["f1"] for c in (*MAIN_CATEGORIES, "micro") if c in overlap}


def summarize(d: DemoRunner) -> dict:
    metrics = json.load(open(d.path("metrics.json")))
    crowd = json.load(open(d.path("crowd_quality.json")))
    mask_summary = json.load(open(d.path("masked", "_summary.json")))
    summary = {
        "f1": {name: _f1_row(metrics, name) for name in metrics["systems"]},
        "crowd_f1": _f1_row(crowd, "crowd"),
        "crowd_rounds": json.load(open(d.path("crowd_rounds.json"))),
        "masked": mask_summary,
        "seconds": {s.name: round(s.seconds, 1) for s in d.stages},
        "report": d.path("report.html"),
    }
    write_json(d.path("summary.json"), summary)
    print_summary(summary)
    return summary


def _fmt(v) -> str:
    return "  -  " if v is None else f"{v:5.2f}"


def print_summary(summary: dict) -> None:
    cats = [*MAIN_CATEGORIES, "micro"]
    print("\n== summary: overlap F1 on the test set (null = no gold spans of that category)")
    print(f"{'system':<10}" + "".join(f"{c[:8]:>10}" for c in cats))
    rows = {**summary["f1"], "crowd*": summary["crowd_f1"]}
    for name, row in rows.items():
        print(f"{name:<10}" + "".join(f"{_fmt(row.get(c)):>10}" for c in cats))
    print("  * crowd: the aggregated crowd gold scored against the generator's truth (train corpus)")
    print("crowd rounds: " + "; ".join(f"round {r['round']}: {r['unresolved']} unresolved, gold F1 {_fmt(r['micro_f1'])}"
                                       for r in summary.get("crowd_rounds", [])))
    masked = summary["masked"]
    counts = masked.get("pii", {})
    print(f"\nmasked: {masked['rows_out']} rows out ({masked['rows_rejected']} rejected); PII replaced per category: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print("seconds per stage:")
    for name, sec in summary["seconds"].items():
        print(f"  {sec:7.1f}  {name}")
    print(f"\nreport: {summary['report']}")
