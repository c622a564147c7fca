import pytest

from codepii.errors import ConfigError
from codepii.pseudo_label import PseudoLabelConfig, pseudo_records, select_entities, trigger_category
from codepii.spans import Span

CFG = PseudoLabelConfig()


def _span(text, value, category, score, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(value, start + 1)
    return Span(start, start + len(value), category, score)


def test_confidence_per_class():
    text = "# Jane Roe <jane@roe.io>\n"
    keep = [_span(text, "Jane Roe", "NAME", 0.75), _span(text, "jane@roe.io", "EMAIL", 0.95)]
    assert select_entities(text, keep, CFG) == keep
    low_email = [_span(text, "Jane Roe", "NAME", 0.75), _span(text, "jane@roe.io", "EMAIL", 0.85)]
    assert select_entities(text, low_email, CFG) == low_email[:1]  # EMAIL needs 0.9


@pytest.mark.parametrize("category, score", [("NAME", 0.59), ("USERNAME", 0.60)])
def test_unsure_name_or_username_drops_the_file(category, score):
    text = "author = 'jroe'  # jane@roe.io\n"
    spans = [_span(text, "jroe", category, score), _span(text, "jane@roe.io", "EMAIL", 0.99)]
    assert select_entities(text, spans, CFG) is None


def test_unsure_but_above_drop_floor_keeps_file_without_span():
    text = "author = 'jroe'\n"
    assert select_entities(text, [_span(text, "jroe", "USERNAME", 0.65)], CFG) == []


def test_key_and_password_need_a_trigger_on_the_same_line():
    text = "api_token = 'a8Fk2LmQ9zX'\nvalue = 'a8Fk2LmQ9zY'\nsecret\n x = 'a8Fk2LmQ9zZ'\n"
    spans = [
        _span(text, "a8Fk2LmQ9zX", "PASSWORD", 0.8),  # 'token' before it: a KEY, whatever the model said
        _span(text, "a8Fk2LmQ9zY", "KEY", 0.9),  # no trigger on its line: dropped
        _span(text, "a8Fk2LmQ9zZ", "KEY", 0.9),  # 'secret' is on the previous line: dropped
    ]
    assert select_entities(text, spans, CFG) == [Span(spans[0].start, spans[0].end, "KEY", 0.8)]


def test_the_closer_trigger_decides():
    text = "key_file = load(); pwd = 'hunter2!x'\nauth_pwd_token = 'zz9'\n"
    pw = _span(text, "hunter2!x", "KEY", 0.9)
    assert trigger_category(text, pw, CFG) == "PASSWORD"
    tok = _span(text, "zz9", "PASSWORD", 0.9)
    assert trigger_category(text, tok, CFG) == "KEY"  # 'token' ends closer than 'pwd'
    far = PseudoLabelConfig(trigger_window_chars=5)
    assert trigger_category(text, pw, far) is None  # 'pwd' is 8 characters before the value


def test_pseudo_records_keeps_columns_and_drops_files():
    records = [
        {"id": "a", "content": "password = 'Xy7!pq'\n", "lang": "py"},
        {"id": "b", "content": "# by jroe\n", "lang": "py"},
        {"id": "c", "content": "x = 1\n", "lang": "py"},
    ]
    found = [
        [_span(records[0]["content"], "Xy7!pq", "PASSWORD", 0.9)],
        [_span(records[1]["content"], "jroe", "USERNAME", 0.3)],
        [],
    ]
    out = list(pseudo_records(records, found, CFG))
    assert out[0]["entities"] == [{"start": 12, "end": 18, "category": "PASSWORD", "score": 0.9}]
    assert out[0]["lang"] == "py" and out[1] is None and out[2]["entities"] == []
    no_empty = PseudoLabelConfig(keep_empty=False)
    assert list(pseudo_records(records, found, no_empty))[2] is None


def test_config_rejects_unknown_classes_and_bad_scores():
    with pytest.raises(ConfigError, match="min_score.PERSON"):
        PseudoLabelConfig(min_score={"PERSON": 0.5})
    with pytest.raises(ConfigError, match="drop_file_below.NAME"):
        PseudoLabelConfig(drop_file_below={"NAME": 1.5})


def test_rejected_candidates_become_unresolved_ranges_not_O():
    text = "token = 'abc123xyz'  # owner Ann Lee\n"
    found = [[_span(text, "abc123xyz", "KEY", 0.9), _span(text, "Ann Lee", "NAME", 0.65)]]
    (out,) = pseudo_records([{"id": "a", "content": text}], found, CFG)
    assert out["entities"] == [{"start": 9, "end": 18, "category": "KEY", "score": 0.9}]
    assert out["unresolved"] == [{"project": "NAME", "start": 29, "end": 36}]  # 0.65 < 0.7: unsure, not O
    (plain,) = pseudo_records([{"id": "a", "content": text}], found, PseudoLabelConfig(unresolved_rejected=False))
    assert "unresolved" not in plain


def test_merge_weak_keeps_weak_spans_and_adds_free_pseudo_ones():
    from codepii.pseudo_label import merge_weak

    text = "# Author: Jane Roe <jr@corp.io>\npassword = 'Xy7!pq'\n"
    pseudo = [{"id": "a", "content": text, "entities": [
        {"start": 10, "end": 14, "category": "NAME", "score": 0.8},  # overlaps the weak name: weak wins
        {"start": 44, "end": 50, "category": "PASSWORD", "score": 0.9}]},
        {"id": "b", "content": "x = 1\n", "entities": []}]
    weak = [{"id": "a", "content": text, "entities": [{"start": 10, "end": 18, "category": "NAME_LICENSE"},
                                                       {"start": 20, "end": 30, "category": "EMAIL_LICENSE"}]},
            {"id": "c", "content": "y", "entities": []}]
    merged = {r["id"]: r for r in merge_weak(pseudo, weak)}
    assert set(merged) == {"a", "b", "c"}
    assert [(e["start"], e["category"]) for e in merged["a"]["entities"]] == [
        (10, "NAME_LICENSE"), (20, "EMAIL_LICENSE"), (44, "PASSWORD")]
