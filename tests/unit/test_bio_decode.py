"""Decoding rules of probs_to_spans beyond the one-hot round trip (test_bio.py)."""
import numpy as np

from codepii.bio import probs_to_spans
from codepii.labels import TagSet

TS = TagSet.from_mapping("default")


def probs_for(tags):
    """One row per token; each tag given as B-X / I-X / O, with 0.9 of the mass."""
    p = np.full((len(tags), len(TS.tags)), 0.1 / (len(TS.tags) - 1))
    for t, tag in enumerate(tags):
        p[t, TS.tag2id[tag]] = 0.9
    return p


def spans(offsets, tags, **kw):
    return [(s.start, s.end, s.category) for s in probs_to_spans(np.array(offsets), probs_for(tags), TS, **kw)]


def test_glued_tokens_are_one_entity_even_with_a_stray_b_or_o():
    # "john.smith@corp.io" as tokens john . smith @ corp . io
    offs = [(0, 4), (4, 5), (5, 10), (10, 11), (11, 15), (15, 16), (16, 18)]
    email = ["B-EMAIL", "I-EMAIL", "I-EMAIL", "O", "B-EMAIL", "I-EMAIL", "I-EMAIL"]
    assert spans(offs, email) == [(0, 18, "EMAIL")]


def test_b_after_a_gap_starts_a_new_entity_and_o_after_a_gap_is_kept():
    # "Ann Lee, Bob Ray" -> tokens Ann Lee , Bob Ray
    offs = [(0, 3), (4, 7), (7, 8), (9, 12), (13, 16)]
    assert spans(offs, ["B-NAME", "I-NAME", "O", "B-NAME", "I-NAME"]) == [(0, 7, "NAME"), (9, 16, "NAME")]
    assert spans(offs, ["B-NAME", "B-NAME", "O", "B-NAME", "I-NAME"]) == [(0, 3, "NAME"), (4, 7, "NAME"), (9, 16, "NAME")]
    # an O with whitespace around it is never filled
    offs2 = [(0, 3), (4, 5), (6, 9)]
    assert spans(offs2, ["B-NAME", "O", "I-NAME"]) == [(0, 3, "NAME"), (6, 9, "NAME")]


def test_classes_across_a_gap_stay_apart_and_thresholds_apply():
    # "admin hunter2": a whitespace gap keeps two classes apart
    offs = [(0, 5), (6, 12), (12, 13)]
    assert spans(offs, ["B-USERNAME", "B-PASSWORD", "I-PASSWORD"]) == [(0, 5, "USERNAME"), (6, 13, "PASSWORD")]
    assert spans(offs, ["B-KEY", "I-KEY", "I-KEY"], thresholds={"KEY": 0.95}) == []


def test_a_glued_run_takes_the_class_with_most_mass():
    # "alexey-kuznetsov" as al exey - kuz netsov, a weak model flipping classes inside it
    offs = [(0, 2), (2, 6), (6, 7), (7, 10), (10, 16)]
    assert spans(offs, ["B-USERNAME", "I-EMAIL", "O", "I-USERNAME", "B-USERNAME"]) == [(0, 16, "USERNAME")]
