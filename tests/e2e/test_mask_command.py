"""``codepii mask`` is ``python mask/mask.py``: the same outputs byte for byte, help, errors and exit codes."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_mask_recipe import RECIPE, ROOT, env, make_inputs, manifests, snapshot  # noqa: E402

PATTERNS = str(ROOT / "configs" / "mask" / "patterns.yaml")


def codepii(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "codepii", *args], capture_output=True, text=True, env=env())


def test_codepii_mask_equals_the_recipe(tmp_path):
    inputs = tmp_path / "in"
    make_inputs(inputs, rows_per_shard=12)  # jsonl, jsonl.gz, parquet, jsonl.zst; one null text (a reject) each
    recipe = subprocess.run(
        [sys.executable, str(RECIPE), "--config", PATTERNS, f"input={inputs}/*", f"output={tmp_path / 'recipe'}", "batch_rows=5"],
        capture_output=True, text=True, env=env(),
    )
    assert recipe.returncode == 0, recipe.stderr
    # Overrides before and after --config, as the recipe accepts them.
    cmd = codepii("mask", f"input={inputs}/*", "--config", PATTERNS, f"output={tmp_path / 'cmd'}", "batch_rows=5")
    assert cmd.returncode == 0, cmd.stderr
    assert snapshot(tmp_path / "cmd") == snapshot(tmp_path / "recipe")
    assert manifests(tmp_path / "cmd") == manifests(tmp_path / "recipe")
    assert cmd.stderr.splitlines()[-3:] == recipe.stderr.splitlines()[-3:]  # the same summary
    assert "rows: 48 in = 44 out + 4 rejected" in cmd.stderr


def test_codepii_mask_help_and_errors(tmp_path):
    help_out = codepii("mask", "--help")
    assert help_out.returncode == 0 and "engine=local|ray" in help_out.stdout and "--config" in help_out.stdout
    for args, expected in [
        (["input=x", "output=y", "batch_rowz=3"], "unknown config key 'batch_rowz'"),
        (["output=y"], "config key 'input' is required"),
        (["input=x", "output=y", "--bogus"], "unrecognized arguments: --bogus"),
        ([f"input={tmp_path}/none.jsonl", f"output={tmp_path}/o"], "none.jsonl: no such file"),
    ]:
        ours, theirs = codepii("mask", *args), subprocess.run([sys.executable, str(RECIPE), *args], capture_output=True, text=True, env=env())
        assert ours.returncode == theirs.returncode == 2, args
        assert expected in ours.stderr and expected in theirs.stderr, (args, ours.stderr)
        assert "Traceback" not in ours.stderr
