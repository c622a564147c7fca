"""Deterministic fault injection for crash tests: ``CODEPII_FAULT=<point>[:<shard index>]``.

When the variable names a point (and, if given, the shard index being
processed), the process exits at once with status 137, as a SIGKILL would:
no ``finally`` blocks, no flushing, no cleanup. Tests set it, run the engine
in a subprocess, rerun without it and compare the outputs byte for byte with
a clean run. Unset (always, outside tests) it costs one dict lookup.

Points, in the order one shard passes them: ``after_temp_write`` (the output
shard's data is in its temporary file), ``after_fsync``, ``inside_rename``,
``inside_rejects_commit``, ``before_manifest``, ``between_shards`` (after a
shard's manifest, before the next shard).
"""
from __future__ import annotations

import os

ENV = "CODEPII_FAULT"
POINTS = ("after_temp_write", "after_fsync", "inside_rename", "inside_rejects_commit", "before_manifest",
          "between_shards")
EXIT_STATUS = 137  # what a shell reports for SIGKILL

_shard: list[int | None] = [None]  # index of the shard this process is working on


def set_shard(index: int | None) -> None:
    """Tell the hook which shard (index in the run's sorted shard list) is being processed."""
    _shard[0] = index


def fault(point: str) -> None:
    """Exit hard here when ``CODEPII_FAULT`` names ``point`` (and this shard, when it names one)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    name, _, index = spec.partition(":")
    if name == point and (not index or (_shard[0] is not None and int(index) == _shard[0])):
        os._exit(EXIT_STATUS)
