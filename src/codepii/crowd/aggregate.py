"""From accepted labelings to gold records: consensus, project merge, AMBIGUOUS, stitching.

Steps, per (chunk, project): the accepted labelings (``vote.decide``) give the
spans; several accepted labelings are reconciled on character masks with
crowd-kit's SegmentationMajorityVote; none is "unresolved" and reported. Then,
per chunk, the seven projects are merged: spans of different main categories
that share a character become one AMBIGUOUS span (their union, LABELING.md).
Finally chunk offsets are stitched back to file offsets.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Mapping, Sequence

from ..errors import CodepiiError
from ..labels import AMBIGUOUS, MAIN_CATEGORIES, main_category, subcategories_of
from ..spans import Span, overlap_groups, sort_spans
from .checks import Problems, check_labelings, check_votes, check_workers
from .chunk import file_content, group_file_chunks, stitch_spans
from .results import Labeling, Vote
from .vote import ACCEPTED, DEFAULT_METHOD, DEFAULT_MIN_CONFIDENCE, METHODS, decide, shrink_skills

FALLBACKS = ("none", "best")  # --fallback: what an unresolved task becomes after the last round
UNRESOLVED_LISTED = 20  # how many unresolved chunk/project pairs the printed summary names


def _runs(mask) -> list[tuple[int, int]]:
    """Half-open runs of True in a 1-D boolean array."""
    runs, start = [], None
    for i, on in enumerate(mask):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(mask)))
    return runs


def _region_category(region: tuple[int, int], labelings: Sequence[Labeling], project: str) -> str:
    """The category most characters of the region carry across the labelings (ties: project order)."""
    votes: Counter = Counter()
    for lab in labelings:
        for s in lab.spans:
            votes[s.category] += max(0, min(s.end, region[1]) - max(s.start, region[0]))
    order = subcategories_of(project)
    return max(order, key=lambda c: (votes[c], -order.index(c)))


def consensus(
    groups: Mapping[tuple[str, str], Sequence[Labeling]],
    chunk_texts: Mapping[str, str],
    weights: Mapping[str, float] | None = None,
) -> dict:
    """(chunk_id, project) -> spans; several labelings meet on char masks (SegmentationMajorityVote).

    A character is PII when labelings holding at least half of the weight cover
    it (``weights``: assignment id -> the aggregator's probability that the
    labeling is correct; 1 when missing); each run of such characters takes
    the category most of them gave it.
    """
    import numpy as np
    import pandas as pd
    from crowdkit.aggregation import SegmentationMajorityVote

    out: dict = {key: list(labs[0].spans) for key, labs in groups.items() if len(labs) == 1}
    multi = {key: labs for key, labs in groups.items() if len(labs) > 1}
    if not multi:
        return out
    rows = []
    for key, labs in multi.items():
        n = len(chunk_texts[key[0]])
        for lab in labs:
            mask = np.zeros(n, dtype=bool)  # (chunk chars,)
            for s in lab.spans:
                mask[s.start : s.end] = True
            rows.append({"task": key, "worker": lab.assignment_id, "segmentation": mask})
    frame = pd.DataFrame(rows)
    frame["task"] = [f"{c}\x1f{p}" for c, p in frame["task"]]
    weights = weights or {}
    skills = pd.Series({w: weights.get(w, 1.0) for w in frame["worker"]})
    masks = SegmentationMajorityVote().fit_predict(frame, skills=skills)
    for key, labs in multi.items():
        regions = _runs(masks[f"{key[0]}\x1f{key[1]}"])
        out[key] = [Span(a, b, _region_category((a, b), labs, key[1])) for a, b in regions]
    return out


def merge_projects(spans: Sequence[Span]) -> list[Span]:
    """Spans of all projects of one chunk -> non-overlapping spans with AMBIGUOUS unions."""
    out = []
    for group in overlap_groups(spans):
        if len({main_category(s.category) for s in group}) > 1:
            out.append(Span(min(s.start for s in group), max(s.end for s in group), AMBIGUOUS))
        else:
            # one main category: one project's consensus, whose spans never overlap
            out.extend(group)
    return sort_spans(out)


def _entity(span: Span) -> dict:
    """A gold entity; a fallback span's score is its labeling's P(correct), written as ``confidence``."""
    d = {"start": span.start, "end": span.end, "category": span.category}
    if span.score is not None:
        d["confidence"] = round(span.score, 6)
    return d


def _file_record(file_id, parts, chunk_spans, unresolved_keys, fallback_keys) -> dict:
    spans = stitch_spans([(c, chunk_spans.get(c["chunk_id"], [])) for c in parts])
    record = {"id": file_id, "content": file_content(parts), "entities": [_entity(s) for s in spans]}
    if "language" in parts[0]:
        record["language"] = parts[0]["language"]
    unresolved = [
        {"project": p, "chunk_id": c["chunk_id"], "start": c["char_offset"], "end": c["char_offset"] + len(c["text"])}
        for c in parts
        for p in unresolved_keys.get(c["chunk_id"], [])
    ]
    if unresolved:
        record["unresolved"] = unresolved
    fallback = [
        {"project": p, "chunk_id": c["chunk_id"], "start": c["char_offset"], "end": c["char_offset"] + len(c["text"]),
         "confidence": round(conf, 6)}
        for c in parts
        for p, conf in fallback_keys.get(c["chunk_id"], [])
    ]
    if fallback:
        record["fallback"] = fallback
    return record


def best_fallback(kept: Sequence[Labeling], decisions: Mapping, resolved: Mapping) -> dict:
    """(chunk_id, project) -> (its most probable labeling's spans scored with that P(correct), P(correct))
    for the tasks without an accepted labeling whose labelings have votes (``--fallback best``)."""
    best: dict = {}
    for lab in kept:
        key, p = (lab.chunk_id, lab.project), decisions[lab.assignment_id].p_correct
        if key in resolved or p is None:
            continue
        if key not in best or p > best[key][1]:
            best[key] = ([replace(s, score=p) for s in lab.spans], p)
    return best


def aggregate(
    chunks: Sequence[Mapping],
    labelings: Sequence[Labeling],
    votes: Sequence[Vote],
    skills: Mapping[tuple[str, str], float] | None = None,
    method: str = DEFAULT_METHOD,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    per_project: bool = False,
    quiz_questions: int | None = None,
    projects: Sequence[str] | None = None,
    problems: Problems | None = None,
    drop_unresolved: bool = False,
    seed: int = 0,
    fallback: str = "none",
) -> tuple[list[dict], dict]:
    """Gold records (one per file, in chunk order) and a summary dict.

    ``quiz_questions``: the quiz size behind ``skills``; given, the skills are
    shrunk toward their project's mean before weighting (``shrink_skills``).
    ``fallback="best"`` (after the last round): a task without an accepted
    labeling takes its labeling with the highest P(correct); its spans carry
    that as ``confidence`` and the file lists the task under ``fallback``.
    """
    if fallback not in FALLBACKS:
        raise CodepiiError(f"unknown fallback {fallback!r}; choose one of {', '.join(FALLBACKS)}")
    problems = problems or Problems()
    if skills and quiz_questions:
        skills = shrink_skills(skills, quiz_questions)
    files = group_file_chunks(chunks)
    chunk_texts = {c["chunk_id"]: c["text"] for parts in files.values() for c in parts}
    kept = check_labelings(labelings, chunk_texts, problems)
    kept_votes = check_votes(votes, kept, problems)
    check_workers(kept, kept_votes, skills or {}, problems)
    decisions = decide(kept_votes, [lab.assignment_id for lab in kept], method, skills, min_confidence, per_project, seed)
    projects = tuple(projects or [p for p in MAIN_CATEGORIES if any(lab.project == p for lab in kept)])

    accepted: dict[tuple[str, str], list[Labeling]] = {}
    for lab in kept:
        if decisions[lab.assignment_id].status == ACCEPTED and lab.project in projects:
            accepted.setdefault((lab.chunk_id, lab.project), []).append(lab)
    weights = {a: d.p_correct for a, d in decisions.items() if d.p_correct is not None}
    resolved = {key: [replace(s, score=None) for s in spans] for key, spans in consensus(accepted, chunk_texts, weights).items()}
    best = best_fallback([lab for lab in kept if lab.project in projects], decisions, resolved) if fallback == "best" else {}
    chunk_spans, unresolved_keys, fallback_keys = _chunk_spans(chunk_texts, projects, resolved, best)
    records, dropped = [], 0
    for file_id, parts in files.items():
        record = _file_record(file_id, parts, chunk_spans, unresolved_keys, fallback_keys)
        if drop_unresolved and "unresolved" in record:
            dropped += 1
            continue
        records.append(record)
    summary = _summary(method, min_confidence, projects, labelings, kept, votes, kept_votes, decisions, accepted, chunk_texts,
                       unresolved_keys, records, dropped, problems)
    summary["fallback"] = {"method": fallback, "tasks": [
        {"chunk_id": cid, "project": p, "confidence": round(conf, 6)} for cid, ps in fallback_keys.items() for p, conf in ps]}
    summary["chunk_projects"]["by_fallback"] = len(summary["fallback"]["tasks"])
    summary["chunk_projects"]["resolved"] -= summary["chunk_projects"]["by_fallback"]
    return records, summary


def _chunk_spans(chunk_texts: Mapping[str, str], projects: Sequence[str], resolved: Mapping, best: Mapping):
    """Per chunk: its spans over every project (resolved, else the fallback labeling), the projects left
    unresolved, and the (project, confidence) of fallback tasks."""
    unresolved_keys: dict[str, list[str]] = {}
    fallback_keys: dict[str, list[tuple[str, float]]] = {}
    chunk_spans: dict[str, list[Span]] = {}
    for cid in chunk_texts:
        found = []
        for p in projects:
            if (cid, p) in resolved:
                found.extend(resolved[(cid, p)])
            elif (cid, p) in best:
                found.extend(best[(cid, p)][0])
                fallback_keys.setdefault(cid, []).append((p, best[(cid, p)][1]))
            else:
                unresolved_keys.setdefault(cid, []).append(p)
        chunk_spans[cid] = merge_projects(found)
    return chunk_spans, unresolved_keys, fallback_keys


def _summary(method, min_confidence, projects, labelings, kept, votes, kept_votes, decisions, accepted, chunk_texts,
             unresolved_keys, records, dropped, problems) -> dict:
    status = Counter(d.status for d in decisions.values())
    categories = Counter(e["category"] for r in records for e in r["entities"])
    unresolved = [{"chunk_id": cid, "project": p} for cid, ps in unresolved_keys.items() for p in ps]
    return {
        "method": method,
        "method_help": METHODS[method],
        "min_confidence": min_confidence,
        "projects": list(projects),
        "labelings": {
            "read": len(labelings),
            "kept": len(kept),
            **{k: status[k] for k in sorted(status)},
            "outside_projects": sum(1 for lab in kept if lab.project not in projects),
        },
        "votes": {"read": len(votes), "kept": len(kept_votes)},
        "chunk_projects": {
            "total": len(chunk_texts) * len(projects),
            "resolved": len(chunk_texts) * len(projects) - len(unresolved),
            "by_consensus": sum(1 for labs in accepted.values() if len(labs) > 1),
            "unresolved": len(unresolved),
        },
        "unresolved": unresolved,
        "files": {"written": len(records), "with_unresolved": sum("unresolved" in r for r in records), "dropped": dropped},
        "spans": dict(sorted(categories.items())),
        "skipped": problems.to_dict(),
    }


def format_summary(summary: Mapping) -> str:
    """A few human lines for the terminal."""
    lab, cp, files = summary["labelings"], summary["chunk_projects"], summary["files"]
    lines = [
        f"method {summary['method']}: {summary['method_help']}; accept at P(correct) >= {summary['min_confidence']}",
        f"labelings: {lab['read']} read, {lab['kept']} kept, {lab.get('accepted', 0)} accepted, "
        f"{lab.get('rejected', 0)} rejected, {lab.get('unsure', 0)} unsure (below the confidence), "
        f"{lab.get('tied', 0)} tied, {lab.get('unvoted', 0)} without votes"
        + (f", {lab['outside_projects']} of projects not in --projects (ignored)" if lab["outside_projects"] else ""),
        f"votes: {summary['votes']['read']} read, {summary['votes']['kept']} kept",
        f"chunk x project: {cp['total']} total, {cp['resolved']} resolved ({cp['by_consensus']} by consensus of "
        f"several labelings), {cp['unresolved']} unresolved (no accepted labeling)",
        f"files: {files['written']} written ({files['with_unresolved']} with unresolved chunks), {files['dropped']} dropped",
        "spans: " + (", ".join(f"{c} {n}" for c, n in summary["spans"].items()) or "none"),
    ]
    taken = summary.get("fallback", {}).get("tasks", [])
    if taken:
        low = sum(1 for t in taken if t["confidence"] < 0.5)
        lines.append(f"fallback best: {len(taken)} unresolved tasks took their most probable labeling "
                     f"({low} with confidence < 0.5; entities carry `confidence`, train with data.min_confidence)")
    if summary["unresolved"]:
        shown = [f"{u['chunk_id']} {u['project']}" for u in summary["unresolved"][:UNRESOLVED_LISTED]]
        more = len(summary["unresolved"]) - len(shown)
        lines.append("unresolved: " + ", ".join(shown) + (f" and {more} more (see the summary JSON)" if more else ""))
    for kind, info in summary["skipped"].items():
        lines.append(f"skipped {info['count']} x {kind}: {info['examples'][0]}")
    return "\n".join(lines)
