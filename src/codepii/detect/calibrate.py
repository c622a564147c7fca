"""Calibrate the hybrid: per category, the policy and minimum model score that do best on dev sets.

``codepii calibrate --model DIR --dev FILE [--dev FILE ...]`` runs the model and
the patterns once over each dev set (gold records), then for every main
category tries each candidate ``(policy, min_score)`` of a small grid
(``config.HYBRID_POLICIES`` x ``GRID_MIN_SCORES``) with that category's spans
alone, and keeps:

1. among the candidates that lose to neither part on any dev set (overlap F1
   >= max(model, patterns) - ``NEVER_LOSE_F1`` on every set where the category
   has gold; if none does, among all),
2. those within ``TIE_F1`` of the best mean overlap F1 over the dev sets,
3. the simplest: the first in grid order (patterns, model, patterns_first,
   model_first; lower minimum score first).

A coarse grid, a mean over sets and ties to the simpler policy keep a small
real-code dev set from being overfitted. A category with no gold in any dev
set, or that no candidate finds at all, keeps the built-in policy. The choice, and the per-set F1 of model,
patterns and the calibrated hybrid, go into the model dir's ``codepii.json``
("hybrid"), which ``build_detector`` reads for every hybrid of that model.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..labels import MAIN_CATEGORIES
from ..metrics import count_outcomes, prf, score_file
from ..spans import Span
from .config import HYBRID_MODEL_MIN_SCORE, HYBRID_POLICIES, HYBRID_POLICY
from .hybrid import HybridDetector

GRID_MIN_SCORES = (0.0, 0.6, 0.7, 0.8, 0.9, 0.95)  # 0.0: every span the model reports (its own thresholds)
TIE_F1 = 0.003  # mean F1 this close to the best counts as a tie; the simpler candidate wins
NEVER_LOSE_F1 = 0.01  # a candidate may trail the better part of a dev set by at most this


@dataclass
class DevSet:
    """One dev set's gold and both parts' predictions, per file (in the same order)."""

    name: str
    ids: list
    contents: list[str]
    gold: list[list[Span]]
    model: list[list[Span]]
    patterns: list[list[Span]]


def candidates() -> list[tuple[str, float]]:
    """The grid, simplest first."""
    out = [("patterns", 0.0)]
    for policy in HYBRID_POLICIES[1:]:
        out += [(policy, t) for t in GRID_MIN_SCORES]
    return out


def _uniform(policy: str, min_score: float) -> HybridDetector:
    """A hybrid (used only for ``combine``) applying one policy to every category."""
    return HybridDetector(None, None, {c: policy for c in MAIN_CATEGORIES}, {c: min_score for c in MAIN_CATEGORIES})


def per_category_spans(hybrid: HybridDetector, model: Sequence[Span], patterns: Sequence[Span]) -> list[Span]:
    """The hybrid's spans with each category combined on its own (no overlaps across categories resolved)."""
    out: list[Span] = []
    for c in MAIN_CATEGORIES:
        out += hybrid.combine([s for s in model if s.category == c], [s for s in patterns if s.category == c])
    return out


def category_scores(dev: DevSet, spans: Sequence[Sequence[Span]]) -> dict[str, dict]:
    """Overlap P/R/F1 per main category (+ leak) of ``spans`` on ``dev``."""
    files = [score_file(i, t, g, p) for i, t, g, p in zip(dev.ids, dev.contents, dev.gold, spans)]
    n = count_outcomes(files)
    out = {}
    for c in MAIN_CATEGORIES:
        out[c] = prf(n[c, "correct"], n[c, "predicted"], n[c, "found"], n[c, "support"])
        out[c]["leak"] = n[c, "leaked"] / n[c, "chars"] if n[c, "chars"] else None
    return out


def grid_scores(devs: Sequence[DevSet]) -> dict[tuple[str, float], dict[str, dict[str, dict]]]:
    """{candidate: {dev name: {category: prf}}} for the whole grid."""
    table = {}
    for cand in candidates():
        hybrid = _uniform(*cand)
        table[cand] = {
            d.name: category_scores(d, [per_category_spans(hybrid, m, p) for m, p in zip(d.model, d.patterns)])
            for d in devs
        }
    return table


def choose(table: Mapping, devs: Sequence[DevSet], category: str) -> tuple[str, float] | None:
    """The calibrated (policy, min_score) of one category; None when no dev set has its gold or no
    candidate scores above 0 F1 there."""
    names = [d.name for d in devs if table[("patterns", 0.0)][d.name][category]["support"]]
    if not names:
        return None
    f1 = {k: [table[k][s][category]["f1"] or 0.0 for s in names] for k in table}
    parts = [max(a, b) for a, b in zip(f1[("model", 0.0)], f1[("patterns", 0.0)])]
    safe = [k for k in table if all(x >= p - NEVER_LOSE_F1 for x, p in zip(f1[k], parts))]
    pool = safe or list(table)
    mean = {k: sum(f1[k]) / len(names) for k in pool}
    best = max(mean.values())
    if best == 0.0:
        return None  # no candidate finds anything: nothing to choose between, keep the built-in policy
    return next(k for k in pool if mean[k] >= best - TIE_F1)  # the table is in grid order: simplest first


def calibrate(devs: Sequence[DevSet]) -> dict:
    """The "hybrid" block of codepii.json: chosen policy and min scores, and per-set F1 of the parts and the result."""
    table = grid_scores(devs)
    policy, min_score, chosen_by = dict(HYBRID_POLICY), dict(HYBRID_MODEL_MIN_SCORE), {}
    for c in MAIN_CATEGORIES:
        pick = choose(table, devs, c)
        chosen_by[c] = "built-in (no dev gold, or nothing found)" if pick is None else "calibrated"
        if pick is not None:
            policy[c], min_score[c] = pick[0], pick[1]
    hybrid = HybridDetector(None, None, policy, min_score)
    scores = {}
    for d in devs:
        systems = {"model": d.model, "patterns": d.patterns,
                   "hybrid": [hybrid.combine(m, p) for m, p in zip(d.model, d.patterns)]}
        scores[d.name] = {name: _rounded(category_scores(d, spans)) for name, spans in systems.items()}
    return {"policy": policy, "model_min_score": min_score, "chosen_by": chosen_by,
            "dev": [d.name for d in devs], "scores": scores}


def _rounded(scores: dict) -> dict:
    return {c: {k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()} for c, m in scores.items()}


def dev_set(name: str, gold: Mapping, model_detector, pattern_detector, batch_rows: int = 32) -> DevSet:
    """Run both parts over the gold records (``metrics.index_gold`` output) of one dev set."""
    from ..progress import progress
    from ..io import record_spans

    ids = list(gold)
    contents = [gold[i]["content"] for i in ids]
    model: list[list[Span]] = []
    for start in progress(range(0, len(ids), batch_rows), desc=f"model on {name}", unit=" batch"):
        model += model_detector.detect(contents[start : start + batch_rows])
    patterns = pattern_detector.detect(contents)
    return DevSet(name, ids, contents, [record_spans(gold[i]) for i in ids], model, patterns)


def write_calibration(model_dir: str, block: Mapping) -> None:
    """Store ``block`` as the "hybrid" entry of the model dir's codepii.json (atomically)."""
    from ..model import read_meta, write_meta

    write_meta(model_dir, dataclasses.replace(read_meta(model_dir), hybrid=dict(block)))


def dev_name(path: str) -> str:
    """``runs/x/real-dev.jsonl`` -> ``real-dev``."""
    stem = os.path.basename(path.rstrip("/"))
    for suffix in (".gz", ".zst", ".jsonl", ".json", ".parquet"):
        stem = stem[: -len(suffix)] if stem.endswith(suffix) else stem
    return stem
