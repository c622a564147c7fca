"""Evaluation metrics: entity-level seqeval on BIO tags, and char-span metrics on records.

seqeval runs through a local ``evaluate`` module loaded by path (the hub one
fails offline). Char-span scoring follows DESIGN.md "Metrics JSON".
"""
from __future__ import annotations

import functools
import re
import warnings
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator, Mapping, Sequence

from .errors import RecordError
from .labels import AMBIGUOUS, BEGIN, INSIDE, MAIN_CATEGORIES, OUTSIDE, begin_tag, inside_tag, main_category, scoring_category
from .progress import progress
from .io import expand_paths, iter_records, normalize_gold, record_spans
from .spans import Span, resolve_overlaps, validate_spans


@functools.lru_cache(maxsize=1)
def load_seqeval():
    """The seqeval ``evaluate.Metric``, loaded offline from codepii's local module."""
    import evaluate

    from .seqeval_metric import METRIC_DIR

    return evaluate.load(METRIC_DIR)


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags seqeval can read: anything that is not ``B-X``/``I-X``/``O`` becomes ``O``."""
    return [t if isinstance(t, str) and t.startswith((BEGIN, INSIDE)) and len(t) > 2 else OUTSIDE for t in tags]


def seqeval_scores(references: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]]) -> dict:
    """Entity-level IOB2 strict scores: ``{CLASS: {precision, recall, f1, support}, ..., "micro": {...}}``.

    ``support`` counts gold entities. Sequences must pair up with equal lengths.
    """
    if len(references) != len(predictions):
        raise ValueError(f"seqeval: {len(references)} reference sequences but {len(predictions)} predicted")
    refs = [clean_tags(r) for r in references]
    preds = [clean_tags(p) for p in predictions]
    for i, (r, p) in enumerate(zip(refs, preds)):
        if len(r) != len(p):
            raise ValueError(f"seqeval: sequence {i} has {len(r)} reference tags but {len(p)} predicted")
    with warnings.catch_warnings():
        # seqeval averages empty arrays when there is no entity at all (numpy RuntimeWarning).
        warnings.simplefilter("ignore", RuntimeWarning)
        return load_seqeval().compute(references=refs, predictions=preds, mode="strict", zero_division=0)


# ------------------------------------------------------------- char-span metrics
#
# DESIGN.md "Metrics JSON": overlap and exact P/R/F1 per main category + micro,
# leak rate per category + "all". Gold *_LICENSE scores as its main category;
# gold *_EXAMPLE and AMBIGUOUS are don't care. A zero denominator gives None.

ALL = "all"
MICRO = "micro"


@dataclass(frozen=True)
class GoldOutcome:
    """One gold span: ``category`` is its scoring category, None for don't care."""

    span: Span
    category: str | None
    found: bool  # overlap: a same-category prediction shares a character
    exact: bool  # a same-category prediction has the same start and end
    leaked_chars: int  # characters covered by no prediction of any category
    best_score: float | None  # highest score of the same-category predictions touching it


@dataclass(frozen=True)
class PredOutcome:
    """One predicted span, its category already mapped to a main category."""

    span: Span
    scored: bool  # False when it touches only don't-care gold
    correct: bool  # overlap: shares a character with gold of its category
    exact: bool


@dataclass
class FileResult:
    id: object
    content: str
    gold: list[GoldOutcome]
    pred: list[PredOutcome]

    @property
    def misses(self) -> int:
        return sum(1 for g in self.gold if g.category is not None and not g.found)

    @property
    def false_positives(self) -> int:
        return sum(1 for p in self.pred if p.scored and not p.correct)

    @property
    def errors(self) -> int:
        return self.misses + self.false_positives


def _merged(spans: Sequence[Span]) -> tuple[list[int], list[int]]:
    """Union of the spans as sorted disjoint intervals: (starts, ends)."""
    starts: list[int] = []
    ends: list[int] = []
    for s in sorted(spans, key=lambda s: s.start):
        if ends and s.start <= ends[-1]:
            ends[-1] = max(ends[-1], s.end)
        else:
            starts.append(s.start)
            ends.append(s.end)
    return starts, ends


def _covered(span: Span, starts: list[int], ends: list[int]) -> int:
    """Characters of ``span`` inside the disjoint intervals."""
    total, i = 0, bisect_right(ends, span.start)
    while i < len(starts) and starts[i] < span.end:
        total += min(ends[i], span.end) - max(starts[i], span.start)
        i += 1
    return total


def prediction_spans(spans: Sequence[Span]) -> list[Span]:
    """Predicted spans as main categories; AMBIGUOUS predictions are not scored and dropped."""
    out = []
    for s in spans:
        cat = main_category(s.category)
        if cat in MAIN_CATEGORIES:
            out.append(s if cat == s.category else s.with_category(cat))
    return out


def score_file(
    record_id: object,
    content: str,
    gold: Sequence[Span],
    pred: Sequence[Span],
    unknown: Sequence[Span] = (),
) -> FileResult:
    """Score one file's predictions against its (non-overlapping) gold spans.

    ``unknown``: ranges where the gold does not know one category's PII (an
    unresolved crowd task: category = its project, or AMBIGUOUS for any
    category); a prediction of that category that touches one and no gold span
    is not scored, like one touching only don't-care gold.
    """
    gold = sorted(gold, key=lambda s: s.start)
    gold_ends = [g.end for g in gold]
    gold_cats = [scoring_category(g.category) for g in gold]
    found, exact = [False] * len(gold), [False] * len(gold)
    best: list[float | None] = [None] * len(gold)
    pred = prediction_spans(pred)
    pred_out = []
    for p in pred:
        touched_real = touched_dont_care = correct = exact_hit = False
        i = bisect_right(gold_ends, p.start)  # first gold span ending after p starts
        while i < len(gold) and gold[i].start < p.end:
            cat = gold_cats[i]
            if cat is None:
                touched_dont_care = True
            else:
                touched_real = True
                if cat == p.category:
                    correct = found[i] = True
                    score = 1.0 if p.score is None else p.score
                    best[i] = score if best[i] is None else max(best[i], score)
                    if gold[i].start == p.start and gold[i].end == p.end:
                        exact_hit = exact[i] = True
            i += 1
        if not touched_real and any(p.overlaps(u) and u.category in (p.category, AMBIGUOUS) for u in unknown):
            touched_dont_care = True
        pred_out.append(PredOutcome(p, touched_real or not touched_dont_care, correct, exact_hit))
    starts, ends = _merged(pred)
    gold_out = [
        GoldOutcome(g, c, found[i], exact[i], 0 if c is None else g.length - _covered(g, starts, ends), best[i])
        for i, (g, c) in enumerate(zip(gold, gold_cats))
    ]
    return FileResult(record_id, content, gold_out, pred_out)


def unresolved_spans(record: Mapping) -> list[Span]:
    """A gold record's unresolved crowd tasks as spans of their project (AMBIGUOUS: any category)."""
    return [Span(u["start"], u["end"], main_category(u.get("project") or AMBIGUOUS))
            for u in record.get("unresolved") or [] if u["end"] > u["start"]]


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def prf(correct_pred: int, predicted: int, found_gold: int, support: int) -> dict:
    """P/R/F1 with None for a zero denominator.

    F1 is None only when there is neither gold nor prediction: with one side
    empty the other ratio is necessarily 0, and so is F1 (2TP / (2TP+FP+FN)).
    """
    p, r = _ratio(correct_pred, predicted), _ratio(found_gold, support)
    if p is None and r is None:
        f1 = None
    elif p is None or r is None or p + r == 0:
        f1 = 0.0
    else:
        f1 = 2 * p * r / (p + r)
    return {"precision": p, "recall": r, "f1": f1, "support": support, "predicted": predicted}


def count_outcomes(files: Iterable[FileResult]) -> Counter:
    """Counts keyed by (category, field) over all files."""
    n: Counter = Counter()
    for f in files:
        for g in f.gold:
            if g.category is None:
                continue
            n[g.category, "support"] += 1
            n[g.category, "found"] += g.found
            n[g.category, "exact_found"] += g.exact
            n[g.category, "chars"] += g.span.length
            n[g.category, "leaked"] += g.leaked_chars
        for p in f.pred:
            if p.scored:
                n[p.span.category, "predicted"] += 1
                n[p.span.category, "correct"] += p.correct
                n[p.span.category, "exact_correct"] += p.exact
    return n


def span_metrics(files: Iterable[FileResult]) -> dict:
    """``{"overlap": {CAT|micro: prf}, "exact": {...}, "leak_rate": {CAT|all: float|None}}``."""
    n = count_outcomes(files)
    out: dict = {"overlap": {}, "exact": {}, "leak_rate": {}}
    for cat in MAIN_CATEGORIES + (MICRO,):
        cats = MAIN_CATEGORIES if cat == MICRO else (cat,)

        def total(field: str) -> int:
            return sum(n[c, field] for c in cats)

        out["overlap"][cat] = prf(total("correct"), total("predicted"), total("found"), total("support"))
        out["exact"][cat] = prf(total("exact_correct"), total("predicted"), total("exact_found"), total("support"))
        out["leak_rate"][ALL if cat == MICRO else cat] = _ratio(total("leaked"), total("chars"))
    return out


def threshold_sweep(files: Sequence[FileResult], thresholds: Sequence[float] | None = None) -> dict | None:
    """Overlap precision/recall per category (+ micro) when keeping predictions with score >= t.

    Exact without re-scoring: whether a prediction is scored or correct does not
    depend on the other predictions, and a gold span is found at t when its
    best same-category score is >= t. None when some scored prediction has no score.
    """
    import numpy as np

    scored = [p for f in files for p in f.pred if p.scored]
    if not scored or any(p.span.score is None for p in scored):
        return None
    ts = np.asarray(thresholds if thresholds is not None else np.linspace(0.0, 1.0, 21))  # (n_thresholds,)
    out: dict = {"thresholds": [float(t) for t in ts]}
    golds = [g for f in files for g in f.gold if g.category is not None]
    for cat in MAIN_CATEGORIES + (MICRO,):
        keep = (lambda c: True) if cat == MICRO else (lambda c, cat=cat: c == cat)
        p_scores = np.array([p.span.score for p in scored if keep(p.span.category)], dtype=float)
        p_ok = np.array([p.correct for p in scored if keep(p.span.category)], dtype=bool)
        g_best = np.array([-1.0 if g.best_score is None else g.best_score for g in golds if keep(g.category)])
        kept = p_scores[None, :] >= ts[:, None]  # (n_thresholds, n_predictions)
        n_kept = kept.sum(axis=1)
        n_found = (g_best[None, :] >= ts[:, None]).sum(axis=1) if len(g_best) else np.zeros(len(ts), int)
        out[cat] = {
            "precision": [_ratio(int(c), int(k)) for c, k in zip((kept & p_ok[None, :]).sum(axis=1), n_kept)],
            "recall": [_ratio(int(c), len(g_best)) for c in n_found],
            "predicted": [int(k) for k in n_kept],
        }
    return out


# ---------------------------------------------------------------- records


@dataclass
class SystemResult:
    """One system's per-file results over the whole gold set, in gold order."""

    name: str
    files: list[FileResult]
    records_without_predictions: int

    def metrics(self) -> dict:
        return span_metrics(self.files)


def iter_rows(spec: str | Sequence[str]) -> Iterator[tuple[str, dict]]:
    """``("PATH row N", raw record)`` for every record ``spec`` expands to."""
    for path in expand_paths(spec):
        for row, raw in enumerate(iter_records(path), start=1):
            yield f"{path} row {row}", raw


def index_gold(rows: Iterable[tuple[str, dict]]) -> dict:
    """Normalized gold records by id (also BigCode layouts); a missing or duplicate id is an error."""
    gold: dict = {}
    for where, raw in rows:
        if raw.get("id") is None:
            raise RecordError(f"{where}: gold record has no id; eval matches predictions to gold by id")
        if raw["id"] in gold:
            raise RecordError(f"{where}: duplicate gold id {raw['id']!r}; ids must be unique")
        try:
            gold[raw["id"]] = normalize_gold(raw, where)
        except (TypeError, ValueError) as exc:  # e.g. a score that is not a number
            raise RecordError(f"{where}: bad entity in gold id {raw['id']!r} ({exc})") from None
    return gold


def _prediction_spans(gold: dict, where: str, raw: dict) -> list[Span]:
    rid = raw.get("id")
    if rid not in gold:
        raise RecordError(f"{where}: prediction id {rid!r} is not in the gold set; predict on the gold files")
    content = gold[rid]["content"]
    try:
        if "content" in raw or "text" in raw:
            raw = normalize_gold(raw, where, validate=False)
        spans = [Span.from_dict(e, where) for e in raw.get("entities") or []]
    except (TypeError, ValueError) as exc:  # e.g. a score that is not a number
        raise RecordError(f"{where}: bad entity in id {rid!r} ({exc}); score must be a number in [0, 1]") from None
    if raw.get("content", content) != content:
        raise RecordError(f"{where}: content of id {rid!r} differs from gold; the prediction was made on another file")
    return validate_spans(spans, content, f"{rid!r} ({where})", allow_overlap=True)


def score_predictions(gold: dict, rows: Iterable[tuple[str, dict]], name: str) -> SystemResult:
    """Match prediction records to gold by id and score them; gold files without a record have no predictions.

    Raises RecordError naming the row for an id not in gold, a duplicate id,
    or a content that differs from gold (a prediction made on another file).
    """
    pred: dict = {}
    for where, raw in rows:
        spans = _prediction_spans(gold, where, raw)
        if raw["id"] in pred:
            raise RecordError(f"{where}: duplicate prediction id {raw['id']!r}; one record per file")
        pred[raw["id"]] = spans
    bar = progress(gold.items(), desc=f"scoring {name}", unit="file", total=len(gold))
    files = [score_file(rid, g["content"], record_spans(g), pred.get(rid, []), unresolved_spans(g)) for rid, g in bar]
    return SystemResult(name, files, len(gold) - len(pred))


# ---------------------------------------------------------- seqeval on words

_WORD = re.compile(r"\w+|[^\w\s]")


def _word_tags(words: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[str]:
    """IOB2 tags of word offsets (start, end) for non-overlapping spans; B- on a span's first word."""
    tags, spans = [], sorted(spans, key=lambda s: s.start)
    j, current = 0, None
    for start, end in words:
        while j < len(spans) and spans[j].end <= start:
            j += 1
        if j < len(spans) and spans[j].start < end:
            tags.append((inside_tag if current is spans[j] else begin_tag)(spans[j].category))
            current = spans[j]
        else:
            tags.append(OUTSIDE)
            current = None
    return tags


def word_seqeval(files: Sequence[FileResult]) -> dict:
    """Entity-level seqeval on word tokens (``\\w+`` or one symbol) built from the char spans.

    Words touching don't-care gold are left out of both sequences (as the loss
    ignores them); overlapping predictions keep the longest.
    """
    refs, preds = [], []
    for f in files:
        dont_care = [g.span for g in f.gold if g.category is None]
        dc_starts, dc_ends = _merged(dont_care)
        words = [
            m.span() for m in _WORD.finditer(f.content)
            if not _covered(Span(m.start(), m.end(), OUTSIDE), dc_starts, dc_ends)
        ]
        gold = [g.span.with_category(g.category) for g in f.gold if g.category is not None]
        pred = resolve_overlaps([p.span for p in f.pred], "longest")
        refs.append(_word_tags(words, gold))
        preds.append(_word_tags(words, pred))
    return seqeval_scores(refs, preds)
