"""Accept or reject labelings from validation votes, with crowd-kit aggregators.

Each labeling is one binary task ("is this labeling correct?") and each vote
one answer to it. For ``wmv`` a voter is a (worker, project) pair, because
quiz skills are per category; the EM methods pool a worker's votes over the
projects (``per_project=False``), because with 3-5 votes per labeling they
need many answers per worker to estimate anything. A labeling is accepted when
the aggregator's probability that it is correct reaches ``min_confidence``: a
wrongly accepted labeling changes the gold, a wrongly rejected one only costs
another round of labeling. pandas and crowd-kit are imported
inside the functions: ``codepii --help`` stays fast.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

from ..errors import CodepiiError
from .results import VERDICTS, Vote

# method -> what it does (shown by --help)
METHODS: Mapping[str, str] = {
    "mv": "plain majority vote (crowd-kit MajorityVote)",
    "wmv": "majority vote weighted by quiz skill, weight log(p/(1-p)) (needs --skills)",
    "wawa": "Wawa: majority vote weighted by each worker's agreement with the majority",
    "ds": "Dawid-Skene EM over per-worker confusion matrices",
    "glad": "GLAD: EM over worker ability and task difficulty",
    "mace": "MACE: EM that models spammers explicitly",
}
SKILL_METHODS = ("wmv",)
# Quiz skills are clipped before log-odds: a 100% quiz must not give an
# infinite weight, and a worker at or below chance gets (almost) no say.
SKILL_FLOOR, SKILL_CEIL = 0.51, 0.99

ACCEPTED, REJECTED, TIED, UNSURE, UNVOTED = "accepted", "rejected", "tied", "unsure", "unvoted"
DEFAULT_METHOD = "wmv"
DEFAULT_MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Decision:
    status: str  # ACCEPTED, REJECTED, TIED, UNSURE (more likely correct, below min_confidence) or UNVOTED
    p_correct: float | None  # the aggregator's probability that the labeling is correct
    votes: int


def worker_key(worker_id: str, project: str) -> str:
    return f"{worker_id}@{project}"


def log_odds(skill: float) -> float:
    p = min(max(skill, SKILL_FLOOR), SKILL_CEIL)
    return math.log(p / (1.0 - p))


def vote_frame(votes: Sequence[Vote], per_project: bool = True):
    """crowd-kit input: columns task (assignment id), worker (worker@project or worker), label (verdict)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "task": [v.assignment_id for v in votes],
            "worker": [worker_key(v.worker_id, v.project) if per_project else v.worker_id for v in votes],
            "label": [v.verdict for v in votes],
        }
    )


def _aggregator(method: str, seed: int):
    from crowdkit.aggregation import GLAD, MACE, DawidSkene, MajorityVote, Wawa

    from ..progress import bars_shown

    if method in ("mv", "wmv"):
        return MajorityVote()
    if method == "wawa":
        return Wawa()
    if method == "ds":
        return DawidSkene(n_iter=100)
    if method == "glad":
        return GLAD(n_iter=100, silent=not bars_shown())  # EM can run for minutes: crowd-kit's own bar
    if method == "mace":
        return MACE(n_iter=50, random_state=seed, verbose=1 if bars_shown() else 0)  # a bar over restarts
    raise CodepiiError(f"unknown aggregation method {method!r}; choose one of {', '.join(METHODS)}")


def shrink_skills(skills: Mapping[tuple[str, str], float], quiz_questions: int) -> dict[tuple[str, str], float]:
    """Quiz skills shrunk toward their project's mean (empirical Bayes, beta-binomial).

    A quiz of n questions measures a skill p with variance p(1-p)/n, so a
    lucky 19/20 looks like an expert. The spread of true skills in a project is
    the observed variance minus that noise; a Beta prior with that mean and
    spread (strength k = mean(1-mean)/var - 1 pseudo-questions) gives each
    worker the posterior mean (n*q + k*mean) / (n + k).
    """
    by_project: dict[str, list[float]] = {}
    for (_, project), q in skills.items():
        by_project.setdefault(project, []).append(q)
    out = {}
    for (worker, project), q in skills.items():
        qs = by_project[project]
        mean = sum(qs) / len(qs)
        observed = sum((x - mean) ** 2 for x in qs) / max(1, len(qs) - 1)
        noise = sum(x * (1 - x) for x in qs) / len(qs) / quiz_questions
        true_var = observed - noise
        if len(qs) < 3 or true_var <= 0:  # too few workers, or all the spread is quiz noise
            out[(worker, project)] = mean if len(qs) >= 3 else q
            continue
        k = max(mean * (1 - mean) / true_var - 1, 0.0)
        out[(worker, project)] = (quiz_questions * q + k * mean) / (quiz_questions + k)
    return out


def skill_weights(votes: Sequence[Vote], skills: Mapping[tuple[str, str], float], default_skill: float):
    """pandas Series worker@project -> log-odds weight of the quiz skill (default for the unknown)."""
    import pandas as pd

    keys = {(v.worker_id, v.project) for v in votes}
    return pd.Series({worker_key(w, p): log_odds(skills.get((w, p), default_skill)) for w, p in sorted(keys)})


def decide(
    votes: Sequence[Vote],
    assignment_ids: Sequence[str],
    method: str = DEFAULT_METHOD,
    skills: Mapping[tuple[str, str], float] | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    per_project: bool = False,
    seed: int = 0,
) -> dict[str, Decision]:
    """A Decision for every assignment id; those without votes are UNVOTED.

    A tie (equal probability of correct and incorrect) is TIED, never a silent
    pick; like UNSURE it counts as not accepted.
    """
    if method in SKILL_METHODS and not skills:
        raise CodepiiError(f"--method {method} weights votes by quiz skill: pass --skills FILE (or use mv, wawa, ds, glad)")
    counts: dict[str, int] = {}
    for v in votes:
        counts[v.assignment_id] = counts.get(v.assignment_id, 0) + 1
    out = {a: Decision(UNVOTED, None, 0) for a in assignment_ids}
    if not votes:
        return out
    model = _aggregator(method, seed)
    frame = vote_frame(votes, per_project or method in SKILL_METHODS)
    if method in SKILL_METHODS:
        default = sum(skills.values()) / len(skills)
        model.fit_predict(frame, skills=skill_weights(votes, skills, default))
    else:
        model.fit_predict(frame)  # Wawa fills probas_ only in predict
    probas = model.probas_.reindex(columns=list(VERDICTS), fill_value=0.0)
    for task, p_correct, p_incorrect in zip(probas.index, probas[VERDICTS[0]], probas[VERDICTS[1]]):
        if math.isclose(p_correct, p_incorrect, abs_tol=1e-9):
            status = TIED
        else:
            status = REJECTED if p_correct < p_incorrect else ACCEPTED if p_correct >= min_confidence else UNSURE
        out[task] = Decision(status, float(p_correct), counts[task])
    return out
