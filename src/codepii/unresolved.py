"""What a gold record does not know: unresolved crowd tasks and low-confidence fallback labelings.

``codepii crowd aggregate`` writes, per file, the (chunk, project) tasks that no
accepted labeling settled as ``"unresolved": [{"project", "chunk_id", "start",
"end"}]`` (file offsets of the chunk), and with ``--fallback best`` the tasks it
settled by taking the most probable rejected labeling as ``"fallback": [{...,
"confidence"}]``, the spans of that labeling carrying ``"confidence"`` too.
Nothing is known about a project's PII inside an unresolved range, so training
must not teach ``O`` there (labels -100, see ``bio.window_labels``) and scoring
treats the range as don't care (``metrics.score_file``).
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from .errors import RecordError

RANGE_KEYS = ("unresolved", "fallback")


def json_list(value: Any, where: str, name: str, shape: str = "a list") -> list:
    """A record column holding a list, or a JSON string of one (as from Parquet); None is empty."""
    if value is None:
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise RecordError(f"{where}: {name} is a string but not JSON ({exc.msg})") from None
    if not isinstance(value, list):
        raise RecordError(f"{where}: {name} must be {shape}, got {type(value).__name__}")
    return value


def _parse_ranges(value: Any, key: str, content: str, where: str) -> list[dict]:
    """A list of ``{"start", "end", ...}`` dicts (JSON strings accepted, as from Parquet)."""
    value = json_list(value, where, key, "a list of {start, end} ranges")
    out = []
    for item in value:
        if not isinstance(item, Mapping) or not all(isinstance(item.get(k), int) for k in ("start", "end")):
            raise RecordError(f"{where}: {key} entry {item!r} needs integer start and end")
        if not 0 <= item["start"] <= item["end"] <= len(content):
            raise RecordError(f"{where}: {key} range [{item['start']}, {item['end']}) is outside the content "
                              f"(length {len(content)})")
        if key == "fallback" and not isinstance(item.get("confidence"), (int, float)):
            raise RecordError(f"{where}: fallback entry {item!r} needs a numeric confidence")
        out.append(dict(item))
    return out


def normalize_ranges(raw: Mapping, content: str, where: str) -> dict:
    """``{"unresolved": [...], "fallback": [...]}`` for the keys ``raw`` has (checked)."""
    return {key: _parse_ranges(raw[key], key, content, where) for key in RANGE_KEYS if key in raw}


def entity_confidences(entities: Sequence[Any]) -> dict[tuple[int, int], float]:
    """(start, end) -> ``confidence`` of the raw entities that carry one."""
    out = {}
    for e in entities:
        if isinstance(e, Mapping) and isinstance(e.get("confidence"), (int, float)) and "start" in e and "end" in e:
            out[(e["start"], e["end"])] = float(e["confidence"])
    return out


def _merge(ranges: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(r for r in ranges if r[1] > r[0]):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def unknown_ranges(record: Mapping, min_confidence: float = 0.0) -> list[tuple[int, int]]:
    """Sorted disjoint ``[start, end)`` ranges whose PII is not known: unresolved tasks, fallback
    tasks below ``min_confidence`` and entities whose ``confidence`` is below it."""
    ranges = [(u["start"], u["end"]) for u in record.get("unresolved") or []]
    ranges += [(f["start"], f["end"]) for f in record.get("fallback") or [] if f["confidence"] < min_confidence]
    ranges += [(e["start"], e["end"]) for e in record.get("entities") or []
               if e.get("confidence") is not None and e["confidence"] < min_confidence]
    return _merge(ranges)


def confident_entities(record: Mapping, min_confidence: float = 0.0) -> list[dict]:
    """The record's entities without those whose ``confidence`` is below ``min_confidence``."""
    return [e for e in record.get("entities") or [] if e.get("confidence") is None or e["confidence"] >= min_confidence]
