"""mask/mask.py end to end: SIGKILL mid-shard then rerun == one uninterrupted run, byte for byte.

The engine runs as a subprocess with ``detector.class_path`` pointing at the slow
regex detector below (importable from this file through PYTHONPATH), so the
kills land in the middle of a shard, placed by what the engine has written.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codepii.detect import Detector
from codepii.io import read_records, write_records
from codepii.spans import Span

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "mask" / "mask.py"


class SlowRegexDetector(Detector):
    """Emails and dotted quads, ``delay_seconds`` per batch."""

    RULES = (("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")), ("IP_ADDRESS", re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")))

    def __init__(self, delay_seconds: float = 0.0):
        self.delay_seconds = delay_seconds

    def detect(self, texts):
        time.sleep(self.delay_seconds)
        return [sorted(Span(m.start(), m.end(), c, 1.0) for c, rx in self.RULES for m in rx.finditer(t)) for t in texts]

    def fingerprint(self) -> str:
        return "slow-regex-1"


def make_inputs(root: Path, rows_per_shard: int = 40) -> int:
    names = ["a.jsonl", "b.jsonl.gz", "c.parquet", "d.jsonl.zst"]
    for k, name in enumerate(names):
        rows = [
            {"id": f"{name}-{i}", "content": f"# {i} by dev{i}@mail.org\nip = '10.{k}.{i % 5}.1'\n" * (1 + i % 3), "n": i}
            for i in range(rows_per_shard)
        ]
        rows[7]["content"] = None  # every shard has one reject
        write_records(str(root / name), rows)
    return len(names) * rows_per_shard


def mask_cmd(inputs: Path, output: Path, delay: float = 0.04, *extra: str) -> list[str]:
    return [
        sys.executable, str(RECIPE), f"input={inputs}/*", f"output={output}", "batch_rows=8",
        f"detector.class_path={Path(__file__).stem}:SlowRegexDetector", f"detector.class_options.delay_seconds={delay}", *extra,
    ]


def env() -> dict:
    e = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
    e["CODEPII_PROGRESS"] = "0"
    return e


def snapshot(out: Path) -> dict[str, bytes]:
    """Every data file of a run: outputs and rejects (manifests hold timings and paths: compared by their counts)."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and "_manifests" not in p.parts and not p.name.startswith("_summary") and p.name != "config.yaml"
    }


def manifests(out: Path) -> dict[str, tuple]:
    keys = ("rows_in", "rows_out", "rows_rejected", "counts", "sha256", "output_bytes")
    return {
        p.name: tuple(json.dumps(m[k], sort_keys=True) for k in keys)
        for p in sorted((out / "_manifests").iterdir())
        for m in [json.loads(p.read_text())]
    }


def wait_until_working(proc: subprocess.Popen, out: Path, timeout_seconds: float = 60.0) -> float:
    """Block until the engine writes a new temporary file (start-up done); returns that moment.

    Temporaries left by an earlier killed run do not count.
    """
    before = set(out.glob(".*.tmp")) if out.exists() else set()
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists() and set(out.glob(".*.tmp")) - before:
            break
        time.sleep(0.005)
    return time.monotonic()


def wait_for(proc: subprocess.Popen, ready, timeout_seconds: float = 120.0) -> bool:
    """Poll until ``ready()`` or the process ends; True when it is still running."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(0.002)
    return proc.poll() is None


def mid_shard(out: Path, finished: str, working: str):
    """Shard ``finished`` has its manifest and shard ``working`` is being written (its temp exists)."""
    return lambda: (out / "_manifests" / f"{finished}.json").exists() and bool(list(out.glob(f".{working}.*.tmp")))


@pytest.mark.slow
def test_sigkill_mid_shard_twice_then_rerun_equals_one_clean_run(tmp_path):
    """A real SIGKILL, placed by events rather than by the clock: once inside the second shard, then,
    in the resumed run, inside the third; the final run equals an uninterrupted one byte for byte.
    (Every commit point is covered deterministically by test_mask_faults.py.)"""
    inputs = tmp_path / "in"
    total_rows = make_inputs(inputs)
    ref = tmp_path / "ref"
    assert subprocess.run(mask_cmd(inputs, ref, 0.0), env=env(), capture_output=True).returncode == 0
    expected, expected_manifests = snapshot(ref), manifests(ref)
    out = tmp_path / "out"
    for finished, working in (("a.jsonl", "b.jsonl.gz"), ("b.jsonl.gz", "c.parquet")):
        proc = subprocess.Popen(mask_cmd(inputs, out, 0.05), env=env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        assert wait_for(proc, mid_shard(out, finished, working)), "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        assert not (out / "_manifests" / f"{working}.json").exists()
    done = subprocess.run(mask_cmd(inputs, out, 0.05), env=env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2 masked, 2 already done" in done.stderr  # the same detector settings: finished shards are kept
    assert snapshot(out) == expected and manifests(out) == expected_manifests
    assert not [p for p in out.rglob("*.tmp")], "a finished run leaves no temporaries"
    ids = [r["id"] for p in sorted(inputs.iterdir()) for r in read_records(str(out / p.name))]
    assert len(ids) == len(set(ids)) == total_rows - 4  # nothing doubled, nothing lost but the 4 rejects


def test_recipe_help_and_user_errors(tmp_path):
    help_out = subprocess.run([sys.executable, str(RECIPE), "--help"], capture_output=True, text=True, env=env())
    assert help_out.returncode == 0 and "engine=local|ray" in help_out.stdout
    bad = subprocess.run([sys.executable, str(RECIPE), "input=x", "output=y", "batch_rowz=3"], capture_output=True, text=True, env=env())
    assert bad.returncode == 2 and "batch_rowz" in bad.stderr and "Traceback" not in bad.stderr
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.parquet").write_bytes(b"PAR1 not really")
    write_records(str(tmp_path / "in" / "ok.jsonl"), [{"id": 1, "content": "mail me: a@b.io"}])
    run = subprocess.run(mask_cmd(tmp_path / "in", tmp_path / "out", 0.0), capture_output=True, text=True, env=env())
    assert run.returncode == 2 and "broken.parquet" in run.stderr and "Traceback" not in run.stderr
    assert "1 masked" in run.stderr and "1 failed" in run.stderr
    assert read_records(str(tmp_path / "out" / "ok.jsonl"))[0]["content"] == "mail me: <EMAIL>"


@pytest.mark.slow
def test_two_torchrun_processes_split_the_shards_and_match_one_process(tmp_path):
    torchrun = Path(sys.executable).parent / "torchrun"
    if not torchrun.exists():
        pytest.skip("torchrun is not installed")
    inputs = tmp_path / "in"
    make_inputs(inputs, rows_per_shard=10)
    subprocess.run(mask_cmd(inputs, tmp_path / "one", 0.0), env=env(), check=True, capture_output=True)
    two = [str(torchrun), "--nproc_per_node", "2", *mask_cmd(inputs, tmp_path / "two", 0.0)[1:]]
    done = subprocess.run(two, env=dict(env(), OMP_NUM_THREADS="1"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")
    ranks = [json.loads((tmp_path / "two" / f"_summary.rank{r}.json").read_text()) for r in (0, 1)]
    assert [t["done"] for t in ranks] == [2, 2] and sum(t["rows_in"] for t in ranks) == 40
