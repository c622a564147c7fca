"""The ``Span`` type and the span algebra used by every stage.

A span is a half-open ``[start, end)`` range of Python string indices into a
record's ``content`` with one category and, for predictions, a score.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable, Mapping, Sequence

from .errors import SpanError
from .labels import CATEGORIES


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    category: str
    score: float | None = None

    def __lt__(self, other: "Span") -> bool:
        return _order(self) < _order(other)

    @property
    def length(self) -> int:
        return self.end - self.start

    def overlaps(self, other: "Span") -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end

    def shift(self, offset: int) -> "Span":
        return replace(self, start=self.start + offset, end=self.end + offset)

    def with_category(self, category: str) -> "Span":
        return replace(self, category=category)

    def text(self, content: str) -> str:
        return content[self.start : self.end]

    def to_dict(self) -> dict:
        d = {"start": self.start, "end": self.end, "category": self.category}
        if self.score is not None:
            d["score"] = self.score
        return d

    @classmethod
    def from_dict(cls, d: Mapping, where: str = "") -> "Span":
        """Build from ``{"start", "end", "category", "score"?}``; ``where`` names the record in errors."""
        try:
            start, end, category = d["start"], d["end"], d["category"]
        except (KeyError, TypeError):
            raise SpanError(
                f"{where}: span {d!r} needs the keys start, end and category".lstrip(": ")
            ) from None
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            raise SpanError(f"{where}: span {d!r} has non-integer offsets".lstrip(": "))
        score = d.get("score")
        return cls(start, end, str(category), None if score is None else float(score))


def _order(s: Span) -> tuple:
    return (s.start, s.end, s.category, -1.0 if s.score is None else s.score)


def validate_spans(
    spans: Iterable[Span],
    text: str,
    record_id: object = "?",
    categories: Iterable[str] = CATEGORIES,
    allow_overlap: bool = False,
) -> list[Span]:
    """Check spans against ``text``: in range, non-empty, known category, no overlap.

    Returns the spans sorted; raises SpanError naming the record and the span.
    """
    known = set(categories)
    ordered = sort_spans(spans)
    for s in ordered:
        if s.category not in known:
            raise SpanError(
                f"record {record_id}: span [{s.start}, {s.end}) has unknown category {s.category!r}; "
                f"use one of {', '.join(sorted(known))}"
            )
        if s.start < 0 or s.end > len(text):
            raise SpanError(
                f"record {record_id}: span [{s.start}, {s.end}) {s.category} is outside the content "
                f"(length {len(text)}); offsets are Python string indices into content"
            )
        if s.end <= s.start:
            raise SpanError(f"record {record_id}: span [{s.start}, {s.end}) {s.category} is empty; end must exceed start")
    if not allow_overlap:
        for a, b in zip(ordered, ordered[1:]):
            if a.overlaps(b):
                raise SpanError(
                    f"record {record_id}: spans [{a.start}, {a.end}) {a.category} and [{b.start}, {b.end}) "
                    f"{b.category} overlap; gold spans never overlap (LABELING.md)"
                )
    return ordered


def sort_spans(spans: Iterable[Span]) -> list[Span]:
    """By start, then longer first, then category."""
    return sorted(spans, key=lambda s: (s.start, -s.end, s.category))


def _priority_longest(s: Span) -> tuple:
    return (-s.length, s.start, s.category)


def _priority_score(s: Span) -> tuple:
    return (-(s.score if s.score is not None else 0.0), -s.length, s.start, s.category)


OVERLAP_POLICIES: Mapping[str, Callable[[Span], tuple]] = {
    "longest": _priority_longest,
    "score": _priority_score,
}


def resolve_overlaps(spans: Iterable[Span], policy: str = "longest") -> list[Span]:
    """Keep a non-overlapping subset, greedily by priority (``longest`` or ``score``).

    The result is a subset of the input (no characters are invented), sorted.
    """
    key = OVERLAP_POLICIES[policy]
    kept: list[Span] = []
    for s in sorted(spans, key=key):
        if s.length > 0 and not any(s.overlaps(k) for k in kept):
            kept.append(s)
    return sort_spans(kept)


def merge_spans(spans: Iterable[Span], gap: int = 0, text: str | None = None) -> list[Span]:
    """Merge same-category spans that overlap, touch, or are at most ``gap`` characters apart.

    With ``text`` given, only whitespace may fill a gap. The merged score is the maximum.
    """
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.category, s.start, s.end)):
        if out and out[-1].category == s.category and s.start <= out[-1].end + gap:
            last = out[-1]
            between = "" if text is None or s.start <= last.end else text[last.end : s.start]
            if not between.strip():
                scores = [x for x in (last.score, s.score) if x is not None]
                out[-1] = Span(last.start, max(last.end, s.end), last.category, max(scores) if scores else None)
                continue
        out.append(s)
    return sort_spans(out)


def dedupe_spans(spans: Iterable[Span]) -> list[Span]:
    """Drop identical (start, end, category) spans, keeping the highest score."""
    best: dict[tuple, Span] = {}
    for s in spans:
        k = (s.start, s.end, s.category)
        if k not in best or (s.score or 0.0) > (best[k].score or 0.0):
            best[k] = s
    return sort_spans(best.values())


def shift_spans(spans: Iterable[Span], offset: int) -> list[Span]:
    return [s.shift(offset) for s in spans]


def map_categories(spans: Iterable[Span], mapping: Mapping[str, str | None]) -> list[Span]:
    """Rename categories; a category mapped to None (or missing) is dropped."""
    out = []
    for s in spans:
        target = mapping.get(s.category)
        if target is not None:
            out.append(s.with_category(target))
    return out


def clip_spans(spans: Iterable[Span], start: int, end: int) -> list[Span]:
    """Intersect each span with ``[start, end)``; spans left empty are dropped."""
    out = []
    for s in spans:
        a, b = max(s.start, start), min(s.end, end)
        if a < b:
            out.append(replace(s, start=a, end=b))
    return out


def overlap_groups(spans: Sequence[Span]) -> list[list[Span]]:
    """Connected components of the "shares a character" relation, in text order."""
    groups: list[list[Span]] = []
    group_end = -1
    for s in sort_spans(spans):
        if groups and s.start < group_end:
            groups[-1].append(s)
            group_end = max(group_end, s.end)
        else:
            groups.append([s])
            group_end = s.end
    return groups


def covered_chars(spans: Iterable[Span]) -> int:
    """Number of distinct characters covered by the spans."""
    total, cur_start, cur_end = 0, None, None
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        if cur_end is None or s.start > cur_end:
            if cur_end is not None:
                total += cur_end - cur_start
            cur_start, cur_end = s.start, s.end
        else:
            cur_end = max(cur_end, s.end)
    if cur_end is not None:
        total += cur_end - cur_start
    return total
