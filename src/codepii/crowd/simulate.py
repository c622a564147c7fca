"""A crowd with known truth: labelings, validation votes and quiz skills from gold records.

Every (worker, project) pair has a skill p in [0, 1]: the probability that it
does a task with full attention, and then labels it exactly right. Errors come
in careless tasks (probability 1 - p), as they do in real crowds, not evenly
per entity: there each entity goes wrong with probability ``careless_error``
(a miss, a moved edge or a wrong subcategory, 5:3:2) and Poisson(0.3) false
positives are added. As a validator the worker gives the right verdict with
probability p. Spammers (skill 0.5) mark 0-2 random tokens and vote at
random or always "correct". A labeling is correct only when it equals the truth
exactly. Each (chunk, project) gets ``labelings_per_chunk`` labelings by
different workers; validation is dynamic: ``min_votes`` votes, more (up to
``max_votes``) while no verdict leads by two. Tasks that aggregation leaves
unresolved can be issued again as a new ``round`` (``only=``), as a requester
would. The quiz gives each worker a noisy skill: the fraction right out of
``quiz_questions``. Workers depend on ``seed`` only; tasks on (seed, round).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection, Mapping, Sequence

from ..labels import AMBIGUOUS, MAIN_CATEGORIES, main_category, subcategories_of
from ..spans import Span
from .chunk import clip_to_chunks
from .results import VERDICTS, Labeling, Vote

CARELESS_FALSE_POSITIVES = 0.3  # mean false positives in a careless labeling
# Tokens a careless worker may mark: identifiers, numbers, dotted or @-words.
TOKEN_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@:+/=-]{2,}")


@dataclass(frozen=True)
class CrowdConfig:
    workers: int = 40
    mean_skill: float = 0.8
    skill_spread: float = 0.08  # standard deviation of skill across (worker, project)
    spammers: float = 0.1  # fraction of workers who do not read the task
    labelings_per_chunk: int = 1  # labelings of each chunk and project, by different workers
    min_votes: int = 3
    max_votes: int = 5
    quiz_questions: int = 20
    careless_error: float = 0.4  # per-entity error rate of a careless labeling
    seed: int = 0

    def __post_init__(self):
        needed = self.labelings_per_chunk + self.max_votes
        if self.workers < needed:
            raise ValueError(f"workers must be at least labelings_per_chunk + max_votes = {needed}, got {self.workers}")
        if self.labelings_per_chunk < 1 or not 1 <= self.min_votes <= self.max_votes:
            raise ValueError("need labelings_per_chunk >= 1 and 1 <= min_votes <= max_votes")
        if not 0.0 <= self.spammers <= 1.0 or not 0.0 < self.mean_skill <= 1.0:
            raise ValueError("need 0 <= spammers <= 1 and 0 < mean_skill <= 1")


@dataclass
class Crowd:
    labelings: list[Labeling]
    votes: list[Vote]
    skills: dict[tuple[str, str], float]  # quiz estimates, what the requester sees
    true_skills: dict[tuple[str, str], float]


class CrowdSimulator:
    """Draws workers once, then simulates every (chunk, project) task in order; deterministic by seed."""

    def __init__(self, config: CrowdConfig = CrowdConfig(), round_index: int = 0):
        import numpy as np

        self.config = config
        self.round = round_index
        self.rng = np.random.default_rng(config.seed)
        self.workers = [f"w{i:03d}" for i in range(config.workers)]
        n_spam = round(config.spammers * config.workers)
        spam = set(self.rng.choice(config.workers, size=n_spam, replace=False).tolist())
        # spammer style: True votes "correct" every time, False flips a coin
        self.spammers = {self.workers[i]: bool(self.rng.random() < 0.5) for i in sorted(spam)}
        self.true_skills: dict[tuple[str, str], float] = {}
        for w in self.workers:
            for p in MAIN_CATEGORIES:
                skill = 0.5 if w in self.spammers else self.rng.normal(config.mean_skill, config.skill_spread)
                self.true_skills[(w, p)] = float(min(max(skill, 0.05), 1.0))
        self.quiz_skills = self.quiz()
        # tasks draw from their own stream, so a later round reuses the same workers
        self.rng = np.random.default_rng([config.seed, round_index])

    def quiz(self) -> dict[tuple[str, str], float]:
        n = self.config.quiz_questions
        return {k: float(self.rng.binomial(n, p) / n) for k, p in self.true_skills.items()}

    def label(self, worker: str, project: str, text: str, truth: Sequence[Span]) -> tuple[Span, ...]:
        if worker in self.spammers:
            return self._false_positives(text, truth, project, int(self.rng.integers(0, 3)))
        if self.rng.random() < self.true_skills[(worker, project)]:
            return tuple(truth)
        err = self.config.careless_error  # per entity
        spans = []
        for s in truth:
            if self.rng.random() < 0.5 * err:
                continue
            if self.rng.random() < 0.3 * err:
                s = self._move_edge(s, len(text))
            choices = [c for c in subcategories_of(project) if c != s.category]
            if len(choices) and self.rng.random() < 0.2 * err:
                s = s.with_category(str(self.rng.choice(choices)))
            spans.append(s)
        spans += self._false_positives(text, truth, project, int(self.rng.poisson(CARELESS_FALSE_POSITIVES)))
        return _without_overlaps(spans)

    def _move_edge(self, s: Span, n: int) -> Span:
        delta = int(self.rng.choice([-3, -2, -1, 1, 2, 3]))
        if self.rng.random() < 0.5:
            start = min(max(0, s.start + delta), s.end - 1)
            return Span(start, s.end, s.category) if start != s.start else Span(s.start, min(n, s.end + 1), s.category)
        end = max(min(n, s.end + delta), s.start + 1)
        return Span(s.start, end, s.category) if end != s.end else Span(max(0, s.start - 1), s.end, s.category)

    def _false_positives(self, text: str, truth: Sequence[Span], project: str, k: int) -> tuple[Span, ...]:
        if k == 0:
            return ()
        free = [m.span() for m in TOKEN_RE.finditer(text) if not any(m.start() < s.end and s.start < m.end() for s in truth)]
        if not free:
            return ()
        picks = sorted(set(self.rng.choice(len(free), size=min(k, len(free)), replace=False).tolist()))
        return tuple(Span(free[i][0], free[i][1], project) for i in picks)

    def verdict(self, worker: str, project: str, correct: bool) -> str:
        if worker in self.spammers:
            return VERDICTS[0] if self.spammers[worker] or self.rng.random() < 0.5 else VERDICTS[1]
        right = self.rng.random() < self.true_skills[(worker, project)]
        return VERDICTS[0] if correct == right else VERDICTS[1]

    def validate(self, lab: Labeling, correct: bool) -> list[Vote]:
        c = self.config
        pool = [w for w in self.workers if w != lab.worker_id]
        order = self.rng.permutation(len(pool))[: c.max_votes]
        votes: list[Vote] = []
        for i in order:
            v = self.verdict(pool[i], lab.project, correct)
            votes.append(Vote(lab.assignment_id, lab.chunk_id, lab.project, pool[i], v))
            yes = sum(x.correct for x in votes)
            if len(votes) >= c.min_votes and abs(2 * yes - len(votes)) >= min(2, c.min_votes):
                break
        return votes

    def task(self, chunk_id: str, project: str, text: str, truth: Sequence[Span]) -> tuple[list[Labeling], list[Vote]]:
        """All labelings and votes of one (chunk, project) in this round."""
        labelers = self.rng.permutation(len(self.workers))[: self.config.labelings_per_chunk]
        labelings, votes = [], []
        for k, wi in enumerate(labelers):
            worker = self.workers[wi]
            spans = self.label(worker, project, text, truth)
            lab = Labeling(f"{chunk_id}/{project}/{self.round}.{k}", chunk_id, project, worker, spans)
            labelings.append(lab)
            votes += self.validate(lab, set(spans) == set(truth))
        return labelings, votes


def _without_overlaps(spans: Sequence[Span]) -> tuple[Span, ...]:
    """A moved edge may reach a neighbour; a worker's tool keeps the first of two overlapping spans."""
    out: list[Span] = []
    for s in sorted(spans):
        if not out or out[-1].end <= s.start:
            out.append(s)
    return tuple(out)


def simulate(
    gold: Sequence[Mapping],
    files: Mapping[str, Sequence[Mapping]],
    config: CrowdConfig = CrowdConfig(),
    round_index: int = 0,
    only: Collection[tuple[str, str]] | None = None,
) -> Crowd:
    """The crowd's work on every file of ``gold`` (``files``: str(file_id) -> its chunks in order).

    ``only``: the (chunk_id, project) tasks to issue (all when None), e.g. the
    unresolved ones of an earlier round. AMBIGUOUS gold spans are not shown to
    the simulated workers.
    """
    from ..progress import progress

    sim = CrowdSimulator(config, round_index)
    labelings: list[Labeling] = []
    votes: list[Vote] = []
    for record in progress(gold, unit=" file", desc=f"simulate round {round_index}"):
        parts = files[str(record["id"])]
        spans = [Span.from_dict(e) for e in record["entities"] if e["category"] != AMBIGUOUS]
        per_chunk = clip_to_chunks(spans, parts)
        for chunk in parts:
            truth = per_chunk[chunk["chunk_id"]]
            for project in MAIN_CATEGORIES:
                if only is not None and (chunk["chunk_id"], project) not in only:
                    continue
                mine = [s for s in truth if main_category(s.category) == project]
                labs, vs = sim.task(chunk["chunk_id"], project, chunk["text"], mine)
                labelings += labs
                votes += vs
    return Crowd(labelings, votes, sim.quiz_skills, sim.true_skills)


def truth_record(record: Mapping) -> dict:
    """The simulator's truth for one file: the gold without AMBIGUOUS spans."""
    out = {"id": record["id"], "content": record["content"]}
    if "language" in record:
        out["language"] = record["language"]
    out["entities"] = [e for e in record["entities"] if e["category"] != AMBIGUOUS]
    return out


def span_f1(truth: Sequence[Mapping], gold: Sequence[Mapping]) -> dict:
    """Exact span P/R/F1 (same start, end and category) of aggregated gold against the truth.

    A file missing from ``gold`` counts all its truth spans as missed; an
    AMBIGUOUS span in ``gold`` is a false positive (the truth has none).
    """
    predicted = {r["id"]: {(e["start"], e["end"], e["category"]) for e in r["entities"]} for r in gold}
    tp = fp = fn = 0
    for record in truth:
        want = {(e["start"], e["end"], e["category"]) for e in record["entities"]}
        got = predicted.pop(record["id"], set())
        tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
    fp += sum(len(spans) for spans in predicted.values())
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}
