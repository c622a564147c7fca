"""Evaluation metrics: entity-level seqeval on BIO tags, and char-span metrics on records.

seqeval runs through a local ``evaluate`` module loaded by path (the hub one
fails offline). Char-span scoring follows DESIGN.md "Metrics JSON".
"""
from __future__ import annotations

import functools
import warnings
from typing import Sequence

from .labels import BEGIN, INSIDE, OUTSIDE


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
