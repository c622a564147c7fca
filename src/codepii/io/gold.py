"""Gold and prediction records in our layout, from ours or a BigCode PII layout (DESIGN.md).

The BigCode raw layout (``text``, ``fragments`` with ``position: [start,
end]``) and its training layout (a JSON string column of entities with
``tag``) are normalized to ``{"id", "content", "language"?, "entities":
[{"start", "end", "category", "score"?}]}`` so the real crowd data trains as-is.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..errors import RecordError, SpanError
from ..labels import CATEGORIES
from ..spans import Span, resolve_overlaps, validate_spans
from ..unresolved import entity_confidences, json_list, normalize_ranges
from .paths import expand_paths
from .readers import iter_file_batches, require_columns

log = logging.getLogger(__name__)

# Category spellings seen in other datasets -> ours.
CATEGORY_ALIASES = {"IP": "IP_ADDRESS", "API_KEY": "KEY", "SSH_KEY": "KEY", "PERSON": "NAME"}

def _entity_to_span(e: Any, where: str) -> Span:
    if not isinstance(e, Mapping):
        raise SpanError(f"{where}: entity {e!r} is not an object")
    category = e.get("category", e.get("tag"))
    if "position" in e and "start" not in e:
        pos = e["position"]
        if not isinstance(pos, (list, tuple)) or len(pos) != 2:
            raise SpanError(f"{where}: entity {e!r} has a position that is not [start, end]")
        e = {"start": pos[0], "end": pos[1], "category": category, "score": e.get("score")}
    else:
        e = {**e, "category": category}
    span = Span.from_dict(e, where)
    return span.with_category(CATEGORY_ALIASES.get(span.category, span.category))


def normalize_gold(
    raw: Mapping,
    where: str,
    validate: bool = True,
    overlaps: str = "error",
    categories: Iterable[str] = CATEGORIES,
) -> dict:
    """One gold record in our layout from ours or a BigCode PII layout.

    ``overlaps``: ``error`` (our own gold never overlaps) or ``resolve`` (keep
    the longest of overlapping spans; the BigCode data has a few).
    """
    if "content" in raw:
        content = raw["content"]
    elif "text" in raw:
        content = raw["text"]
    else:
        require_columns(raw, ["content"], where)
    if not isinstance(content, str):
        raise RecordError(f"{where}: content is {type(content).__name__}, not text")
    if "entities" in raw:
        entities = json_list(raw["entities"], where, "entities")
    elif "fragments" in raw:
        entities = json_list(raw["fragments"], where, "entities")
    else:
        require_columns(raw, ["entities"], where)
    rid = raw.get("id", where)
    label = f"{rid!r} ({where})" if "id" in raw else where  # errors name the record and its file and row
    spans = [_entity_to_span(e, f"record {label}") for e in entities]
    if overlaps == "resolve":
        before = len(spans)
        spans = resolve_overlaps(spans, "longest")
        if len(spans) != before:
            log.warning("record %s: dropped %d overlapping span(s)", rid, before - len(spans))
    if validate:
        spans = validate_spans(spans, content, label, categories)
    out = {k: v for k, v in raw.items() if k not in ("text", "fragments", "entities", "content")}
    confidence = entity_confidences(entities)  # fallback spans of `crowd aggregate --fallback best`
    out.update({"id": rid, "content": content, "entities": [_with_confidence(s, confidence) for s in spans]})
    out.update(normalize_ranges(raw, content, where))  # unresolved / fallback ranges: what the gold does not know
    if "language" in raw:
        out["language"] = raw["language"]
    return out


def _with_confidence(span: Span, confidence: Mapping[tuple[int, int], float]) -> dict:
    d = span.to_dict()
    if (span.start, span.end) in confidence:
        d["confidence"] = confidence[(span.start, span.end)]
    return d


def read_gold(
    spec: str | Sequence[str],
    validate: bool = True,
    overlaps: str = "error",
    categories: Iterable[str] = CATEGORIES,
) -> Iterator[dict]:
    """Stream gold (or prediction) records in our layout, with errors naming file and row."""
    categories = tuple(categories)
    for path in expand_paths(spec):
        row = 0
        for batch in iter_file_batches(path):
            for raw in batch:
                row += 1
                yield normalize_gold(raw, f"{path} row {row}", validate, overlaps, categories)


def record_spans(record: Mapping) -> list[Span]:
    """The ``entities`` of a normalized record as Spans."""
    return [Span.from_dict(e, f"record {record.get('id')}") for e in record.get("entities", [])]
