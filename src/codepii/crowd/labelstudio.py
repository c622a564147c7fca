"""Label Studio: tasks and labeling configs per project, and import of its JSON export.

A labeling project shows one chunk (``data.text``) with one ``<Labels>``
choice per (sub)category of its main category; a validation project shows a
labeling as a pre-annotation and asks for a ``verdict`` (correct/incorrect).
Each (sub)category has its own contrasting colour across all projects.

Offsets in an export are checked against each span's ``text``: Label Studio
versions count in code points or in UTF-16 units (emoji take two), and some
count a CRLF as one character; the first reading whose slice matches the
span's text is used, and a span that matches none is reported, never guessed.
"""
from __future__ import annotations

import json
from typing import Iterable, Mapping, Sequence
from xml.sax.saxutils import quoteattr

from ..errors import RecordError
from ..labels import AMBIGUOUS, CATEGORIES, subcategories_of
from ..spans import Span
from .checks import Problems
from .results import VERDICTS, Labeling, Vote

# Kelly/Trubetskoy colours, far apart in hue and lightness; one per category.
PALETTE = ("#e6194B", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
           "#9A6324", "#469990", "#800000", "#808000", "#000075", "#bfef45")
COLOURS: Mapping[str, str] = dict(zip([c for c in CATEGORIES if c != AMBIGUOUS], PALETTE))
LABELS_NAME, VERDICT_NAME, TEXT_NAME = "label", "verdict", "text"
CODE_CLASS = "codepii-code"
TASK_KEYS = ("chunk_id", "file_id", "start_line", "char_offset", "text")
# One model version for every pre-annotation: Label Studio shows a validator only the
# predictions of the project's model version, so a per-worker version would hide most.
PREDICTION_MODEL_VERSION = "codepii-labeling"


def _labels_xml(project: str) -> str:
    items = "\n".join(
        f"    <Label value={quoteattr(c)} background={quoteattr(COLOURS[c])}/>" for c in subcategories_of(project)
    )
    return f'  <Labels name="{LABELS_NAME}" toName="{TEXT_NAME}">\n{items}\n  </Labels>'


def _text_xml() -> str:
    # pre + monospace: code keeps its indentation; symbol granularity: spans may start mid-token.
    # Label Studio's own font rule wins over an inline font-family, hence the <Style> (seen in Chromium).
    return (f'  <Style>.{CODE_CLASS}, .{CODE_CLASS} * {{ font-family: monospace !important; }}</Style>\n'
            f'  <View className="{CODE_CLASS}" style="white-space: pre">\n'
            f'    <Text name="{TEXT_NAME}" value="$text" granularity="symbol"/>\n  </View>')


def label_config(project: str) -> str:
    """The labeling config XML of one main category's project."""
    header = f"Mark every {project} value (and choose a subcategory where it applies); nothing else."
    return f"<View>\n  <Header value={quoteattr(header)}/>\n{_labels_xml(project)}\n{_text_xml()}\n</View>\n"


def validation_config(project: str) -> str:
    """The config of the validation project: the labeling is pre-annotated, the worker judges it."""
    header = f"Is this {project} labeling exactly right: every {project} marked, nothing else, exact edges?"
    choices = "\n".join(f"    <Choice value={quoteattr(v)}/>" for v in VERDICTS)
    verdict = (f'  <Choices name="{VERDICT_NAME}" toName="{TEXT_NAME}" choice="single" required="true">\n'
               f"{choices}\n  </Choices>")
    return f"<View>\n  <Header value={quoteattr(header)}/>\n{_labels_xml(project)}\n{_text_xml()}\n{verdict}\n</View>\n"


def labeling_tasks(chunks: Iterable[Mapping], project: str) -> list[dict]:
    """Label Studio tasks (import JSON) for one project: one task per chunk."""
    return [{"data": {**{k: c[k] for k in TASK_KEYS}, "project": project}} for c in chunks]


def span_result(span: Span, text: str, index: int) -> dict:
    """A span as a Label Studio ``labels`` result (code-point offsets, the span's text for the check on import)."""
    return {
        "id": f"s{index}",
        "from_name": LABELS_NAME,
        "to_name": TEXT_NAME,
        "type": "labels",
        "value": {"start": span.start, "end": span.end, "text": text[span.start : span.end], "labels": [span.category]},
    }


def validation_tasks(labelings: Iterable[Labeling], chunk_texts: Mapping[str, str]) -> list[dict]:
    """One validation task per labeling, its spans as the pre-annotation."""
    tasks = []
    for lab in labelings:
        text = chunk_texts[lab.chunk_id]
        data = {"chunk_id": lab.chunk_id, "project": lab.project, "assignment_id": lab.assignment_id, "text": text}
        result = [span_result(s, text, i) for i, s in enumerate(lab.spans)]
        tasks.append({"data": data, "predictions": [{"model_version": PREDICTION_MODEL_VERSION, "result": result}]})
    return tasks


def _offset_maps(text: str) -> list[list[int | None]]:
    """Readings of an offset: code points, UTF-16 units, each without/with CRLF as one char.

    Each map takes a reading's offset to a Python offset (None inside a surrogate pair).
    """
    maps = []
    for crlf_as_one in (False, True):
        for utf16 in (False, True):
            m: list[int | None] = []
            for i, ch in enumerate(text):
                if crlf_as_one and ch == "\r" and text[i + 1 : i + 2] == "\n":
                    continue
                m.append(i)
                if utf16 and ord(ch) > 0xFFFF:
                    m.append(None)
            m.append(len(text))
            maps.append(m)
    return maps


def resolve_offsets(text: str, start: int, end: int, value_text: str | None) -> tuple[int, int] | None:
    """Python offsets of a Label Studio span, or None when no reading matches its text."""
    if value_text is None:
        return (start, end) if 0 <= start < end <= len(text) else None
    want = value_text.replace("\r\n", "\n")
    for m in _offset_maps(text):
        if 0 <= start < end < len(m) and m[start] is not None and m[end] is not None:
            a, b = m[start], m[end]
            if text[a:b].replace("\r\n", "\n") == want:
                return a, b
    return None


def _worker(annotation: Mapping, where: str) -> str:
    who = annotation.get("completed_by")
    if isinstance(who, Mapping):
        who = who.get("email") or who.get("id")
    if who is None or isinstance(who, (bool, dict, list)):
        raise RecordError(f"{where}: no annotator id (completed_by); export with annotator details")
    return str(who)


def _results(ann: Mapping, where: str) -> list[Mapping]:
    """An annotation's ``result`` items, checked to be a list of objects."""
    results = ann.get("result") or []
    if not isinstance(results, list) or not all(isinstance(r, Mapping) for r in results):
        raise RecordError(f"{where}: 'result' must be a list of result objects; give Label Studio's JSON export unedited")
    return results


def _annotation_spans(ann: Mapping, text: str, where: str, problems: Problems) -> tuple[Span, ...] | None:
    spans = []
    for r in _results(ann, where):
        if r.get("type") != "labels":
            continue
        value = r.get("value") or {}
        if not isinstance(value, Mapping):
            raise RecordError(f"{where}: a labels result's 'value' must be an object with start, end, text and labels")
        labels = value.get("labels") or []
        if len(labels) != 1 or not isinstance(value.get("start"), int) or not isinstance(value.get("end"), int):
            raise RecordError(f"{where}: a labels result needs integer start/end and exactly one label, got {value!r}")
        offsets = resolve_offsets(text, value["start"], value["end"], value.get("text"))
        if offsets is None:
            problems.report("span_text_mismatch", where, f"span [{value['start']}, {value['end']}) {value.get('text')!r}")
            return None
        spans.append(Span(offsets[0], offsets[1], str(labels[0])))
    return tuple(sorted(spans))


def _verdict(ann: Mapping, where: str) -> str:
    for r in _results(ann, where):
        if r.get("type") == "choices" and r.get("from_name") == VERDICT_NAME:
            value = r.get("value") or {}
            choices = (value.get("choices") if isinstance(value, Mapping) else None) or []
            if len(choices) == 1 and choices[0] in VERDICTS:
                return choices[0]
            raise RecordError(f"{where}: verdict {choices!r} must be exactly one of {', '.join(VERDICTS)}")
    raise RecordError(f"{where}: a validation task's annotation has no '{VERDICT_NAME}' choice; use validation_config")


def parse_export(
    tasks: Sequence[Mapping], source: str, problems: Problems, project: str | None = None
) -> tuple[list[Labeling], list[Vote]]:
    """Labelings (from labeling tasks) and votes (from validation tasks) of a Label Studio export.

    Cancelled (skipped) annotations are no answer and are left out.
    """
    labelings, votes = [], []
    for n, task in enumerate(tasks, start=1):
        if not isinstance(task, Mapping) or not isinstance(task.get("data"), Mapping):
            raise RecordError(f"{source} task {n}: not a Label Studio task (no 'data' object); export as JSON")
        data = task["data"]
        where_task = f"{source} task {task.get('id', n)}"
        proj = data.get("project") or project
        if "chunk_id" not in data or "text" not in data or not proj:
            raise RecordError(f"{where_task}: data needs chunk_id, text and project (or pass --project); "
                              "import the tasks `codepii crowd chunk --format label-studio` wrote")
        if not isinstance(data["text"], str):
            raise RecordError(f"{where_task}: data.text must be the chunk's text (a string), got {type(data['text']).__name__}")
        annotations = task.get("annotations") or []
        if not isinstance(annotations, list) or not all(isinstance(a, Mapping) for a in annotations):
            raise RecordError(f"{where_task}: 'annotations' must be a list of annotation objects; export as JSON")
        for ann in annotations:
            if ann.get("was_cancelled"):
                continue
            where = f"{where_task} annotation {ann.get('id')}"
            if "assignment_id" not in data and ann.get("id") is None:
                raise RecordError(f"{where}: a labeling annotation needs its 'id' (its assignment id is ls-<id>); "
                                  "give Label Studio's JSON export unedited")
            worker = _worker(ann, where)
            if "assignment_id" in data:
                votes.append(Vote(str(data["assignment_id"]), str(data["chunk_id"]), proj, worker, _verdict(ann, where), where))
                continue
            spans = _annotation_spans(ann, data["text"], where, problems)
            if spans is not None:
                labelings.append(Labeling(f"ls-{ann.get('id')}", str(data["chunk_id"]), proj, worker, spans, where))
    return labelings, votes


def is_export(path: str) -> bool:
    """A Label Studio JSON export (a JSON array), told from JSONL by its first character."""
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(256).lstrip()
    except (OSError, UnicodeDecodeError):
        return False
    return head.startswith("[")


def read_export(path: str, problems: Problems, project: str | None = None) -> tuple[list[Labeling], list[Vote]]:
    try:
        with open(path, encoding="utf-8") as f:
            tasks = json.load(f)
    except FileNotFoundError:
        raise RecordError(f"{path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise RecordError(f"{path}: not JSON ({exc.msg} at line {exc.lineno}); give Label Studio's JSON export") from None
    if not isinstance(tasks, list):
        raise RecordError(f"{path}: a Label Studio JSON export is a list of tasks, got {type(tasks).__name__}")
    return parse_export(tasks, path, problems, project)
