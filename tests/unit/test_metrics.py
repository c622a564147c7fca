"""Metrics: seqeval through the local evaluate module, and the char-span rules of DESIGN.md."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2

from codepii.errors import CodepiiError, RecordError
from codepii.labels import MAIN_CATEGORIES, OUTSIDE, SUBCATEGORIES, begin_tag, inside_tag
from codepii.metrics import (
    clean_tags,
    index_gold,
    iter_rows,
    prf,
    score_file,
    score_predictions,
    seqeval_scores,
    span_metrics,
    threshold_sweep,
    word_seqeval,
)
from codepii.spans import Span

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


# ------------------------------------------------------------- char-span rules


TEXT = "x" * 100


def _metrics(gold, pred, text=TEXT):
    return span_metrics([score_file("f", text, gold, pred)])


def test_one_prediction_covering_two_gold_spans():
    m = _metrics([Span(0, 10, "EMAIL"), Span(12, 20, "EMAIL")], [Span(0, 20, "EMAIL")])
    # overlap: both gold found by the one prediction, which is correct
    assert m["overlap"]["EMAIL"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 2, "predicted": 1}
    # exact: neither gold span has the prediction's offsets
    assert m["exact"]["EMAIL"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2, "predicted": 1}
    assert m["leak_rate"]["EMAIL"] == 0.0


def test_adjacent_spans_do_not_touch():
    # half-open: [0, 5) and [5, 10) share no character
    m = _metrics([Span(0, 5, "NAME"), Span(5, 10, "NAME")], [Span(0, 5, "NAME")])
    assert m["overlap"]["NAME"]["recall"] == 0.5
    assert m["overlap"]["NAME"]["precision"] == 1.0
    assert m["exact"]["NAME"]["recall"] == 0.5
    assert m["leak_rate"]["NAME"] == 0.5
    # a prediction adjacent to a gold span of its category is a false positive
    m = _metrics([Span(0, 5, "NAME")], [Span(5, 9, "NAME")])
    assert m["overlap"]["NAME"]["precision"] == 0.0
    assert m["overlap"]["NAME"]["recall"] == 0.0
    assert m["leak_rate"]["NAME"] == 1.0
    # one prediction straddling two adjacent gold spans finds both
    m = _metrics([Span(0, 5, "NAME"), Span(5, 10, "NAME")], [Span(4, 6, "NAME")])
    assert m["overlap"]["NAME"]["recall"] == 1.0
    assert m["leak_rate"]["NAME"] == pytest.approx(8 / 10)


def test_exact_vs_overlap():
    m = _metrics([Span(10, 20, "KEY"), Span(30, 40, "KEY")], [Span(10, 20, "KEY"), Span(31, 40, "KEY")])
    assert m["overlap"]["KEY"]["f1"] == 1.0
    assert m["exact"]["KEY"]["precision"] == 0.5
    assert m["exact"]["KEY"]["recall"] == 0.5
    assert m["exact"]["KEY"]["f1"] == 0.5
    assert m["leak_rate"]["KEY"] == pytest.approx(1 / 20)


def test_dont_care_gold_is_neither_hit_nor_false_alarm():
    gold = [Span(0, 8, "NAME_EXAMPLE"), Span(10, 20, "AMBIGUOUS")]
    m = _metrics(gold, [Span(0, 8, "NAME"), Span(12, 15, "PASSWORD")])
    for cat in MAIN_CATEGORIES + ("micro",):
        for mode in ("overlap", "exact"):
            assert m[mode][cat] == {"precision": None, "recall": None, "f1": None, "support": 0, "predicted": 0}
    assert m["leak_rate"] == {**{c: None for c in MAIN_CATEGORIES}, "all": None}


def test_prediction_touching_dont_care_and_real_gold_is_scored():
    # touches EMAIL_EXAMPLE and real EMAIL: scored and correct
    m = _metrics([Span(0, 10, "EMAIL_EXAMPLE"), Span(10, 20, "EMAIL")], [Span(5, 15, "EMAIL")])
    assert m["overlap"]["EMAIL"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1, "predicted": 1}
    # touches AMBIGUOUS and real KEY but says PASSWORD: a false positive; it still covers half the key
    m = _metrics([Span(0, 10, "AMBIGUOUS"), Span(10, 20, "KEY")], [Span(5, 15, "PASSWORD")])
    assert m["overlap"]["PASSWORD"] == {"precision": 0.0, "recall": None, "f1": 0.0, "support": 0, "predicted": 1}
    assert m["overlap"]["KEY"] == {"precision": None, "recall": 0.0, "f1": 0.0, "support": 1, "predicted": 0}
    assert m["leak_rate"]["KEY"] == 0.5
    assert m["overlap"]["micro"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1, "predicted": 1}


def test_license_gold_and_subcategory_predictions_count_as_main():
    m = _metrics([Span(0, 4, "NAME_LICENSE"), Span(10, 20, "EMAIL")], [Span(0, 4, "NAME"), Span(10, 20, "EMAIL_LICENSE")])
    assert m["exact"]["NAME"]["f1"] == 1.0
    assert m["exact"]["EMAIL"]["f1"] == 1.0
    assert m["leak_rate"]["all"] == 0.0
    # AMBIGUOUS predictions are not a category of their own: dropped, not scored
    m = _metrics([Span(0, 4, "NAME")], [Span(0, 4, "AMBIGUOUS")])
    assert m["overlap"]["micro"]["predicted"] == 0
    assert m["leak_rate"]["NAME"] == 1.0


def test_leak_counts_predictions_of_any_category_once():
    # two overlapping predictions of other categories cover 7 of 10 characters
    m = _metrics([Span(0, 10, "PASSWORD")], [Span(0, 5, "KEY"), Span(3, 7, "NAME")])
    assert m["leak_rate"]["PASSWORD"] == pytest.approx(3 / 10)
    assert m["overlap"]["PASSWORD"]["recall"] == 0.0
    assert m["overlap"]["micro"]["predicted"] == 2


def test_zero_denominators_are_null_and_f1_rule():
    assert prf(0, 0, 0, 0) == {"precision": None, "recall": None, "f1": None, "support": 0, "predicted": 0}
    assert prf(0, 0, 0, 3)["f1"] == 0.0  # missed everything, predicted nothing
    assert prf(0, 2, 0, 0)["f1"] == 0.0  # only false alarms
    assert prf(1, 2, 1, 4)["f1"] == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_micro_sums_counts_over_categories():
    gold = [Span(0, 5, "NAME"), Span(10, 15, "EMAIL"), Span(20, 25, "EMAIL")]
    pred = [Span(0, 5, "NAME"), Span(10, 15, "EMAIL"), Span(30, 35, "KEY")]
    m = _metrics(gold, pred)
    assert m["overlap"]["micro"]["precision"] == pytest.approx(2 / 3)
    assert m["overlap"]["micro"]["recall"] == pytest.approx(2 / 3)
    assert m["leak_rate"]["all"] == pytest.approx(5 / 15)


def _write(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def test_records_matched_by_id_missing_record_has_no_predictions(tmp_path):
    gold = index_gold(iter_rows(_write(tmp_path / "g.jsonl", [
        {"id": "a", "content": "mail bob@x.io", "entities": [{"start": 5, "end": 13, "category": "EMAIL"}]},
        {"id": "b", "content": "ip 10.1.2.3", "entities": [{"start": 3, "end": 11, "category": "IP_ADDRESS"}]},
    ])))
    pred = _write(tmp_path / "p.jsonl", [{"id": "a", "content": "mail bob@x.io", "entities": [
        {"start": 5, "end": 13, "category": "EMAIL", "score": 0.9}]}])
    result = score_predictions(gold, iter_rows(pred), "p")
    assert result.records_without_predictions == 1
    m = result.metrics()
    assert m["overlap"]["IP_ADDRESS"] == {"precision": None, "recall": 0.0, "f1": 0.0, "support": 1, "predicted": 0}
    assert m["leak_rate"]["IP_ADDRESS"] == 1.0
    assert m["leak_rate"]["all"] == pytest.approx(8 / 16)


@pytest.mark.parametrize(
    "record, message",
    [
        ({"id": "zz", "content": "mail bob@x.io", "entities": []}, "'zz' is not in the gold set"),
        ({"id": "a", "content": "mail bob@x.org", "entities": []}, "differs from gold"),
        ({"id": "a", "content": "mail bob@x.io", "entities": [{"start": 5, "end": 99, "category": "EMAIL"}]},
         "outside the content"),
        ({"id": "a", "content": "mail bob@x.io", "entities": [{"start": 5, "end": 9, "category": "PHONE"}]},
         "unknown category"),
        ({"id": "a", "content": "mail bob@x.io", "entities": [{"start": 5, "end": 9, "category": "EMAIL",
                                                                 "score": "high"}]}, "score must be a number"),
    ],
)
def test_prediction_errors_name_the_row(tmp_path, record, message):
    gold = index_gold(iter_rows(_write(tmp_path / "g.jsonl", [{"id": "a", "content": "mail bob@x.io", "entities": []}])))
    pred = _write(tmp_path / "p.jsonl", [record])
    with pytest.raises(CodepiiError, match=message) as err:
        score_predictions(gold, iter_rows(pred), "p")
    assert "p.jsonl row 1" in str(err.value)


@pytest.mark.parametrize("entity, message", [({"start": 5, "end": 99, "category": "EMAIL"}, "outside the content"),
                                             ({"start": 5, "end": 9, "category": "PHONE"}, "unknown category")])
def test_gold_span_errors_name_the_file_and_row(tmp_path, entity, message):
    # A bad gold span named only the record id: with several gold files (a glob) the file was unknown.
    rows = [{"id": "a", "content": "mail bob@x.io", "entities": []}, {"id": "b", "content": "mail bob@x.io",
                                                                      "entities": [entity]}]
    with pytest.raises(CodepiiError, match=rf"record 'b' \(.*g.jsonl row 2\): .*{message}"):
        index_gold(iter_rows(_write(tmp_path / "g.jsonl", rows)))


def test_duplicate_ids_are_errors(tmp_path):
    rec = {"id": "a", "content": "x", "entities": []}
    with pytest.raises(RecordError, match="duplicate gold id 'a'"):
        index_gold(iter_rows(_write(tmp_path / "g.jsonl", [rec, rec])))
    gold = index_gold(iter_rows(_write(tmp_path / "g1.jsonl", [rec])))
    with pytest.raises(RecordError, match="duplicate prediction id 'a'"):
        score_predictions(gold, iter_rows(_write(tmp_path / "p.jsonl", [rec, rec])), "p")


def test_threshold_sweep_hand_computed():
    gold = [Span(0, 5, "EMAIL"), Span(10, 15, "EMAIL")]
    pred = [Span(0, 5, "EMAIL", 0.9), Span(10, 15, "EMAIL", 0.3), Span(20, 25, "EMAIL", 0.6)]
    sweep = threshold_sweep([score_file("f", TEXT, gold, pred)], thresholds=[0.0, 0.5, 0.95])
    assert sweep["EMAIL"]["precision"] == [pytest.approx(2 / 3), 0.5, None]
    assert sweep["EMAIL"]["recall"] == [1.0, 0.5, 0.0]
    assert sweep["EMAIL"]["predicted"] == [3, 2, 0]
    assert sweep["KEY"]["recall"] == [None, None, None]
    assert threshold_sweep([score_file("f", TEXT, gold, [Span(0, 5, "EMAIL")])]) is None


def test_word_seqeval_matches_seqeval_on_hand_made_tags():
    text = "mail bob@x.io to Ann Lee; see jd@example.com"
    gold = [Span(5, 13, "EMAIL"), Span(17, 24, "NAME_LICENSE"), Span(30, 44, "EMAIL_EXAMPLE")]
    pred = [Span(5, 13, "EMAIL"), Span(17, 20, "NAME"), Span(30, 44, "EMAIL")]
    ours = word_seqeval([score_file("f", text, gold, pred)])
    # words: mail bob @ x . io to Ann Lee ;  see  (the example email's words are left out)
    refs = [[O, B_EMAIL, I_EMAIL, I_EMAIL, I_EMAIL, I_EMAIL, O, B_NAME, I_NAME, O, O]]
    preds = [[O, B_EMAIL, I_EMAIL, I_EMAIL, I_EMAIL, I_EMAIL, O, B_NAME, O, O, O]]
    assert ours == seqeval_scores(refs, preds)
    assert ours["NAME"]["f1"] == 0.0 and ours["EMAIL"]["f1"] == 1.0


_cat = st.sampled_from(MAIN_CATEGORIES + SUBCATEGORIES + ("AMBIGUOUS",))


@st.composite
def _gold_and_pred(draw):
    cuts = sorted(draw(st.sets(st.integers(0, 60), min_size=2, max_size=12)))
    gold = [Span(a, b, draw(_cat)) for a, b in zip(cuts[::2], cuts[1::2])]
    pred = [
        Span(a, a + draw(st.integers(1, 10)), draw(_cat), draw(st.floats(0, 1)))
        for a in draw(st.lists(st.integers(0, 59), max_size=8))
    ]
    return gold, [p for p in pred if p.end <= 70]


@settings(max_examples=150, deadline=None)
@given(_gold_and_pred())
def test_invariants(case):
    gold, pred = case
    m = _metrics(gold, pred)
    for cat in MAIN_CATEGORIES + ("micro",):
        o, e = m["overlap"][cat], m["exact"][cat]
        for key in ("precision", "recall", "f1"):
            assert (o[key] is None) == (e[key] is None)
            if o[key] is not None:
                assert 0.0 <= e[key] <= o[key] + 1e-12 <= 1.0 + 1e-12
    for v in m["leak_rate"].values():
        assert v is None or 0.0 <= v <= 1.0
    # predicting the gold itself is perfect
    perfect = _metrics(gold, [g for g in gold if g.category != "AMBIGUOUS" and not g.category.endswith("_EXAMPLE")])
    assert perfect["exact"]["micro"]["f1"] in (None, 1.0)
    assert perfect["leak_rate"]["all"] in (None, 0.0)


def _naive_counts(gold, pred):
    """The rules of DESIGN.md written the slow, obvious way (pairwise, per character)."""
    from codepii.labels import main_category, scoring_category

    pred = [p.with_category(main_category(p.category)) for p in pred if main_category(p.category) in MAIN_CATEGORIES]
    real = [(g, scoring_category(g.category)) for g in gold if scoring_category(g.category)]
    covered = {i for p in pred for i in range(p.start, p.end)}
    n = {}
    for g, cat in real:
        n[cat, "support"] = n.get((cat, "support"), 0) + 1
        n[cat, "found"] = n.get((cat, "found"), 0) + any(p.category == cat and p.overlaps(g) for p in pred)
        n[cat, "exact"] = n.get((cat, "exact"), 0) + any(
            (p.start, p.end, p.category) == (g.start, g.end, cat) for p in pred)
        n[cat, "leaked"] = n.get((cat, "leaked"), 0) + sum(1 for i in range(g.start, g.end) if i not in covered)
    for p in pred:
        touched = [g for g in gold if g.overlaps(p)]
        if touched and all(scoring_category(g.category) is None for g in touched):
            continue
        c = p.category
        n[c, "predicted"] = n.get((c, "predicted"), 0) + 1
        n[c, "correct"] = n.get((c, "correct"), 0) + any(cat == c and g.overlaps(p) for g, cat in real)
    return n


@settings(max_examples=150, deadline=None)
@given(_gold_and_pred())
def test_fast_scoring_equals_naive_rules(case):
    from codepii.metrics import count_outcomes

    gold, pred = case
    fast = count_outcomes([score_file("f", TEXT, gold, pred)])
    naive = _naive_counts(gold, pred)
    for (cat, field), value in naive.items():
        key = {"exact": "exact_found"}.get(field, field)
        assert fast[cat, key] == value, (cat, field)
    assert sum(fast[c, "predicted"] for c in MAIN_CATEGORIES) == sum(v for (c, f), v in naive.items() if f == "predicted")


def test_unresolved_ranges_in_gold_are_dont_care_for_their_project(tmp_path):
    content = "mail bob@x.io\nname Ann Lee\n"
    gold = index_gold(iter_rows(_write(tmp_path / "g.jsonl", [{
        "id": "a", "content": content, "entities": [{"start": 19, "end": 26, "category": "NAME"}],
        "unresolved": [{"project": "EMAIL", "chunk_id": "a:1", "start": 0, "end": len(content)}],
    }])))
    assert gold["a"]["unresolved"][0]["project"] == "EMAIL"
    pred = _write(tmp_path / "p.jsonl", [{"id": "a", "content": content, "entities": [
        {"start": 5, "end": 13, "category": "EMAIL"},  # inside the unresolved EMAIL task: not scored
        {"start": 0, "end": 4, "category": "KEY"},  # KEY was resolved there (nothing): a false alarm
        {"start": 19, "end": 26, "category": "NAME"}]}])
    m = score_predictions(gold, iter_rows(pred), "p").metrics()
    assert m["overlap"]["EMAIL"]["predicted"] == 0
    assert m["overlap"]["KEY"]["predicted"] == 1 and m["overlap"]["KEY"]["precision"] == 0.0
    assert m["overlap"]["NAME"]["f1"] == 1.0
