import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepii.errors import SpanError
from codepii.spans import (
    Span,
    clip_spans,
    covered_chars,
    dedupe_spans,
    map_categories,
    merge_spans,
    overlap_groups,
    resolve_overlaps,
    shift_spans,
    sort_spans,
    validate_spans,
)

CATS = ["NAME", "EMAIL", "KEY"]


@st.composite
def spans(draw, max_len=200):
    start = draw(st.integers(0, max_len - 1))
    end = draw(st.integers(start + 1, max_len))
    score = draw(st.one_of(st.none(), st.floats(0, 1)))
    return Span(start, end, draw(st.sampled_from(CATS)), score)


span_lists = st.lists(spans(), max_size=30)


def chars(ss):
    return {(i, s.category) for s in ss for i in range(s.start, s.end)}


@given(span_lists, st.sampled_from(["longest", "score"]))
def test_resolve_overlaps_leaves_no_overlap_and_invents_nothing(ss, policy):
    out = resolve_overlaps(ss, policy)
    assert all(not a.overlaps(b) for a, b in zip(out, out[1:]))
    assert set(out) <= set(ss)
    assert chars(out) <= chars(ss)
    # maximality: every dropped span overlaps a kept one
    for s in ss:
        assert s in out or any(s.overlaps(k) for k in out)


@given(span_lists, st.integers(-50, 50))
def test_shift_unshift_is_identity(ss, k):
    assert shift_spans(shift_spans(ss, k), -k) == ss


@given(span_lists)
def test_merge_keeps_characters_per_category(ss):
    out = merge_spans(ss)
    assert chars(out) == chars(ss)
    for a in out:
        for b in out:
            if a is not b and a.category == b.category:
                assert not (a.start <= b.end and b.start <= a.end)


@given(span_lists)
def test_covered_chars_matches_set(ss):
    assert covered_chars(ss) == len({i for s in ss for i in range(s.start, s.end)})


@given(span_lists)
def test_overlap_groups_partition(ss):
    groups = overlap_groups(ss)
    assert sorted(s for g in groups for s in g) == sorted(ss)
    for g1, g2 in zip(groups, groups[1:]):
        assert max(s.end for s in g1) <= min(s.start for s in g2)


@settings(max_examples=50)
@given(span_lists, st.integers(0, 100), st.integers(0, 100))
def test_clip_stays_inside(ss, a, b):
    lo, hi = min(a, b), max(a, b)
    for s in clip_spans(ss, lo, hi):
        assert lo <= s.start < s.end <= hi


def test_merge_gap_only_over_whitespace():
    text = "John  Smith,Doe"
    a, b, c = Span(0, 4, "NAME"), Span(6, 11, "NAME"), Span(12, 15, "NAME")
    assert merge_spans([a, b], gap=2, text=text) == [Span(0, 11, "NAME")]
    assert merge_spans([b, c], gap=1, text=text) == [b, c]


def test_validate_messages_name_record_and_span():
    text = "hello world"
    assert validate_spans([Span(6, 11, "NAME"), Span(0, 5, "EMAIL")], text, "r1")[0].start == 0
    with pytest.raises(SpanError, match=r"record r1: span \[3, 20\) NAME is outside"):
        validate_spans([Span(3, 20, "NAME")], text, "r1")
    with pytest.raises(SpanError, match="empty"):
        validate_spans([Span(3, 3, "NAME")], text, "r1")
    with pytest.raises(SpanError, match="unknown category 'PHONE'"):
        validate_spans([Span(0, 2, "PHONE")], text, "r1")
    with pytest.raises(SpanError, match="overlap"):
        validate_spans([Span(0, 5, "NAME"), Span(4, 6, "EMAIL")], text, "r1")
    validate_spans([Span(0, 5, "NAME"), Span(4, 6, "EMAIL")], text, "r1", allow_overlap=True)


def test_small_helpers():
    s = Span(2, 5, "NAME", 0.5)
    assert Span.from_dict(s.to_dict()) == s
    with pytest.raises(SpanError, match="start, end and category"):
        Span.from_dict({"start": 1})
    with pytest.raises(SpanError, match="non-integer"):
        Span.from_dict({"start": "1", "end": 2, "category": "NAME"})
    assert map_categories([s, Span(0, 1, "KEY")], {"NAME": "X"}) == [Span(2, 5, "X", 0.5)]
    assert dedupe_spans([Span(0, 1, "K", 0.1), Span(0, 1, "K", 0.9)]) == [Span(0, 1, "K", 0.9)]
    assert sort_spans([Span(3, 4, "A"), Span(0, 9, "A"), Span(0, 2, "A")])[0] == Span(0, 9, "A")
