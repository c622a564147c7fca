"""Benchmark: precision and recall of the metadata weak labels on the real-world development set.

    python bench/bench_weak_labels.py [--gold /work/cache/real-dev.jsonl] [--cache ~/.cache/codepii-real]
        [--manifest ../shared/data/real-dev/manifest.jsonl] [--show-errors]

real-dev's files come from packages reserved for evaluation: this script only
measures. For each real-dev package it reads the cached sdist (the one
real-dev's build_real.py downloaded), collects the people the package
declares (``codepii.corpus.declared``), weak-labels the 75 real-dev files with
``codepii.corpus.weak_label`` and scores them against the hand-made gold with
the project's span metrics (gold ``*_EXAMPLE``/``AMBIGUOUS`` are don't care).
Nothing is written. One row per source set: each source alone, then all.
"""
from __future__ import annotations

import argparse
import json
import os
from collections import Counter

from codepii.corpus.archive import ArchiveFilter, iter_members, strip_top_folder
from codepii.corpus.declared import SOURCES, collect, file_role
from codepii.corpus.reserved import shared_data_dir
from codepii.corpus.weak_label import Matchers, label_file
from codepii.labels import main_category
from codepii.metrics import score_file, span_metrics
from codepii.io import read_gold

from benchcli import existing_file, guard

CATS = ("NAME", "EMAIL", "USERNAME")


def package_files(sdist: str) -> list[tuple[str, str]]:
    """(path, text) of every text file of an sdist, no filtering but size and binary."""
    keep = ArchiveFilter(max_file_bytes=2_000_000)
    out = []
    for member, size, read in iter_members(sdist):
        if size <= keep.max_file_bytes:
            text = keep.decode(read())
            if text is not None:
                out.append((strip_top_folder(member), text))
    return out


def load(args) -> tuple[dict, dict]:
    """(package -> [(path, text)], gold id -> (path, gold record, package))."""
    gold = {r["id"]: r for r in read_gold(args.gold)}
    files, targets = {}, {}
    for line in open(args.manifest, encoding="utf-8"):
        row = json.loads(line)
        if row["dist"] not in files:
            files[row["dist"]] = package_files(os.path.join(os.path.expanduser(args.cache), row["dist"]))
        targets[row["id"]] = (strip_top_folder(row["member"]), gold[row["id"]], row["dist"])
    return files, targets


def run(files: dict, targets: dict, sources, show_errors: bool = False):
    declared = {dist: collect(fs, sources, package=dist.rsplit("-", 1)[0]) for dist, fs in files.items()}
    matchers = {dist: Matchers.build(d) for dist, d in declared.items()}
    results, others, sub = [], [], Counter()
    from codepii.spans import Span

    for rid, (path, rec, dist) in targets.items():
        pred = label_file(path, rec["content"], matchers[dist]) if declared[dist] else []
        gold = [Span.from_dict(e) for e in rec["entities"]]
        res = score_file(rid, rec["content"], gold, pred)
        results.append(res)
        if file_role(path) is None:  # labels carried from the declarations into ordinary files
            others.append(res)
        for p in pred:  # does the _LICENSE / plain choice agree with gold on exact hits?
            g = next((g for g in gold if (g.start, g.end) == (p.start, p.end)), None)
            if g is not None and main_category(g.category) == main_category(p.category):
                sub["same", g.category.endswith("_LICENSE") == p.category.endswith("_LICENSE")] += 1
        if show_errors:
            for po in res.pred:
                if po.scored and not po.correct:
                    print(f"  FP {rid} {po.span.category} {rec['content'][po.span.start:po.span.end]!r}")
    return span_metrics(results), span_metrics(others), sub


def people_micro(metrics: dict) -> dict:
    """Overlap P/R over NAME, EMAIL and USERNAME together (the categories weak labels cover)."""
    o = metrics["overlap"]
    pred = sum(o[c]["predicted"] for c in CATS)
    gold = sum(o[c]["support"] for c in CATS)
    correct = sum(round((o[c]["precision"] or 0) * o[c]["predicted"]) for c in CATS)
    found = sum(round((o[c]["recall"] or 0) * o[c]["support"]) for c in CATS)
    return {"precision": correct / pred if pred else None, "recall": found / gold if gold else None,
            "predicted": pred, "support": gold}


def fmt(x):
    return "  –  " if x is None else f"{x:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=existing_file, default="/work/cache/real-dev.jsonl",
                    help="real-dev gold records, built by ../shared/data/real-dev/build_real.py (default %(default)s)")
    ap.add_argument("--cache", default="~/.cache/codepii-real", help="folder of real-dev's sdists")
    ap.add_argument("--manifest", type=existing_file, default=str(shared_data_dir() / "real-dev" / "manifest.jsonl"),
                    help="real-dev's manifest of packages (default %(default)s)")
    ap.add_argument("--show-errors", action="store_true", help="print every false positive of the 'all' row")
    args = ap.parse_args()
    files, targets = load(args)
    n_other = sum(file_role(p) is None for p, _, _ in targets.values())
    print(f"{len(targets)} real-dev files from {len(files)} sdists ({n_other} not metadata/credit/licence files)\n")
    head = "| sources | " + " | ".join(f"{c} P / P exact / R (pred, gold)" for c in CATS) + " | P (3 cats) | R (3 cats) | _LICENSE agrees | other files: P / R (pred, gold) |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for i, name in enumerate(SOURCES):  # cumulative: metadata, + credits, + headers, + owner
        sources = SOURCES[: i + 1]
        name = name if i == 0 else f"+ {name}"
        m, mo_other, sub = run(files, targets, sources, show_errors=args.show_errors and len(sources) == len(SOURCES))
        cells = []
        for c in CATS:
            o, e = m["overlap"][c], m["exact"][c]
            cells.append(f"{fmt(o['precision'])} / {fmt(e['precision'])} / {fmt(o['recall'])} ({o['predicted']}, {o['support']})")
        agree = sub["same", True] / max(1, sub["same", True] + sub["same", False])
        mo, ot = people_micro(m), people_micro(mo_other)
        print(f"| {name} | " + " | ".join(cells) + f" | {fmt(mo['precision'])} | {fmt(mo['recall'])} | {agree:.3f} | {fmt(ot['precision'])} / {fmt(ot['recall'])} ({ot['predicted']}, {ot['support']}) |")


if __name__ == "__main__":
    guard(main)
