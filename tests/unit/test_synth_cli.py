"""``codepii synth``: writes a valid corpus, prints stats, fails on bad input with one line and exit 2."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args):
    return subprocess.run([sys.executable, "-m", "codepii", "synth", *args], capture_output=True, text=True)


def test_help():
    r = run("--help")
    assert r.returncode == 0 and "--carriers" in r.stdout and "--stats" in r.stdout


def test_write_then_stats(tmp_path):
    out = tmp_path / "corpus.jsonl"
    r = run("--out", str(out), "--files", "40", "--seed", "3")
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 40 and all({"id", "content", "entities", "kind"} <= set(r) for r in records)
    r = run("--stats", str(out))
    assert r.returncode == 0, r.stderr
    assert "spans per category" in r.stdout and "files per kind" in r.stdout and "placements per context" in r.stdout
    n_spans = sum(len(x["entities"]) for x in records)
    assert f"spans: {n_spans}" in r.stdout


def test_parquet_output_reads_back(tmp_path):
    from codepii.io import read_gold

    out = tmp_path / "c.parquet"
    r = run("--out", str(out), "--files", "15", "--seed", "1", "--kinds", "python,yaml")
    assert r.returncode == 0, r.stderr
    records = list(read_gold(str(out)))
    assert len(records) == 15 and {x["kind"] for x in records} <= {"python", "yaml"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "x.txt", "--files", "2"], "unknown record format"),
        (["--files", "0", "--out", "x.jsonl"], "--files 0"),
        (["--out", "x.jsonl", "--kinds", "cobol"], "unknown kind(s) cobol"),
        (["--out", "x.jsonl", "--empty-fraction", "1.5"], "--empty-fraction 1.5"),
        (["--out", "x.jsonl", "--carriers", "/no/such/dir"], "not a directory"),
        (["--stats", "/no/such/file.jsonl"], "no such file"),
        ([], "give --out FILE"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, args, message):
    r = subprocess.run([sys.executable, "-m", "codepii", "synth", *args], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and message in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("name, fmt", [("corpus.parquet", "jsonl"), ("corpus.jsonl", "parquet"), ("corpus.jsonl.gz", "parquet")])
def test_a_format_that_contradicts_the_file_name_is_refused(tmp_path, name, fmt):
    # --out corpus.parquet --format jsonl wrote JSON lines into corpus.parquet, which no reader (all go by suffix) opens.
    out = tmp_path / name
    r = run("--out", str(out), "--files", "3", "--format", fmt)
    assert r.returncode == 2 and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert name in r.stderr and "--format" in r.stderr and not out.exists()
