"""Chunking and stitching: chunks cover each file exactly; spans survive chunk -> stitch unchanged."""
from hypothesis import given, settings
from hypothesis import strategies as st

from codepii.crowd.chunk import chunk_records, clip_to_chunks, group_file_chunks, line_starts, split_lines, stitch_spans
from codepii.labels import AMBIGUOUS
from codepii.spans import Span

LINE = st.text(alphabet=st.sampled_from(list("ab é中😀\t\r\u2028\x0c")), max_size=6)
TEXT = st.lists(st.tuples(LINE, st.sampled_from(["\n", "\r\n"])), max_size=12).map(lambda ls: "".join(a + b for a, b in ls))


def _spans(text: str, cuts: list[int]) -> list[Span]:
    """Non-touching spans from sorted cut points (every other gap is a span)."""
    points = sorted({c % (len(text) + 1) for c in cuts})
    spans = [Span(a, b, "EMAIL") for a, b in zip(points[::2], points[1::2]) if b > a]
    return [s for i, s in enumerate(spans) if i == 0 or spans[i - 1].end < s.start]


@settings(max_examples=150, deadline=None)
@given(TEXT, st.integers(1, 4), st.lists(st.integers(0, 200), max_size=8))
def test_chunks_cover_text_and_spans_round_trip(text, lines, cuts):
    chunks = list(chunk_records([{"id": "f", "content": text}], lines))
    assert "".join(c["text"] for c in chunks) == text
    for c in chunks:
        assert text[c["char_offset"] : c["char_offset"] + len(c["text"])] == c["text"]
        assert c["text"].count("\n") <= lines  # CRLF, U+2028 and form feed do not end a line
    spans = _spans(text, cuts)
    per_chunk = clip_to_chunks(spans, chunks)
    for c in chunks:
        for s in per_chunk[c["chunk_id"]]:
            assert 0 <= s.start < s.end <= len(c["text"])
    assert stitch_spans([(c, per_chunk[c["chunk_id"]]) for c in chunks]) == spans


def test_offsets_exact_at_chunk_edges_with_crlf_and_unicode():
    text = "a😀\r\nb中\r\nc\n" + "é" * 3
    pieces = split_lines(text, 2)
    assert [(line, off) for line, off, _ in pieces] == [(1, 0), (3, 8)]
    assert pieces[0][2] == "a😀\r\nb中\r\n" and pieces[1][2] == "c\néé" + "é"
    assert line_starts("x\n") == [0]  # no empty last line after a final newline
    # an entity across the edge comes back whole; one ending just before it stays apart
    spans = [Span(6, 12, "KEY"), Span(0, 2, "NAME")]
    chunks = list(chunk_records([{"id": 7, "content": text}], 2))
    per_chunk = clip_to_chunks(spans, chunks)
    assert per_chunk["7:1"] == [Span(0, 2, "NAME"), Span(6, 8, "KEY")] and per_chunk["7:3"] == [Span(0, 4, "KEY")]
    assert stitch_spans([(c, per_chunk[c["chunk_id"]]) for c in chunks]) == sorted(spans)


def test_pieces_with_different_categories_across_an_edge_become_ambiguous():
    chunks = list(chunk_records([{"id": "f", "content": "ab\ncd\n"}], 1))
    parts = [(chunks[0], [Span(1, 3, "KEY")]), (chunks[1], [Span(0, 1, "PASSWORD")])]
    assert stitch_spans(parts) == [Span(1, 4, AMBIGUOUS)]


def test_empty_file_keeps_one_chunk_and_gaps_are_errors():
    import pytest

    from codepii.errors import RecordError

    chunks = list(chunk_records([{"id": "e", "content": ""}, {"id": "f", "content": "x\ny\n", "language": "py"}], 1))
    assert [c["chunk_id"] for c in chunks] == ["e:1", "f:1", "f:2"] and chunks[1]["language"] == "py"
    with pytest.raises(RecordError, match="chunk f:2: starts at offset 3 but the previous chunk of file .f. ends at 2"):
        group_file_chunks([chunks[1], {**chunks[2], "char_offset": 3}])
    with pytest.raises(RecordError, match="duplicate file id 'e'"):
        list(chunk_records([{"id": "e", "content": "a"}, {"id": "e", "content": "b"}]))
    with pytest.raises(RecordError, match="missing column"):
        list(chunk_records([{"id": "e", "text": "a"}]))
