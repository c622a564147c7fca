"""Spans -> BIO windows -> spans, on generated texts.

What a token boundary can change (the round-trip guarantee): a gold span whose
category maps to a training class comes back with the same class, its start
moved left to the start of the first token it overlaps and its end moved right
to the end of the last token it overlaps (a span starting or ending inside a
token is widened to that token). Nothing else changes, provided no token
overlaps two gold spans (here: spans are separated by whitespace, which byte-
level BPE never puts inside a token). Spans mapped to O (``*_EXAMPLE``) or
IGNORE (``AMBIGUOUS``) come back as nothing. Windows and stride change
nothing: a token seen by two windows gets the same label in both.
"""
from __future__ import annotations

import functools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from codepii.bio import decode_windows, encode_records, one_hot, tokenize_windows, window_labels
from codepii.labels import AMBIGUOUS, CATEGORIES, IGNORE, IGNORE_INDEX, OUTSIDE, TagSet
from codepii.spans import Span

WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789_.@:/-=\"'é名"
SEPARATORS = [" ", "\n", "  ", "\t", " = ", ", "]
CORPUS = [
    'password = "hunter2"  # set by john.smith@example.com',
    "def connect(host='10.0.0.1', user='admin'):\n    return Client(host, user)",
    "Copyright (c) 2020 Jane Doe <jane@doe.org>\nAPI_KEY = 'sk-abcdef0123456789'",
    "ssh-rsa AAAAB3NzaC1yc2E user@host é 名前",
] * 5


@functools.lru_cache(maxsize=1)
def tokenizer():
    from codepii.model import train_tokenizer

    return train_tokenizer(CORPUS, vocab_size=300)


@st.composite
def documents(draw):
    """A text of words joined by whitespace-bearing separators, and non-overlapping spans over words."""
    n_words = draw(st.integers(1, 30))
    words = [draw(st.text(WORD_CHARS, min_size=1, max_size=12)) for _ in range(n_words)]
    seps = [draw(st.sampled_from(SEPARATORS)) for _ in range(n_words - 1)] + [""]
    starts, text = [], ""
    for w, s in zip(words, seps):
        starts.append(len(text))
        text += w + s
    spans, i = [], 0
    while i < n_words:
        if draw(st.booleans()):
            j = min(n_words, i + draw(st.integers(1, 3)))  # a span over words i..j-1
            start, end = starts[i], starts[j - 1] + len(words[j - 1])
            if j - i == 1 and len(words[i]) > 1 and draw(st.booleans()):
                # part of one word: the token boundary may widen it
                a = draw(st.integers(0, len(words[i]) - 1))
                b = draw(st.integers(a + 1, len(words[i])))
                start, end = starts[i] + a, starts[i] + b
            spans.append(Span(start, end, draw(st.sampled_from(CATEGORIES))))
            i = j + 1  # leave a separator word between spans
        else:
            i += 1
    return text, spans


def windows_params():
    return st.sampled_from([(8, 0), (8, 2), (16, 4), (64, 8), (512, 0)])


def expected_spans(text: str, spans: list[Span], tagset: TagSet) -> list[Span]:
    """Gold spans mapped to a class, widened to the boundaries of the tokens they overlap."""
    enc = tokenizer()(text, return_offsets_mapping=True, add_special_tokens=False)
    offsets = [(a, b) for a, b in enc["offset_mapping"] if a < b]
    out = []
    for s in spans:
        target = tagset.target(s.category)
        if target in (OUTSIDE, IGNORE):
            continue
        hit = [(a, b) for a, b in offsets if a < s.end and s.start < b]
        assert hit, f"span {s} overlaps no token of {text!r}"
        out.append(Span(min(a for a, _ in hit), max(b for _, b in hit), target))
    return sorted(out)


@settings(max_examples=150, deadline=None)
@given(documents(), windows_params(), st.sampled_from(["default", "reference"]))
def test_spans_bio_spans_round_trip(doc, window, mapping):
    text, spans = doc
    max_length, stride = window
    tagset = TagSet.from_mapping(mapping)
    windows = tokenize_windows(tokenizer(), [text], max_length, stride)
    probs = [one_hot(window_labels(w, spans, tagset), len(tagset.tags)) for w in windows]
    decoded = decode_windows(windows, probs, tagset, n_samples=1)[0]
    assert [Span(s.start, s.end, s.category) for s in decoded] == expected_spans(text, spans, tagset)
    assert all(s.score == 1.0 for s in decoded)


@settings(max_examples=60, deadline=None)
@given(documents(), windows_params())
def test_label_all_tokens_false_keeps_only_first_subtokens(doc, window):
    text, spans = doc
    tagset = TagSet.from_mapping("default")
    for w in tokenize_windows(tokenizer(), [text], *window):
        every = window_labels(w, spans, tagset, label_all_tokens=True)
        first = window_labels(w, spans, tagset, label_all_tokens=False)
        prev = None
        for (start, end), word, a, b in zip(w.offsets, w.word_ids, every, first):
            if start == end:  # special or empty (a lone byte-level space): never labeled
                assert a == b == IGNORE_INDEX
                continue
            if word == prev:
                assert b == IGNORE_INDEX  # a continuation sub-token leaves the loss
            else:
                assert b == a  # a word's first non-empty token keeps its label
            prev = word


@settings(max_examples=60, deadline=None)
@given(documents(), windows_params())
def test_windows_respect_max_length_and_share_stride_tokens(doc, window):
    text, _ = doc
    max_length, stride = window
    windows = tokenize_windows(tokenizer(), [text], max_length, stride)
    assert all(len(w) <= max_length for w in windows)
    # Zero-width tokens (a lone byte-level space) carry unstable offsets and are
    # never labeled, so windows are compared on token ids and non-empty offsets.
    real = [[(i, o) for i, o, sp in zip(w.input_ids, w.offsets, w.special) if not sp] for w in windows]
    for prev, nxt in zip(real, real[1:]):
        assert [i for i, _ in prev[len(prev) - stride :]] == [i for i, _ in nxt[:stride]]  # `stride` shared tokens
    full = tokenizer()(text, return_offsets_mapping=True, add_special_tokens=False)
    covered = [t for k, r in enumerate(real) for t in (r if k == 0 else r[stride:])]
    assert [i for i, _ in covered] == full["input_ids"]  # every token in exactly one window, in order
    # Offsets agree too: bio trims the leading space that tokenizers leaves on the
    # first token of an overflow window (" =" at (6, 8) there, (7, 8) in the whole text).
    offsets = [o for _, o in covered if o[0] < o[1]]
    assert offsets == [tuple(o) for o in full["offset_mapping"] if o[0] < o[1]]


def test_special_ambiguous_example_tokens():
    text = "user = alice  # admin@example.com token=sk-123"
    spans = [
        Span(7, 12, "USERNAME"),
        Span(15, 32, "EMAIL_EXAMPLE"),
        Span(39, 45, AMBIGUOUS),
    ]
    tagset = TagSet.from_mapping("default")
    (w,) = tokenize_windows(tokenizer(), [text], 512, 0)
    labels = window_labels(w, spans, tagset)
    tags = {i: t for t, i in tagset.tag2id.items()}
    assert labels[0] == IGNORE_INDEX and labels[-1] == IGNORE_INDEX  # [CLS], [SEP]
    for (a, b), label in zip(w.offsets[1:-1], labels[1:-1]):
        if a == b:
            assert label == IGNORE_INDEX  # a zero-width token (lone space) is never labeled
        elif 7 <= a < 12:
            assert tags[label].endswith("USERNAME")
        elif 15 <= a < 32:
            assert tags[label] == OUTSIDE  # *_EXAMPLE trains as O
        elif 39 <= a < 45:
            assert label == IGNORE_INDEX  # AMBIGUOUS leaves the loss
        else:
            assert tags[label] == OUTSIDE


def test_encode_records_columns_line_up():
    texts = ["a = 'x@y.io'\n" * 20, "nothing here"]
    entities = [[{"start": 13 * k + 5, "end": 13 * k + 11, "category": "EMAIL"} for k in range(20)], []]
    out = encode_records(tokenizer(), texts, entities, TagSet.from_mapping("default"), 16, 4)
    n = len(out["input_ids"])
    assert n > 2 and all(len(out[c]) == n for c in ("attention_mask", "labels", "sample"))
    assert all(len(i) == len(l) for i, l in zip(out["input_ids"], out["labels"]))
    assert sorted(set(out["sample"])) == [0, 1]
    assert np.any(np.array(out["labels"][0]) > 0)
