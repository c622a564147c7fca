"""Active selection: which chunks to give the crowd next (``codepii crowd select``).

Every candidate chunk is run through the trained model and the pattern
detector and gets a priority:

- **uncertainty**: the mean, over the chunk's ``UNSURE_TOKENS`` least sure
  tokens, of 1 - (top probability - second probability) (the margin of the
  model's tag distribution, windows merged as in detection). A chunk the model
  reads confidently everywhere scores near 0; one where it hesitates
  between O and an entity, or between two classes, near 1.
- **disagreement**: spans of the pattern detector's categories that one of
  model and patterns finds and the other does not touch (same category).

``priority = uncertainty + DISAGREEMENT_WEIGHT * min(disagreements, 5)``. A
budget of N chunks takes ``round(N * random_share)`` chunks uniformly at
random from the rest (calibration: the gold of a purely uncertain sample is a
biased estimate of quality) and the others by priority. Each selected chunk
becomes its own crowd "file" (``file_id`` = its ``chunk_id``, offset 0), so
the usual simulate/aggregate/train steps take it as it is; ``source`` says
where it came from.
"""
from __future__ import annotations

import random
from typing import Mapping, Sequence

import numpy as np

from ..bio import probs_to_spans
from ..progress import progress
from ..spans import Span

UNSURE_TOKENS = 8
DISAGREEMENT_WEIGHT = 0.1
DEFAULT_RANDOM_SHARE = 0.2


def detectors(model_dir: str):
    """(model detector, pattern detector, the patterns' categories): the one place this module reaches into
    the detection package."""
    from ..detect import DetectorConfig, build_detector

    patterns = DetectorConfig(kind="patterns")
    return (build_detector(DetectorConfig(kind="model", model=model_dir)), build_detector(patterns),
            patterns.pattern_categories)


def chunk_probs(model, texts: Sequence[str], batch_texts: int = 64) -> dict:
    """Per text index: (token offsets ``(n, 2)``, tag probabilities ``(n, n_tags)``), from the model detector."""
    merged: dict = {}
    for first in progress(range(0, len(texts), batch_texts), desc="select: model", unit=" batch"):
        for i, value in model.token_probs(texts[first : first + batch_texts]).items():
            merged[first + i] = value
    return merged


def uncertainty(probs: np.ndarray) -> float:
    """Mean margin-uncertainty 1 - (p1 - p2) of the ``UNSURE_TOKENS`` least sure tokens; 0 without tokens."""
    if probs.size == 0:
        return 0.0
    top = np.sort(probs, axis=1)[:, -2:]  # (n_tokens, 2): second and first probability
    unsure = 1.0 - (top[:, 1] - top[:, 0])
    return float(np.sort(unsure)[-UNSURE_TOKENS:].mean())


def disagreements(model_spans: Sequence[Span], pattern_spans: Sequence[Span], categories: Sequence[str]) -> int:
    """Spans of ``categories`` found by one side and touched by no same-category span of the other."""
    def missed(a: Sequence[Span], b: Sequence[Span]) -> int:
        return sum(1 for s in a if s.category in categories
                   and not any(t.category == s.category and t.overlaps(s) for t in b))

    return missed(model_spans, pattern_spans) + missed(pattern_spans, model_spans)


def score_chunks(model_dir: str, chunks: Sequence[Mapping]) -> list[dict]:
    """``{"uncertainty", "disagreements", "priority"}`` per chunk, in order."""
    texts = [c["text"] for c in chunks]
    model, patterns, categories = detectors(model_dir)
    merged = chunk_probs(model, texts)
    pattern_spans = patterns.detect(texts)
    out = []
    for i, found in enumerate(pattern_spans):
        offsets, probs = merged.get(i, (np.zeros((0, 2)), np.zeros((0, 0))))
        model_spans = probs_to_spans(offsets, probs, model.tagset, model.thresholds) if len(offsets) else []
        u = uncertainty(probs)
        d = disagreements(model_spans, found, categories)
        out.append({"uncertainty": round(u, 6), "disagreements": d,
                    "priority": round(u + DISAGREEMENT_WEIGHT * min(d, 5), 6)})
    return out


def select(scores: Sequence[Mapping], budget: int, random_share: float = DEFAULT_RANDOM_SHARE, seed: int = 0) -> list[tuple[int, str]]:
    """(chunk index, reason) for ``budget`` chunks: the top by priority and a random share of the rest."""
    budget = min(budget, len(scores))
    n_random = round(budget * random_share)
    ranked = sorted(range(len(scores)), key=lambda i: (-scores[i]["priority"], i))
    top = ranked[: budget - n_random]
    rest = ranked[budget - n_random :]
    picked = random.Random(seed).sample(rest, n_random)
    return [(i, "priority") for i in top] + [(i, "random") for i in sorted(picked)]


def task_chunk(chunk: Mapping, score: Mapping, reason: str) -> dict:
    """A selected chunk as a standalone crowd task (its own file, offset 0)."""
    out = {k: v for k, v in chunk.items() if k not in ("file_id", "char_offset")}
    out.update({"file_id": chunk["chunk_id"], "char_offset": 0,
                "source": {"file_id": chunk["file_id"], "char_offset": chunk["char_offset"]},
                "select": {**score, "reason": reason}})
    return out
