"""Detectors made of other detectors: the hybrid (model + patterns) and post-filtering.

``HybridDetector`` combines the model and the patterns by the policy documented
on the class (and in docs/detect.md); its defaults live in ``config.py``.
"""
from __future__ import annotations

import hashlib
from collections import deque
from typing import Iterable, Iterator, Mapping, Sequence

from ..config import fingerprint as config_fingerprint
from ..spans import Span, sort_spans
from .base import Detector
from .config import HYBRID_PATTERN_CATEGORIES
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


class HybridDetector(Detector):
    """The model and the patterns together, by a fixed policy.

    1. Pattern spans of ``pattern_categories`` (default EMAIL, IP_ADDRESS, KEY:
       formats that regexes validate precisely) are kept first.
    2. Model spans are added where they overlap no span kept in 1 and reach
       ``model_min_score`` of their category (default: never EMAIL or
       IP_ADDRESS, KEY from 0.9).
    3. With ``add_patterns``, the remaining pattern spans (default PASSWORD
       assignments and URL passwords) are added where they overlap no kept span;
       so the model wins PASSWORD overlaps, the patterns fill its gaps.
    An overlap means sharing one character; the loser is dropped whole.
    """

    name = "hybrid"

    def __init__(
        self,
        model: Detector,
        patterns: Detector,
        pattern_categories: Sequence[str] = HYBRID_PATTERN_CATEGORIES,
        add_patterns: bool = True,
        model_min_score: Mapping[str, float] | None = None,
    ):
        self.model, self.patterns = model, patterns
        self.pattern_categories = tuple(pattern_categories)
        self.add_patterns = add_patterns
        self.model_min_score = dict(model_min_score or {})

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
        kept = [s for s in pattern_spans if s.category in self.pattern_categories]
        trusted = [s for s in model_spans if _score(s) >= self.model_min_score.get(s.category, 0.0)]
        kept += _free(trusted, kept)
        if self.add_patterns:
            rest = [s for s in pattern_spans if s.category not in self.pattern_categories]
            kept += _free(rest, kept)
        return sort_spans(kept)

    def fingerprint(self) -> str:
        policy = f"{self.pattern_categories}|{self.add_patterns}|{sorted(self.model_min_score.items())}"
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


def _hash(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

