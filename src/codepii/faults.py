"""Deterministic fault injection for crash tests: ``CODEPII_FAULT=<point>[:<shard>]``.

When the variable names a point (and, if given, the shard being processed:
its output name, e.g. ``b.jsonl.gz``), the process exits at once with status 137, as a SIGKILL would:
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

_shard: list[str | None] = [None]  # output name of the shard this process is working on


def set_shard(name: str | None) -> None:
    """Tell the hook which shard (its output name, relative to the output directory) is being processed."""
    _shard[0] = name


def fault(point: str) -> None:
    """Exit hard here when ``CODEPII_FAULT`` names ``point`` (and this shard, when it names one)."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    name, _, shard = spec.partition(":")
    if name == point and (not shard or shard == _shard[0]):
        os._exit(EXIT_STATUS)
