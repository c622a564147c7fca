"""The local masking engine: wires reader -> validator -> detector -> replacer -> writer per shard.

``process_shard`` is the unit of work shared with the Ray engine: it masks one
input shard into one output shard, commits it atomically, then writes the
manifest. ``LocalExecutor`` picks this process's shards (rank / world_size),
skips the finished ones and reports a summary. A shard that cannot be read is
reported with its path and the run goes on with the others.
"""
from __future__ import annotations

import logging
import os
import posixpath
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, TypeVar

from ..config import save_resolved_config
from ..errors import CodepiiError
from ..progress import progress
from ..io import detect_format, expand_paths, is_url
from ..detect import Detector, build_detector
from .config import MaskConfig, effective_placeholders, output_fingerprint, rank_and_world, require_paths
from .manifest import Manifest, is_finished, remove_manifest, shard_paths, write_manifest
from .replace import Replacer
from ..io.shards import MaskBatch, open_reader
from .steps import DetectStep, ReplaceStep, RowValidator
from ..io import remove_stale_temps, sha256_of
from ..io.shard_writers import RejectsWriter, open_writer

log = logging.getLogger(__name__)
T = TypeVar("T")
OnBatch = Callable[[int, int], None]  # (rows, text bytes) after each written batch


def shard_names(paths: list[str]) -> list[str]:
    """Output names: each input's path relative to the inputs' common directory."""
    local = [p.split("://", 1)[1] if is_url(p) else os.path.abspath(p) for p in paths]
    parents = [posixpath.dirname(p.rstrip("/")) for p in local]
    root = posixpath.commonpath(parents) if len(set(parents)) > 1 else parents[0]
    return [posixpath.relpath(p.rstrip("/"), root) for p in local]


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


@dataclass
class ShardResult:
    input: str
    status: str  # "done", "skipped" or "failed"
    manifest: Manifest | None = None
    error: str | None = None


def run_chain(batches: Iterable[MaskBatch], steps: list, writer, rejects: RejectsWriter, id_column: str,
              on_batch: OnBatch | None) -> tuple[int, int]:
    """Push every batch through the steps into the writer and the rejects; (rows in, text bytes)."""
    rows_in = text_bytes = 0
    for batch in batches:
        for step in steps:
            batch = step(batch)
        writer.write_rows([batch.rows[i] for i in batch.accepted()])
        for i, reason in enumerate(batch.reasons):
            if reason is not None:
                rejects.add(batch.first_row + i, batch.rows[i].get(id_column, batch.first_row + i), reason)
        rows_in += len(batch.rows)
        text_bytes += batch.text_bytes
        if on_batch:
            on_batch(len(batch.rows), batch.text_bytes)
    return rows_in, text_bytes


def process_shard(
    cfg: MaskConfig, detector: Detector, path: str, rel: str, config_fp: str, on_batch: OnBatch | None = None
) -> ShardResult:
    """Mask one input shard into ``output/rel``; skip it when its manifest says it is finished."""
    out_path, rejects_path, manifest_path = shard_paths(cfg.output, rel)
    model_fp = detector.fingerprint()
    done = is_finished(manifest_path, out_path, model_fp, config_fp)
    if done is not None:
        return ShardResult(path, "skipped", done)
    remove_manifest(manifest_path)  # from here on a crash leaves no manifest: the shard is redone
    remove_stale_temps(out_path)
    remove_stale_temps(rejects_path)  # a kill inside rejects.commit() leaves one there too
    start = time.perf_counter()
    try:
        reader = open_reader(path, cfg.batch_rows)
        writer = open_writer(detect_format(path), out_path, reader.schema, cfg.text_column, cfg.pii_column, cfg.hash_values)
    except CodepiiError as exc:
        log.error("%s (shard skipped; the run goes on)", exc)
        return ShardResult(path, "failed", error=str(exc))
    except OSError as exc:
        log.error("%s: cannot write (%s)", out_path, exc.strerror)
        return ShardResult(path, "failed", error=f"{out_path}: cannot write ({exc.strerror}); check the output directory")
    replacer = Replacer(effective_placeholders(cfg), cfg.keep_categories, hash_key(cfg))
    counter = ReplaceStep(replacer, cfg.text_column, cfg.pii_column)
    steps = [RowValidator(cfg.text_column, cfg.max_text_bytes), DetectStep(detector), counter]
    rejects = RejectsWriter(rejects_path)
    try:
        batches = read_ahead(reader, cfg.read_ahead_batches)
        rows_in, text_bytes = run_chain(batches, steps, writer, rejects, cfg.id_column, on_batch)
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
        counts=dict(sorted(counter.counts.items())), sha256=sha, output_bytes=size, model_fingerprint=model_fp,
        config_fingerprint=config_fp, seconds=round(time.perf_counter() - start, 3), text_bytes=text_bytes,
        rejects=rejects_path if rejects.lines else None,
    )
    write_manifest(manifest_path, manifest)  # last: the shard counts as finished only now
    return ShardResult(path, "done", manifest)


@dataclass
class Summary:
    """Totals over the shards of one run (this rank)."""

    results: list[ShardResult] = field(default_factory=list)
    seconds: float = 0.0

    def totals(self) -> dict:
        ms = [r.manifest for r in self.results if r.manifest is not None]
        counts: Counter[str] = Counter()
        for m in ms:
            counts.update(m.counts)
        return {
            "shards": len(self.results),
            "done": sum(r.status == "done" for r in self.results),
            "skipped": sum(r.status == "skipped" for r in self.results),
            "failed": sum(r.status == "failed" for r in self.results),
            "rows_in": sum(m.rows_in for m in ms),
            "rows_out": sum(m.rows_out for m in ms),
            "rows_rejected": sum(m.rows_rejected for m in ms),
            "pii": dict(sorted(counts.items())),
            "errors": [r.error for r in self.results if r.error],
            "seconds": round(self.seconds, 2),
        }

    @property
    def ok(self) -> bool:
        return all(r.status != "failed" for r in self.results)

    def format(self) -> str:
        t = self.totals()
        lines = [
            f"shards: {t['done']} masked, {t['skipped']} already done, {t['failed']} failed (of {t['shards']})",
            f"rows: {t['rows_in']} in = {t['rows_out']} out + {t['rows_rejected']} rejected",
            "pii: " + (", ".join(f"{k} {v}" for k, v in t["pii"].items()) or "none"),
        ]
        lines += [f"error: {e}" for e in t["errors"]]
        return "\n".join(lines)


def plan(cfg: MaskConfig) -> list[tuple[str, str]]:
    """(input path, output name) of every input shard, sorted; the same on every rank."""
    require_paths(cfg)
    paths = expand_paths(cfg.input)
    return list(zip(paths, shard_names(paths)))


def write_run_files(cfg: MaskConfig, summary: Summary, rank: int, world: int) -> None:
    """The resolved config (rank 0) and this rank's summary beside the outputs (local output dirs)."""
    import json

    if is_url(cfg.output):
        return
    os.makedirs(cfg.output, exist_ok=True)
    if rank == 0:
        save_resolved_config(cfg, cfg.output, name="_config.yaml")
    name = "_summary.json" if world == 1 else f"_summary.rank{rank}.json"
    with open(os.path.join(cfg.output, name), "w", encoding="utf-8") as f:
        json.dump(summary.totals(), f, indent=1)


class LocalExecutor:
    """Masks this rank's shards one after the other in this process."""

    def __init__(self, cfg: MaskConfig, detector: Detector | None = None):
        self.cfg = cfg
        self.detector = detector

    def run(self) -> Summary:
        cfg = self.cfg
        rank, world = rank_and_world(cfg)
        mine = plan(cfg)[rank::world]
        detector = self.detector or build_detector(cfg.detector)
        config_fp = output_fingerprint(cfg)
        summary, start = Summary(), time.perf_counter()
        bar = progress(total=None, unit=" rows", desc="mask" if world == 1 else f"mask rank {rank}/{world}")
        mb = [0.0]

        def on_batch(rows: int, nbytes: int) -> None:
            mb[0] += nbytes / 1e6
            bar.update(rows)
            bar.set_postfix_str(f"{mb[0] / max(time.perf_counter() - start, 1e-9):.3g} MB/s", refresh=False)

        for path, rel in mine:
            summary.results.append(process_shard(cfg, detector, path, rel, config_fp, on_batch))
        bar.close()
        summary.seconds = time.perf_counter() - start
        write_run_files(cfg, summary, rank, world)
        return summary
