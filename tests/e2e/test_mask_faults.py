"""Deterministic crash tests: the engine exits hard (as on SIGKILL) at every named fault point
(codepii.faults), is run again, and the result equals one uninterrupted run byte for byte.

Each faulted run is ``mask/mask.py`` in a subprocess with ``CODEPII_FAULT=<point>:b.jsonl.gz``:
the first shard is finished by then, the second is caught at the point, the third is untouched.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codepii.config import load_config
from codepii.faults import EXIT_STATUS, POINTS
from codepii.io import write_records
from codepii.mask.config import MaskConfig
from codepii.mask.executor import make_executor

ROOT = Path(__file__).resolve().parents[2]
RECIPE = ROOT / "mask" / "mask.py"
SHARD = "b.jsonl.gz"  # the shard the faults hit


def make_inputs(root: Path) -> None:
    """Three small shards, each with rejects (the rejects commit is one of the points)."""
    for k, name in enumerate(["a.jsonl", SHARD, "c.parquet"]):
        rows = [{"id": f"{name}-{i}", "content": f"# {i} by dev{i}@mail.org\nip = '10.{k}.{i % 5}.1'\n", "n": i}
                for i in range(10)]
        rows[3]["content"] = None
        write_records(str(root / name), rows)
    with open(root / "a.jsonl", "ab") as f:
        f.write(b'{"id": "broken", "content": "dev@mail.org\n')  # a bad line: a reject with line and offset


def overrides(inputs: Path, out: Path, *extra: str) -> list[str]:
    return [f"input={inputs}/*", f"output={out}", "batch_rows=4", "detector.kind=patterns", *extra]


def run_here(inputs: Path, out: Path, *extra: str):
    return make_executor(load_config(MaskConfig, None, overrides(inputs, out, *extra))).run()


def snapshot(out: Path) -> dict[str, bytes]:
    """Outputs and rejects byte for byte; manifests without their timings and absolute paths."""
    files = {}
    for p in sorted(out.rglob("*")):
        if not p.is_file() or p.name.startswith("_summary") or p.name == "config.yaml":
            continue
        data = p.read_bytes()
        if "_manifests" in p.parts:
            m = json.loads(data)
            data = json.dumps({k: v for k, v in m.items() if k not in ("seconds", "input", "output", "rejects")},
                              sort_keys=True).encode()
        files[str(p.relative_to(out))] = data
    return files


# What the crash leaves of shard b: (output visible, temp of the output, temp of its rejects, manifest).
CRASH_STATE = {
    "after_temp_write": (False, True, False, False),
    "after_fsync": (False, True, False, False),
    "inside_rename": (True, False, False, False),
    "inside_rejects_commit": (False, True, True, False),  # the rejects commit before the output
    "before_manifest": (True, False, False, False),
    "between_shards": (True, False, False, True),
}


def state(out: Path) -> tuple[bool, bool, bool, bool]:
    return ((out / SHARD).exists(), bool(list(out.glob(f".{SHARD}.*.tmp"))),
            bool(list((out / "_rejects").glob(f".{SHARD}.jsonl.*.tmp"))), (out / "_manifests" / f"{SHARD}.json").exists())


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("faults")
    make_inputs(root / "in")
    assert run_here(root / "in", root / "ref").ok
    return root / "in", snapshot(root / "ref")


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS)
def test_a_crash_at_every_point_then_a_rerun_equals_a_clean_run(tmp_path, reference, point):
    inputs, expected = reference
    out = tmp_path / "out"
    env = dict(os.environ, CODEPII_FAULT=f"{point}:{SHARD}", CODEPII_PROGRESS="0")
    crashed = subprocess.run([sys.executable, str(RECIPE), *overrides(inputs, out)], env=env, capture_output=True)
    assert crashed.returncode == EXIT_STATUS, crashed.stderr.decode()[-2000:]
    assert (out / "_manifests" / "a.jsonl.json").exists() and not (out / "c.parquet").exists()
    assert state(out) == CRASH_STATE[point]
    summary = run_here(inputs, out)
    assert summary.ok and [r.status for r in summary.results][0] == "skipped"
    assert snapshot(out) == expected
    assert not list(out.rglob("*.tmp")), "the rerun leaves no temporaries"


def test_an_unset_or_other_shard_fault_changes_nothing(tmp_path, reference, monkeypatch):
    inputs, expected = reference
    monkeypatch.setenv("CODEPII_FAULT", "after_fsync:no-such-shard")
    assert run_here(inputs, tmp_path / "out").ok
    assert snapshot(tmp_path / "out") == expected
