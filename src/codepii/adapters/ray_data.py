"""Ray Data: ``ds.map_batches(MaskerActor, ...)`` masks a dataset on a pool of actors, one model load each.

    import ray
    from codepii.adapters.ray_data import MaskerActor

    ds = ray.data.read_parquet("s3://bucket/stack/")
    ds = ds.map_batches(
        MaskerActor, fn_constructor_kwargs={"config": "configs/mask/model.yaml", "detector.model": "/models/pii"},
        batch_format="pyarrow", batch_size=512, concurrency=8, num_gpus=1,
    )
    ds.write_parquet("s3://bucket/masked/")

Batches are pyarrow Tables: the text column is masked, the pii column gets
the engine's Arrow type (a batch without any span still has the right type)
and every other column passes through untouched. Each actor builds its
Masker, and loads the model, once in ``__init__``; with ``num_gpus=1`` Ray
gives it one GPU and ``detector.device: auto`` uses it. For the same rows as
``mask/mask.py``, use a ``batch_size`` that is a multiple of ``batch_rows``
(the detector then sees the same batches and gives the same scores).
``engine=ray`` of ``mask/mask.py`` is the other way to use Ray: whole shards per
actor with manifests and resume (docs/mask.md).
"""
from __future__ import annotations

from typing import Any

from ..api import Masker


class MaskerActor:
    """A callable class for ``map_batches``: ``MaskerActor(config=None, bad_rows="raise", **overrides)``.

    ``config`` and ``overrides`` are those of ``Masker.from_config`` (a dotted key goes in
    ``fn_constructor_kwargs`` as it is: ``{"detector.model": DIR}``).
    """

    def __init__(self, config: Any = None, bad_rows: str = "raise", **overrides: Any):
        self.masker = Masker.from_config(config, bad_rows=bad_rows, **overrides)
        self.masker.detector  # noqa: B018 -- build it (load the model) now: once per actor

    def __call__(self, batch):
        """A pyarrow Table (``batch_format="pyarrow"``) or a dict of columns, masked."""
        if hasattr(batch, "column_names") and hasattr(batch, "set_column"):
            return self.masker.mask_table(batch)
        return self.masker({k: list(v) for k, v in batch.items()})
