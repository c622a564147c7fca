"""The detector flags shared by ``codepii detect`` and ``eval/eval.py``: one DetectorConfig from them.

``--model DIR``, ``--threshold CAT=X`` (repeatable) and ``--option KEY=VALUE``
(any DetectorConfig field, dotted; repeatable) fill the same typed config the
masking recipe nests as ``detector:``; a bad key is an error naming it.
"""
from __future__ import annotations

import argparse

from ..errors import ConfigError
from .config import DetectorConfig


def add_detector_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="trained model dir (save_pretrained + codepii.json); needed for model and hybrid")
    p.add_argument(
        "--threshold", action="append", default=[], metavar="CAT=X",
        help="probability threshold of one category, overriding the model's (repeatable)",
    )
    p.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE",
        help="any detector config key, dotted (max_tokens_per_batch=8192, filters.key_min_chars=9; repeatable; "
        "docs/detect.md lists them)",
    )


def parse_thresholds(items: list[str]) -> dict[str, float]:
    """``["KEY=0.3"]`` -> ``{"KEY": 0.3}``; a malformed item is a ConfigError naming it."""
    out: dict[str, float] = {}
    for item in items:
        cat, sep, value = item.partition("=")
        try:
            out[cat.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not cat.strip():
            raise ConfigError(f"--threshold {item!r}: expected CATEGORY=PROBABILITY, for example KEY=0.3")
    return out


def detector_config_from_args(args: argparse.Namespace, kind: str) -> DetectorConfig:
    """The DetectorConfig of ``kind`` that the flags describe."""
    from ..config import apply_overrides, from_dict

    if kind in ("model", "hybrid") and not args.model:
        raise ConfigError(f"--detector {kind} needs --model DIR (a trained model dir); or use --detector patterns")
    options = apply_overrides({}, args.option)
    for key in ("kind", "model"):
        if key in options:
            raise ConfigError(f"--option {key}=...: use --{'detector' if key == 'kind' else 'model'} instead")
    thresholds = parse_thresholds(args.threshold)
    if thresholds:
        options["thresholds"] = {**options.get("thresholds", {}), **thresholds}
    options.update(kind=kind, model=None if kind == "patterns" else args.model)
    try:
        return from_dict(DetectorConfig, options, prefix="--option ")
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("config key '--option ", "--option '")) from None
