"""eval/eval.py end to end on a tiny gold set: prediction files and a detector side by side, and its errors."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RECIPE = os.path.join(ROOT, "eval", "eval.py")

FILES = {
    "a.py": 'OWNER = "kenji.w@fastmail.com"\nDB_HOST = "10.20.30.40"\nDB_PASSWORD = "Tr0ub4dor&3x"\n',
    "b.js": "// Copyright 2020 Maria Garcia\nconst admin = 'ops@example.com';\n",
    "c.md": "Nothing to see here.\n",
}


def _span(fid: str, value: str, category: str, score: float | None = None) -> dict:
    start = FILES[fid].index(value)
    out = {"start": start, "end": start + len(value), "category": category}
    return out if score is None else {**out, "score": score}


GOLD = {
    "a.py": [_span("a.py", "kenji.w@fastmail.com", "EMAIL"), _span("a.py", "10.20.30.40", "IP_ADDRESS"),
             _span("a.py", "Tr0ub4dor&3x", "PASSWORD")],
    "b.js": [_span("b.js", "Maria Garcia", "NAME_LICENSE"), _span("b.js", "ops@example.com", "EMAIL_EXAMPLE")],
    "c.md": [],
}
PRED = {
    "a.py": [_span("a.py", "kenji.w@fastmail.com", "EMAIL", 0.98), _span("a.py", "Tr0ub4dor", "PASSWORD", 0.7),
             _span("a.py", "DB_HOST", "KEY", 0.3)],
    "b.js": [_span("b.js", "Maria", "NAME", 0.8), _span("b.js", "ops@example.com", "EMAIL", 0.9)],
}  # c.md has no prediction record: scored as predicting nothing


def _write(path, records) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.fixture
def data(tmp_path):
    gold = _write(tmp_path / "gold.jsonl", [{"id": k, "content": v, "entities": GOLD[k]} for k, v in FILES.items()])
    pred = _write(tmp_path / "model.jsonl", [{"id": k, "content": FILES[k], "entities": v} for k, v in PRED.items()])
    return tmp_path, gold, pred


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CODEPII_PROGRESS": "0"}
    return subprocess.run([sys.executable, RECIPE, *args], capture_output=True, text=True, env=env, timeout=300)


def test_help():
    out = _run("--help")
    assert out.returncode == 0
    assert "--gold" in out.stdout and "--detector" in out.stdout and "--report" in out.stdout


def test_pred_files_and_patterns_side_by_side(data):
    tmp, gold, pred = data
    out = _run("--gold", gold, "--pred", f"mine={pred}", "--pred", pred, "--detector", "patterns",
               "--json", str(tmp / "m.json"), "--report", str(tmp / "r.html"), "--markdown", str(tmp / "m.md"),
               "--save-pred", str(tmp / "preds"))
    assert out.returncode == 0, out.stderr
    metrics = json.loads((tmp / "m.json").read_text())
    assert list(metrics["systems"]) == ["mine", "model", "patterns"]
    mine = metrics["systems"]["mine"]
    assert mine == metrics["systems"]["model"]
    # hand-computed: gold EMAIL, IP, PASSWORD, NAME (licence); EMAIL_EXAMPLE is don't care
    assert mine["overlap"]["micro"] == {"precision": 0.75, "recall": 0.75, "f1": 0.75, "support": 4, "predicted": 4}
    assert mine["exact"]["micro"]["precision"] == 0.25  # only the email has exact offsets
    assert mine["overlap"]["KEY"] == {"precision": 0.0, "recall": None, "f1": 0.0, "support": 0, "predicted": 1}
    assert mine["overlap"]["ID"]["f1"] is None
    assert mine["leak_rate"]["IP_ADDRESS"] == 1.0
    assert mine["leak_rate"]["NAME"] == pytest.approx(7 / 12)  # " Garcia" leaks
    assert mine["leak_rate"]["all"] == pytest.approx((11 + 3 + 7) / (20 + 11 + 12 + 12))
    assert metrics["runs"]["mine"]["records_without_predictions"] == 1
    assert metrics["systems"]["patterns"]["overlap"]["EMAIL"]["recall"] == 1.0
    assert "| **micro** | 4 | 75.0 | 75.0 | 75.0 |" in out.stdout
    assert (tmp / "m.md").read_text().startswith("| category |")
    assert "1 gold files have no prediction record" in out.stderr
    page = (tmp / "r.html").read_text()
    assert page.count('<table class="metrics">') == 1 and 'data-system="patterns"' in page
    saved = [json.loads(x) for x in (tmp / "preds" / "patterns.jsonl").read_text().splitlines()]
    assert [r["id"] for r in saved] == list(FILES)


@pytest.mark.parametrize("case", ["missing file", "bad json", "unknown id", "content differs", "nothing to score"])
def test_user_errors_are_one_line_exit_2(data, case):
    tmp, gold, pred = data
    bad = tmp / "bad.jsonl"
    args, expect = ["--gold", gold, "--pred", str(bad)], ""
    if case == "missing file":
        expect = "no such file"
    elif case == "bad json":
        bad.write_text('{"id": "a.py", "content": "x", "entities": []}\n{"id": oops\n')
        expect = "bad.jsonl line 2 (byte 47): invalid JSON"
    elif case == "unknown id":
        _write(bad, [{"id": "zzz.py", "content": "x", "entities": []}])
        expect = "'zzz.py' is not in the gold set"
    elif case == "content differs":
        _write(bad, [{"id": "a.py", "content": FILES["a.py"] + "# changed\n", "entities": []}])
        expect = "content of id 'a.py' differs from gold"
    else:
        args, expect = ["--gold", gold], "nothing to score"
    out = _run(*args)
    assert out.returncode == 2
    assert expect in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr


@pytest.mark.parametrize("flag", ["--json", "--markdown", "--report"])
def test_an_output_over_an_input_is_refused_before_anything_is_written(data, flag):
    # --json gold.jsonl scored, then wrote the metrics over the gold file.
    tmp, gold, pred = data
    before = {p.name: p.read_bytes() for p in tmp.iterdir()}
    target = gold if flag != "--report" else pred
    out = _run("--gold", gold, "--pred", pred, flag, target)
    assert out.returncode == 2 and f"{flag} {target} is the input" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert {p.name: p.read_bytes() for p in tmp.iterdir()} == before


@pytest.fixture(scope="module")
def tiny_model_dir(tmp_path_factory):
    """A random tiny BERT model dir; low thresholds so that it predicts some spans."""
    pytest.importorskip("torch")
    from codepii.labels import MAIN_CATEGORIES
    from codepii.model import save_random_model_dir

    path = str(tmp_path_factory.mktemp("tiny-model"))
    # Random weights give near-uniform tag probabilities: at these thresholds it predicts nothing.
    return save_random_model_dir(path, list(FILES.values()) * 20, max_length=24, stride=8,
                                 thresholds={c: 0.99 for c in MAIN_CATEGORIES}, hidden_size=32, num_layers=1, num_heads=2, intermediate_size=64)


def test_model_and_hybrid_detectors_match_their_saved_predictions(data, tiny_model_dir):
    tmp, gold, _ = data
    out = _run("--gold", gold, "--model", tiny_model_dir, "--detector", "model", "--detector", "hybrid",
               "--min-score", "0.05", "--json", str(tmp / "live.json"), "--save-pred", str(tmp / "preds"))
    assert out.returncode == 0, out.stderr
    live = json.loads((tmp / "live.json").read_text())
    assert list(live["systems"]) == ["model", "hybrid"]
    assert live["runs"]["model"]["detector"]["model"] == tiny_model_dir and live["runs"]["model"]["fingerprint"]
    assert live["systems"]["model"]["overlap"]["micro"]["predicted"] > 0  # --min-score overrode the 0.99s
    # scoring the saved predictions as files gives the same numbers as scoring the live run
    out = _run("--gold", gold, "--pred", str(tmp / "preds" / "model.jsonl"), "--pred", str(tmp / "preds" / "hybrid.jsonl"),
               "--json", str(tmp / "files.json"))
    assert out.returncode == 0, out.stderr
    assert json.loads((tmp / "files.json").read_text())["systems"] == live["systems"]


def test_model_dir_alone_runs_the_model_detector(data, tiny_model_dir):
    tmp, gold, _ = data
    out = _run("--gold", gold, "--model", tiny_model_dir, "--json", str(tmp / "m.json"))
    assert out.returncode == 0, out.stderr
    metrics = json.loads((tmp / "m.json").read_text())
    assert list(metrics["systems"]) == ["model"]
    assert metrics["systems"]["model"]["overlap"]["micro"]["predicted"] == 0  # the model's own 0.99 thresholds


@pytest.mark.parametrize("args, message", [
    (["--detector", "hybrid"], "needs --model DIR"),
    (["--detector", "patterns", "--min-score", "2"], "--min-score 2.0: must be a probability"),
])
def test_detector_option_errors_are_one_line(data, args, message):
    _, gold, _ = data
    out = _run("--gold", gold, *args)
    assert out.returncode == 2
    assert message in out.stderr and len(out.stderr.strip().splitlines()) == 1
