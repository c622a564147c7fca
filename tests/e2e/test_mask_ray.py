"""engine=ray on a local 2-CPU Ray cluster: byte-identical to the local engine, and a killed driver resumes.

One cluster is started by this test process; the drivers under test connect
to it with ``ray.address``, so killing a driver (SIGKILL) leaves the cluster
up and Ray itself kills that driver's actors.
"""
from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codepii.config import load_config
from codepii.errors import EXIT_USER_ERROR
from codepii.mask.config import MaskConfig
from codepii.mask.executor import LocalExecutor
from codepii.io import read_records, write_records

sys.path.insert(0, str(Path(__file__).parent))
from test_mask_recipe import RECIPE, env, make_inputs, manifests, mask_cmd, snapshot, wait_until_working  # noqa: E402

HAS_RAY = importlib.util.find_spec("ray") is not None


def cfg_for(inputs: Path, out: Path, *extra: str) -> MaskConfig:
    return load_config(MaskConfig, None, [f"input={inputs}/*", f"output={out}", "batch_rows=8", *extra])


@pytest.fixture(scope="module")
def ray_address():
    ray = pytest.importorskip("ray")
    saved = os.environ.get("PYTHONPATH")
    # Ray workers inherit this process's environment: they must find the test detector.
    os.environ["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), saved or ""])
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved


def tiny_model(path: Path) -> Path:
    """A randomly initialised tiny BERT model dir (codepii.model), enough to run detector.kind=model."""
    from codepii.labels import TagSet
    from codepii.model import ModelMeta, build_tiny_model, save_model_dir, train_tokenizer

    texts = [f"email dev{i}@corp.io ip 10.0.0.{i} def f(x): return x + {i}" for i in range(100)]
    tok = train_tokenizer(texts, vocab_size=300)
    tags = TagSet.from_mapping()
    model = build_tiny_model(tok, tags, hidden_size=32, num_layers=1, num_heads=2, intermediate_size=64, max_position=128)
    save_model_dir(str(path), model, tok, ModelMeta(tagset=tags.to_dict(), max_length=64, stride=16))
    return path


@pytest.mark.ray
@pytest.mark.skipif(not HAS_RAY, reason="needs the ray extra")
def test_ray_equals_local_and_a_killed_driver_resumes(tmp_path, ray_address):
    from codepii.mask.ray_engine import RayExecutor

    inputs = tmp_path / "in"
    total_rows = make_inputs(inputs, rows_per_shard=24)
    # 1. The pattern detector, same config, both engines: the same bytes.
    LocalExecutor(cfg_for(inputs, tmp_path / "local")).run()
    summary = RayExecutor(cfg_for(inputs, tmp_path / "ray", "engine=ray", "ray.workers=2")).run()
    assert summary.ok and summary.totals()["rows_in"] == total_rows
    assert snapshot(tmp_path / "ray") == snapshot(tmp_path / "local")
    assert manifests(tmp_path / "ray") == manifests(tmp_path / "local")
    # The tiny model (random weights; a low threshold so that it finds spans): the same bytes too.
    model = ["detector.kind=model", f"detector.model={tiny_model(tmp_path / 'model')}", "detector.default_threshold=0.1"]
    LocalExecutor(cfg_for(inputs, tmp_path / "local_model", *model)).run()
    assert RayExecutor(cfg_for(inputs, tmp_path / "ray_model", "engine=ray", "ray.workers=1", *model)).run().ok
    assert snapshot(tmp_path / "ray_model") == snapshot(tmp_path / "local_model")
    assert sum(json.loads(line)["pii"] != [] for line in (tmp_path / "ray_model" / "a.jsonl").read_text().splitlines())
    # 2. A slow detector; the driver is killed mid-run, then run again to the end.
    slow = ["engine=ray", f"ray.address={ray_address}", "ray.workers=2"]
    ref = tmp_path / "ref"
    subprocess.run(mask_cmd(inputs, ref, 0.0), env=env(), check=True, capture_output=True)
    out = tmp_path / "killed"
    proc = subprocess.Popen(mask_cmd(inputs, out, 0.1, *slow), env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_working(proc, out)
    time.sleep(random.Random(7).uniform(0.2, 0.8))
    assert proc.poll() is None, "the driver finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(list((out / "_manifests").glob("*.json"))) < 4 if (out / "_manifests").exists() else True
    done = subprocess.run(mask_cmd(inputs, out, 0.0, *slow), env=env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert snapshot(out) == snapshot(ref) and manifests(out) == manifests(ref)
    ids = [r["id"] for p in sorted(inputs.iterdir()) for r in read_records(str(out / p.name))]
    assert len(ids) == len(set(ids)) == total_rows - 4


def test_engine_ray_without_ray_says_how_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    spec = importlib.util.spec_from_file_location("mask_recipe", RECIPE)
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    write_records(str(tmp_path / "a.jsonl"), [{"id": 1, "content": "x"}])
    with pytest.raises(SystemExit) as exc:
        recipe.main([f"input={tmp_path / 'a.jsonl'}", f"output={tmp_path / 'out'}", "engine=ray"])
    assert exc.value.code == EXIT_USER_ERROR
    assert "pip install 'codepii[ray]'" in capsys.readouterr().err


@pytest.mark.ray
@pytest.mark.slow
@pytest.mark.skipif(not HAS_RAY, reason="needs the ray extra")
def test_ray_actor_crash_at_every_fault_point_then_rerun_equals_a_clean_run(tmp_path, ray_address, monkeypatch):
    """CODEPII_FAULT in the driver reaches the actors (runtime_env); the actor dies at the point
    (no restart), leaves shard b as a killed local run would, and a rerun repairs it. The rerun uses
    the local engine (one Ray actor start less per point; Ray == local is the test above)."""
    from test_mask_faults import CRASH_STATE, SHARD, make_inputs as fault_inputs, snapshot as fault_snapshot, state

    from codepii.faults import POINTS
    from codepii.mask.ray_engine import RayExecutor

    inputs = tmp_path / "in"
    fault_inputs(inputs)
    base = ["detector.kind=patterns", "batch_rows=4"]
    LocalExecutor(load_config(MaskConfig, None, [f"input={inputs}/*", f"output={tmp_path / 'ref'}", *base])).run()
    expected = fault_snapshot(tmp_path / "ref")
    for point in POINTS:
        out = tmp_path / point
        cfg = load_config(MaskConfig, None, [f"input={inputs}/*", f"output={out}", "engine=ray", "ray.workers=1",
                                             "ray.max_restarts=0", *base])
        monkeypatch.setenv("CODEPII_FAULT", f"{point}:{SHARD}")
        crashed = {Path(r.input).name: r.status for r in RayExecutor(cfg).run().results}
        assert crashed[SHARD] == "failed" and crashed["c.parquet"] == "failed", point  # the only actor died
        assert state(out) == CRASH_STATE[point], point
        monkeypatch.delenv("CODEPII_FAULT")
        assert LocalExecutor(dataclasses.replace(cfg, engine="local")).run().ok, point
        assert fault_snapshot(out) == expected, point
