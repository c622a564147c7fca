"""The chain's steps are generators: the detect step streams a whole shard through one
``detect_stream``, falls back row by row when the detector fails, and lets reader errors through."""
from __future__ import annotations

import pytest

from codepii.detect import Detector
from codepii.errors import RecordError
from codepii.io.shards import MaskBatch
from codepii.mask.steps import DetectStep, RowValidator
from codepii.spans import Span


class CountingDetector(Detector):
    """Spans of the word 'secret'; counts stream calls and fails on texts holding ``fail_on``."""

    def __init__(self, fail_on: str | None = None):
        self.fail_on = fail_on
        self.streams = 0

    def detect(self, texts):
        if self.fail_on and any(self.fail_on in t for t in texts):
            raise RuntimeError("boom")
        return [[Span(t.find("secret"), t.find("secret") + 6, "KEY", 1.0)] if "secret" in t else [] for t in texts]

    def detect_stream(self, batches):
        self.streams += 1
        yield from super().detect_stream(batches)

    def fingerprint(self) -> str:
        return "counting"


def batches(texts_per_batch):
    first = 0
    for texts in texts_per_batch:
        yield MaskBatch("s.jsonl", first, [{"content": t} for t in texts])
        first += len(texts)


def run(detector, texts_per_batch):
    return list(DetectStep(detector).run(RowValidator("content", 1000).run(batches(texts_per_batch))))


def test_one_stream_for_the_whole_shard_in_order():
    det = CountingDetector()
    out = run(det, [["a secret", "b"], ["c"], ["secret d"]])
    assert det.streams == 1
    assert [b.first_row for b in out] == [0, 2, 3]
    assert [s for b in out for s in b.spans] == [[Span(2, 8, "KEY", 1.0)], [], [], [Span(0, 6, "KEY", 1.0)]]


def test_a_failing_detector_rejects_only_its_rows_and_the_shard_goes_on():
    det = CountingDetector(fail_on="poison")
    out = run(det, [["a secret", "poison"], ["ok secret"], ["x"]])
    reasons = [r for b in out for r in b.reasons]
    assert reasons == [None, "detector failed (RuntimeError)", None, None]
    assert out[1].spans[0] == [Span(3, 9, "KEY", 1.0)] and len(out) == 3


def test_reader_errors_are_the_shards_not_the_detectors():
    def broken():
        yield MaskBatch("s.jsonl", 0, [{"content": "secret"}])
        raise RecordError("s.jsonl line 2: invalid JSON")

    with pytest.raises(RecordError, match="line 2"):
        list(DetectStep(CountingDetector()).run(RowValidator("content", 1000).run(broken())))
