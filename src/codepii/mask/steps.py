"""The middle of the masking chain: validate rows, detect spans, replace them.

Each step is a class with one job and one hook, ``run(batches) ->
Iterator[MaskBatch]`` (datatrove's PipelineStep.run, minus the framework), so
a slow step overlaps with the rest: the detect step streams batches through
the detector's ``detect_stream`` (the model tokenizes the next batches and
decodes the last one while it runs this one). A row that a step cannot
process gets a reason and goes to the rejects file; it never reaches the
output unmasked.
"""
from __future__ import annotations

import logging
from collections import Counter, deque
from typing import Iterable, Iterator

from ..spans import Span
from ..detect import Detector
from .replace import Replacer
from ..io.shards import MISSING, MaskBatch

log = logging.getLogger(__name__)


class RowValidator:
    """Decode the text column; reject null, non-text, undecodable or oversized rows."""

    def __init__(self, text_column: str, max_text_bytes: int):
        self.text_column = text_column
        self.max_text_bytes = max_text_bytes

    def check(self, value) -> tuple[str | None, str | None, int]:
        """(reason, text, UTF-8 bytes) for one value of the text column (MISSING: the row has none)."""
        if value is MISSING:
            return f"no {self.text_column!r} column", None, 0
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

    def run(self, batches: Iterable[MaskBatch]) -> Iterator[MaskBatch]:
        for batch in batches:
            for i, value in enumerate(batch.text_values(self.text_column)):
                if batch.reasons[i] is not None:  # already rejected upstream (e.g. an unreadable line)
                    continue
                reason, text, size = self.check(value)
                batch.reasons[i], batch.texts[i] = reason, text
                batch.text_bytes += size
            yield batch


class DetectStep:
    """Run the detector on the accepted texts, streaming across batches.

    When the detector fails, the batches it held are redone one row at a time
    (a row the detector fails on is rejected, not skipped), and the rest of
    the shard goes on batch by batch.
    """

    def __init__(self, detector: Detector):
        self.detector = detector

    def run(self, batches: Iterable[MaskBatch]) -> Iterator[MaskBatch]:
        held: deque[MaskBatch] = deque()  # batches whose texts the detector has, oldest first
        source = iter(batches)
        upstream: list[BaseException] = []  # a reader error is the shard's, not the detector's

        def texts() -> Iterator[list[str]]:
            while True:
                try:
                    batch = next(source)
                except StopIteration:
                    return
                except BaseException as exc:
                    upstream.append(exc)
                    return
                held.append(batch)
                yield [batch.texts[i] for i in batch.accepted()]

        try:
            for found in self.detector.detect_stream(texts()):
                batch = held.popleft()
                self._assign(batch, found)
                yield batch
        except Exception as exc:  # noqa: BLE001 - any detector failure falls back row by row
            log.warning("%s: detector failed (%s); retrying its batches row by row", _shard(held), type(exc).__name__)
            while held:
                yield self._row_by_row(held.popleft())
            for batch in source:  # the rest of the shard without streaming
                yield self._batch(batch)
        if upstream:
            raise upstream[0]

    def _assign(self, batch: MaskBatch, found: list[list[Span]]) -> None:
        idx = batch.accepted()
        if len(found) != len(idx):
            raise ValueError(f"detector returned {len(found)} results for {len(idx)} texts")
        for i, spans in zip(idx, found):
            batch.spans[i] = _checked(spans, batch.texts[i])

    def _batch(self, batch: MaskBatch) -> MaskBatch:
        try:
            self._assign(batch, self.detector.detect([batch.texts[i] for i in batch.accepted()]))
            return batch
        except Exception:  # noqa: BLE001
            return self._row_by_row(batch)

    def _row_by_row(self, batch: MaskBatch) -> MaskBatch:
        for i in batch.accepted():
            try:
                batch.spans[i] = _checked(self.detector.detect([batch.texts[i]])[0], batch.texts[i])
            except Exception as row_exc:  # noqa: BLE001 - reported as a reject with the error type (no text in it)
                batch.reasons[i] = f"detector failed ({type(row_exc).__name__})"
                batch.texts[i] = None
        return batch


def _checked(spans: list[Span], text: str) -> list[Span]:
    for s in spans:
        if not 0 <= s.start < s.end <= len(text):
            raise ValueError(f"span [{s.start}, {s.end}) outside a text of {len(text)} chars")
    return spans


def _shard(held: deque) -> str:
    return f"{held[0].shard} rows {held[0].first_row}+" if held else "shard"


class ReplaceStep:
    """Set each accepted row's masked text and pii entries; count spans per category."""

    def __init__(self, replacer: Replacer):
        self.replacer = replacer
        self.counts: Counter[str] = Counter()

    def run(self, batches: Iterable[MaskBatch]) -> Iterator[MaskBatch]:
        for batch in batches:
            for i in batch.accepted():
                batch.masked[i], batch.pii[i] = self.replacer.replace(batch.texts[i], batch.spans[i])
                self.counts.update(e["category"] for e in batch.pii[i])
            yield batch
