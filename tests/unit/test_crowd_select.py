"""crowd select: uncertainty and disagreement scores, the budget split, the task files it writes."""
from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from codepii.cli import main  # noqa: E402
from codepii.crowd.select import disagreements, select, uncertainty  # noqa: E402
from codepii.model import save_random_model_dir  # noqa: E402
from codepii.spans import Span  # noqa: E402

CODE = [
    "def connect(host='10.0.0.5', user='alice', password='hunter2'):\n    return db(host, user)\n",
    "# Author: Jane Doe <jane.doe@gmail.com>\nAPI_KEY = 'ghp_yi9nh9321fxyvky6cpodrun8z74dwbu2k1b4'\n",
    "for i in range(10):\n    print(i * 2)  # nothing here\n",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("tiny-model"))
    return save_random_model_dir(path, CODE * 20, max_length=24, stride=8, hidden_size=32, num_layers=1, num_heads=2, intermediate_size=64)


def test_uncertainty_is_high_where_the_top_two_tags_are_close():
    sure = np.array([[0.98, 0.01, 0.01]] * 20)
    torn = sure.copy()
    torn[3] = [0.5, 0.49, 0.01]
    assert uncertainty(sure) == pytest.approx(1 - 0.97)
    assert uncertainty(torn) > uncertainty(sure)
    assert uncertainty(np.zeros((0, 3))) == 0.0


def test_disagreements_count_both_sides_per_category():
    model = [Span(0, 5, "EMAIL"), Span(10, 14, "NAME")]
    patterns = [Span(1, 4, "EMAIL"), Span(20, 28, "IP_ADDRESS")]
    assert disagreements(model, patterns, ("EMAIL", "IP_ADDRESS")) == 1  # the IP the model missed
    assert disagreements([Span(0, 5, "KEY")], [Span(0, 5, "PASSWORD")], ("KEY", "PASSWORD")) == 2


def test_select_takes_the_top_and_a_random_share():
    scores = [{"priority": p} for p in (0.1, 0.9, 0.5, 0.7, 0.2, 0.3, 0.0, 0.4, 0.6, 0.8)]
    picked = select(scores, 5, random_share=0.4, seed=1)
    assert [i for i, r in picked if r == "priority"] == [1, 9, 3]
    randoms = [i for i, r in picked if r == "random"]
    assert len(randoms) == 2 and not set(randoms) & {1, 9, 3}
    assert select(scores, 5, 0.4, seed=1) == picked and len(select(scores, 99, 0.0)) == 10


def test_cli_writes_selected_chunks_as_standalone_tasks(tmp_path, model_dir, capsys):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"f{i}", "content": (CODE[i % 3] * 30)}) + "\n" for i in range(4)))
    out = tmp_path / "tasks"
    assert main(["crowd", "chunk", "--input", str(corpus), "--out", str(tmp_path / "first")]) == 0
    first = [json.loads(line) for line in (tmp_path / "first" / "chunks.jsonl").read_text().splitlines()]
    code = main(["crowd", "select", "--model", model_dir, "--input", str(corpus), "--budget", "5", "--out", str(out),
                 "--exclude", str(tmp_path / "first" / "chunks.jsonl"), "--lines", "10"])
    assert code == 0
    tasks = [json.loads(line) for line in (out / "chunks.jsonl").read_text().splitlines()]
    assert len(tasks) == 5 and all(t["char_offset"] == 0 and t["file_id"] == t["chunk_id"] for t in tasks)
    assert not {t["chunk_id"] for t in tasks} & {c["chunk_id"] for c in first}  # 50-line chunk ids excluded
    content = {f"f{i}": CODE[i % 3] * 30 for i in range(4)}
    for t in tasks:
        src = t["source"]
        assert content[src["file_id"]][src["char_offset"] : src["char_offset"] + len(t["text"])] == t["text"]
        assert {"uncertainty", "disagreements", "priority", "reason"} <= set(t["select"])
    assert (out / "EMAIL.jsonl").exists()
    ls = tmp_path / "ls"
    assert main(["crowd", "select", "--model", model_dir, "--input", str(corpus), "--budget", "3", "--out", str(ls),
                 "--format", "label-studio"]) == 0
    assert len(json.loads((ls / "KEY" / "tasks.json").read_text())) == 3
    with pytest.raises(SystemExit) as exc:
        main(["crowd", "select", "--model", model_dir, "--input", str(corpus), "--budget", "0", "--out", str(ls)])
    assert exc.value.code == 2
    assert "--budget" in capsys.readouterr().err
