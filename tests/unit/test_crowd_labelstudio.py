"""Label Studio: configs, tasks, and the export -> labelings/votes round trip (emoji, CRLF)."""
import json
import xml.etree.ElementTree as ET

import pytest

from codepii.crowd.checks import Problems
from codepii.crowd.chunk import chunk_records
from codepii.crowd.labelstudio import (
    COLOURS, label_config, labeling_tasks, parse_export, read_export, resolve_offsets, validation_config,
    validation_tasks,
)
from codepii.crowd.results import Labeling
from codepii.errors import CodepiiError, RecordError
from codepii.labels import MAIN_CATEGORIES, subcategories_of
from codepii.spans import Span

TEXT = "# 😀 author: Zoë Ng\r\nby = 'Li Wei'  # 😀\r\nmail = 'zoe@ng.dev'\r\n"


def utf16(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


def crlf_as_one(text: str, i: int) -> int:
    return i - text[:i].count("\r\n")


def test_configs_are_xml_with_one_distinct_colour_per_category():
    assert len(set(COLOURS.values())) == len(COLOURS)
    for project in MAIN_CATEGORIES:
        for xml in (label_config(project), validation_config(project)):
            root = ET.fromstring(xml)
            labels = root.find("Labels")
            assert [x.get("value") for x in labels] == list(subcategories_of(project))
            assert [x.get("background") for x in labels] == [COLOURS[c] for c in subcategories_of(project)]
        assert [c.get("value") for c in ET.fromstring(validation_config(project)).iter("Choice")] == ["correct", "incorrect"]


def _export(tasks, spans_by_task, offset):
    """What Label Studio exports after workers annotated ``tasks`` (offsets in the reading ``offset``)."""
    out = []
    for n, (task, spans) in enumerate(zip(tasks, spans_by_task)):
        text = task["data"]["text"]
        result = [{"type": "labels", "from_name": "label", "to_name": "text",
                   "value": {"start": offset(text, s.start), "end": offset(text, s.end), "text": text[s.start:s.end],
                             "labels": [s.category]}} for s in spans]
        out.append({"id": 100 + n, "data": task["data"], "annotations": [
            {"id": 500 + n, "completed_by": {"id": 7, "email": "ann@lab.org"}, "result": result},
            {"id": 900 + n, "completed_by": 8, "was_cancelled": True, "result": []}]})
    return out


@pytest.mark.parametrize("offset", [lambda t, i: i, utf16, crlf_as_one], ids=["codepoints", "utf16", "crlf"])
def test_label_studio_round_trip(offset, tmp_path):
    chunks = list(chunk_records([{"id": "f", "content": TEXT}], 2))
    tasks = json.loads(json.dumps(labeling_tasks(chunks, "NAME")))
    names = (Span(TEXT.index("Zoë"), TEXT.index("Zoë") + 6, "NAME_LICENSE"), Span(TEXT.index("Li"), TEXT.index("Li") + 6, "NAME"))
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(tasks, [names, []], offset), ensure_ascii=False), encoding="utf-8")
    labelings, votes = read_export(str(path), Problems())
    assert votes == []
    assert labelings == [Labeling("ls-500", "f:1", "NAME", "ann@lab.org", names), Labeling("ls-501", "f:3", "NAME", "ann@lab.org")]
    # validation round: the labeling as pre-annotation, a verdict back
    vtasks = validation_tasks(labelings[:1], {"f:1": chunks[0]["text"]})
    assert vtasks[0]["predictions"][0]["result"][0]["value"]["text"] == "Zoë Ng"
    export = [{"id": 1, "data": vtasks[0]["data"], "annotations": [{"id": 2, "completed_by": 9, "result": [
        {"type": "choices", "from_name": "verdict", "to_name": "text", "value": {"choices": ["correct"]}}]}]}]
    _, votes = parse_export(export, "v.json", Problems())
    assert [(v.assignment_id, v.worker_id, v.verdict, v.project) for v in votes] == [("ls-500", "9", "correct", "NAME")]


def test_span_whose_text_matches_no_reading_is_reported_not_guessed():
    assert resolve_offsets("abc", 0, 2, "bc") is None
    assert resolve_offsets("a😀b", 2, 3, "😀") is None and resolve_offsets("a😀b", 1, 3, "😀") == (1, 2)
    chunks = list(chunk_records([{"id": "f", "content": "abc\n"}], 1))
    export = [{"id": 1, "data": labeling_tasks(chunks, "KEY")[0]["data"], "annotations": [{"id": 3, "completed_by": 1, "result": [
        {"type": "labels", "value": {"start": 0, "end": 2, "text": "zz", "labels": ["KEY"]}}]}]}]
    problems = Problems()
    assert parse_export(export, "e.json", problems) == ([], [])
    assert problems.counts["span_text_mismatch"] == 1
    with pytest.raises(CodepiiError, match="e.json task 1 annotation 3"):
        parse_export(export, "e.json", Problems(strict=True))


def test_malformed_exports_are_one_line_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a list"}')
    with pytest.raises(RecordError, match="list of tasks"):
        read_export(str(bad), Problems())
    with pytest.raises(RecordError, match="needs chunk_id, text and project"):
        parse_export([{"data": {"text": "x"}, "annotations": []}], "x.json", Problems())
    with pytest.raises(RecordError, match="no 'verdict' choice"):
        parse_export([{"data": {"text": "x", "chunk_id": "c", "project": "KEY", "assignment_id": "a"},
                       "annotations": [{"id": 1, "completed_by": 2, "result": []}]}], "x.json", Problems())
    with pytest.raises(RecordError, match="no annotator id"):
        parse_export([{"data": {"text": "x", "chunk_id": "c", "project": "KEY"}, "annotations": [{"id": 1, "result": []}]}],
                     "x.json", Problems())


def _task(annotations, **data):
    return {"id": 4, "data": {"text": "ann lee", "chunk_id": "c", "project": "NAME", **data}, "annotations": annotations}


def _labels(value):
    return {"id": 1, "completed_by": 2, "result": [{"type": "labels", "from_name": "label", "to_name": "text", "value": value}]}


@pytest.mark.parametrize("task, needle", [
    (_task(["x"]), "annotation"),                                           # an annotation that is not an object
    (_task([{"id": 1, "completed_by": 2, "result": ["x"]}]), "result"),     # a result item that is not an object
    (_task([{"id": 1, "completed_by": 2, "result": {"a": 1}}]), "result"),  # result not a list
    (_task([_labels([1, 2])]), "value"),                                    # value not an object
    (_task([_labels({"start": 0, "end": 3, "labels": "NAME"})]), "label"),  # labels not a list
    (_task([{"id": 1, "completed_by": 2, "result": []}], text=5), "text"),  # text not a string
    ({"id": 4, "data": {"text": "x", "chunk_id": "c", "project": "NAME"}, "annotations": {"id": 1}}, "annotations"),
    (_task([{"completed_by": 2, "result": []}]), "id"),                     # a labeling needs its annotation id
])
def test_export_fields_of_the_wrong_type_are_one_line_errors(task, needle):
    # These ended in AttributeError/TypeError tracebacks; a hand-edited or truncated export is user input.
    with pytest.raises(RecordError, match=needle) as info:
        parse_export([task], "x.json", Problems())
    assert "x.json task 4" in str(info.value)
