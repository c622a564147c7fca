"""Saved Hugging Face datasets (``Dataset.save_to_disk`` directories), read through ``datasets``."""
from __future__ import annotations

from typing import Iterator

from ..errors import RecordError
from .jsonl import DEFAULT_BATCH_ROWS
from .paths import url_fs


def load_hf_dataset(path: str):
    """The saved dataset at ``path``; a DatasetDict or a damaged directory is a RecordError naming it."""
    import datasets

    try:
        ds = _empty_saved_dataset(path)  # (a Dataset of 0 rows is falsy)
        if ds is None:
            ds = datasets.load_from_disk(path)
    except (OSError, ValueError) as exc:
        raise RecordError(f"{path}: cannot read the saved HF dataset ({type(exc).__name__}); "
                          "point at a directory written by Dataset.save_to_disk") from None
    if isinstance(ds, datasets.DatasetDict):
        raise RecordError(f"{path}: a DatasetDict with splits {list(ds)}; point at one split's directory")
    return ds


def _empty_saved_dataset(path: str):
    """The 0-row dataset at ``path`` when it is one, else None: ``save_to_disk`` writes 0 rows without any
    data file, and ``load_from_disk`` then fails on it (IndexError, datasets 5)."""
    import json

    import datasets

    fs, root = url_fs(path)
    state_path = root.rstrip("/") + "/state.json"
    if not fs.isfile(state_path) or json.loads(fs.cat_file(state_path)).get("_data_files"):
        return None
    with fs.open(root.rstrip("/") + "/dataset_info.json", "rb") as f:
        info = datasets.DatasetInfo.from_dict(json.load(f))
    return datasets.Dataset.from_dict({name: [] for name in info.features}, features=info.features, info=info)


def read_hf_schema(path: str):
    """The dataset's Arrow schema."""
    return load_hf_dataset(path).features.arrow_schema


def iter_hf_batches(path: str, batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[list[dict]]:
    """Lists of row dicts, ``batch_rows`` at a time."""
    ds = load_hf_dataset(path)
    for batch in ds.iter(batch_size=batch_rows):
        keys = list(batch)
        n = len(batch[keys[0]]) if keys else 0
        yield [{k: batch[k][i] for k in keys} for i in range(n)]


def iter_hf_record_batches(path: str, batch_rows: int = DEFAULT_BATCH_ROWS):
    """``pyarrow.RecordBatch``es of ``batch_rows`` rows (the last one shorter), none turned into Python."""
    ds = load_hf_dataset(path)
    for table in ds.with_format("arrow").iter(batch_size=batch_rows):
        if table.num_rows:
            yield table.combine_chunks().to_batches()[0]
