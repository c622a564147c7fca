"""The middle of the masking chain: validate rows, detect spans, replace them.

Each step is a class with one job and one hook, ``__call__(MaskBatch) ->
MaskBatch`` (datatrove's PipelineStep, minus the framework). A row that a step
cannot process gets a reason and goes to the rejects file; it never reaches
the output unmasked.
"""
from __future__ import annotations

import logging
from collections import Counter

from ..spans import Span
from ..detect import Detector
from .replace import Replacer
from ..io.shards import MaskBatch

log = logging.getLogger(__name__)


class RowValidator:
    """Decode the text column; reject null, non-text, undecodable or oversized rows."""

    def __init__(self, text_column: str, max_text_bytes: int):
        self.text_column = text_column
        self.max_text_bytes = max_text_bytes

    def reason(self, row: dict) -> tuple[str | None, str | None, int]:
        """(reason, text, UTF-8 bytes) for one row."""
        if self.text_column not in row:
            return f"no {self.text_column!r} column", None, 0
        value = row[self.text_column]
        if value is None:
            return "text is null", None, 0
        if isinstance(value, (bytes, bytearray)):
            try:
                value = bytes(value).decode("utf-8")
            except UnicodeDecodeError as exc:
                return f"text is not valid UTF-8 (byte {exc.start})", None, 0
        if not isinstance(value, str):
            return f"text is {type(value).__name__}, not a string", None, 0
        try:
            size = len(value.encode("utf-8"))
        except UnicodeEncodeError as exc:
            return f"text is not valid UTF-8/Unicode (undecodable byte or lone surrogate at char {exc.start})", None, 0
        if size > self.max_text_bytes:
            return f"text is {size} bytes, over max_text_bytes={self.max_text_bytes}", None, 0
        return None, value, size

    def __call__(self, batch: MaskBatch) -> MaskBatch:
        for i, row in enumerate(batch.rows):
            reason, text, size = self.reason(row)
            batch.reasons[i], batch.texts[i] = reason, text
            batch.text_bytes += size
        return batch


class DetectStep:
    """Run the detector on the accepted texts; a row the detector fails on is rejected, not skipped."""

    def __init__(self, detector: Detector):
        self.detector = detector

    def _checked(self, spans: list[Span], text: str) -> list[Span]:
        for s in spans:
            if not 0 <= s.start < s.end <= len(text):
                raise ValueError(f"span [{s.start}, {s.end}) outside a text of {len(text)} chars")
        return spans

    def __call__(self, batch: MaskBatch) -> MaskBatch:
        idx = batch.accepted()
        if not idx:
            return batch
        try:
            found = self.detector.detect([batch.texts[i] for i in idx])
            if len(found) != len(idx):
                raise ValueError(f"detector returned {len(found)} results for {len(idx)} texts")
            for i, spans in zip(idx, found):
                batch.spans[i] = self._checked(spans, batch.texts[i])
        except Exception as exc:  # one bad row must not take the batch down: retry row by row
            log.warning("%s rows %d+: detector failed on the batch (%s); retrying row by row",
                        batch.shard, batch.first_row, type(exc).__name__)
            for i in idx:
                try:
                    batch.spans[i] = self._checked(self.detector.detect([batch.texts[i]])[0], batch.texts[i])
                except Exception as row_exc:  # reported as a reject with the error type (no text in it)
                    batch.reasons[i] = f"detector failed ({type(row_exc).__name__})"
                    batch.texts[i] = None
        return batch


class ReplaceStep:
    """Mask the text column in place and set the pii column; count spans per category."""

    def __init__(self, replacer: Replacer, text_column: str, pii_column: str):
        self.replacer = replacer
        self.text_column = text_column
        self.pii_column = pii_column
        self.counts: Counter[str] = Counter()

    def __call__(self, batch: MaskBatch) -> MaskBatch:
        for i in batch.accepted():
            masked, entries = self.replacer.replace(batch.texts[i], batch.spans[i])
            batch.rows[i][self.text_column] = masked
            batch.rows[i][self.pii_column] = entries
            self.counts.update(e["category"] for e in entries)
        return batch
