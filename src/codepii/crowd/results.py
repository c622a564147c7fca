"""Crowd results in memory and from files: labelings, validation votes, quiz skills.

Formats (DESIGN.md): a labeling is ``{"assignment_id", "chunk_id", "project",
"worker_id", "spans": [{"start", "end", "category"}]}`` with offsets into the
chunk's text; a vote is ``{"assignment_id", "chunk_id", "project",
"worker_id", "verdict": "correct" | "incorrect"}``; skills are
``{"worker_id", "project", "skill"}`` rows (CSV or JSONL), skill in [0, 1].

A malformed row (bad JSON, a missing key, a wrong type, a verdict that is
neither word) is always a one-line error. Rows that are well formed but do not
fit the rest of the data go through ``Problems`` (see ``checks.py``).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping

from ..errors import RecordError
from ..io import detect_format, expand_paths, iter_batches, require_columns
from ..spans import Span

VERDICTS = ("correct", "incorrect")
LABELING_COLUMNS = ("assignment_id", "chunk_id", "project", "worker_id", "spans")
VOTE_COLUMNS = ("assignment_id", "chunk_id", "project", "worker_id", "verdict")
SKILL_COLUMNS = ("worker_id", "project", "skill")


@dataclass(frozen=True)
class Labeling:
    """One worker's spans for one chunk in one project (chunk offsets)."""

    assignment_id: str
    chunk_id: str
    project: str
    worker_id: str
    spans: tuple[Span, ...] = ()
    where: str = field(default="", compare=False)

    def to_dict(self) -> dict:
        return {
            "assignment_id": self.assignment_id,
            "chunk_id": self.chunk_id,
            "project": self.project,
            "worker_id": self.worker_id,
            "spans": [s.to_dict() for s in self.spans],
        }


@dataclass(frozen=True)
class Vote:
    """One worker's judgement of one labeling."""

    assignment_id: str
    chunk_id: str
    project: str
    worker_id: str
    verdict: str
    where: str = field(default="", compare=False)

    @property
    def correct(self) -> bool:
        return self.verdict == VERDICTS[0]

    def to_dict(self) -> dict:
        return {
            "assignment_id": self.assignment_id,
            "chunk_id": self.chunk_id,
            "project": self.project,
            "worker_id": self.worker_id,
            "verdict": self.verdict,
        }


def _text(record: Mapping, key: str, where: str) -> str:
    value = record[key]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RecordError(f"{where}: {key} must be a string or an integer, got {value!r}")
    return str(value)


def labeling_from_dict(record: Mapping, where: str) -> Labeling:
    require_columns(record, LABELING_COLUMNS, where)
    spans = record["spans"]
    if not isinstance(spans, list):
        raise RecordError(f"{where}: spans must be a list of {{start, end, category}}, got {type(spans).__name__}")
    return Labeling(
        assignment_id=_text(record, "assignment_id", where),
        chunk_id=_text(record, "chunk_id", where),
        project=_text(record, "project", where),
        worker_id=_text(record, "worker_id", where),
        spans=tuple(Span.from_dict(s, where) for s in spans),
        where=where,
    )


def vote_from_dict(record: Mapping, where: str) -> Vote:
    require_columns(record, VOTE_COLUMNS, where)
    verdict = record["verdict"]
    if verdict not in VERDICTS:
        raise RecordError(f"{where}: verdict {verdict!r} must be 'correct' or 'incorrect'")
    return Vote(
        assignment_id=_text(record, "assignment_id", where),
        chunk_id=_text(record, "chunk_id", where),
        project=_text(record, "project", where),
        worker_id=_text(record, "worker_id", where),
        verdict=verdict,
        where=where,
    )


def _rows(spec: str | Iterable[str]) -> Iterator[tuple[str, dict]]:
    """``(where, row)`` for every row of every file, ``where`` = "path row N"."""
    for path in expand_paths(spec):
        row = 0
        for batch in iter_batches(path):
            for record in batch:
                row += 1
                yield f"{path} row {row}", record


def read_labelings(spec: str | Iterable[str]) -> list[Labeling]:
    return [labeling_from_dict(r, where) for where, r in _rows(spec)]


def read_votes(spec: str | Iterable[str]) -> list[Vote]:
    return [vote_from_dict(r, where) for where, r in _rows(spec)]


def _skill_rows(path: str) -> Iterator[tuple[str, Mapping]]:
    if path.lower().endswith(".csv"):
        with open(path, newline="", encoding="utf-8") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                yield f"{path} line {line}", row
        return
    detect_format(path)
    yield from _rows(path)


def read_skills(spec: str | Iterable[str]) -> dict[tuple[str, str], float]:
    """``(worker_id, project) -> skill`` from CSV or JSONL/Parquet files."""
    skills: dict[tuple[str, str], float] = {}
    for path in expand_paths(spec):
        for where, row in _skill_rows(path):
            require_columns(row, SKILL_COLUMNS, where)
            try:
                skill = float(row["skill"])
            except (TypeError, ValueError):
                raise RecordError(f"{where}: skill {row['skill']!r} is not a number in [0, 1]") from None
            if not 0.0 <= skill <= 1.0:
                raise RecordError(f"{where}: skill {skill} is outside [0, 1]; give the quiz accuracy as a fraction")
            skills[(_text(row, "worker_id", where), _text(row, "project", where))] = skill
    return skills


def write_skills_csv(path: str, skills: Mapping[tuple[str, str], float]) -> None:
    from ..io import atomic_open

    with atomic_open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(SKILL_COLUMNS)
        for (worker, project), skill in sorted(skills.items()):
            w.writerow([worker, project, f"{skill:.4f}"])
