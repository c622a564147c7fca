"""Scoring a detector on a secret-detection suite (gitleaks' rule examples).

Each case is ``{"id", "rule", "kind": "tp"|"fp", "content", "secret"}``. A true
positive is found when a KEY or PASSWORD span overlaps an occurrence of the
known secret; a false positive is flagged when any KEY or PASSWORD span is
predicted in it (``shared/data/gitleaks/README.md``, "Intended use").
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Mapping, Sequence

from .spans import Span

SECRET_CATEGORIES = ("KEY", "PASSWORD")


def secret_occurrences(content: str, secret: str) -> list[tuple[int, int]]:
    out, i = [], content.find(secret)
    while secret and i >= 0:
        out.append((i, i + len(secret)))
        i = content.find(secret, i + 1)
    return out


def case_hit(case: Mapping, spans: Sequence[Span]) -> bool:
    """For a tp: a KEY/PASSWORD span overlaps the secret; for an fp: any KEY/PASSWORD span."""
    secret_spans = [s for s in spans if s.category in SECRET_CATEGORIES]
    if case["kind"] == "fp":
        return bool(secret_spans)
    occurrences = secret_occurrences(case["content"], case.get("secret") or "")
    return any(s.start < b and a < s.end for s in secret_spans for a, b in occurrences)


def score_suite(cases: Iterable[Mapping], predictions: Iterable[Sequence[Span]]) -> dict:
    """``{"tp_recall", "fp_flagged", "n_tp", "n_fp", "per_rule": {rule: {"tp_found", "n_tp", "fp_flagged", "n_fp"}}}``.

    Ratios with a zero denominator are None. Cases whose ``secret`` is unknown
    (null) are left out of recall.
    """
    per_rule: dict[str, dict[str, int]] = defaultdict(lambda: {"tp_found": 0, "n_tp": 0, "fp_flagged": 0, "n_fp": 0})
    for case, spans in zip(cases, predictions, strict=True):
        r = per_rule[case.get("rule", "?")]
        hit = case_hit(case, spans)
        if case["kind"] == "tp":
            if not case.get("secret"):
                continue
            r["n_tp"] += 1
            r["tp_found"] += hit
        else:
            r["n_fp"] += 1
            r["fp_flagged"] += hit
    n_tp = sum(r["n_tp"] for r in per_rule.values())
    n_fp = sum(r["n_fp"] for r in per_rule.values())
    found = sum(r["tp_found"] for r in per_rule.values())
    flagged = sum(r["fp_flagged"] for r in per_rule.values())
    return {
        "tp_recall": found / n_tp if n_tp else None,
        "fp_flagged": flagged / n_fp if n_fp else None,
        "n_tp": n_tp,
        "n_fp": n_fp,
        "per_rule": dict(sorted(per_rule.items())),
    }


def worst_rules(result: Mapping, k: int = 10) -> list[tuple[str, float, int]]:
    """Rules with the lowest tp recall: ``(rule, recall, n_tp)``."""
    rows = [(rule, r["tp_found"] / r["n_tp"], r["n_tp"]) for rule, r in result["per_rule"].items() if r["n_tp"]]
    return sorted(rows, key=lambda x: (x[1], -x[2]))[:k]
