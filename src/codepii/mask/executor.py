"""Executors: plan the shards, skip the finished ones, submit the rest, summarise.

``Executor.run`` does everything but the submitting: this rank's share of the
plan (rank / world_size), the fingerprints, skipping shards whose manifest
says they are finished, the progress bar, the summary and the run files. A
subclass supplies ``submit(jobs)``, yielding one ``ShardResult`` per job as
shards finish: ``LocalExecutor`` (this process), ``ProcessExecutor``
(``workers=N`` local processes, each with its own detector) and
``ray_engine.RayExecutor`` (an actor pool). The unit of work is
``task.process_shard``.
"""
from __future__ import annotations

import abc
import os
import posixpath
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

from ..config import save_resolved_config
from ..detect import Detector, build_detector, detector_fingerprint
from ..progress import progress
from ..errors import CodepiiError, ConfigError, RecordError
from ..io import expand_paths, is_url, require_shard_columns, write_json
from ..io.paths import local_path, same_place
from ..io.readers import MissingColumnError
from .config import MaskConfig, output_fingerprint, rank_and_world, require_paths
from .manifest import shard_paths
from .task import ShardResult, finished, process_shard


@dataclass(frozen=True)
class Job:
    """One input shard: its path, its output name, and the fingerprints its manifest must carry."""

    path: str
    rel: str
    model_fp: str
    config_fp: str


def shard_names(paths: list[str]) -> list[str]:
    """Output names: each input's path relative to the inputs' common directory."""
    local = [p.split("://", 1)[1] if is_url(p) else os.path.abspath(p) for p in paths]
    parents = [posixpath.dirname(p.rstrip("/")) for p in local]
    root = posixpath.commonpath(parents) if len(set(parents)) > 1 else parents[0]
    return [posixpath.relpath(p.rstrip("/"), root) for p in local]


def check_output_apart(cfg: MaskConfig, shards: list[tuple[str, str]]) -> None:
    """No output shard may land on an input shard: with output=DIR and input=DIR the raw data would be
    replaced by its masked copy; with an output inside a recursive glob, an earlier run's outputs are read
    as inputs and the next run would write over them."""
    inputs = {same_place(path): path for path, _ in shards}
    for path, rel in shards:
        hit = inputs.get(same_place(shard_paths(cfg.output, rel)[0]))
        if hit == path:
            raise ConfigError(f"{path}: output={cfg.output} would replace this input shard with its masked copy; "
                              "choose an output directory outside the input")
        if hit is not None:
            raise ConfigError(f"{hit}: an input shard inside output={cfg.output} (an earlier run's output?); "
                              f"masking {path} would replace it: narrow the input or write the output elsewhere")


def plan(cfg: MaskConfig) -> list[tuple[str, str]]:
    """(input path, output name) of every input shard, sorted; the same on every rank."""
    require_paths(cfg)
    if not is_url(cfg.output) and os.path.isfile(local_path(cfg.output)):
        raise ConfigError(f"output={cfg.output} is a file, not a directory; give a directory for the masked shards")
    paths = expand_paths(cfg.input)
    shards = list(zip(paths, shard_names(paths)))
    check_output_apart(cfg, shards)
    return shards


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


def write_run_files(cfg: MaskConfig, summary: Summary, rank: int, world: int) -> None:
    """The resolved config (rank 0) and this rank's summary beside the outputs (local output dirs)."""
    if is_url(cfg.output):
        return
    output = local_path(cfg.output)  # file:///abs/out is the directory /abs/out
    os.makedirs(output, exist_ok=True)  # save_resolved_config writes into it when it is a directory
    if rank == 0:
        save_resolved_config(cfg, output)
    name = "_summary.json" if world == 1 else f"_summary.rank{rank}.json"
    write_json(os.path.join(output, name), summary.totals(), indent=1)


def check_columns(cfg: MaskConfig, jobs: list["Job"]) -> None:
    """Fail fast, before any output: every shard to mask must have the text column (Parquet and HF:
    the schema, and a text type there; JSONL: the first batch). A shard that cannot be read at all is left to its task,
    which reports it while the run goes on."""
    hint = f"set text_column= to one of them (now {cfg.text_column!r})"
    for job in jobs:
        try:
            require_shard_columns(job.path, [cfg.text_column], cfg.batch_rows, hint=hint, text_column=cfg.text_column)
        except MissingColumnError:
            raise
        except RecordError:
            continue


class Executor(abc.ABC):
    """Plans, skips finished shards, submits the rest (``submit``), summarises."""

    name = "mask"

    def __init__(self, cfg: MaskConfig, detector: Detector | None = None):
        self.cfg = cfg
        self.detector = detector  # a ready detector (tests, the Python API); else built from cfg.detector
        self._rows = self._bytes = 0
        self._start = time.perf_counter()
        self._bar = None

    @abc.abstractmethod
    def submit(self, jobs: list[Job]) -> Iterator[ShardResult]:
        """Mask every job's shard; yield one result per job, in any order."""

    def run(self) -> Summary:
        cfg = self.cfg
        rank, world = rank_and_world(cfg)
        mine = plan(cfg)[rank::world]
        model_fp = self.detector.fingerprint() if self.detector is not None else detector_fingerprint(cfg.detector)
        config_fp = output_fingerprint(cfg)
        by_input: dict[str, ShardResult] = {}
        todo = []
        for path, rel in mine:
            done = finished(cfg, path, rel, model_fp, config_fp)
            if done is not None:
                by_input[path] = ShardResult(path, "skipped", done)
            else:
                todo.append(Job(path, rel, model_fp, config_fp))
        check_columns(cfg, todo)
        self._start = time.perf_counter()
        desc = self.name if world == 1 else f"{self.name} rank {rank}/{world}"
        self._bar = progress(total=len(mine), initial=len(mine) - len(todo), unit=" shard", desc=desc)
        for result in self.submit(todo) if todo else ():
            by_input[result.input] = result
            if result.manifest is not None and result.status == "done" and not self._counts_rows:
                self.on_batch(result.manifest.rows_in, result.manifest.text_bytes)
            self._bar.update(1)
        self._bar.close()
        summary = Summary([by_input[path] for path, _ in mine], time.perf_counter() - self._start)  # plan order
        write_run_files(cfg, summary, rank, world)
        return summary

    # Executors that report rows batch by batch (in this process) set this, so shards are not counted twice.
    _counts_rows = False

    def on_batch(self, rows: int, nbytes: int) -> None:
        """Progress: rows and MB/s so far."""
        self._rows += rows
        self._bytes += nbytes
        seconds = max(time.perf_counter() - self._start, 1e-9)
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self._rows / seconds:.0f} rows/s {self._bytes / 1e6 / seconds:.3g} MB/s",
                                      refresh=False)

    def build_detector(self) -> Detector:
        return self.detector if self.detector is not None else build_detector(self.cfg.detector)


class LocalExecutor(Executor):
    """Masks the shards one after the other in this process, with one detector."""

    _counts_rows = True

    def submit(self, jobs: list[Job]) -> Iterator[ShardResult]:
        detector = self.build_detector()
        for job in jobs:
            yield process_shard(self.cfg, detector, job.path, job.rel, job.model_fp, job.config_fp, self.on_batch)


# ------------------------------------------------------------ local processes

_worker_state: dict = {}  # in each worker process: its config and detector


def _init_worker(cfg: MaskConfig) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # N processes on N cores: one torch thread each
    _worker_state["cfg"] = cfg
    try:
        _worker_state["detector"] = build_detector(cfg.detector)
    except CodepiiError as exc:  # a user's mistake (a bad model dir): the parent reports it as one line
        _worker_state["error"] = exc


def _run_job(job: Job) -> ShardResult:
    if "error" in _worker_state:
        raise _worker_state["error"]
    cfg, detector = _worker_state["cfg"], _worker_state["detector"]
    return process_shard(cfg, detector, job.path, job.rel, job.model_fp, job.config_fp)


class ProcessExecutor(Executor):
    """``workers`` local processes (spawned), each building its own detector once and masking whole
    shards: all the cores of a node without Ray. Output is identical to one process."""

    def submit(self, jobs: list[Job]) -> Iterator[ShardResult]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        workers = max(1, min(self.cfg.workers, len(jobs)))
        ctx = multiprocessing.get_context("spawn")  # no forked torch/tokenizer threads
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(self.cfg,)) as pool:
            futures = {pool.submit(_run_job, job): job for job in jobs}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    yield future.result()
                except CodepiiError:  # the detector could not be built: the same in every worker
                    for pending in futures:
                        pending.cancel()
                    raise
                except Exception as exc:  # noqa: BLE001 - a dead worker fails its shard, not the run
                    yield ShardResult(job.path, "failed", error=f"{job.path}: worker process failed ({type(exc).__name__})")


def make_executor(cfg: MaskConfig, detector: Detector | None = None) -> Executor:
    """The executor ``cfg`` asks for: ``engine=ray``, ``workers>1`` local processes, or this process."""
    if cfg.engine == "ray":
        from .ray_engine import RayExecutor

        return RayExecutor(cfg)
    if cfg.workers > 1 and detector is None:
        return ProcessExecutor(cfg)
    return LocalExecutor(cfg, detector)
