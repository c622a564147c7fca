"""Detection: texts in, PII spans out.

``Detector`` (the contract), ``DetectorConfig`` (every option, typed) and
``build_detector`` (config -> detector). The kinds: ``patterns`` (regexes with
validation, ``patterns.py``), ``model`` (a trained token classifier,
``model_detector.py`` + ``batching.py``), ``hybrid`` (both, ``hybrid.py``);
post-filters in ``filters.py``. Used by ``codepii detect``, ``eval/eval.py``,
``train/pseudo_label.py`` and the masking engine.
"""
from .base import Detector
from .build import build_detector, detector_fingerprint
from .config import DETECTOR_KINDS, DetectorConfig, detector_config

__all__ = ["DETECTOR_KINDS", "Detector", "DetectorConfig", "build_detector", "detector_config", "detector_fingerprint"]
