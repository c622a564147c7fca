"""The bench scripts' command lines: a bad argument is one error line and exit 2, never a traceback.

Each case stops before any work (argument checks, a missing input), so the suite stays fast; the
benchmarks themselves are never run as tests (DESIGN.md).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MISSING = "/nonexistent/codepii-bench/x.jsonl"

CASES = [
    ("bench_metrics.py", ["--files", "-5"]),
    ("bench_metrics.py", ["--spans-per-file", "x"]),
    ("bench_synth.py", ["--files", "0"]),
    ("bench_synth.py", ["--carriers", "/nonexistent/codepii-bench"]),
    ("bench_crowd.py", ["--levels", "bogus"]),
    ("bench_crowd.py", ["--min-confidence", "x"]),
    ("bench_crowd.py", ["--workers", "2"]),
    ("bench_crowd.py", ["--files", "-3"]),
    ("bench_resume.py", ["--shards", "-1"]),
    ("bench_mask_memory.py", ["--rows", "0"]),
    ("bench_mask_once.py", ["/nonexistent/codepii-bench"]),
    ("bench_mask_once.py", ["--make", "/nonexistent/codepii-bench", "--shards", "-1"]),
    ("bench_ray.py", ["--shards", "0"]),
    ("bench_patterns.py", ["--real-dev", MISSING]),
    ("bench_patterns.py", ["--repeats", "0"]),
    ("bench_train.py", ["--steps", "-1"]),
    ("bench_mask.py", ["--files", "0"]),
    ("bench_mask.py", ["--gold", MISSING]),
    ("bench_cpu_backends.py", ["--files", "-1"]),
    ("bench_active.py", ["--out", "/nonexistent/codepii-bench/out", "--real-dev", MISSING]),
    ("bench_active.py", ["--out", "/nonexistent/codepii-bench/out", "--budgets", "100,x"]),
    ("bench_quality.py", ["--real-dev", MISSING]),
    ("bench_quality.py", ["--config", "configs/train/nope.yaml"]),
    ("bench_quality.py", ["--train-files", "-1"]),
    ("bench_weak_labels.py", ["--gold", MISSING]),
]


def run_bench(script: str, args: list[str], cwd: str = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", CODEPII_PROGRESS="0")
    env["PYTHONPATH"] = os.path.join(ROOT, "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, os.path.join(ROOT, "bench", script), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("script,args", CASES, ids=[f"{s}:{' '.join(a)}" for s, a in CASES])
def test_a_bad_argument_is_one_line_and_exit_2(script, args):
    proc = run_bench(script, args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith(f"{script}: error: ")


def test_an_output_path_the_system_refuses_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = run_bench("bench_metrics.py", ["--files", "2", "--keep", str(blocker / "sub")])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [f"bench_metrics.py: error: {blocker / 'sub'}: Not a directory"]


def test_every_option_has_a_description():
    for script in sorted(f for f in os.listdir(os.path.join(ROOT, "bench")) if f.startswith("bench_")):
        lines = run_bench(script, ["--help"]).stdout.split("\noptions:\n", 1)[1].splitlines()
        for i, line in enumerate(lines):
            if not line.startswith("  -"):
                continue
            # help text sits two or more spaces after the option, or on the next, indented line
            same_line = re.match(r"  \S.*?\s{2,}\S", line)
            next_line = i + 1 < len(lines) and lines[i + 1].startswith("     ")
            assert same_line or next_line, f"{script}: {line.strip()} has no help text"
