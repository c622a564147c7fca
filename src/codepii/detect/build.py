"""``build_detector(DetectorConfig)``: the one place a detector is made from its config."""
from __future__ import annotations

from typing import Any, Sequence

from ..errors import ConfigError
from .base import Detector
from .config import DETECTOR_KINDS, HYBRID_MODEL_MIN_SCORE, HYBRID_POLICY, DetectorConfig, detector_config
from .hybrid import FilteredDetector, HybridDetector, RecordingDetector


def build_detector(cfg: DetectorConfig | str, model: str | None = None, **options: Any) -> Detector:
    """The detector ``cfg`` describes. ``build_detector("patterns")`` and
    ``build_detector("hybrid", "runs/x/model", device="cpu")`` are shorthands for
    ``build_detector(detector_config(kind, model, **options))``."""
    if isinstance(cfg, str):
        cfg = detector_config(cfg, model, **options)
    elif not isinstance(cfg, DetectorConfig):
        raise TypeError(f"build_detector() takes a DetectorConfig or a kind ({', '.join(DETECTOR_KINDS)}), got "
                        f"{type(cfg).__name__}; for a dict of options use build_detector(detector_config(**options))")
    elif model is not None or options:
        raise TypeError("build_detector(DetectorConfig) takes no other arguments")
    cfg.require_model()
    if cfg.class_path:
        return _custom(cfg)
    return _assemble(cfg, _model(cfg) if cfg.kind != "patterns" else None)


def build_detectors(cfgs: Sequence[DetectorConfig]) -> list[Detector]:
    """``build_detector`` for each config; configs that differ only in ``kind`` (model vs hybrid) share one
    model, run once per text (``eval/eval.py --detector model --detector hybrid`` scores both)."""
    shared: dict[str, RecordingDetector] = {}
    out = []
    for cfg in cfgs:
        if cfg.class_path or cfg.kind == "patterns":
            out.append(build_detector(cfg))
            continue
        cfg.require_model()
        key = _model_key(cfg)
        if key not in shared:
            shared[key] = RecordingDetector(_model(cfg))
        out.append(_assemble(cfg, shared[key]))
    return out


def _model_key(cfg: DetectorConfig) -> str:
    from ..config import fingerprint, to_dict

    data = to_dict(cfg)
    for key in ("kind", "filters", "hybrid_policy", "hybrid_model_min_score", "pattern_categories", "pattern_engine",
                "email_skip_examples", "email_skip_service"):
        data.pop(key, None)
    return fingerprint(data)


def _assemble(cfg: DetectorConfig, model: Detector | None) -> Detector:
    if cfg.kind == "patterns":
        inner: Detector = _patterns(cfg)
    elif cfg.kind == "model":
        inner = model
    else:
        inner = HybridDetector(model, _patterns(cfg), *hybrid_policy(cfg, getattr(model, "meta", None)))
    return FilteredDetector(inner, cfg.filters) if cfg.filters.active else inner


def hybrid_policy(cfg: DetectorConfig, meta=None) -> tuple[dict[str, str], dict[str, float]]:
    """(policy, model_min_score) of the hybrid: the model dir's calibrated ones (codepii.json "hybrid") when it
    has them, else the built-in ones; the categories ``cfg`` names explicitly override either."""
    calibrated = getattr(meta, "hybrid", None) or {}
    if calibrated.get("policy"):
        policy, min_score = dict(calibrated["policy"]), dict(calibrated.get("model_min_score", {}))
    else:
        policy, min_score = dict(HYBRID_POLICY), dict(HYBRID_MODEL_MIN_SCORE)
    return {**policy, **cfg.hybrid_policy}, {**min_score, **cfg.hybrid_model_min_score}


def _custom(cfg: DetectorConfig) -> Detector:
    import importlib

    module_name, _, cls_name = cfg.class_path.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), cls_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ConfigError(f"config key 'detector.class_path': {cfg.class_path!r} cannot be imported ({exc})") from None
    return cls(**dict(cfg.class_options))


def _patterns(cfg: DetectorConfig) -> Detector:
    from .patterns import PatternDetector

    return PatternDetector(cfg.pattern_categories, cfg.email_skip_examples, cfg.email_skip_service, cfg.pattern_engine)


def _model(cfg: DetectorConfig) -> Detector:
    from .model_detector import ModelDetector

    return ModelDetector.from_config(cfg)


# Fields that decide how fast a detector runs, never what it finds.
_SCHEDULING_FIELDS = ("device", "tokenize_workers", "tokenize_processes", "prefetch_batches", "max_tokens_per_batch",
                      "pattern_engine")  # the engines give the same spans (tested)


def detector_fingerprint(cfg: DetectorConfig) -> str:
    """A stable hash of what changes the detector's output, without loading a model: the
    config, the sha256 of the model dir's files and the pattern rules. Every executor (local,
    multi-process, Ray) records the same value, so a rerun on another engine skips finished shards."""
    import hashlib

    from ..config import fingerprint, to_dict

    data = to_dict(cfg)
    for key in _SCHEDULING_FIELDS:
        data.pop(key)
    parts = [fingerprint(data)]
    if cfg.class_path:
        parts.append(_custom(cfg).fingerprint())
    if cfg.uses_model:
        import os

        from .model_detector import model_dir_digest

        parts.append(model_dir_digest(cfg.model) if os.path.isdir(cfg.model) else cfg.model)
    if cfg.class_path is None and cfg.kind in ("patterns", "hybrid"):
        parts.append(_patterns(cfg).fingerprint())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
