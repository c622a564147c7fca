"""Overlaps between pattern spans, resolved greedily by rule priority while the rules run.

The pattern detector keeps, among overlapping spans, the one of the rule with
the lowest priority number, then the longest, then the leftmost (sorted that
way, each span is kept unless it overlaps one kept before it). Run level by
level in priority order, the same greedy choice is final for a level before the
next one starts: so a later rule's candidate that overlaps a span kept at an
earlier level is dropped without running its checks (a ``SECRET = "ghp_..."``
assignment under the GitHub token rule), and the result is the same.
"""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Generic, TypeVar

from ..spans import Span

if TYPE_CHECKING:
    from .patterns import PatternRule

R = TypeVar("R")


def _longest_then_leftmost(span: tuple[int, int, object]) -> tuple[int, int]:
    return span[0] - span[1], span[0]


class GreedySpans(Generic[R]):
    """Kept spans ``(start, end, rule)``, never overlapping, sorted by start (so by end too)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.kept: list[tuple[int, int, R]] = []

    def overlaps(self, start: int, end: int) -> bool:
        """Does ``[start, end)`` share a character with a kept span?"""
        if not self.kept:
            return False
        i = bisect.bisect_right(self.starts, start)
        return (i > 0 and self.kept[i - 1][1] > start) or (i < len(self.kept) and self.kept[i][0] < end)

    def settle(self, level: list[tuple[int, int, R]]) -> None:
        """Keep the spans of one priority level (given in rule order), longest first, then leftmost
        (ties: the earlier rule), each unless it overlaps a kept one; empties ``level``."""
        if len(level) > 1:
            level.sort(key=_longest_then_leftmost)
        for span in level:
            start, end = span[0], span[1]
            if not self.overlaps(start, end):
                i = bisect.bisect_right(self.starts, start)
                self.starts.insert(i, start)
                self.kept.insert(i, span)
        level.clear()

    def spans(self: "GreedySpans[PatternRule]") -> list[Span]:
        return [Span(start, end, rule.category, rule.score) for start, end, rule in self.kept]
