"""Streaming weak labeling: group a corpus by package (or repository), collect, label, yield.

Records of one package must be consecutive (``codepii corpus fetch`` writes
them so; a Stack-like dataset sorted by its repository column is too). A
package seen again after another one started is an error that says so.
"""
from __future__ import annotations

import itertools
import logging
from collections import Counter
from typing import Iterable, Iterator

from ..errors import RecordError
from .declared import collect
from .weak_label import group_key, weak_records

log = logging.getLogger(__name__)


def _owner(key: tuple) -> str | None:
    """``owner`` of an ``("repo", "owner/name")`` group key."""
    if key[0] == "repo" and "/" in key[1]:
        return key[1].split("/", 1)[0]
    return None


def weak_label_stream(records: Iterable[dict], sources: Iterable[str], repo_column: str = "max_stars_repo_name",
                      keep_unlabeled: bool = False, lines_around: int | None = None,
                      counts: Counter | None = None) -> Iterator[dict]:
    """Weak gold records for a corpus stream; ``counts`` (if given) gets files, records, labeled, per category."""
    sources = tuple(sources)
    counts = counts if counts is not None else Counter()
    seen: set[tuple] = set()
    for key, group in itertools.groupby(records, key=lambda r: group_key(r, repo_column)):
        if key in seen:
            raise RecordError(
                f"package {key[1]!r} appears again after other packages; weak-label needs each package's files "
                "together: sort the input by package (or repository)"
            )
        seen.add(key)
        group = list(group)
        package = key[1].rsplit("/", 1)[-1]  # the package name, or the repository's name
        declared = collect(((r.get("path", ""), r["content"]) for r in group), sources, owner=_owner(key), package=package)
        out = weak_records(group, declared, keep_unlabeled, lines_around)
        counts["packages"] += 1
        counts["files"] += len(group)
        counts["labeled"] += len({r["id"].split("#L")[0] for r in out if r["entities"]})
        for r in out:
            counts["records"] += 1
            counts.update(e["category"] for e in r["entities"])
        log.debug("%s: %d names, %d emails, %d handles declared", key[1], len(declared.names),
                  len(declared.emails), len(declared.handles))
        yield from out
