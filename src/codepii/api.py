"""``codepii.Masker``: the masking engine's row semantics as one Python object.

For pipelines that already exist (``datasets.map``, datatrove, Ray Data):
``masker(batch)`` masks the text column of a batch of rows (a dict of
columns) and sets the ``pii`` column, exactly as ``mask/mask.py`` does for a
shard: the same config (``MaskConfig``), detector (``build_detector``),
placeholders, same-value-same-substitute rule and HMAC option, the same row
checks (``RowValidator``) and the same detector batches (``batch_rows`` rows
at a time), so the same rows give the same masked text and spans.

A row the engine would reject (text null, not text, not UTF-8, over
``max_text_bytes``, or the detector failed on it) cannot go to a rejects file
here; ``bad_rows`` says what happens instead:

- ``"raise"`` (default): a one-line ``RecordError`` naming the row and why;
- ``"null"``: the row stays, its text and its pii set to null (nothing unmasked survives);
- ``"keep"``: the row stays unchanged, its pii null (filter on ``pii is None``
  before publishing: that text was not masked).

The detector is built once, on first use, in the process that uses it; a
pickled Masker carries only its config, so ``datasets.map(num_proc=N)``,
datatrove workers and Ray actors each build their own (docs/api.md).
"""
from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from .config import from_dict, load_yaml, to_dict
from .detect import Detector, DetectorConfig, build_detector
from .detect.base import check_texts
from .errors import ConfigError, RecordError
from .mask.config import MaskConfig, effective_placeholders
from .mask.replace import Replacer
from .io.shards import MaskBatch
from .mask.steps import DetectStep, ReplaceStep, RowValidator
from .spans import Span

log = logging.getLogger(__name__)
BAD_ROWS = ("raise", "null", "keep")


@dataclass(frozen=True)
class MaskedRow:
    """One row's result: the masked text and pii entries, or why the row could not be masked."""

    text: str | None
    pii: list[dict] | None
    reason: str | None = None  # None: masked


def _set_dotted(data: dict, key: str, value: Any) -> None:
    """``data["a"]["b"] = value`` for ``key="a.b"`` (a Python value, not YAML text)."""
    *parents, last = key.split(".")
    node = data
    for part in parents:
        if not isinstance(node.get(part), dict):
            node[part] = dict(node[part]) if isinstance(node.get(part), Mapping) else {}
        node = node[part]
    node[last] = value


class Masker:
    """Mask PII in batches of rows, single strings, or find spans; built from a ``MaskConfig``.

    ``detector``: a kind (``"patterns"``, ``"model"``, ``"hybrid"``), a dict of
    ``DetectorConfig`` keys (``{"kind": "model", "model": "runs/x/model"}``), a
    ``DetectorConfig``, or a built ``Detector``. ``placeholders``: merged over
    the defaults. ``options``: any other ``MaskConfig`` key (``text_column``,
    ``pii_column``, ``id_column``, ``batch_rows``, ``max_text_bytes``,
    ``keep_categories``, ``hash_values``, ``hash_key_env``); a typo is a
    ConfigError naming the key.
    """

    def __init__(
        self,
        detector: str | Mapping | DetectorConfig | Detector = "patterns",
        placeholders: Mapping[str, str] | None = None,
        *,
        bad_rows: str = "raise",
        **options: Any,
    ):
        data = dict(options)
        built = detector if isinstance(detector, Detector) else None
        if placeholders is not None:
            data["placeholders"] = dict(placeholders) if isinstance(placeholders, Mapping) else placeholders
        if isinstance(detector, str):
            data["detector"] = {"kind": detector}
        elif isinstance(detector, (Mapping, DetectorConfig)):
            data["detector"] = detector
        elif built is None:
            raise ConfigError(f"Masker(detector=...): expected a kind, a dict, a DetectorConfig or a Detector, got {type(detector).__name__}")
        self._setup(from_dict(MaskConfig, data), bad_rows, built)

    @classmethod
    def from_config(cls, config: str | os.PathLike | Mapping | MaskConfig | None = None, *, bad_rows: str = "raise",
                    **overrides: Any) -> "Masker":
        """A Masker from a mask config (``configs/mask/X.yaml``, the same file ``mask/mask.py`` takes;
        ``input``/``output`` are not needed), a dict or a ``MaskConfig``; ``overrides`` are config keys,
        dotted ones passed as ``**{"detector.model": DIR}``."""
        where = ""
        if isinstance(config, MaskConfig):
            data = to_dict(config)
        elif isinstance(config, (str, os.PathLike)):
            where = f"{os.fspath(config)}: "
            data = load_yaml(os.fspath(config))
        elif config is None or isinstance(config, Mapping):
            data = to_dict(dict(config or {}))
        else:
            raise ConfigError(f"Masker.from_config(config=...): expected a mask config path, a dict or a MaskConfig, "
                              f"got {type(config).__name__}")
        for key, value in overrides.items():
            _set_dotted(data, key, value)
        try:
            cfg = from_dict(MaskConfig, data)
        except ConfigError as exc:
            raise ConfigError(f"{where}{exc}") from None
        masker = cls.__new__(cls)
        masker._setup(cfg, bad_rows, None)
        return masker

    def _setup(self, cfg: MaskConfig, bad_rows: str, detector: Detector | None) -> None:
        if bad_rows not in BAD_ROWS:
            raise ConfigError(f"Masker(bad_rows={bad_rows!r}): expected one of {', '.join(BAD_ROWS)}")
        if detector is None:
            cfg.detector.require_model()  # fail now, not at the first batch
        self.config, self.bad_rows = cfg, bad_rows
        self._given = detector is not None  # a built detector travels with the Masker; a config is rebuilt
        self._detector = detector
        key = os.environ[cfg.hash_key_env].encode("utf-8") if cfg.hash_values else None  # checked by MaskConfig
        self.replacer = Replacer(effective_placeholders(cfg), cfg.keep_categories, key)
        self.validator = RowValidator(cfg.text_column, cfg.max_text_bytes)

    # -- pickling: a config, never a model (datasets num_proc, datatrove workers, Ray actors)

    def __getstate__(self) -> dict:
        return {"config": to_dict(self.config), "bad_rows": self.bad_rows, "detector": self._detector if self._given else None}

    def __setstate__(self, state: dict) -> None:
        self._setup(from_dict(MaskConfig, state["config"]), state["bad_rows"], state["detector"])

    def __repr__(self) -> str:
        d = self.config.detector
        kind = d.class_path or d.kind
        return f"Masker(detector={kind!r}, model={d.model!r}, text_column={self.config.text_column!r}, bad_rows={self.bad_rows!r})"

    @property
    def detector(self) -> Detector:
        """The detector, built (and its model loaded) on first use in this process."""
        if self._detector is None:
            self._detector = build_detector(self.config.detector)
        return self._detector

    def use_rank(self, rank: int) -> None:
        """Put this process's detector on GPU ``rank % n_gpus`` (``detector.device: auto`` only);
        ``masker(batch, rank)`` calls it, so ``ds.map(masker, with_rank=True, num_proc=n_gpus)`` spreads the GPUs."""
        d = self.config.detector
        if self._detector is not None or d.device != "auto" or not d.uses_model:
            return
        import torch

        if torch.cuda.is_available():
            device = f"cuda:{rank % torch.cuda.device_count()}"
            self.config = dataclasses.replace(self.config, detector=dataclasses.replace(d, device=device))

    # -- the work

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans per text (``Span.to_dict()`` gives {start, end, category, score}), detected ``batch_rows`` at a time."""
        texts, step = check_texts(texts), self.config.batch_rows
        return [spans for i in range(0, len(texts), step) for spans in self.detector.detect(texts[i : i + step])]

    def mask_rows(self, values: Sequence[Any]) -> list[MaskedRow]:
        """Each value's masked text and pii entries, or the reason it could not be masked (no policy applied).

        The engine's own chain of steps (mask/steps.py), ``batch_rows`` rows per detector batch:
        row checks, a streamed detector that retries a failing batch row by row, the replacer.
        """
        if isinstance(values, (str, bytes)):
            raise TypeError(f"mask_rows() takes a list of texts, got a single {type(values).__name__}; pass [text]")
        col, step = self.config.text_column, self.config.batch_rows
        batches = (MaskBatch("batch", first, [{col: v} for v in values[first : first + step]])
                   for first in range(0, len(values), step))
        for chain_step in (self.validator, DetectStep(self.detector), ReplaceStep(self.replacer)):
            batches = chain_step.run(batches)
        out: list[MaskedRow] = []
        for batch in batches:
            out += [MaskedRow(text, pii) if reason is None else MaskedRow(None, None, reason)
                    for text, pii, reason in zip(batch.masked, batch.pii, batch.reasons)]
        return out

    def mask_column(self, values: Sequence[Any], ids: Sequence[Any] | None = None) -> tuple[list, list]:
        """(masked texts, pii lists) of a text column, with ``bad_rows`` applied; ``ids`` name rows in errors."""
        texts: list = []
        piis: list = []
        bad = 0
        for i, row in enumerate(self.mask_rows(values)):
            if row.reason is None:
                texts.append(row.text)
                piis.append(row.pii)
                continue
            if self.bad_rows == "raise":
                name = f" (id {ids[i]!r})" if ids is not None else ""
                raise RecordError(
                    f"row {i} of the batch{name}: {row.reason}; fix or drop that row, or use "
                    "Masker(bad_rows='null') to null its text and pii, or 'keep' to leave it unmasked with pii null"
                )
            bad += 1
            texts.append(None if self.bad_rows == "null" else values[i])
            piis.append(None)
        if bad:
            log.warning("%d of %d rows could not be masked (bad_rows=%s: pii set to null)", bad, len(texts), self.bad_rows)
        return texts, piis

    def __call__(self, batch: Mapping[str, Sequence], rank: int | None = None) -> dict[str, list]:
        """A batch of rows (column -> values) with the text column masked and the pii column set;
        other columns pass through. ``ds.map(masker, batched=True)``; ``rank`` comes from ``with_rank=True``."""
        col = self.config.text_column
        if col not in batch:
            raise RecordError(f"the batch has no text column {col!r} (columns: {', '.join(map(str, batch))}); "
                              f"pass text_column=NAME")
        if rank is not None:
            self.use_rank(rank)
        table = getattr(batch, "pa_table", None)
        if table is not None and type(batch).__module__.startswith("datasets."):
            # datasets types a new column from its first batch: one without any span would make the pii
            # column list<null> and the next batch fail to cast. Its batches wrap an Arrow table, and
            # .map accepts a table back: the other columns are not even converted.
            return self.mask_table(table)
        texts, piis = self.mask_column(batch[col], batch.get(self.config.id_column))
        return {**{k: batch[k] for k in batch}, col: texts, self.config.pii_column: piis}

    def mask_table(self, table):
        """A pyarrow Table with the text column masked and a typed pii column set (other columns untouched)."""
        import pyarrow as pa

        col, name = self.config.text_column, self.config.pii_column
        if col not in table.column_names:
            raise RecordError(f"the batch has no text column {col!r} (columns: {', '.join(table.column_names)}); "
                              f"pass text_column=NAME")
        ids = table.column(self.config.id_column).to_pylist() if self.config.id_column in table.column_names else None
        texts, piis = self.mask_column(table.column(col).to_pylist(), ids)
        text_type = table.schema.field(col).type
        if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
            text_type = pa.string()
        table = table.set_column(table.column_names.index(col), pa.field(col, text_type), pa.array(texts, type=text_type))
        pii = self.pii_array(piis)
        if name in table.column_names:
            return table.set_column(table.column_names.index(name), pa.field(name, pii.type), pii)
        return table.append_column(pa.field(name, pii.type), pii)

    def pii_array(self, piis: Sequence[list[dict] | None]):
        """The pii column as an Arrow array of the engine's Parquet type (list<struct<start, end, category,
        score[, value_hash]>>), for frameworks that infer column types batch by batch."""
        import pyarrow as pa

        from .io.shard_writers import pii_type

        return pa.array(piis, type=pii_type(self.config.hash_values))

    def mask(self, text: Any) -> str | None:
        """One masked string (``bad_rows`` decides about a text that cannot be masked)."""
        texts, _ = self.mask_column([text])
        return texts[0]

