"""Whole-word spans: NAME/USERNAME/ID spans glued to a piece of a word are snapped outward or dropped."""
from __future__ import annotations

import pytest

from codepii.detect.words import snap_span, snap_to_words, word_at
from codepii.spans import Span


def span_of(text: str, piece: str, category: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(piece, start + 1)
    return Span(start, start + len(piece), category, 0.9)


def snapped(text: str, piece: str, category: str) -> str | None:
    s = snap_span(text, span_of(text, piece, category))
    return None if s is None else text[s.start : s.end]


def test_piece_of_a_domain_is_dropped():
    text = "see https://ikebukurosokyo.jp/docs for details"
    assert snapped(text, "sokyo", "NAME") is None
    assert snapped(text, "sokyo", "USERNAME") is None
    assert snapped(text, "sokyo", "ID") is None


def test_most_of_a_handle_snaps_to_the_whole_handle():
    text = "Fixed by @jdoe in #123."
    assert snapped(text, "@jdo", "USERNAME") == "@jdoe"
    assert snapped(text, "jdo", "USERNAME") == "@jdoe"  # the leading @ belongs to the handle
    assert snapped(text, "@j", "USERNAME") is None  # 2 of 5 characters: a fragment


def test_correct_spans_are_unchanged():
    text = "Thanks to Jane Smith (@jane-smith) and john.doe; bucket acme-prod-logs, account 210987654321.\n"
    for piece, category in (("Jane Smith", "NAME"), ("@jane-smith", "USERNAME"), ("john.doe", "USERNAME"),
                            ("acme-prod-logs", "ID"), ("210987654321", "ID"), ("Smith", "NAME_LICENSE")):
        span = span_of(text, piece, category)
        assert snap_span(text, span) is span


def test_username_word_keeps_inner_dots_and_hyphens_but_not_trailing_ones():
    text = "thanks @pixel-fox.dev. and /home/ana_b/"
    assert snapped(text, "@pixel-fo", "USERNAME") == "@pixel-fox.dev"
    assert snapped(text, "ana_", "USERNAME") == "ana_b"
    # For NAME the hyphen and dot separate words: a boundary on them is not inside a word.
    assert snapped(text, "pixel", "NAME") == "pixel"


def test_multi_word_name_cut_back_when_the_last_word_is_a_fragment():
    text = "Ported by Jean Martinez, 2019"
    assert snapped(text, "Jean Martinez", "NAME") == "Jean Martinez"
    assert snapped(text, "Jean Martin", "NAME") == "Jean Martinez"  # 6 of 8 letters: snapped out
    assert snapped(text, "Jean M", "NAME") == "Jean"  # 1 of 8: cut back, the space trimmed
    assert snapped(text, "an Martinez", "NAME") == "Jean Martinez"
    assert snapped(text, "n Martinez", "NAME") == "Martinez"


def test_other_categories_and_spaceless_scripts_untouched():
    text = "key=ghp_abc123 感谢王伟提供的补丁 email jo@ex.io"
    key = span_of(text, "abc1", "KEY")
    assert snap_span(text, key) is key
    assert snapped(text, "王伟", "NAME") == "王伟"  # CJK writes no spaces: every character is a word
    assert snap_span(text, span_of(text, "jo@ex", "EMAIL")).end == text.index("@ex") + 3


@pytest.mark.parametrize("i, username, expected", [(0, False, (0, 4)), (5, False, None), (6, True, (5, 10)), (7, False, (6, 8))])
def test_word_at(i, username, expected):
    assert word_at("abcd @ef.g h", i, username) == expected


def test_snap_to_words_keeps_spans_sorted_and_disjoint():
    text = "by @jdoe and Jane Smith"
    spans = [Span(3, 6, "USERNAME"), Span(6, 8, "USERNAME"), Span(13, 22, "NAME"), Span(0, 2, "KEY")]
    out = snap_to_words(text, sorted(spans))
    assert [(s.start, s.end, s.category) for s in out] == [(0, 2, "KEY"), (3, 8, "USERNAME"), (13, 23, "NAME")]
