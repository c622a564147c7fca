"""Spans <-> BIO token windows, shared by training, detection and masking.

Texts are tokenized once with a fast tokenizer and cut into windows of
``max_length`` tokens (special tokens included) that overlap by ``stride``
tokens. Token offsets are character offsets into the original text, so the
same windows serve to make training labels and to turn predicted token
probabilities back into character spans.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .labels import IGNORE, IGNORE_INDEX, OUTSIDE, TagSet, begin_tag, inside_tag
from .spans import Span


@dataclass
class Window:
    sample: int  # index of the text in the batch given to tokenize_windows
    input_ids: list[int]
    attention_mask: list[int]
    offsets: list[tuple[int, int]]  # char offsets into the original text; (0, 0) for special tokens
    special: list[bool]
    word_ids: list[int | None]

    def __len__(self) -> int:
        return len(self.input_ids)


def tokenize_windows(tokenizer, texts: Sequence[str], max_length: int, stride: int) -> list[Window]:
    """Tokenize ``texts`` into overlapping windows (in text order, then window order)."""
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError("codepii needs a fast (Rust) tokenizer for character offsets")
    if stride >= max_length - 2:
        raise ValueError(f"stride ({stride}) must be smaller than max_length - 2 ({max_length - 2})")
    texts = list(texts)
    enc = tokenizer(
        texts,
        truncation=True,
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        return_special_tokens_mask=True,
        return_attention_mask=True,
    )
    samples = enc["overflow_to_sample_mapping"]
    windows = []
    for i, sample in enumerate(samples):
        special = [bool(s) for s in enc["special_tokens_mask"][i]]
        text = texts[int(sample)]
        offsets = [(0, 0) if sp else _trim(text, int(a), int(b)) for (a, b), sp in zip(enc["offset_mapping"][i], special)]
        windows.append(
            Window(
                sample=int(sample),
                input_ids=list(enc["input_ids"][i]),
                attention_mask=list(enc["attention_mask"][i]),
                offsets=offsets,
                special=special,
                word_ids=list(enc.word_ids(i)),
            )
        )
    return windows


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    """Offsets without leading whitespace: byte-level BPE trims a token's leading
    space, except on the first token of an overflow window (tokenizers 0.23), where
    " Smith" would start on the space and disagree with the previous window."""
    start = a
    while start < b and text[start].isspace():
        start += 1
    return (start, b) if start < b else (a, b)  # an all-whitespace token keeps its offsets


def _span_at(spans: Sequence[Span], starts: np.ndarray, a: int, b: int) -> int | None:
    """Index of the (first) span overlapping [a, b), spans sorted and non-overlapping."""
    i = int(np.searchsorted(starts, b, side="left")) - 1  # last span starting before b
    return i if i >= 0 and spans[i].end > a else None


def window_labels(
    window: Window,
    spans: Sequence[Span],
    tagset: TagSet,
    label_all_tokens: bool = True,
    unknown: Sequence[tuple[int, int]] = (),
) -> list[int]:
    """Label ids for one window: B- on the token where an entity starts, I- after.

    Every non-special token that overlaps an entity gets the entity's class;
    classes mapped to IGNORE (AMBIGUOUS by default) and special tokens get -100,
    classes mapped to OUTSIDE get O. With ``label_all_tokens=False`` the
    continuation sub-tokens of a word get -100. A token that would be O but
    overlaps an ``unknown`` range (sorted, disjoint ``[start, end)``: an
    unresolved crowd task, see ``codepii.unresolved``) gets -100: the crowd did
    not say it is not PII.
    """
    ordered = sorted(spans, key=lambda s: s.start)
    starts = np.array([s.start for s in ordered], dtype=np.int64)
    unknown_spans = [Span(a, b, OUTSIDE) for a, b in unknown]
    unknown_starts = np.array([a for a, _ in unknown], dtype=np.int64)
    tag2id = tagset.tag2id
    labels: list[int] = []
    prev_span, prev_word = None, None
    for (a, b), special, word in zip(window.offsets, window.special, window.word_ids):
        if special or a == b:
            labels.append(IGNORE_INDEX)
            prev_span = None
            continue
        idx = _span_at(ordered, starts, a, b)
        target = OUTSIDE if idx is None else tagset.target(ordered[idx].category)
        if target == IGNORE:
            label = IGNORE_INDEX
        elif target == OUTSIDE:
            known = not unknown_spans or _span_at(unknown_spans, unknown_starts, a, b) is None
            label = tag2id[OUTSIDE] if known else IGNORE_INDEX
        else:
            # B- only on the token where the entity starts, so a window that
            # begins inside an entity continues it with I- (windows agree).
            label = tag2id[inside_tag(target) if idx == prev_span or a > ordered[idx].start else begin_tag(target)]
        if not label_all_tokens and word is not None and word == prev_word:
            label = IGNORE_INDEX
        labels.append(label)
        prev_span, prev_word = idx, word
    return labels


def encode_records(
    tokenizer,
    texts: Sequence[str],
    entities: Sequence[Sequence[Mapping]],
    tagset: TagSet,
    max_length: int,
    stride: int,
    label_all_tokens: bool = True,
    unknown: Sequence[Sequence[tuple[int, int]]] | None = None,
    drop_unknown_windows: bool = False,
) -> dict[str, list]:
    """Columns ``input_ids``, ``attention_mask``, ``labels``, ``sample`` for ``datasets.map(batched=True)``.

    ``unknown``: per text, the ranges whose PII is not known (O there becomes
    -100); with ``drop_unknown_windows`` a window touching one is left out instead.
    """
    windows = tokenize_windows(tokenizer, texts, max_length, stride)
    span_lists = [[Span.from_dict(e) for e in ents] for ents in entities]
    unknown = unknown or [()] * len(span_lists)
    out: dict[str, list] = {"input_ids": [], "attention_mask": [], "labels": [], "sample": []}
    for w in windows:
        ranges = unknown[w.sample]
        if drop_unknown_windows and ranges and _touches(w, ranges):
            continue
        out["input_ids"].append(w.input_ids)
        out["attention_mask"].append(w.attention_mask)
        out["labels"].append(window_labels(w, span_lists[w.sample], tagset, label_all_tokens, () if drop_unknown_windows else ranges))
        out["sample"].append(w.sample)
    return out


def _touches(window: Window, ranges: Sequence[tuple[int, int]]) -> bool:
    """Whether a real token of the window overlaps one of the ranges."""
    tokens = [(a, b) for (a, b), sp in zip(window.offsets, window.special) if not sp and a < b]
    if not tokens:
        return False
    lo, hi = tokens[0][0], tokens[-1][1]
    return any(a < hi and lo < b for a, b in ranges)


def merge_window_probs(windows: Sequence[Window], probs: Sequence[np.ndarray]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per sample: sorted token offsets ``(n_tokens, 2)`` and probabilities ``(n_tokens, n_tags)``.

    A token seen by several overlapping windows gets the mean of their
    probabilities (float64, summed in window order). Vectorized: no Python
    step per token.
    """
    if not windows:
        return {}
    keys, rows = [], []
    for w, p in zip(windows, probs):
        off = np.asarray(w.offsets, dtype=np.int64).reshape(-1, 2)  # (len, 2)
        keep = ~np.asarray(w.special, dtype=bool) & (off[:, 0] != off[:, 1])
        kept = off[keep]
        keys.append(np.column_stack([np.full(len(kept), w.sample, dtype=np.int64), kept]))  # (n, 3)
        rows.append(np.asarray(p)[keep])
    key = np.concatenate(keys)  # (n, 3): sample, start, end
    prob = np.concatenate(rows).astype(np.float64)  # (n, n_tags)
    # A sample whose windows hold no real token (an empty text) is present, empty, as in bio.
    out = {w.sample: (np.zeros((0, 2), dtype=np.int64), np.zeros((0, 0))) for w in windows}
    if len(key) == 0:
        return out
    order = np.lexsort((key[:, 2], key[:, 1], key[:, 0]))  # stable: window order kept among equals
    key, prob = key[order], prob[order]
    first = np.flatnonzero(np.r_[True, np.any(key[1:] != key[:-1], axis=1)])
    counts = np.diff(np.r_[first, len(key)])
    # Most tokens are seen by one window: start from each token's first row and
    # add the later rows (window order, like bio) only where windows overlap.
    sums = prob[first].copy()
    later = np.ones(len(key), dtype=bool)
    later[first] = False
    if later.any():
        group = np.repeat(np.arange(len(first)), counts)
        np.add.at(sums, group[later], prob[later])
    merged = sums / counts[:, None]
    uniq = key[first]
    bounds = np.flatnonzero(np.r_[True, uniq[1:, 0] != uniq[:-1, 0], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        out[int(uniq[a, 0])] = (uniq[a:b, 1:], merged[a:b])
    return out


def probs_to_spans(
    offsets: np.ndarray,
    probs: np.ndarray,
    tagset: TagSet,
    thresholds: Mapping[str, float] | None = None,
    default_threshold: float = 0.5,
) -> list[Span]:
    """Character spans from per-token tag probabilities (see module docstring)."""
    if len(offsets) == 0:
        return []
    tag2id = tagset.tag2id
    classes = list(tagset.classes)
    b_idx = np.array([tag2id[begin_tag(c)] for c in classes])
    i_idx = np.array([tag2id[inside_tag(c)] for c in classes])
    mass = probs[:, b_idx] + probs[:, i_idx]  # (n_tokens, n_classes)
    best = mass.argmax(axis=1)
    best_mass = mass[np.arange(len(mass)), best]
    limits = np.array([(thresholds or {}).get(c, default_threshold) for c in classes])
    is_entity = (best_mass >= limits[best]) & (best_mass > probs[:, tag2id[OUTSIDE]])
    begins = probs[np.arange(len(mass)), b_idx[best]] > probs[np.arange(len(mass)), i_idx[best]]
    # Entities never touch without a separator character, so tokens glued to
    # each other (no gap) belong to one entity whatever B-/class flips a weak
    # model makes inside it: a glued run is one span whose class is the one
    # with the most mass over the run, and a single O token glued between two
    # entity tokens (the "@" of an email, a "." in a key) is filled. Across a
    # gap (whitespace, "John Smith") a B- or a class change starts a new span.
    glued = np.zeros(len(offsets), dtype=bool)
    glued[1:] = offsets[1:, 0] == offsets[:-1, 1]
    if len(offsets) > 2:
        fill = np.flatnonzero(~is_entity[1:-1] & is_entity[:-2] & is_entity[2:] & glued[1:-1] & glued[2:]) + 1
        is_entity[fill] = True
    spans: list[Span] = []
    run: list[int] = []
    for t in range(len(offsets)):
        if not is_entity[t]:
            run = _close(run, offsets, mass, spans, classes)
            continue
        if run and not glued[t] and (best[t] != best[run[-1]] or begins[t]):
            run = _close(run, offsets, mass, spans, classes)
        run.append(t)
    _close(run, offsets, mass, spans, classes)
    return spans


def _close(run: list[int], offsets: np.ndarray, mass: np.ndarray, spans: list[Span], classes: list[str]) -> list[int]:
    """Turn a run of token indices into a span of the class with the most mass; returns an empty run."""
    if run:
        c = int(mass[run].sum(axis=0).argmax())
        score = float(mass[run, c].mean())
        spans.append(Span(int(offsets[run[0], 0]), int(offsets[run[-1], 1]), classes[c], round(score, 6)))
    return []


def decode_windows(
    windows: Sequence[Window],
    probs: Sequence[np.ndarray],
    tagset: TagSet,
    thresholds: Mapping[str, float] | None = None,
    n_samples: int | None = None,
) -> list[list[Span]]:
    """One span list per input text from window probabilities ``(window_len, n_tags)``."""
    merged = merge_window_probs(windows, probs)
    n = n_samples if n_samples is not None else (max(merged) + 1 if merged else 0)
    return [probs_to_spans(*merged[i], tagset, thresholds) if i in merged else [] for i in range(n)]


def one_hot(labels: Sequence[int], n_tags: int) -> np.ndarray:
    """Probabilities ``(n_tokens, n_tags)`` that put all mass on each label (-100 → O)."""
    out = np.zeros((len(labels), n_tags))
    for t, label in enumerate(labels):
        out[t, 0 if label == IGNORE_INDEX else label] = 1.0
    return out
