"""Active learning vs random labeling: F1 against the number of crowd-labeled chunks.

A pool of generated files is cut into 50-line chunks and a simulated crowd
(realistic: mean skill 0.8, 10% spammers; up to --rounds rounds re-issuing
what aggregation left unresolved) labels every (chunk, project) task once, so
a chunk gets the same crowd gold whichever strategy picks it. Both strategies
start from the same --seed-chunks random chunks and a tiny model trained on
them; then at each budget B:

- random:   the seed chunks + B - seed more drawn at random,
- selected: the seed chunks + the B - seed chunks `codepii crowd select`
            picks with the seed model (uncertainty, model/pattern
            disagreement, --random-share at random),

a tiny model (configs/train/tiny.yaml, --steps steps) is trained on that
gold and scored (overlap micro F1, eval/eval.py) on a generated test set and
on real-dev (a measuring set only). With --unresolved-modes the largest
random set is also trained with data.unresolved=outside / drop_window, to
compare with the default (ignore).

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python bench/bench_active.py --out /tmp/active
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import warnings

from codepii.crowd.aggregate import aggregate
from codepii.crowd.chunk import chunk_records, clip_to_chunks
from codepii.crowd.simulate import CrowdConfig, simulate, truth_record
from codepii.io import read_records, write_records
from codepii.spans import Span

from benchcli import comma_list, existing_file, fraction, guard, positive_int

REAL_DEV = "/work/cache/real-dev.jsonl"

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def chunk_gold(gold: list[dict], lines: int) -> list[dict]:
    """Every chunk of the pool as its own gold record (id = chunk_id), spans clipped to it."""
    out = []
    for record in gold:
        parts = list(chunk_records([record], lines))
        clipped = clip_to_chunks([Span.from_dict(e) for e in record["entities"]], parts)
        for c in parts:
            out.append({"id": c["chunk_id"], "content": c["text"],
                        "entities": [s.to_dict() for s in clipped[c["chunk_id"]]]})
    return out


def crowd_gold(pool: list[dict], rounds: int, seed: int) -> tuple[dict, dict]:
    """The simulated crowd's aggregated gold per chunk id, and labelings paid per chunk id."""
    tasks = [{"chunk_id": r["id"], "file_id": r["id"], "start_line": 1, "char_offset": 0, "text": r["content"]}
             for r in pool]
    files = {r["id"]: [t] for r, t in zip(pool, tasks)}
    config = CrowdConfig(workers=60, mean_skill=0.8, spammers=0.1, quiz_questions=20, seed=seed)
    first = simulate(pool, files, config)
    labelings, votes = list(first.labelings), list(first.votes)
    for round_index in range(1, rounds + 1):
        records, summary = aggregate(tasks, labelings, votes, first.skills, method="wmv", quiz_questions=20)
        todo = {(u["chunk_id"], u["project"]) for u in summary["unresolved"]}
        if not todo or round_index == rounds:
            break
        more = simulate(pool, files, config, round_index=round_index, only=todo)
        labelings += more.labelings
        votes += more.votes
    paid: dict = {}
    for lab in labelings:
        paid[lab.chunk_id] = paid.get(lab.chunk_id, 0) + 1
    print(f"crowd: {len(labelings)} labelings, {summary['chunk_projects']['unresolved']} of "
          f"{summary['chunk_projects']['total']} tasks unresolved after {round_index} rounds", flush=True)
    return {r["id"]: r for r in records}, paid


def run(argv: list[str], log: str) -> None:
    with open(log, "a", encoding="utf-8") as f:
        f.write("$ " + " ".join(argv) + "\n")
        f.flush()
        proc = subprocess.run(argv, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    if proc.returncode:
        sys.exit(f"failed (exit {proc.returncode}): {' '.join(argv)}; see {log}")


def train_and_score(name: str, records: list[dict], args, tests: dict, extra: tuple = ()) -> dict:
    d = os.path.join(args.out, name)
    os.makedirs(d, exist_ok=True)
    write_records(os.path.join(d, "gold.jsonl"), records)
    log = os.path.join(d, "log.txt")
    run([sys.executable, "train/train.py", "--config", "configs/train/tiny.yaml", f"data.train={d}/gold.jsonl",
         f"data.eval={args.out}/val.jsonl", f"output_dir={d}/run", "overwrite=true", f"max_steps={args.steps}",
         f"eval.every_steps={args.steps // 3}", f"seed={args.seed}", "logging.tensorboard=false", *extra], log)
    out = {}
    for test, path in tests.items():
        run([sys.executable, "eval/eval.py", "--gold", path, "--model", f"{d}/run/model", "--json", f"{d}/{test}.json"], log)
        out[test] = json.load(open(f"{d}/{test}.json"))["systems"]["model"]["overlap"]["micro"]["f1"]
    return out


def select_chunks(args, seed_ids: list[str], n: int) -> list[str]:
    """`codepii crowd select` with the seed model: n chunk ids of the pool outside the seed set."""
    out = os.path.join(args.out, f"select{n}")
    run([sys.executable, "-m", "codepii", "crowd", "select", "--model", os.path.join(args.out, "seed", "run", "model"),
         "--input", os.path.join(args.out, "corpus.jsonl"), "--budget", str(n), "--out", out,
         "--exclude", os.path.join(args.out, "seed_chunks.jsonl"), "--random-share", str(args.random_share),
         "--seed", str(args.seed)], os.path.join(args.out, "select.log"))
    return [c["chunk_id"] for c in read_records(os.path.join(out, "chunks.jsonl"))]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="work directory")
    p.add_argument("--pool-files", type=positive_int, default=300, help="generated files cut into the chunk pool (default %(default)s)")
    p.add_argument("--test-files", type=positive_int, default=100, help="generated test files (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="seed of the data, the crowd and the draws (default %(default)s)")
    p.add_argument("--seed-chunks", type=positive_int, default=100, help="random chunks both strategies start from (default %(default)s)")
    p.add_argument("--budgets", type=comma_list(positive_int), default="100,200,400", help="comma-separated chunk counts (the first = the seed set)")
    p.add_argument("--steps", type=positive_int, default=300, help="training steps per model (default %(default)s)")
    p.add_argument("--rounds", type=positive_int, default=3, help="crowd rounds re-issuing unresolved tasks (default %(default)s)")
    p.add_argument("--random-share", type=fraction, default=0.2, help="share of the selected chunks drawn at random (default %(default)s)")
    p.add_argument("--real-dev", type=existing_file, help=f"real-dev gold records, a second test set (default: {REAL_DEV} when it exists)")
    p.add_argument("--unresolved-modes", action="store_true", help="also train the largest random set with "
                   "data.unresolved=outside and drop_window")
    args = p.parse_args()
    warnings.filterwarnings("ignore")
    from codepii.synth import generate

    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    gold = [truth_record(r) for r in generate(args.pool_files, args.seed)]
    pool = chunk_gold(gold, 50)
    write_records(os.path.join(args.out, "corpus.jsonl"), [{"id": r["id"], "content": r["content"]} for r in gold])
    write_records(os.path.join(args.out, "val.jsonl"), [truth_record(r) for r in generate(30, args.seed + 500)])
    tests = {"generated-test": os.path.join(args.out, "test.jsonl")}
    write_records(tests["generated-test"], [truth_record(r) for r in generate(args.test_files, args.seed + 1000)])
    real_dev = args.real_dev or (REAL_DEV if os.path.exists(REAL_DEV) else None)
    if real_dev:
        tests["real-dev"] = real_dev
    crowd, paid = crowd_gold(pool, args.rounds, args.seed)
    budgets = args.budgets
    order = [r["id"] for r in pool]
    random.Random(args.seed).shuffle(order)
    seed_ids = order[: args.seed_chunks]
    by_id = {c["chunk_id"]: c for c in chunk_records(gold, 50)}
    write_records(os.path.join(args.out, "seed_chunks.jsonl"), [by_id[i] for i in seed_ids])
    rows = []

    def point(strategy: str, ids: list[str], name: str, extra: tuple = ()) -> None:
        f1 = train_and_score(name, [crowd[i] for i in ids], args, tests, extra)
        unresolved = sum(len(crowd[i].get("unresolved", [])) for i in ids)
        rows.append({"strategy": strategy, "chunks": len(ids), "labelings": sum(paid.get(i, 0) for i in ids),
                     "unresolved_tasks": unresolved, **f1})
        print(json.dumps(rows[-1]), f"({time.time() - t0:.0f} s)", flush=True)

    point("seed", seed_ids, "seed")
    for b in budgets[1:]:
        point("random", seed_ids + order[args.seed_chunks : b], f"random{b}")
        point("selected", seed_ids + select_chunks(args, seed_ids, b - args.seed_chunks), f"selected{b}")
    if args.unresolved_modes:
        big = seed_ids + order[args.seed_chunks : budgets[-1]]
        for mode in ("outside", "drop_window"):
            point(f"random/unresolved={mode}", big, f"random{budgets[-1]}-{mode}", (f"data.unresolved={mode}",))
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(rows, f, indent=1)
    cols = list(tests)
    print("\n| strategy | chunks | labelings | unresolved tasks | " + " | ".join(f"{c} F1" for c in cols) + " |")
    print("| --- | --- | --- | --- | " + " | ".join("---" for _ in cols) + " |")
    for r in rows:
        print(f"| {r['strategy']} | {r['chunks']} | {r['labelings']} | {r['unresolved_tasks']} | "
              + " | ".join(f"{r[c]:.3f}" if r[c] is not None else "-" for c in cols) + " |")
    print(f"({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    guard(main)
