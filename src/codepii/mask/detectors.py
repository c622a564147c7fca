"""Build a detector from options: ``build_detector("model" | "patterns" | "hybrid", model_dir, **options)``.

``DetectorConfig`` holds every option (YAML key = field = ``key=value``
override). ``HybridDetector`` combines the model and the patterns by the
policy documented on the class (and in docs/detect.md).
"""
from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Literal, Mapping, Sequence

from ..config import fingerprint as config_fingerprint
from ..config import from_dict, to_dict
from ..errors import ConfigError
from ..labels import MAIN_CATEGORIES
from ..spans import Span, sort_spans
from .base import Detector
from .filters import FilterConfig, filter_batch

DETECTOR_KINDS = ("model", "patterns", "hybrid")


@dataclass(frozen=True)
class DetectorConfig:
    """All detector options; the defaults are what ``codepii detect`` and ``mask/mask.py`` use."""

    kind: Literal["model", "patterns", "hybrid"] = "model"
    model: str | None = None  # model dir (save_pretrained + codepii.json); needed for model and hybrid
    # Per-category probability thresholds; override the model's codepii.json ones.
    thresholds: dict[str, float] = field(default_factory=dict)
    default_threshold: float | None = None  # for categories with no threshold anywhere (None: 0.5)
    max_length: int | None = None  # window length in tokens (None: the model's training window)
    stride: int | None = None  # tokens shared by consecutive windows (None: the model's training stride)
    max_tokens_per_batch: int = 16384  # padded tokens per forward pass (windows x padded length)
    device: str = "auto"  # auto | cpu | cuda | cuda:N | mps
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"  # auto: bf16 on a GPU, fp32 on CPU
    quantize: Literal["none", "int8", "bf16"] = "none"  # CPU only: int8 Linear layers, or bf16 weights (mask/quantize.py)
    tokenize_workers: int = 1  # workers tokenizing ahead of the model
    tokenize_processes: bool = False  # workers are processes (scales on many cores; for GPUs), else threads
    prefetch_batches: int = 4  # tokenized batches queued ahead of the model
    # Pattern options.
    pattern_categories: tuple[str, ...] = ("EMAIL", "IP_ADDRESS", "KEY", "PASSWORD")
    email_skip_examples: bool = True  # user@example.com etc. are EMAIL_EXAMPLE: not reported
    email_skip_service: bool = True  # noreply@, git@, postmaster@ ... identify no one
    pattern_engine: Literal["auto", "re", "hyperscan"] = "auto"  # auto: hyperscan when installed (same spans)
    # Hybrid policy (HybridDetector).
    hybrid_pattern_categories: tuple[str, ...] = ("EMAIL", "IP_ADDRESS", "KEY")
    hybrid_add_patterns: bool = True  # also keep pattern spans of other categories where the model found nothing
    # The model's spans of a category join the hybrid only with at least this
    # score; > 1 keeps the model out of that category (the patterns' recall on
    # validated emails and IPs is ~0.99, the model only adds false alarms there).
    hybrid_model_min_score: dict[str, float] = field(
        default_factory=lambda: {"EMAIL": 1.1, "IP_ADDRESS": 1.1, "KEY": 0.9}
    )
    filters: FilterConfig = field(default_factory=FilterConfig)

    def __post_init__(self) -> None:
        for key in ("pattern_categories", "hybrid_pattern_categories", "thresholds", "hybrid_model_min_score"):
            bad = [c for c in getattr(self, key) if c not in MAIN_CATEGORIES]
            if bad:
                raise ConfigError(f"config key {key!r}: {bad[0]!r} is not a main category ({', '.join(MAIN_CATEGORIES)})")
        for category, value in self.thresholds.items():
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"config key 'thresholds.{category}': {value} is not a probability in [0, 1]")
        if self.max_tokens_per_batch < 1 or self.tokenize_workers < 1 or self.prefetch_batches < 1:
            raise ConfigError("config keys max_tokens_per_batch, tokenize_workers and prefetch_batches must be >= 1")


def detector_config(kind: str = "model", model: str | None = None, **options: Any) -> DetectorConfig:
    """A checked DetectorConfig from plain options (errors name the key)."""
    data = dict(options, kind=kind, model=model)
    if isinstance(data.get("filters"), FilterConfig):
        data["filters"] = to_dict(data["filters"])
    return from_dict(DetectorConfig, data)


def build_detector(kind: str = "model", model: str | None = None, **options: Any) -> Detector:
    """The detector of ``kind``; ``model`` is the model dir (required for model and hybrid)."""
    return detector_from_config(detector_config(kind, model, **options))


def detector_from_config(cfg: DetectorConfig) -> Detector:
    if cfg.kind in ("model", "hybrid") and not cfg.model:
        raise ConfigError(f"detector {cfg.kind!r} needs a model dir: pass --model DIR (or model=DIR)")
    if cfg.kind == "patterns":
        inner: Detector = _patterns(cfg)
    elif cfg.kind == "model":
        inner = _model(cfg)
    else:
        inner = HybridDetector(
            _model(cfg), _patterns(cfg), cfg.hybrid_pattern_categories, cfg.hybrid_add_patterns, cfg.hybrid_model_min_score
        )
    return FilteredDetector(inner, cfg.filters) if cfg.filters.active else inner


def _patterns(cfg: DetectorConfig) -> Detector:
    from .patterns import PatternDetector

    return PatternDetector(cfg.pattern_categories, cfg.email_skip_examples, cfg.email_skip_service, cfg.pattern_engine)


def _model(cfg: DetectorConfig) -> Detector:
    from .model_detector import ModelDetector

    return ModelDetector.from_config(cfg)


class FilteredDetector(Detector):
    """Another detector's spans passed through the post-filters of ``FilterConfig``."""

    def __init__(self, inner: Detector, filters: FilterConfig):
        self.inner, self.filters = inner, filters
        self.name = inner.name

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        return filter_batch(texts, self.inner.detect(texts), self.filters)

    def detect_stream(self, batches: Iterable[Sequence[str]]) -> Iterator[list[list[Span]]]:
        held: deque = deque()
        for spans in stream_detect(self.inner, _holding(batches, held)):
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
        pattern_categories: Sequence[str] = ("EMAIL", "IP_ADDRESS", "KEY"),
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
        for by_model in stream_detect(self.model, _holding(batches, held)):
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


def stream_detect(detector: Detector, batches: Iterable[Sequence[str]]) -> Iterator[list[list[Span]]]:
    """Span lists per batch of texts, in order; pipelined across batches when the detector
    can stream (the ModelDetector and the wrappers around it), else one ``detect`` per batch."""
    stream = getattr(detector, "detect_stream", None)
    if stream is not None:
        yield from stream(batches)
    else:
        for texts in batches:
            yield detector.detect(texts)


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

