"""The crowd simulator: deterministic, truthful when the crowd is perfect, noisy when it is not."""
import pytest

from codepii.crowd.aggregate import aggregate
from codepii.crowd.chunk import chunk_records, group_file_chunks
from codepii.crowd.simulate import CrowdConfig, simulate, span_f1, truth_record

LINES = [
    "# Copyright 2020 Ana Silva <ana@silva.dev>\n",
    "HOST = '10.1.2.3'\n",
    "token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'\n",
    "x = compute(1)\n",
    "login(user='kat42', password='hunter2!x')\n",
]


def _gold():
    gold = []
    for f in range(6):
        content = "".join(LINES[(i + f) % len(LINES)] for i in range(7))
        entities = []
        for value, cat in [("Ana Silva", "NAME_LICENSE"), ("ana@silva.dev", "EMAIL_LICENSE"), ("10.1.2.3", "IP_ADDRESS"),
                           ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "KEY"), ("kat42", "USERNAME"), ("hunter2!x", "PASSWORD")]:
            start = content.find(value)
            while start != -1:
                entities.append({"start": start, "end": start + len(value), "category": cat})
                start = content.find(value, start + 1)
        gold.append({"id": f"g{f}", "content": content, "entities": sorted(entities, key=lambda e: e["start"])})
    return gold


def _setup(lines=3):
    gold = _gold()
    chunks = list(chunk_records(gold, lines))
    return gold, chunks, {str(k): v for k, v in group_file_chunks(chunks).items()}


def test_perfect_crowd_gives_the_truth_back():
    gold, chunks, files = _setup()
    crowd = simulate(gold, files, CrowdConfig(workers=10, mean_skill=1.0, skill_spread=0.0, spammers=0.0, seed=3))
    records, summary = aggregate(chunks, crowd.labelings, crowd.votes, crowd.skills, method="wmv")
    assert span_f1([truth_record(r) for r in gold], records)["f1"] == 1.0  # spans cut at chunk edges are stitched
    assert summary["chunk_projects"]["unresolved"] == 0
    assert all(len([v for v in crowd.votes if v.assignment_id == lab.assignment_id]) == 3 for lab in crowd.labelings)


def test_deterministic_by_seed_and_rounds_reuse_workers():
    gold, _, files = _setup()
    config = CrowdConfig(workers=12, spammers=0.25, seed=5)
    a, b = simulate(gold, files, config), simulate(gold, files, config)
    assert a.labelings == b.labelings and a.votes == b.votes and a.skills == b.skills
    c = simulate(gold, files, CrowdConfig(workers=12, spammers=0.25, seed=6))
    assert c.labelings != a.labelings
    only = {(a.labelings[0].chunk_id, a.labelings[0].project)}
    again = simulate(gold, files, config, round_index=1, only=only)
    assert again.skills == a.skills and len(again.labelings) == 1
    assert again.labelings[0].assignment_id.endswith("/1.0")


def test_noisy_crowd_makes_mistakes_and_dynamic_overlap():
    gold, chunks, files = _setup()
    crowd = simulate(gold, files, CrowdConfig(workers=12, mean_skill=0.6, spammers=0.25, seed=1))
    per_task = {}
    for v in crowd.votes:
        per_task[v.assignment_id] = per_task.get(v.assignment_id, 0) + 1
    assert set(per_task.values()) <= {3, 4, 5} and max(per_task.values()) > 3
    assert all(v.worker_id != lab.worker_id for lab in crowd.labelings for v in crowd.votes if v.assignment_id == lab.assignment_id)
    records, _ = aggregate(chunks, crowd.labelings, crowd.votes, crowd.skills, method="mv")
    assert span_f1([truth_record(r) for r in gold], records)["f1"] < 1.0
    assert all(0.0 <= s <= 1.0 for s in crowd.skills.values())


def test_config_is_checked():
    with pytest.raises(ValueError, match="workers must be at least"):
        CrowdConfig(workers=3)
    with pytest.raises(ValueError, match="min_votes"):
        CrowdConfig(min_votes=4, max_votes=3)
