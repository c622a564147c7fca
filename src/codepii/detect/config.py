"""``DetectorConfig``: every detector option, typed, validated when the config loads.

Nested as ``detector:`` in every recipe config (``mask/mask.py``, ``eval/eval.py``,
``train/pseudo_label.py``) and filled from flags by ``codepii detect``; a typo
is a ConfigError naming ``detector.<key>`` before any model or worker starts.
The hybrid's defaults are written here once.
"""
from __future__ import annotations

import functools
import re
import typing
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import ConfigError
from ..labels import MAIN_CATEGORIES
from .filters import FilterConfig

DETECTOR_KINDS = ("model", "patterns", "hybrid")

# The hybrid's per-category policies (hybrid.py, docs/detect.md), simplest first:
#   patterns        only the pattern spans
#   model           only the model spans (scored >= the category's min score)
#   patterns_first  pattern spans, then model spans where they overlap none
#   model_first     model spans, then pattern spans where they overlap none
HYBRID_POLICIES = ("patterns", "model", "patterns_first", "model_first")
# The built-in policy, used when the model dir holds no calibrated one (`codepii calibrate`):
# the patterns' recall on validated emails and IPs is ~0.99, the model only adds false alarms there; the
# context rules' handles (precision ~0.97) win over model spans that read a handle as a NAME.
HYBRID_POLICY = {"EMAIL": "patterns", "IP_ADDRESS": "patterns", "KEY": "patterns_first", "PASSWORD": "model_first",
                 "NAME": "model_first", "USERNAME": "patterns_first", "ID": "model_first"}
# The hybrid's model spans of a category join only with at least this score (built-in; calibrated ones replace it).
HYBRID_MODEL_MIN_SCORE = {"KEY": 0.9}
PATTERN_CATEGORIES = ("EMAIL", "IP_ADDRESS", "KEY", "PASSWORD", "USERNAME")


@dataclass(frozen=True)
class DetectorConfig:
    """All detector options; the defaults are what ``codepii detect`` and ``mask/mask.py`` use."""

    kind: Literal["model", "patterns", "hybrid"] = "patterns"
    model: str | None = None  # model dir (save_pretrained + codepii.json); needed for model and hybrid
    # "module:Class" of a custom codepii.detect.Detector, built as Class(**class_options); replaces `kind`.
    class_path: str | None = None
    class_options: dict[str, Any] = field(default_factory=dict)
    # Per-category probability thresholds; override the model's codepii.json ones.
    thresholds: dict[str, float] = field(default_factory=dict)
    default_threshold: float | None = None  # for categories with no threshold anywhere (None: 0.5)
    max_length: int | None = None  # window length in tokens (None: the model's training window)
    stride: int | None = None  # tokens shared by consecutive windows (None: the model's training stride)
    # Padded tokens per forward pass (windows x padded length). None: 16384 on a GPU, 4096 on a CPU, where
    # bigger batches fall out of cache (bf16 MiniLM: 32 x 128 windows ~1.5x faster per token than 128 x 128).
    max_tokens_per_batch: int | None = None
    # auto: cuda:LOCAL_RANK under torchrun/accelerate, cuda without, else cpu | cpu | cuda | cuda:N | mps
    device: str = "auto"
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"  # auto: bf16 on a GPU, fp32 on CPU
    quantize: Literal["none", "int8", "bf16"] = "none"  # CPU only: int8 Linear layers, or bf16 weights (quantize.py)
    tokenize_workers: int = 1  # workers tokenizing ahead of the model
    tokenize_processes: bool = False  # workers are processes (scales on many cores; for GPUs), else threads
    prefetch_batches: int = 4  # tokenized batches queued ahead of the model
    # Pattern options.
    pattern_categories: tuple[str, ...] = PATTERN_CATEGORIES
    email_skip_examples: bool = True  # user@example.com etc. are EMAIL_EXAMPLE: not reported
    email_skip_service: bool = True  # noreply@, git@, postmaster@ ... identify no one
    pattern_engine: Literal["auto", "re", "hyperscan"] = "auto"  # auto: hyperscan when installed (same spans)
    # Hybrid policy (detect/hybrid.py, docs/detect.md). Empty: the model dir's calibrated policy (codepii.json
    # "hybrid", written by `codepii calibrate`), else HYBRID_POLICY / HYBRID_MODEL_MIN_SCORE. Categories given
    # here override that per category.
    hybrid_policy: dict[str, str] = field(default_factory=dict)  # category -> one of HYBRID_POLICIES
    hybrid_model_min_score: dict[str, float] = field(default_factory=dict)  # category -> min model score
    filters: FilterConfig = field(default_factory=FilterConfig)

    def __post_init__(self) -> None:
        _check_choices(self)
        for key in ("pattern_categories", "hybrid_policy", "thresholds", "hybrid_model_min_score"):
            bad = [c for c in getattr(self, key) if c not in MAIN_CATEGORIES]
            if bad:
                raise ConfigError(f"config key {key!r}: {bad[0]!r} is not a main category ({', '.join(MAIN_CATEGORIES)})")
        for category, policy in self.hybrid_policy.items():
            if policy not in HYBRID_POLICIES:
                raise ConfigError(f"config key 'hybrid_policy.{category}': {policy!r} is not one of {', '.join(HYBRID_POLICIES)}")
        for category, value in self.thresholds.items():
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"config key 'thresholds.{category}': {value} is not a probability in [0, 1]")
        for key in ("max_tokens_per_batch", "tokenize_workers", "prefetch_batches"):
            if getattr(self, key) is not None and getattr(self, key) < 1:
                raise ConfigError(f"config key {key!r} must be at least 1, got {getattr(self, key)}")
        if self.class_path is not None and ":" not in self.class_path:
            raise ConfigError(f"config key 'class_path': {self.class_path!r} is not module:Class")
        if self.class_options and self.class_path is None:
            raise ConfigError("config key 'class_options' is set but 'class_path' is not")

    @property
    def uses_model(self) -> bool:
        return self.class_path is None and self.kind in ("model", "hybrid")

    def require_model(self, key: str = "detector.model") -> None:
        """A model or hybrid detector needs a model dir; checked by build_detector and by recipes
        before they start work (a config without one still loads: ``model`` is often given later)."""
        if self.uses_model and not self.model:
            raise ConfigError(f"config key {key!r}: detector kind {self.kind} needs a trained model dir ({key}=DIR), "
                              "or use kind patterns")


_CHOICE_KEYS = ("kind", "dtype", "quantize", "pattern_engine")


@functools.cache
def _choices() -> dict[str, tuple[str, ...]]:
    """The allowed values of each Literal field (the YAML loader checks them; a direct DetectorConfig(...) not)."""
    hints = typing.get_type_hints(DetectorConfig)
    return {key: typing.get_args(hints[key]) for key in _CHOICE_KEYS}


def _check_choices(cfg: DetectorConfig) -> None:
    for key, allowed in _choices().items():
        if getattr(cfg, key) not in allowed:
            raise ConfigError(f"config key {key!r}: expected one of {', '.join(allowed)}, got {getattr(cfg, key)!r}")
    if isinstance(cfg.pattern_categories, str):
        raise ConfigError(f"config key 'pattern_categories': expected a list, got {cfg.pattern_categories!r}")
    if not isinstance(cfg.device, str) or not re.fullmatch(r"[a-z_]+(:\d+)?", cfg.device):
        raise ConfigError(f"config key 'device': {cfg.device!r} is not auto, cpu, cuda, cuda:N or another torch device")


def detector_config(kind: str = "model", model: str | None = None, **options: Any) -> DetectorConfig:
    """A checked DetectorConfig from plain options (errors name the key)."""
    from ..config import from_dict, to_dict

    data = dict(options, kind=kind, model=model)
    if isinstance(data.get("filters"), FilterConfig):
        data["filters"] = to_dict(data["filters"])
    return from_dict(DetectorConfig, data)
