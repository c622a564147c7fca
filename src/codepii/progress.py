"""Progress bars for long work (tqdm), shown on a terminal and silent in logs/CI.

Set ``CODEPII_PROGRESS=1`` to force bars on, ``0`` to force them off.
"""
from __future__ import annotations

import os
from typing import Iterable, TypeVar

T = TypeVar("T")


def _disable() -> bool | None:
    flag = os.environ.get("CODEPII_PROGRESS")
    if flag is None:
        return None  # tqdm: off when stderr is not a terminal
    return flag in ("0", "false", "no")


def bars_shown() -> bool:
    """Whether codepii's bars show: for libraries that draw their own (crowd-kit's ``silent``/``verbose``)."""
    import sys

    disable = _disable()
    return sys.stderr.isatty() if disable is None else not disable


def progress(iterable: Iterable[T] | None = None, **kwargs):
    """``tqdm(iterable, **kwargs)`` with codepii's defaults (dynamic width, auto-off)."""
    from tqdm.auto import tqdm

    kwargs.setdefault("disable", _disable())
    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("leave", False)
    return tqdm(iterable, **kwargs)
