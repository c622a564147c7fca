"""Detectors made of other detectors: the hybrid (model + patterns) and post-filtering.

``HybridDetector`` combines the model and the patterns by the per-category
policy documented on the class (and in docs/detect.md); its built-in defaults
live in ``config.py``, calibrated ones in the model dir (``calibrate.py``).
"""
from __future__ import annotations

import hashlib
from collections import deque
from typing import Iterable, Iterator, Mapping, Sequence

from ..config import fingerprint as config_fingerprint
from ..spans import Span, sort_spans
from .base import Detector
from .config import HYBRID_MODEL_MIN_SCORE, HYBRID_POLICY
from .filters import FilterConfig, filter_batch


class FilteredDetector(Detector):
    """Another detector's spans passed through the post-filters of ``FilterConfig``."""

    def __init__(self, inner: Detector, filters: FilterConfig):
        self.inner, self.filters = inner, filters
        self.name = inner.name

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        return filter_batch(texts, self.inner.detect(texts), self.filters)

    def detect_stream(self, batches: Iterable[Sequence[str]]) -> Iterator[list[list[Span]]]:
        held: deque = deque()
        for spans in self.inner.detect_stream(_holding(batches, held)):
            yield filter_batch(held.popleft(), spans, self.filters)

    def fingerprint(self) -> str:
        return _hash(self.inner.fingerprint(), config_fingerprint(self.filters))


class RecordingDetector(Detector):
    """Another detector that remembers its spans per text: a second caller of the same texts (the hybrid
    scored beside the model alone) gets them without running it again."""

    def __init__(self, inner: Detector):
        self.inner, self.name = inner, inner.name
        self._seen: dict[str, list[Span]] = {}

    def __getattr__(self, attr):  # meta, device, close(): the inner detector's
        return getattr(self.inner, attr)

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._seen))
        if missing:
            self._seen.update(zip(missing, self.inner.detect(missing)))
        return [list(self._seen[t]) for t in texts]

    def fingerprint(self) -> str:
        return self.inner.fingerprint()


class HybridDetector(Detector):
    """The model and the patterns together, by a per-category policy (``config.HYBRID_POLICIES``).

    1. Pattern spans of the categories whose policy is ``patterns`` or
       ``patterns_first`` are kept first.
    2. Model spans of the categories whose policy is ``model``,
       ``patterns_first`` or ``model_first`` are added where they overlap no
       span kept in 1 and reach ``model_min_score`` of their category.
    3. Pattern spans of the ``model_first`` categories are added where they
       overlap no kept span: the model wins their overlaps, the patterns fill its gaps.
       Where such a pattern span overlaps only model spans of its own category,
       they become one span over both (the model's ``unter`` inside the
       pattern's ``hunter2`` would leave ``h`` and ``2`` in the masked text).
    Otherwise an overlap (one shared character) drops the loser whole. A
    category missing from ``policy`` takes ``HYBRID_POLICY``'s. ``codepii
    calibrate`` chooses policy and minimum scores per category on dev sets and
    stores them in the model dir; ``build_detector`` reads them from there.
    """

    name = "hybrid"

    def __init__(
        self,
        model: Detector,
        patterns: Detector,
        policy: Mapping[str, str] | None = None,
        model_min_score: Mapping[str, float] | None = None,
    ):
        self.model, self.patterns = model, patterns
        self.policy = {**HYBRID_POLICY, **(policy or {})}
        self.model_min_score = dict(HYBRID_MODEL_MIN_SCORE if model_min_score is None else model_min_score)
        self._first = {c for c, p in self.policy.items() if p in ("patterns", "patterns_first")}
        self._fill = {c for c, p in self.policy.items() if p == "model_first"}

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        by_model = self.model.detect(texts)
        by_patterns = self.patterns.detect(texts)
        return [self.combine(m, p) for m, p in zip(by_model, by_patterns)]

    def detect_stream(self, batches: Iterable[Sequence[str]]) -> Iterator[list[list[Span]]]:
        held: deque = deque()
        for by_model in self.model.detect_stream(_holding(batches, held)):
            by_patterns = self.patterns.detect(held.popleft())
            yield [self.combine(m, p) for m, p in zip(by_model, by_patterns)]

    def combine(self, model_spans: Sequence[Span], pattern_spans: Sequence[Span]) -> list[Span]:
        kept = [s for s in pattern_spans if s.category in self._first]
        trusted = [
            s for s in model_spans
            if self.policy.get(s.category, "model") != "patterns" and _score(s) >= self.model_min_score.get(s.category, 0.0)
        ]
        kept += _free(trusted, kept)
        return sort_spans(_fill_or_widen([s for s in pattern_spans if s.category in self._fill], kept))

    def fingerprint(self) -> str:
        policy = f"{sorted(self.policy.items())}|{sorted(self.model_min_score.items())}"
        return _hash(self.model.fingerprint(), self.patterns.fingerprint(), policy)


def _score(span: Span) -> float:
    return 1.0 if span.score is None else span.score


def _holding(batches: Iterable[Sequence[str]], held: deque) -> Iterator[list[str]]:
    """Pass batches through, keeping each in ``held`` (FIFO) until its results come back."""
    for texts in batches:
        texts = list(texts)
        held.append(texts)
        yield texts


def _free(candidates: Sequence[Span], kept: Sequence[Span]) -> list[Span]:
    """The candidates that share no character with a kept span (candidates never overlap each other)."""
    return [c for c in candidates if not any(c.overlaps(k) for k in kept)]


def _fill_or_widen(candidates: Sequence[Span], kept: list[Span]) -> list[Span]:
    """``kept`` plus each candidate that overlaps no kept span; a candidate that overlaps only kept spans of
    its own category widens them into one span over all of them (the highest score). Kept spans never
    overlap each other, nor candidates each other, so the widened span overlaps nothing else kept."""
    out = list(kept)
    for c in candidates:
        hits = [k for k in out if c.overlaps(k)]
        if hits and any(k.category != c.category for k in hits):
            continue
        if hits:
            out = [k for k in out if not c.overlaps(k)]
            scores = [s.score for s in (c, *hits) if s.score is not None]
            c = Span(min(c.start, *(k.start for k in hits)), max(c.end, *(k.end for k in hits)), c.category,
                     max(scores) if scores else None)
        out.append(c)
    return out


def _hash(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

