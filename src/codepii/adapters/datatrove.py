"""A datatrove ``PipelineStep`` that masks ``Document.text`` and stores the spans in ``metadata``.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from codepii.adapters.datatrove import CodepiiMasker

    LocalPipelineExecutor(pipeline=[
        JsonlReader("data/", text_key="content"),
        CodepiiMasker("configs/mask/patterns.yaml"),
        JsonlWriter("masked/"),
    ], tasks=4, logging_dir="logs/").run()

The step holds only its config when it is pickled to Slurm or local
workers; the first task a process runs builds the Masker (one detector, one
model load) and later tasks in that process reuse it. Documents go to the detector ``batch_rows`` at a
time, the same batches as ``mask/mask.py`` on the same rows. A document the
engine would reject (text over ``max_text_bytes``, detector failure) is
dropped and counted in the step's stats (``bad_docs="drop"``), or stops the
task (``bad_docs="raise"``); it is never passed on unmasked.
"""
from __future__ import annotations

import itertools
from typing import Any, Iterator

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
except ImportError:  # the optional extra (STYLE.md, rule 7)
    raise ImportError("codepii.adapters.datatrove needs datatrove: pip install 'codepii[datatrove]'") from None

from datatrove.utils.logging import logger

from ..api import Masker
from ..config import to_dict
from ..errors import ConfigError, RecordError


class CodepiiMasker(PipelineStep):
    """Mask PII in each document's text; ``metadata[metadata_key]`` gets the pii entries (original offsets).

    ``config``: a mask config path (``configs/mask/X.yaml``), a dict or a MaskConfig, or None for the
    defaults (the pattern detector); ``overrides``: config keys, dotted ones as ``**{"detector.model": DIR}``.
    """

    name = "🔒 codepii mask"
    type = "🕵 - PII"
    _requires_dependencies = ["torch", "transformers"]  # the model detector; codepii's own dependencies

    def __init__(self, config: Any = None, metadata_key: str = "pii", bad_docs: str = "drop", **overrides: Any):
        super().__init__()
        if bad_docs not in ("drop", "raise"):
            raise ConfigError(f"CodepiiMasker(bad_docs={bad_docs!r}): expected drop or raise")
        # Resolved and checked now, in the driver, into plain data that pickles to any worker;
        # each task builds its own Masker (and loads the model) when it runs.
        self.config = to_dict(Masker.from_config(config, **overrides).config)
        self._masker: Masker | None = None  # built by the first task this process runs, reused by the next ones
        self.metadata_key = metadata_key
        self.bad_docs = bad_docs

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> Iterator[Document]:
        if data is None:
            return
        if self._masker is None:
            self._masker = Masker.from_config(self.config)
        masker = self._masker
        while docs := list(itertools.islice(data, masker.config.batch_rows)):
            with self.track_time(unit="batch"):
                results = masker.mask_rows([doc.text for doc in docs])
            for doc, row in zip(docs, results):
                if row.reason is not None:
                    if self.bad_docs == "raise":
                        raise RecordError(f"document {doc.id!r}: {row.reason}; fix or drop it, or use bad_docs='drop'")
                    logger.warning(f"document {doc.id!r} dropped: {row.reason}")
                    self.stat_update("dropped_bad_docs")
                    continue
                doc.text = row.text
                doc.metadata[self.metadata_key] = row.pii
                self.stat_update("masked_docs")
                for entry in row.pii:
                    self.stat_update(f"pii_{entry['category']}")
                self.update_doc_stats(doc)
                yield doc
