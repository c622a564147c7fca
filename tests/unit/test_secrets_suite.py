from codepii.secrets_suite import case_hit, score_suite, secret_occurrences, worst_rules
from codepii.spans import Span

TP = {"id": "a/tp/0", "rule": "a", "kind": "tp", "content": 'k = "abc123" # abc123', "secret": "abc123"}
FP = {"id": "a/fp/0", "rule": "a", "kind": "fp", "content": 'k = "xxxx"', "secret": None}


def test_occurrences_and_hits():
    assert secret_occurrences(TP["content"], "abc123") == [(5, 11), (15, 21)]
    assert case_hit(TP, [Span(16, 18, "KEY")])  # second occurrence counts
    assert case_hit(TP, [Span(4, 6, "PASSWORD")])  # overlap is enough
    assert not case_hit(TP, [Span(5, 11, "EMAIL")])  # wrong category
    assert not case_hit(TP, [Span(0, 1, "KEY")])
    assert case_hit(FP, [Span(0, 1, "KEY")]) and not case_hit(FP, [Span(0, 1, "NAME")])


def test_score_suite_ratios_and_nulls():
    tp2 = {**TP, "id": "b/tp/0", "rule": "b"}
    r = score_suite([TP, tp2, FP], [[Span(5, 11, "KEY")], [], [Span(5, 9, "KEY")]])
    assert r["tp_recall"] == 0.5 and r["fp_flagged"] == 1.0
    assert (r["n_tp"], r["n_fp"]) == (2, 1)
    assert worst_rules(r)[0] == ("b", 0.0, 1)
    empty = score_suite([TP], [[Span(5, 11, "KEY")]])
    assert empty["fp_flagged"] is None and empty["tp_recall"] == 1.0
