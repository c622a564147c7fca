"""overlaps.GreedySpans, run level by level with candidates dropped early, keeps what one global greedy pass keeps."""
from __future__ import annotations

import random

from codepii.detect.overlaps import GreedySpans


def _global_greedy(found: list[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    """(priority, start, end, tag): sorted by priority, longer, leftmost (stable), each kept unless it overlaps."""
    kept: list[tuple[int, int, str]] = []
    for _, start, end, tag in sorted(found, key=lambda f: (f[0], f[1] - f[2], f[1])):
        if all(end <= s or e <= start for s, e, _ in kept):
            kept.append((start, end, tag))
    return sorted(kept)


def _by_levels(found: list[tuple[int, int, int, str]], skip_dominated: bool) -> list[tuple[int, int, str]]:
    greedy: GreedySpans[str] = GreedySpans()
    level: list[tuple[int, int, str]] = []
    current = None
    for priority, start, end, tag in sorted(found, key=lambda f: f[0]):  # stable: rule order within a level
        if priority != current:
            greedy.settle(level)
            current = priority
        if skip_dominated and greedy.overlaps(start, end):
            continue
        level.append((start, end, tag))
    greedy.settle(level)
    return greedy.kept


def test_levels_keep_what_the_global_greedy_keeps():
    rng = random.Random(7)
    for case in range(3000):
        found = []
        for k in range(rng.randint(0, 14)):
            start = rng.randint(0, 40)
            found.append((rng.randint(0, 4), start, start + rng.randint(1, 12), f"r{k}"))
        expected = _global_greedy(found)
        assert _by_levels(found, skip_dominated=False) == expected, found
        assert _by_levels(found, skip_dominated=True) == expected, found


def test_overlap_test_is_exact():
    greedy: GreedySpans[str] = GreedySpans()
    greedy.settle([(10, 20, "a"), (30, 31, "b")])
    assert greedy.overlaps(19, 25) and greedy.overlaps(0, 11) and greedy.overlaps(30, 31) and greedy.overlaps(5, 40)
    assert not greedy.overlaps(20, 30) and not greedy.overlaps(0, 10) and not greedy.overlaps(31, 99)
