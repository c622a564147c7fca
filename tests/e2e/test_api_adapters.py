"""``datasets.map(Masker)``, the datatrove step and the Ray Data actor give mask/mask.py's masked text and pii.

The same JSONL rows go through the recipe (a subprocess, the local engine) and
through each adapter, with the pattern detector and with a tiny random-init
model (a low threshold so that it finds spans); the masked text must be
byte-identical and the pii entries equal, row by row.
"""
from __future__ import annotations

import gzip
import importlib.util
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_mask_ray import tiny_model  # noqa: E402
from test_mask_recipe import RECIPE, ROOT, env  # noqa: E402

from codepii import Masker  # noqa: E402
from codepii.io import read_records, write_records  # noqa: E402

PATTERNS = str(ROOT / "configs" / "mask" / "patterns.yaml")
BATCH_ROWS = 8  # adapters batch by a multiple of it: the detector sees the engine's batches


def need(module: str) -> None:
    """Skip without an optional package, with the reason; never skip in CI."""
    if importlib.util.find_spec(module) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{module} is not installed (CI=true never skips): pip install 'codepii[{module}]'")
        pytest.skip(f"needs {module}: pip install 'codepii[{module}]'")


def rows() -> list[dict]:
    out = [
        {
            "id": f"r{i}",
            "content": f"# owner dev{i % 7}@mail.org\nhost = '10.{i % 3}.{i % 5}.1'\nkey = 'AKIA{'ABCDEFGHIJKLMNOP'[i % 16] * 16}'\n"
            + "def f(x):\n    return x + 1\n" * (i % 4) + (f"cc = dev{i % 7}@mail.org\n" if i % 2 else ""),
            "n": i,
        }
        for i in range(29)
    ]
    out[5]["content"] = "def nothing_here():\n    pass\n"
    out.append({"id": "r-null", "content": None, "n": 29})  # last, so a reader that skips it keeps the batches aligned
    return out


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, tuple[Path, list[str], dict]]:
    """detector name -> (input shard, config overrides, {id: (masked text, pii)} from mask/mask.py)."""
    root = tmp_path_factory.mktemp("adapters")
    shard = root / "in" / "a.jsonl"
    write_records(str(shard), rows())
    model = tiny_model(root / "model")
    detectors = {
        "patterns": [],
        "model": ["detector.kind=model", f"detector.model={model}", "detector.default_threshold=0.1"],
    }
    out = {}
    for name, overrides in detectors.items():
        masked = root / f"recipe-{name}"
        cmd = [sys.executable, str(RECIPE), "--config", PATTERNS, f"input={shard}", f"output={masked}", f"batch_rows={BATCH_ROWS}", *overrides]
        done = subprocess.run(cmd, capture_output=True, text=True, env=env())
        assert done.returncode == 0, done.stderr
        expected = {r["id"]: (r["content"], r["pii"]) for r in read_records(str(masked / "a.jsonl"))}
        assert len(expected) == 29 and sum(bool(p) for _, p in expected.values()) >= 10  # spans were found
        out[name] = (shard, overrides, expected)
    return out


def masker_kwargs(overrides: list[str]) -> dict:
    """``detector.model=X`` override strings as Masker.from_config keyword arguments."""
    import yaml

    return {k: yaml.safe_load(v) for k, v in (o.split("=", 1) for o in overrides)}


@pytest.mark.parametrize("detector", ["patterns", "model"])
def test_datasets_map_equals_the_recipe(cases, detector, tmp_path):
    need("datasets")
    import datasets

    shard, overrides, expected = cases[detector]
    masker = Masker.from_config(PATTERNS, bad_rows="null", batch_rows=BATCH_ROWS, **masker_kwargs(overrides))
    ds = datasets.load_dataset("json", data_files=str(shard), split="train", cache_dir=str(tmp_path / "cache"))
    # num_proc=2: the Masker is pickled to two processes, each building its own detector.
    out = ds.map(masker, batched=True, batch_size=2 * BATCH_ROWS, num_proc=2 if detector == "patterns" else None)
    got = {r["id"]: (r["content"], r["pii"]) for r in out}
    assert got.pop("r-null") == (None, None)  # a row the engine rejects: kept, text and pii null
    assert got == expected
    assert out.column_names == ["id", "content", "n", "pii"]


@pytest.mark.parametrize("detector", ["patterns", "model"])
def test_datatrove_step_equals_the_recipe(cases, detector, tmp_path):
    need("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from codepii.adapters.datatrove import CodepiiMasker

    shard, overrides, expected = cases[detector]
    step = CodepiiMasker(PATTERNS, batch_rows=BATCH_ROWS, **masker_kwargs(overrides))
    pipeline = [JsonlReader(str(shard.parent), text_key="content"), step, JsonlWriter(str(tmp_path / "out"))]
    LocalPipelineExecutor(pipeline=pipeline, tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()
    (written,) = (tmp_path / "out").glob("*.jsonl.gz")
    docs = [json.loads(line) for line in gzip.open(written, "rt", encoding="utf-8")]
    got = {d["id"]: (d["text"], d["metadata"]["pii"]) for d in docs}
    assert got == expected  # the reader skips the null-text row; every other row is masked as the engine does
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    mine = next(s for s in stats if "codepii mask" in s["name"])["stats"]
    assert mine["masked_docs"] == 29
    assert mine["pii_EMAIL"] == sum(e["category"] == "EMAIL" for _, p in expected.values() for e in p)


def test_datatrove_step_drops_or_raises_on_a_bad_doc(tmp_path):
    need("datatrove")
    from datatrove.data import Document

    from codepii.adapters.datatrove import CodepiiMasker
    from codepii.errors import RecordError

    docs = [Document(text="mail ann@corp.io", id="ok"), Document(text="x" * 100, id="big")]
    step = CodepiiMasker(max_text_bytes=50)
    assert [d.id for d in step.run(iter(docs))] == ["ok"]
    assert step.stats["dropped_bad_docs"].total == 1
    first = step._masker
    assert [d.text for d in step.run(iter(docs[:1]), rank=1)] == ["mail <EMAIL>"]
    assert step._masker is first  # one Masker (one model load) per process, not per task
    assert pickle.loads(pickle.dumps(step)).config == step.config  # pickles to workers as plain config
    with pytest.raises(RecordError, match="document 'big': text is 100 bytes"):
        list(CodepiiMasker(max_text_bytes=50, bad_docs="raise").run(iter(docs)))


@pytest.mark.ray
@pytest.mark.parametrize("detector", ["patterns", "model"])
def test_ray_data_actor_equals_the_recipe(cases, detector, ray_local):
    from codepii.adapters.ray_data import MaskerActor

    shard, overrides, expected = cases[detector]
    ds = ray_local.data.read_json(str(shard))
    kwargs = {"config": PATTERNS, "bad_rows": "null", "batch_rows": BATCH_ROWS, **masker_kwargs(overrides)}
    out = ds.map_batches(MaskerActor, fn_constructor_kwargs=kwargs, batch_format="pyarrow",
                         batch_size=2 * BATCH_ROWS, concurrency=1)
    got = {r["id"]: (r["content"], r["pii"]) for r in out.take_all()}
    assert got.pop("r-null") == (None, None)
    assert got == expected


@pytest.fixture(scope="module")
def ray_local():
    need("ray")
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    try:
        yield ray
    finally:
        ray.shutdown()
