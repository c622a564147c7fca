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
