"""One shard, masked: reader -> validate -> detect -> replace -> writer, committed atomically.

``process_shard`` is the unit of work every executor (local, multi-process,
Ray) runs: it masks one input shard into one output shard, commits it with
temp -> fsync -> rename, then writes the manifest (the shard counts as
finished only then). The steps are generators over record batches
(``steps.py``), so reading runs ahead in a thread and the detector streams.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, TypeVar

from ..detect import Detector
from ..errors import CodepiiError
from ..faults import fault, set_shard
from ..io import detect_format, remove_stale_temps, sha256_of
from .config import MaskConfig, effective_placeholders
from .manifest import Manifest, input_size, is_finished, remove_manifest, shard_paths, write_manifest
from .replace import Replacer
from ..io.shards import MaskBatch, open_reader
from .steps import DetectStep, ReplaceStep, RowValidator
from ..io.shard_writers import RejectsWriter, ShardWriter, open_writer

log = logging.getLogger(__name__)
T = TypeVar("T")
OnBatch = Callable[[int, int], None]  # (rows, text bytes) after each written batch


@dataclass
class ShardResult:
    input: str
    status: str  # "done", "skipped" or "failed"
    manifest: Manifest | None = None
    error: str | None = None


def hash_key(cfg: MaskConfig) -> bytes | None:
    return os.environ[cfg.hash_key_env].encode("utf-8") if cfg.hash_values else None


def read_ahead(items: Iterable[T], depth: int) -> Iterator[T]:
    """Iterate ``items`` in a background thread, ``depth`` ahead (reading overlaps detection)."""
    if depth < 1:
        yield from items
        return
    q: queue.Queue = queue.Queue(maxsize=depth)
    done = object()

    def produce():
        try:
            for item in items:
                q.put(item)
            q.put(done)
        except BaseException as exc:  # re-raised in the consumer's thread
            q.put(exc)

    threading.Thread(target=produce, daemon=True).start()
    while (item := q.get()) is not done:
        if isinstance(item, BaseException):
            raise item
        yield item


def finished(cfg: MaskConfig, path: str, rel: str, model_fp: str, config_fp: str) -> Manifest | None:
    """The manifest of input ``path`` (output name ``rel``) when it is finished for these fingerprints and
    the input is the size it was, else None."""
    out_path, _, manifest_path = shard_paths(cfg.output, rel)
    return is_finished(manifest_path, out_path, model_fp, config_fp, cfg.verify, input_path=path)


def write_batches(batches: Iterable[MaskBatch], writer: ShardWriter, rejects: RejectsWriter, cfg: MaskConfig,
                  on_batch: OnBatch | None) -> tuple[int, int]:
    """The chain's sink: accepted rows to the writer, the others to the rejects; (rows in, text bytes)."""
    rows_in = text_bytes = 0
    text_column, pii_column, id_column = cfg.text_column, cfg.pii_column, cfg.id_column
    for batch in batches:
        writer.write_batch(batch, text_column, pii_column)
        for i, reason in enumerate(batch.reasons):
            if reason is not None:
                bad = batch.bad.get(i)  # a line that did not parse: where it is, never what it holds
                rejects.add(batch.first_row + i, batch.row_id(i, id_column), reason,
                            line=bad.line if bad else None, offset=bad.offset if bad else None)
        rows_in += len(batch)
        text_bytes += batch.text_bytes
        if on_batch:
            on_batch(len(batch), batch.text_bytes)
    return rows_in, text_bytes


def process_shard(cfg: MaskConfig, detector: Detector, path: str, rel: str, model_fp: str, config_fp: str,
                  on_batch: OnBatch | None = None) -> ShardResult:
    """Mask one input shard into ``output/rel``; skip it when its manifest says it is finished."""
    set_shard(rel)  # for CODEPII_FAULT=<point>:<shard> (codepii.faults)
    out_path, rejects_path, manifest_path = shard_paths(cfg.output, rel)
    done = finished(cfg, path, rel, model_fp, config_fp)
    if done is not None:
        return ShardResult(path, "skipped", done)
    remove_manifest(manifest_path)  # from here on a crash leaves no manifest: the shard is redone
    remove_stale_temps(out_path)
    remove_stale_temps(rejects_path)  # a kill inside rejects.commit() leaves one there too
    start = time.perf_counter()
    input_bytes = input_size(path)  # before reading: an input that changes meanwhile is redone on the next run
    try:
        reader = open_reader(path, cfg.batch_rows, cfg.on_bad_row, cfg.text_column if cfg.arrow_batches else None)
        writer = open_writer(detect_format(path), out_path, reader.schema, cfg.text_column, cfg.pii_column, cfg.hash_values,
                             source=path)
    except CodepiiError as exc:
        log.error("%s (shard skipped; the run goes on)", exc)
        return ShardResult(path, "failed", error=str(exc))
    except OSError as exc:
        log.error("%s: cannot write (%s)", out_path, exc.strerror)
        return ShardResult(path, "failed", error=f"{out_path}: cannot write ({exc.strerror}); check the output directory")
    replace = ReplaceStep(Replacer(effective_placeholders(cfg), cfg.keep_categories, hash_key(cfg)))
    rejects = RejectsWriter(rejects_path)
    try:
        batches = read_ahead(reader, cfg.read_ahead_batches)
        for step in (RowValidator(cfg.text_column, cfg.max_text_bytes), DetectStep(detector), replace):
            batches = step.run(batches)
        rows_in, text_bytes = write_batches(batches, writer, rejects, cfg, on_batch)
    except CodepiiError as exc:
        writer.abort()
        log.error("%s (shard skipped; the run goes on)", exc)
        return ShardResult(path, "failed", error=str(exc))
    except BaseException:
        writer.abort()
        raise
    rejects.commit()
    writer.commit()
    sha, size = sha256_of(out_path)
    assert rows_in == writer.rows + len(rejects.lines), "rows in must equal rows out + rows rejected"
    manifest = Manifest(
        input=path, output=out_path, rows_in=rows_in, rows_out=writer.rows, rows_rejected=len(rejects.lines),
        counts=dict(sorted(replace.counts.items())), sha256=sha, output_bytes=size, model_fingerprint=model_fp,
        config_fingerprint=config_fp, seconds=round(time.perf_counter() - start, 3), text_bytes=text_bytes,
        rejects=rejects_path if rejects.lines else None, input_bytes=input_bytes,
    )
    fault("before_manifest")
    write_manifest(manifest_path, manifest)  # last: the shard counts as finished only now
    fault("between_shards")
    return ShardResult(path, "done", manifest)
