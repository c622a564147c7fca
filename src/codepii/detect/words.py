"""Whole-word spans: a NAME, USERNAME or ID the model found never starts or ends inside a word.

A token classifier marks sub-word pieces: one letter of a handle, ``sokyo``
of a domain, ``Smi`` of ``Smith``. Each such piece is both a false alarm and
a miss. :func:`snap_to_words` runs on every model-derived span (the
ModelDetector's decoding, so ``codepii detect``, eval and mask all get it): a
boundary strictly inside a word is moved outward to the word's edge when the
span already covers at least half of that word, else the span is cut back to
leave that word out; a span left with nothing is dropped.

A *word* is a run of letters, digits and ``_``; for USERNAME also ``-`` and
``.`` between such characters (``john.doe``, ``jean-luc``) and one leading
``@``. Ideographic scripts (CJK, kana, hangul, Thai) write no spaces between
words, so each of their characters is a word of its own there.
"""
from __future__ import annotations

from typing import Sequence

from ..labels import main_category
from ..spans import Span

WHOLE_WORD_CATEGORIES = ("NAME", "USERNAME", "ID")
MIN_COVERED_FRACTION = 0.5  # of a word's characters, for a boundary inside it to snap outward
_SPACELESS = ((0x0E00, 0x0E7F), (0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))


def _spaceless(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _SPACELESS)


def _core(ch: str) -> bool:
    """A character that joins a word in every category."""
    return (ch.isalnum() or ch == "_") and not _spaceless(ch)


def _joins(text: str, i: int, username: bool) -> bool:
    """Whether ``text[i]`` is part of the word around it (``-``/``.`` only inside a handle)."""
    if i < 0 or i >= len(text):
        return False
    ch = text[i]
    if _core(ch):
        return True
    if username and ch in "-.":
        return i > 0 and i + 1 < len(text) and _core(text[i - 1]) and _core(text[i + 1])
    return False


def word_at(text: str, i: int, username: bool = False) -> tuple[int, int] | None:
    """``[start, end)`` of the word holding ``text[i]``, or None when that character is in no word."""
    if not _joins(text, i, username):
        return None
    lo, hi = i, i + 1
    while _joins(text, lo - 1, username):
        lo -= 1
    while _joins(text, hi, username):
        hi += 1
    if username and lo > 0 and text[lo - 1] == "@" and not (lo > 1 and _core(text[lo - 2])):
        lo -= 1  # a handle's leading @ (not the @ of an email address)
    return lo, hi


def _covered(start: int, end: int, word: tuple[int, int]) -> float:
    return (min(end, word[1]) - max(start, word[0])) / (word[1] - word[0])


def _edge(ch: str) -> bool:
    """A character a cut span may not start or end on (spaces, dots, commas left by the cut)."""
    return not (ch.isalnum() or ch == "_")


def snap_span(text: str, span: Span) -> Span | None:
    """The span with whole-word boundaries, or None when it held only a small piece of a word."""
    category = main_category(span.category)
    if category not in WHOLE_WORD_CATEGORIES or span.end <= span.start:
        return span
    username = category == "USERNAME"
    start, end = span.start, span.end
    at = username and text[start] == "@" and start + 1 < end
    first = word_at(text, start + 1 if at else start, username)
    if first is not None and first[0] < start:
        if _covered(start, end, first) >= MIN_COVERED_FRACTION:
            start = first[0]
        else:
            start = first[1]
            while start < end and _edge(text[start]):
                start += 1
    last = word_at(text, end - 1, username) if end > start else None
    if last is not None and last[1] > end:
        if _covered(start, end, last) >= MIN_COVERED_FRACTION:
            end = last[1]
        else:
            end = last[0]
            while end > start and _edge(text[end - 1]):
                end -= 1
    if start >= end:
        return None
    return span if (start, end) == (span.start, span.end) else Span(start, end, span.category, span.score)


def snap_to_words(text: str, spans: Sequence[Span]) -> list[Span]:
    """Every NAME/USERNAME/ID span snapped to whole words (or dropped); other spans unchanged.

    Snapping can make two neighbouring spans touch or overlap: the later one is
    dropped then, so spans stay sorted and disjoint.
    """
    out: list[Span] = []
    for s in spans:
        snapped = snap_span(text, s)
        if snapped is None:
            continue
        if out and snapped.start < out[-1].end:
            continue
        out.append(snapped)
    return out
