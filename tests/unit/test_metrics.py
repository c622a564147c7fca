"""Metrics: seqeval through the local evaluate module, and the char-span rules of DESIGN.md."""
from __future__ import annotations

import pytest
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from codepii.labels import begin_tag, inside_tag, OUTSIDE
from codepii.metrics import clean_tags, seqeval_scores

B_EMAIL, I_EMAIL = begin_tag("EMAIL"), inside_tag("EMAIL")
B_NAME, I_NAME = begin_tag("NAME"), inside_tag("NAME")
B_KEY, I_KEY = begin_tag("KEY"), inside_tag("KEY")
O = OUTSIDE


def _direct(refs, preds):
    report = classification_report(refs, preds, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    return {("micro" if k == "micro avg" else k): v for k, v in report.items() if k not in ("macro avg", "weighted avg")}


def test_seqeval_matches_seqeval_called_directly():
    refs = [
        [O, B_EMAIL, I_EMAIL, O, B_NAME, I_NAME],
        [B_KEY, I_KEY, I_KEY, O, B_NAME, O],
        [O, O, B_EMAIL, O],
    ]
    preds = [
        [O, B_EMAIL, I_EMAIL, O, B_NAME, O],  # NAME too short: strict miss + false positive
        [I_KEY, I_KEY, I_KEY, O, B_NAME, O],  # KEY starts with I-: not an entity in strict IOB2
        [O, O, B_EMAIL, B_EMAIL],  # one hit, one false positive
    ]
    ours, direct = seqeval_scores(refs, preds), _direct(refs, preds)
    assert set(ours) == set(direct) == {"EMAIL", "NAME", "KEY", "micro"}
    for cls, row in direct.items():
        assert ours[cls]["precision"] == pytest.approx(row["precision"])
        assert ours[cls]["recall"] == pytest.approx(row["recall"])
        assert ours[cls]["f1"] == pytest.approx(row["f1-score"])
        assert ours[cls]["support"] == row["support"]
    # hand-computed: EMAIL 2 gold, 3 predicted, 2 hits; KEY 0 hits of 1
    assert ours["EMAIL"]["precision"] == pytest.approx(2 / 3)
    assert ours["EMAIL"]["recall"] == pytest.approx(1.0)
    assert ours["KEY"]["recall"] == 0.0
    assert ours["micro"]["support"] == 5


def test_seqeval_strict_differs_from_lenient_mode():
    # Lenient conlleval mode would count a chunk starting with I- as an entity; strict must not.
    refs, preds = [[B_KEY, I_KEY]], [[I_KEY, I_KEY]]
    assert seqeval_scores(refs, preds)["KEY"]["recall"] == 0.0
    lenient = classification_report(refs, preds, output_dict=True, zero_division=0)
    assert lenient["KEY"]["recall"] == 1.0


def test_seqeval_bare_and_odd_tags_count_as_outside():
    assert clean_tags(["AMBIGUOUS", B_EMAIL, "B-", None, "X-NAME", O]) == [O, B_EMAIL, O, O, O, O]
    scores = seqeval_scores([[O, "AMBIGUOUS", B_EMAIL]], [["AMBIGUOUS", O, B_EMAIL]])
    assert scores["micro"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}


def test_seqeval_no_entities_and_length_mismatch():
    assert seqeval_scores([[O, O]], [[O, O]])["micro"]["support"] == 0
    with pytest.raises(ValueError, match="sequence 0"):
        seqeval_scores([[O, O]], [[O]])
