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


def quiet_hf_bars() -> None:
    """At a command's start: transformers', datasets' and the hub's own bars (loading weights, writing
    shards, ``map``) off whenever codepii's are (a log, a batch job, ``CODEPII_PROGRESS=0``). Sets their own
    switches in the environment unless the user set them (spawned workers inherit them) and turns off
    those already imported. Commands only: the Python API leaves the caller's process as it is."""
    import sys

    if bars_shown():
        return
    for var in ("HF_DATASETS_DISABLE_PROGRESS_BARS", "HF_HUB_DISABLE_PROGRESS_BARS"):
        os.environ.setdefault(var, "1")
    if "datasets" in sys.modules:
        sys.modules["datasets"].disable_progress_bars()
    if "transformers" in sys.modules:
        from transformers.utils import logging

        logging.disable_progress_bar()
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
