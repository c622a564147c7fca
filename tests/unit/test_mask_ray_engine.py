"""The Ray engine's driver-side logic without a cluster: install hint, failure collection."""
from __future__ import annotations

import sys
from types import SimpleNamespace

import pytest

from codepii.errors import CodepiiError
from codepii.mask.task import ShardResult
from codepii.mask.ray_engine import RayExecutor, require_ray


class FakeActorError(Exception):
    pass


class FakeTaskError(Exception):
    def __init__(self, cause):
        super().__init__("task failed")
        self.cause = cause


def fake_ray(outcome):
    def get(ref):
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    return SimpleNamespace(get=get, exceptions=SimpleNamespace(RayActorError=FakeActorError, RayTaskError=FakeTaskError))


def test_require_ray_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(CodepiiError, match=r"pip install 'codepii\[ray\]'"):
        require_ray()


def test_collect_turns_worker_failures_into_failed_shards_without_data():
    ok = ShardResult("a.jsonl", "done")
    assert RayExecutor._collect(fake_ray(ok), None, "a.jsonl") == (ok, True)
    dead, alive = RayExecutor._collect(fake_ray(FakeActorError("secret a@b.io")), None, "a.jsonl")
    assert (dead.status, alive) == ("failed", False) and "a@b.io" not in dead.error and "a.jsonl" in dead.error
    failed, alive = RayExecutor._collect(fake_ray(FakeTaskError(ValueError("x@y.io"))), None, "b.jsonl")
    assert (failed.status, alive) == ("failed", True) and "ValueError" in failed.error and "x@y.io" not in failed.error


def test_a_detector_that_cannot_be_built_stops_the_run_with_its_own_error(tmp_path):
    # A bad model dir with engine=ray: each actor died in __init__ with a Ray traceback, and the run ended
    # "Ray worker died (ActorDiedError)" / "every Ray worker died" without the reason.
    from codepii.config import load_config
    from codepii.mask.config import MaskConfig
    from codepii.mask.ray_engine import ShardWorker

    (tmp_path / "model").mkdir()
    cfg = load_config(MaskConfig, None, ["detector.kind=model", f"detector.model={tmp_path / 'model'}"])
    worker = ShardWorker(cfg)  # builds nothing it cannot: keeps the error for the first shard
    with pytest.raises(CodepiiError, match="no codepii.json") as exc:
        worker.process(None)
    with pytest.raises(CodepiiError, match="no codepii.json"):
        RayExecutor._collect(fake_ray(FakeTaskError(exc.value)), None, "a.jsonl")
