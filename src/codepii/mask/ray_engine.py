"""The cluster engine (``engine=ray``): the local engine's ``process_shard`` on a pool of Ray actors.

Design: per-shard tasks on long-lived actors (``ray.util.ActorPool``), not a
Ray Data ``map_batches`` pipeline. Each actor builds the detector once (one
model load per actor, on its GPU when ``ray.gpus_per_worker`` > 0) and masks
whole shards with the exact code of the local engine, so one output shard
per input shard, row order, deterministic bytes, atomic commit, manifests,
rejects and resume come for free and the outputs equal the local engine's
byte for byte. Ray restarts a dead actor and retries its shard
(``max_restarts``/``max_task_retries``); a retried shard is simply redone,
because nothing is visible before its atomic rename.
"""
from __future__ import annotations

import logging
import os
from typing import Iterator

from .. import faults
from ..detect import build_detector
from ..errors import CodepiiError
from .config import MaskConfig
from .executor import Executor, Job
from .task import ShardResult, process_shard

log = logging.getLogger(__name__)
INSTALL_HINT = "engine=ray needs Ray: pip install 'codepii[ray]' (or use engine=local)"


def require_ray():
    """Import ray or raise a one-line error that says how to install it (STYLE.md, rule 7)."""
    try:
        import ray
    except ImportError:
        raise CodepiiError(INSTALL_HINT) from None
    return ray


class ShardWorker:
    """The body of one Ray actor: the detector is built once, then shards are masked one by one."""

    def __init__(self, cfg: MaskConfig):
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
        self.cfg, self.error = cfg, None
        try:
            self.detector = build_detector(cfg.detector)
        except CodepiiError as exc:  # a user's mistake (a bad model dir): raised with the first shard, so that
            self.error = exc  # the driver reports it as one line instead of an actor that died in __init__

    def process(self, job: Job) -> ShardResult:
        if self.error is not None:
            raise self.error
        return process_shard(self.cfg, self.detector, job.path, job.rel, job.model_fp, job.config_fp)


def connect(cfg: MaskConfig):
    """Join ``ray.address`` or start a local Ray instance (``ray.num_cpus`` CPUs, no dashboard)."""
    ray = require_ray()
    if ray.is_initialized():
        return ray
    if cfg.ray.address:
        ray.init(address=cfg.ray.address, log_to_driver=True)
    else:
        ray.init(num_cpus=cfg.ray.num_cpus, include_dashboard=False, log_to_driver=True)
    return ray


def fault_env() -> dict | None:
    """Crash tests set CODEPII_FAULT in the driver; the actors run the shards, so it goes to them."""
    spec = os.environ.get(faults.ENV)
    return {"env_vars": {faults.ENV: spec}} if spec else None


class RayExecutor(Executor):
    """Masks this rank's shards (normally all of them: one Ray driver) on ``ray.workers`` actors."""

    name = "mask on ray"

    def _actors(self, ray, n: int) -> list:
        worker = ray.remote(ShardWorker).options(
            num_cpus=self.cfg.ray.cpus_per_worker,
            num_gpus=self.cfg.ray.gpus_per_worker,
            max_restarts=self.cfg.ray.max_restarts,  # a crashed actor (OOM, lost node) comes back ...
            max_task_retries=self.cfg.ray.max_restarts,  # ... and its shard is redone from scratch
            runtime_env=fault_env(),
        )
        return [worker.remote(self.cfg) for _ in range(n)]

    def submit(self, jobs: list[Job]) -> Iterator[ShardResult]:
        ray = connect(self.cfg)
        idle = self._actors(ray, max(1, min(self.cfg.ray.workers, len(jobs))))
        pending = list(reversed(jobs))  # popped from the end: submitted in plan order
        running: dict = {}  # ObjectRef -> (input path, actor)
        while pending or running:
            while idle and pending:
                actor, job = idle.pop(), pending.pop()
                running[actor.process.remote(job)] = (job.path, actor)
            if not running:  # every actor is gone: the rest cannot run in this attempt
                for job in pending:
                    yield ShardResult(job.path, "failed", error=f"{job.path}: not masked, every Ray worker died")
                return
            [ref], _ = ray.wait(list(running), num_returns=1)
            path, actor = running.pop(ref)
            result, alive = self._collect(ray, ref, path)
            idle += [actor] if alive else []
            yield result

    @staticmethod
    def _collect(ray, ref, path: str) -> tuple[ShardResult, bool]:
        """The shard's result and whether its actor can take more work; a failure names only types."""
        try:
            result = ray.get(ref)
        except ray.exceptions.RayActorError as exc:  # dead after its restarts (e.g. OOM, node lost)
            log.error("%s: Ray worker died (%s); the shard is left for the next run", path, type(exc).__name__)
            return ShardResult(path, "failed", error=f"{path}: Ray worker died ({type(exc).__name__})"), False
        except ray.exceptions.RayTaskError as exc:
            if isinstance(exc.cause, CodepiiError):  # the detector could not be built: the same in every actor
                raise exc.cause from None
            cause = type(exc.cause).__name__ if exc.cause is not None else type(exc).__name__
            log.error("%s: failed in a Ray worker (%s)", path, cause)
            return ShardResult(path, "failed", error=f"{path}: failed in a Ray worker ({cause})"), True
        if result.status == "failed":
            log.error("%s", result.error)
        return result, True
