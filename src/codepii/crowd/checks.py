"""The bad-input policy: well-formed crowd rows that do not fit the rest of the data.

Each such row is either skipped and counted (the default; the summary lists
every kind with its count and the first examples) or, with ``strict``, a
one-line CodepiiError naming the file, row and id and the fix. Nothing is
repaired: a labeling with one bad span is skipped whole, because keeping the
rest of it would change what the validators judged.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping, Sequence

from ..errors import CodepiiError
from ..labels import MAIN_CATEGORIES, subcategories_of
from .results import Labeling, Vote

# kind -> the fix we suggest
FIXES: Mapping[str, str] = {
    "unknown_chunk": "the labeling names a chunk that is not in --chunks; pass the chunks the tasks were made from",
    "unknown_project": f"project must be one of {', '.join(MAIN_CATEGORIES)}",
    "unknown_category": "a span category must be the project's category or one of its subcategories",
    "span_outside_chunk": "span offsets must be non-empty and inside the chunk's text (Python string indices)",
    "overlapping_spans": "spans of one labeling must not overlap",
    "duplicate_assignment": "assignment ids must be unique; the first one is kept",
    "unknown_assignment": "the vote judges an assignment id that no labeling has; pass the matching --labels",
    "vote_mismatch": "the vote's chunk_id/project differ from those of the labeling it judges",
    "duplicate_vote": "a worker votes once per assignment; the first vote is kept",
    "self_vote": "a worker may not validate their own labeling",
    "span_text_mismatch": "the span's offsets do not select its text in any offset reading (code points, UTF-16, CRLF); "
    "re-export the project",
    "unknown_worker": "the worker has no quiz skill for this project in --skills; the default skill is used",
}
EXAMPLES_KEPT = 3


class Problems:
    """Counts skipped rows by kind, or raises at the first one when ``strict``."""

    def __init__(self, strict: bool = False):
        self.strict = strict
        self.counts: Counter = Counter()
        self.examples: dict[str, list[str]] = {}

    def report(self, kind: str, where: str, what: str) -> None:
        message = f"{where}: {what}; {FIXES[kind]}"
        if self.strict:
            raise CodepiiError(message + " (or drop --strict to skip and count such rows)")
        self.counts[kind] += 1
        self.examples.setdefault(kind, [])
        if len(self.examples[kind]) < EXAMPLES_KEPT:
            self.examples[kind].append(message)

    def to_dict(self) -> dict:
        return {kind: {"count": n, "examples": self.examples[kind]} for kind, n in sorted(self.counts.items())}


def _labeling_problem(lab: Labeling, chunk_text: str | None) -> tuple[str, str] | None:
    if chunk_text is None:
        return "unknown_chunk", f"chunk {lab.chunk_id!r} is unknown"
    if lab.project not in MAIN_CATEGORIES:
        return "unknown_project", f"project {lab.project!r} is unknown"
    allowed = subcategories_of(lab.project)
    for s in lab.spans:
        if s.category not in allowed:
            return "unknown_category", f"span [{s.start}, {s.end}) has category {s.category!r} in project {lab.project}"
        if not 0 <= s.start < s.end <= len(chunk_text):
            return "span_outside_chunk", f"span [{s.start}, {s.end}) does not fit the chunk (length {len(chunk_text)})"
    ordered = sorted(lab.spans, key=lambda s: (s.start, s.end))
    for a, b in zip(ordered, ordered[1:]):
        if a.overlaps(b):
            return "overlapping_spans", f"spans [{a.start}, {a.end}) and [{b.start}, {b.end}) overlap"
    return None


def check_labelings(labelings: Iterable[Labeling], chunk_texts: Mapping[str, str], problems: Problems) -> list[Labeling]:
    """The labelings that fit their chunk and project, first of each assignment id."""
    kept: dict[str, Labeling] = {}
    for lab in labelings:
        where = f"{lab.where or 'labeling'} (assignment {lab.assignment_id})"
        if lab.assignment_id in kept:
            problems.report("duplicate_assignment", where, f"assignment {lab.assignment_id!r} appears again")
            continue
        problem = _labeling_problem(lab, chunk_texts.get(lab.chunk_id))
        if problem:
            problems.report(problem[0], where, problem[1])
            continue
        kept[lab.assignment_id] = lab
    return list(kept.values())


def check_votes(votes: Iterable[Vote], labelings: Sequence[Labeling], problems: Problems) -> list[Vote]:
    """The votes that judge a kept labeling, one per (assignment, worker), not by its author."""
    by_id = {lab.assignment_id: lab for lab in labelings}
    seen: set[tuple[str, str]] = set()
    kept = []
    for v in votes:
        where = f"{v.where or 'vote'} (assignment {v.assignment_id}, worker {v.worker_id})"
        lab = by_id.get(v.assignment_id)
        if lab is None:
            problems.report("unknown_assignment", where, f"no kept labeling has assignment {v.assignment_id!r}")
        elif (v.chunk_id, v.project) != (lab.chunk_id, lab.project):
            problems.report("vote_mismatch", where, f"vote says {v.chunk_id}/{v.project}, labeling {lab.chunk_id}/{lab.project}")
        elif v.worker_id == lab.worker_id:
            problems.report("self_vote", where, "the voter wrote this labeling")
        elif (v.assignment_id, v.worker_id) in seen:
            problems.report("duplicate_vote", where, "second vote of this worker on this assignment")
        else:
            seen.add((v.assignment_id, v.worker_id))
            kept.append(v)
    return kept


def check_workers(
    labelings: Sequence[Labeling], votes: Sequence[Vote], skills: Mapping[tuple[str, str], float], problems: Problems
) -> None:
    """Report each (worker, project) that acts without a quiz skill, once."""
    if not skills:
        return
    reported: set[tuple[str, str]] = set()
    for item in [*labelings, *votes]:
        key = (item.worker_id, item.project)
        if key not in skills and key not in reported:
            reported.add(key)
            problems.report("unknown_worker", item.where or "row", f"worker {item.worker_id!r} in project {item.project}")
