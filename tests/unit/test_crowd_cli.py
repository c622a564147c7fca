"""``codepii crowd``: help, the chunk -> simulate -> aggregate pipeline, exit-2 errors."""
import json
import subprocess
import sys

import pytest

from codepii.cli import main

GOLD = [
    {"id": "a", "content": "email = 'ann@x.io'\nip = '10.0.0.7'\r\nx = 1\n",
     "entities": [{"start": 9, "end": 17, "category": "EMAIL"}, {"start": 25, "end": 33, "category": "IP_ADDRESS"}]},
    {"id": "b", "content": "# by Zoë Ng 😀\nk = 'sk_live_0123456789abcdef'\n",
     "entities": [{"start": 5, "end": 11, "category": "NAME"}, {"start": 20, "end": 44, "category": "KEY"}]},
]


def run(*args):
    return subprocess.run([sys.executable, "-m", "codepii", "crowd", *args], capture_output=True, text=True)


@pytest.fixture()
def tasks(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GOLD), encoding="utf-8")
    assert main(["crowd", "chunk", "--input", str(gold), "--out", str(tmp_path / "tasks"), "--lines", "1"]) == 0
    return tmp_path, gold


def test_help_of_every_step(capsys):
    r = run("--help")
    assert r.returncode == 0 and "usage: codepii crowd" in r.stdout
    for step in ("chunk", "simulate", "aggregate", "validation-tasks", "push", "pull"):
        with pytest.raises(SystemExit) as exit_:
            main(["crowd", step, "--help"])
        assert exit_.value.code == 0 and f"usage: codepii crowd {step}" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["crowd", "aggregate", "--help"])
    assert "wawa" in capsys.readouterr().out
    assert main(["crowd"]) == 2  # a group without a step prints its help


def test_chunk_simulate_aggregate_round_trip(tasks, capsys):
    tmp, gold = tasks
    assert (tmp / "tasks" / "KEY.jsonl").exists() and (tmp / "tasks" / "chunks.jsonl").exists()
    assert main(["crowd", "chunk", "--input", str(gold), "--out", str(tmp / "ls"), "--format", "label-studio"]) == 0
    assert json.loads((tmp / "ls" / "NAME" / "tasks.json").read_text())[0]["data"]["project"] == "NAME"
    chunks = str(tmp / "tasks" / "chunks.jsonl")
    assert main(["crowd", "simulate", "--gold", str(gold), "--chunks", chunks, "--out", str(tmp / "crowd"),
                 "--workers", "10", "--mean-skill", "1", "--spammers", "0"]) == 0
    crowd = tmp / "crowd"
    assert main(["crowd", "aggregate", "--chunks", chunks, "--labels", str(crowd / "labels.jsonl"),
                 "--validations", str(crowd / "validations.jsonl"), "--skills", str(crowd / "skills.csv"),
                 "--quiz-questions", "20", "--out", str(tmp / "out.jsonl")]) == 0
    out = [json.loads(line) for line in (tmp / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(r["id"], r["content"], r["entities"]) for r in out] == [(g["id"], g["content"], g["entities"]) for g in GOLD]
    summary = json.loads((tmp / "out.summary.json").read_text())
    assert summary["method"] == "wmv" and summary["chunk_projects"]["unresolved"] == 0
    assert "0 unresolved" in capsys.readouterr().out
    assert main(["crowd", "validation-tasks", "--chunks", chunks, "--labels", str(crowd / "labels.jsonl"),
                 "--out", str(tmp / "val")]) == 0
    assert (tmp / "val" / "KEY" / "validation_config.xml").exists()


def test_bad_input_exits_2_with_one_line(tasks, capsys):
    tmp, gold = tasks
    chunks = str(tmp / "tasks" / "chunks.jsonl")
    labels = tmp / "labels.jsonl"
    labels.write_text(json.dumps({"assignment_id": "x", "chunk_id": "a:1", "project": "EMAIL", "worker_id": "w",
                                  "spans": [{"start": 0, "end": 999, "category": "EMAIL"}]}) + "\n")
    empty = tmp / "empty.jsonl"
    empty.write_text("")
    votes = tmp / "votes.jsonl"
    votes.write_text(json.dumps({"assignment_id": "x", "chunk_id": "a:1", "project": "EMAIL", "worker_id": "v",
                                 "verdict": "maybe"}) + "\n")
    common = ["aggregate", "--chunks", chunks, "--labels", str(labels), "--out", str(tmp / "o.jsonl")]
    cases = [
        (common + ["--validations", str(votes)], "votes.jsonl row 1: verdict 'maybe'"),
        (common + ["--strict"], "labels.jsonl row 1 (assignment x): span [0, 999)"),
        (common + ["--method", "wmv"], "pass --skills"),
        (["aggregate", "--chunks", chunks, "--labels", str(empty), "--out", str(tmp / "o.jsonl")], "no labelings"),
        (["aggregate", "--chunks", str(gold), "--labels", str(labels), "--out", "o.jsonl"], "missing column(s) chunk_id"),
        (["simulate", "--gold", str(gold), "--chunks", chunks, "--out", str(tmp / "c"), "--workers", "2"], "workers must be"),
        (["chunk", "--input", str(tmp / "nope.jsonl"), "--out", str(tmp / "t")], "no such file"),
    ]
    for args, message in cases[:-1]:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            main(["crowd", *args])
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and message in err and err.strip().count("\n") == 0, (args, err)
    r = run(*cases[-1][0])  # one real process: the message is one line and there is no traceback
    assert r.returncode == 2 and cases[-1][1] in r.stderr and r.stderr.strip().count("\n") == 0
    assert "Traceback" not in r.stderr
    capsys.readouterr()
    assert main(["crowd", *common]) == 0  # without --strict the bad labeling is skipped, counted and reported
    assert "skipped 1 x span_outside_chunk" in capsys.readouterr().out


def test_aggregate_fallback_best_settles_every_voted_task(tasks, capsys):
    tmp, gold = tasks
    chunks = str(tmp / "tasks" / "chunks.jsonl")
    assert main(["crowd", "simulate", "--gold", str(gold), "--chunks", chunks, "--out", str(tmp / "crowd"),
                 "--workers", "10", "--mean-skill", "0.55", "--spammers", "0.3", "--seed", "3"]) == 0
    args = ["crowd", "aggregate", "--chunks", chunks, "--labels", str(tmp / "crowd" / "labels.jsonl"),
            "--validations", str(tmp / "crowd" / "validations.jsonl")]
    assert main(args + ["--out", str(tmp / "plain.jsonl")]) == 0
    plain = json.loads((tmp / "plain.summary.json").read_text())
    assert plain["chunk_projects"]["unresolved"] > 0 and plain["fallback"]["tasks"] == []
    assert main(args + ["--out", str(tmp / "best.jsonl"), "--fallback", "best"]) == 0
    best = json.loads((tmp / "best.summary.json").read_text())
    assert best["chunk_projects"]["unresolved"] == 0
    assert best["chunk_projects"]["by_fallback"] == plain["chunk_projects"]["unresolved"]
    assert "fallback best:" in capsys.readouterr().out
    records = [json.loads(line) for line in (tmp / "best.jsonl").read_text(encoding="utf-8").splitlines()]
    taken = [f for r in records for f in r.get("fallback", [])]
    assert len(taken) == len(best["fallback"]["tasks"]) and all(0 <= f["confidence"] < 1 for f in taken)


def test_a_corpus_record_without_content_names_the_file(tmp_path, capsys):
    # The error said "corpus row 1: missing column(s) content" without the file it meant.
    bad = tmp_path / "mine.jsonl"
    bad.write_text(json.dumps({"id": "a", "text": "x = 1\n"}) + "\n")
    with pytest.raises(SystemExit) as exit_:
        main(["crowd", "chunk", "--input", str(bad), "--out", str(tmp_path / "t")])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and f"{bad} row 1: missing column(s) content" in err, err
