"""Acceptance by votes, consensus, AMBIGUOUS merge, stitching, unresolved reporting, bad input."""
import pytest

from codepii.crowd.aggregate import aggregate, format_summary, merge_projects
from codepii.crowd.checks import Problems
from codepii.crowd.chunk import chunk_records
from codepii.crowd.results import Labeling, Vote
from codepii.crowd.vote import ACCEPTED, REJECTED, TIED, UNSURE, UNVOTED, decide, log_odds
from codepii.errors import CodepiiError
from codepii.labels import AMBIGUOUS
from codepii.spans import Span

CONTENT = "mail = 'ann@x.io'\nkey = 'sk_123'\n"  # 2 lines -> 2 chunks of one line
CHUNKS = list(chunk_records([{"id": "f", "content": CONTENT}], 1))
EMAIL_AT, KEY_AT = (8, 16), (7, 13)  # chunk offsets: "ann@x.io" in f:1, "sk_123" in f:2


def lab(aid, chunk, project, worker, *spans):
    return Labeling(aid, chunk, project, worker, tuple(Span(a, b, c) for a, b, c in spans))


def votes(aid, chunk, project, *verdicts):
    return [Vote(aid, chunk, project, f"v{i}", "correct" if ok else "incorrect") for i, ok in enumerate(verdicts)]


def scenario():
    labs = [
        lab("e1", "f:1", "EMAIL", "w1", (*EMAIL_AT, "EMAIL")),
        lab("e2", "f:2", "EMAIL", "w1"),
        lab("k1", "f:1", "KEY", "w2"),
        lab("k2", "f:2", "KEY", "w2", (*KEY_AT, "KEY")),
    ]
    vs = votes("e1", "f:1", "EMAIL", 1, 1, 0) + votes("e2", "f:2", "EMAIL", 1, 1, 1)
    vs += votes("k1", "f:1", "KEY", 1, 1, 1) + votes("k2", "f:2", "KEY", 1, 0, 1, 1)
    return labs, vs


def test_accepted_labelings_become_gold_in_file_offsets():
    labs, vs = scenario()
    records, summary = aggregate(CHUNKS, labs, vs, method="mv")
    assert records == [{"id": "f", "content": CONTENT, "entities": [
        {"start": 8, "end": 16, "category": "EMAIL"}, {"start": 25, "end": 31, "category": "KEY"}]}]
    assert CONTENT[25:31] == "sk_123"
    assert summary["labelings"]["accepted"] == 4 and summary["chunk_projects"]["unresolved"] == 0
    assert summary["projects"] == ["EMAIL", "KEY"]


def test_rejected_labeling_leaves_its_chunk_unresolved_and_reported():
    labs, vs = scenario()
    vs = [v for v in vs if v.assignment_id != "k2"] + votes("k2", "f:2", "KEY", 0, 0, 1)
    records, summary = aggregate(CHUNKS, labs, vs, method="mv")
    assert summary["unresolved"] == [{"chunk_id": "f:2", "project": "KEY"}]
    assert records[0]["unresolved"] == [{"project": "KEY", "chunk_id": "f:2", "start": 18, "end": 33}]
    assert "f:2 KEY" in format_summary(summary)
    dropped, summary = aggregate(CHUNKS, labs, vs, method="mv", drop_unresolved=True)
    assert dropped == [] and summary["files"]["dropped"] == 1


def test_overlapping_main_categories_become_one_ambiguous_union():
    merged = merge_projects([Span(0, 5, "NAME_LICENSE"), Span(3, 9, "EMAIL"), Span(8, 12, "USERNAME"), Span(20, 22, "KEY")])
    assert merged == [Span(0, 12, AMBIGUOUS), Span(20, 22, "KEY")]
    # same main category (after consensus they never overlap) stays as it is
    assert merge_projects([Span(0, 3, "NAME"), Span(3, 5, "NAME_EXAMPLE")]) == [Span(0, 3, "NAME"), Span(3, 5, "NAME_EXAMPLE")]
    labs, vs = scenario()
    labs[2] = lab("k1", "f:1", "KEY", "w2", (12, 16, "KEY"))  # a KEY worker marks "x.io" inside the email
    records, _ = aggregate(CHUNKS, labs, vs, method="mv")
    assert records[0]["entities"][0] == {"start": 8, "end": 16, "category": AMBIGUOUS}


def test_several_accepted_labelings_meet_on_char_masks():
    labs, vs = scenario()
    labs.append(lab("e3", "f:1", "EMAIL", "w3", (8, 12, "EMAIL_LICENSE")))
    labs.append(lab("e4", "f:1", "EMAIL", "w4", (*EMAIL_AT, "EMAIL")))
    vs += votes("e3", "f:1", "EMAIL", 1, 1, 0, 1) + votes("e4", "f:1", "EMAIL", 1, 1, 1)
    records, summary = aggregate(CHUNKS, labs, vs, method="mv")
    # two of three cover [8, 16); the category most characters carry wins
    assert records[0]["entities"][0] == {"start": 8, "end": 16, "category": "EMAIL"}
    assert summary["chunk_projects"]["by_consensus"] == 1


def test_decisions_ties_unsure_unvoted_and_skill_weights():
    vs = votes("a", "c", "KEY", 1, 0) + votes("b", "c", "KEY", 1, 1, 1, 0) + votes("d", "c", "KEY", 0, 0, 1)
    d = decide(vs, ["a", "b", "d", "z"], "mv", min_confidence=0.8)
    assert [d[k].status for k in "abdz"] == [TIED, UNSURE, REJECTED, UNVOTED]
    assert d["b"].p_correct == pytest.approx(0.75) and d["b"].votes == 4
    assert decide(vs, ["b"], "mv")["b"].status == ACCEPTED
    # one expert outweighs two near-chance voters with log-odds weights
    skills = {("v0", "KEY"): 0.55, ("v1", "KEY"): 0.55, ("v2", "KEY"): 0.95}
    assert decide(votes("x", "c", "KEY", 1, 1, 0), ["x"], "wmv", skills)["x"].status == REJECTED
    assert log_odds(1.0) == log_odds(0.99) and log_odds(0.2) == log_odds(0.51) > 0
    with pytest.raises(CodepiiError, match="pass --skills"):
        decide(vs, ["a"], "wmv")


@pytest.mark.parametrize("method", ["wawa", "ds", "glad"])
def test_crowd_kit_methods_accept_a_clear_case(method):
    vs = []
    for i in range(6):
        vs += votes(f"t{i}", "c", "KEY", *([1, 1, 1] if i % 2 else [0, 0, 0]))
    d = decide(vs, [f"t{i}" for i in range(6)], method)
    assert [d[f"t{i}"].status for i in range(6)] == [REJECTED, ACCEPTED] * 3


@pytest.mark.parametrize("flag, shown", [("1", True), ("0", False)])
def test_iterative_methods_show_crowd_kits_bar_when_codepii_shows_bars(monkeypatch, flag, shown):
    """GLAD and MACE can run for minutes on a large crowd: their own bars follow CODEPII_PROGRESS."""
    from codepii.crowd.vote import _aggregator

    monkeypatch.setenv("CODEPII_PROGRESS", flag)
    assert _aggregator("glad", 0).silent is not shown
    assert (_aggregator("mace", 0).verbose > 0) is shown


BAD_CASES = {
    "unknown_chunk": (lab("x", "nope:1", "EMAIL", "w9"), None),
    "unknown_project": (lab("x", "f:1", "PHONE", "w9"), None),
    "unknown_category": (lab("x", "f:1", "EMAIL", "w9", (0, 2, "KEY")), None),
    "span_outside_chunk": (lab("x", "f:1", "EMAIL", "w9", (10, 99, "EMAIL")), None),
    "overlapping_spans": (lab("x", "f:1", "EMAIL", "w9", (0, 4, "EMAIL"), (2, 6, "EMAIL")), None),
    "duplicate_assignment": (lab("e1", "f:1", "EMAIL", "w9"), None),
    "unknown_assignment": (None, Vote("ghost", "f:1", "EMAIL", "v1", "correct")),
    "vote_mismatch": (None, Vote("e1", "f:2", "EMAIL", "v7", "correct")),
    "self_vote": (None, Vote("e1", "f:1", "EMAIL", "w1", "correct")),
    "duplicate_vote": (None, Vote("e1", "f:1", "EMAIL", "v0", "incorrect")),
}


@pytest.mark.parametrize("kind", sorted(BAD_CASES))
def test_bad_input_is_counted_and_skipped_or_strict_error(kind):
    extra_lab, extra_vote = BAD_CASES[kind]
    labs, vs = scenario()
    labs = labs + ([extra_lab] if extra_lab else [])
    vs = vs + ([extra_vote] if extra_vote else [])
    good, _ = aggregate(CHUNKS, *scenario(), method="mv")
    records, summary = aggregate(CHUNKS, labs, vs, method="mv")
    assert records == good  # the gold does not change
    assert summary["skipped"][kind]["count"] == 1
    assert summary["skipped"][kind]["examples"][0]
    with pytest.raises(CodepiiError) as err:
        aggregate(CHUNKS, labs, vs, method="mv", problems=Problems(strict=True))
    assert "drop --strict" in str(err.value) and "\n" not in str(err.value)


def test_worker_without_quiz_skill_is_reported_and_gets_the_default():
    labs, vs = scenario()
    skills = {(f"v{i}", p): 0.8 for i in range(3) for p in ("EMAIL", "KEY")}
    records, summary = aggregate(CHUNKS, labs, vs, skills, method="wmv")
    assert summary["skipped"]["unknown_worker"]["count"] == 3  # w1@EMAIL, w2@KEY, v3@KEY
    assert len(records[0]["entities"]) == 2


def test_quiz_skills_shrink_toward_the_project_mean():
    from codepii.crowd.vote import shrink_skills

    skills = {(f"w{i}", "KEY"): q for i, q in enumerate([0.5, 0.7, 0.8, 0.8, 0.85, 1.0])}
    shrunk = shrink_skills(skills, quiz_questions=20)
    mean = sum(skills.values()) / len(skills)
    for key, q in skills.items():
        assert min(q, mean) <= shrunk[key] <= max(q, mean)  # between the score and the mean
    assert shrunk[("w5", "KEY")] < 1.0 and shrunk[("w0", "KEY")] < 0.7  # a spammer stays the weakest
    # all of the spread is quiz noise -> everyone gets the mean; a tiny project is left alone
    noise_only = {(f"w{i}", "ID"): q for i, q in enumerate([0.75, 0.8, 0.85])}
    assert list(shrink_skills(noise_only, 20).values()) == [pytest.approx(0.8)] * 3
    assert shrink_skills({("w", "ID"): 0.9}, 20) == {("w", "ID"): 0.9}


def test_merge_projects_never_overlaps_and_keeps_every_character():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from codepii.spans import covered_chars

    span = st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from(["NAME", "EMAIL", "KEY", "EMAIL_LICENSE"]))

    @settings(max_examples=200, deadline=None)
    @given(st.lists(span, max_size=8))
    def check(raw):
        # one project's spans never overlap each other (consensus output): keep the first per main category
        spans, by_main = [], {}
        for start, length, cat in raw:
            s = Span(start, start + length, cat)
            main = cat.split("_")[0]
            if not any(s.overlaps(o) for o in by_main.get(main, [])):
                by_main.setdefault(main, []).append(s)
                spans.append(s)
        merged = merge_projects(spans)
        assert all(a.end <= b.start for a, b in zip(merged, merged[1:]))
        assert covered_chars(merged) == covered_chars(spans)
        for m in merged:
            inside = [s for s in spans if s.overlaps(m)]
            assert (m.category == AMBIGUOUS) == (len({s.category.split("_")[0] for s in inside}) > 1)

    check()


def test_fallback_best_takes_the_most_probable_labeling_with_its_confidence():
    labs, vs = scenario()
    # two rejected KEY labelings of f:2: the one with more "correct" votes is taken
    labs = labs + [lab("k3", "f:2", "KEY", "w3", (0, 3, "KEY"))]
    vs = [v for v in vs if v.assignment_id != "k2"] + votes("k2", "f:2", "KEY", 1, 0, 0) + votes("k3", "f:2", "KEY", 0, 0, 0)
    records, summary = aggregate(CHUNKS, labs, vs, method="mv")
    assert summary["unresolved"] == [{"chunk_id": "f:2", "project": "KEY"}]
    assert summary["fallback"]["tasks"] == [] and "confidence" not in str(records[0]["entities"])
    records, summary = aggregate(CHUNKS, labs, vs, method="mv", fallback="best")
    (record,) = records
    assert summary["unresolved"] == [] and summary["chunk_projects"]["by_fallback"] == 1
    assert summary["chunk_projects"]["resolved"] == 3
    assert summary["fallback"]["tasks"] == [{"chunk_id": "f:2", "project": "KEY", "confidence": pytest.approx(1 / 3)}]
    assert "unresolved" not in record
    assert record["fallback"] == [{"project": "KEY", "chunk_id": "f:2", "start": 18, "end": 33,
                                   "confidence": pytest.approx(1 / 3)}]
    assert record["entities"] == [{"start": 8, "end": 16, "category": "EMAIL"},  # accepted: no confidence
                                  {"start": 25, "end": 31, "category": "KEY", "confidence": pytest.approx(1 / 3)}]
    assert "fallback best: 1" in format_summary(summary)
    with pytest.raises(CodepiiError, match="fallback"):
        aggregate(CHUNKS, labs, vs, method="mv", fallback="random")


def test_fallback_leaves_tasks_without_voted_labelings_unresolved():
    labs, vs = scenario()
    vs = [v for v in vs if v.assignment_id != "k2"]  # k2 has no vote at all
    _, summary = aggregate(CHUNKS, labs, vs, method="mv", fallback="best")
    assert summary["unresolved"] == [{"chunk_id": "f:2", "project": "KEY"}] and summary["fallback"]["tasks"] == []
