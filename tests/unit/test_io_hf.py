"""Saved HF datasets as mask inputs: an empty one masks to an empty one, a damaged one fails its shard in one line."""
from __future__ import annotations

import pytest

from codepii.config import load_config
from codepii.errors import RecordError
from codepii.io.hf import load_hf_dataset
from codepii.mask.config import MaskConfig
from codepii.mask.executor import LocalExecutor

datasets = pytest.importorskip("datasets")
FEATURES = datasets.Features({"id": datasets.Value("int64"), "content": datasets.Value("string"),
                              "label": datasets.ClassLabel(names=["py", "js"])})


def mask(tmp_path):
    cfg = load_config(MaskConfig, None, [f"input={tmp_path / 'in'}/*", f"output={tmp_path / 'out'}",
                                         "detector.kind=patterns"])
    return LocalExecutor(cfg).run()


def test_an_empty_saved_dataset_masks_to_an_empty_one(tmp_path):
    """datasets saves 0 rows without any .arrow file and then cannot load it (IndexError): that crashed the run."""
    ds = datasets.Dataset.from_dict({"id": [1], "content": ["a"], "label": [0]}, features=FEATURES)
    ds.select([]).save_to_disk(str(tmp_path / "in" / "empty"))
    ds.save_to_disk(str(tmp_path / "in" / "one"))
    summary = mask(tmp_path)
    assert [r.status for r in summary.results] == ["done", "done"]
    assert summary.results[0].manifest.rows_in == 0
    out = load_hf_dataset(str(tmp_path / "out" / "empty"))
    assert len(out) == 0 and out.features["label"] == FEATURES["label"] and "pii" in out.features


def test_a_damaged_saved_dataset_is_a_one_line_error(tmp_path):
    datasets.Dataset.from_dict({"id": [1], "content": ["a"], "label": [0]}, features=FEATURES).save_to_disk(
        str(tmp_path / "d"))
    for f in (tmp_path / "d").glob("*.arrow"):
        f.unlink()
    with pytest.raises(RecordError, match=r"d: cannot read the saved HF dataset \(\w+\)"):
        load_hf_dataset(str(tmp_path / "d"))


def test_the_dataset_card_fields_and_the_split_name_are_kept(tmp_path):
    """dataset_info.json's description, citation, homepage and license (a code dataset's license matters) were
    dropped: the output's was rebuilt from its features alone. Sizes and split counts are not carried (rows
    may be rejected)."""
    info = datasets.DatasetInfo(description="my code", citation="@misc{x}", homepage="https://h.example",
                                license="apache-2.0", features=FEATURES, dataset_name="stack-x", config_name="py")
    rows = {"id": [1, 2], "content": ["mail jane.roe@corp.example.io", None], "label": [0, 1]}
    datasets.Dataset.from_dict(rows, features=FEATURES, info=info, split="train").save_to_disk(str(tmp_path / "in" / "a"))
    assert mask(tmp_path).results[0].manifest.rows_out == 1
    out = load_hf_dataset(str(tmp_path / "out" / "a"))
    kept = ("description", "citation", "homepage", "license", "dataset_name", "config_name")
    assert {k: getattr(out.info, k) for k in kept} == {k: getattr(info, k) for k in kept}
    assert out.split == "train" and out.features["label"] == FEATURES["label"] and "pii" in out.features
    assert out.info.splits is None and out.info.dataset_size is None


def test_the_output_bytes_do_not_change_between_runs(tmp_path):
    """state.json's fingerprint was random: two runs wrote different bytes for the same input."""
    datasets.Dataset.from_dict({"id": [1], "content": ["a"], "label": [0]}, features=FEATURES).save_to_disk(
        str(tmp_path / "in" / "a"))
    mask(tmp_path)
    first = {p.name: p.read_bytes() for p in (tmp_path / "out" / "a").iterdir()}
    (tmp_path / "out" / "_manifests" / "a.json").unlink()
    mask(tmp_path)
    assert {p.name: p.read_bytes() for p in (tmp_path / "out" / "a").iterdir()} == first
