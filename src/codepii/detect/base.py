"""The detector contract shared by the masking engine, ``codepii detect``, eval and pseudo-labeling.

A detector takes a batch of texts and returns, per text, non-overlapping
spans of main categories (LABELING.md) with a score in [0, 1].
"""
from __future__ import annotations

import abc
from typing import Iterable, Iterator, Mapping, Sequence

from ..errors import RecordError
from ..spans import Span


def check_texts(texts: Iterable[str]) -> list[str]:
    """``texts`` as a list of str, or a clear error: a bare string is a TypeError (iterated, it would be one
    text per character, silently), an item that is not a str a RecordError naming its index."""
    if isinstance(texts, (str, bytes)):
        raise TypeError(f"detect() takes a list of texts, got a single {type(texts).__name__}; pass [text]")
    texts = list(texts)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            kind = "null" if text is None else type(text).__name__
            raise RecordError(f"texts[{i}] is {kind}, not a string; pass str texts (decode bytes, drop nulls)")
    return texts


class Detector(abc.ABC):
    """One job: texts in, spans out. Built once, called on many batches."""

    name: str = "detector"

    @abc.abstractmethod
    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        """Spans per text, sorted, non-overlapping, offsets into that text."""

    def detect_stream(self, batches: Iterable[Sequence[str]]) -> Iterator[list[list[Span]]]:
        """Span lists per batch of texts, in order. Detectors that can overlap work across
        batches (the model detector tokenizes ahead and decodes behind) override this."""
        for texts in batches:
            yield self.detect(texts)

    @abc.abstractmethod
    def fingerprint(self) -> str:
        """A short stable hash of everything that changes the output (model, thresholds, filters)."""

    def detect_records(
        self, records: Iterable[Mapping], text_column: str = "content", batch_rows: int = 64
    ) -> Iterator[dict]:
        """Prediction records (DESIGN.md): each input record with ``entities`` set to the detected spans."""
        batch: list[Mapping] = []
        for r in records:
            batch.append(r)
            if len(batch) >= batch_rows:
                yield from self._predict_batch(batch, text_column)
                batch = []
        if batch:
            yield from self._predict_batch(batch, text_column)

    def _predict_batch(self, batch: Sequence[Mapping], text_column: str) -> Iterator[dict]:
        found = self.detect([r[text_column] for r in batch])
        for r, spans in zip(batch, found):
            out = {k: v for k, v in r.items() if k != "entities"}
            out["entities"] = [s.to_dict() for s in spans]
            yield out
