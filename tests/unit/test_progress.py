"""codepii.progress: codepii's bars and the Hugging Face libraries' own bars follow one switch."""
from __future__ import annotations

import os

import datasets
import pytest
from transformers.utils import logging as hf_logging

from codepii.progress import bars_shown, progress, quiet_hf_bars


@pytest.fixture
def hf_bars_restored(monkeypatch):
    for var in ("HF_DATASETS_DISABLE_PROGRESS_BARS", "HF_HUB_DISABLE_PROGRESS_BARS"):
        monkeypatch.delenv(var, raising=False)
    datasets.enable_progress_bars()  # an earlier command run in this process may have turned them off
    hf_logging.enable_progress_bar()
    yield
    datasets.enable_progress_bars()
    hf_logging.enable_progress_bar()


@pytest.mark.parametrize("flag, shown", [("1", True), ("0", False)])
def test_the_flag_decides_codepii_bars(monkeypatch, flag, shown):
    monkeypatch.setenv("CODEPII_PROGRESS", flag)
    assert bars_shown() is shown
    assert progress(range(3)).disable is not shown


def test_hf_bars_go_off_with_codepii_bars_and_are_never_forced_on(monkeypatch, hf_bars_restored):
    monkeypatch.setenv("CODEPII_PROGRESS", "1")
    quiet_hf_bars()
    assert datasets.is_progress_bar_enabled() and hf_logging.is_progress_bar_enabled()
    monkeypatch.setenv("CODEPII_PROGRESS", "0")
    quiet_hf_bars()
    assert not datasets.is_progress_bar_enabled() and not hf_logging.is_progress_bar_enabled()
    assert os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1"  # spawned workers inherit it
    monkeypatch.setenv("CODEPII_PROGRESS", "1")
    quiet_hf_bars()  # a user's own HF switch (here: off) is left as it is
    assert not datasets.is_progress_bar_enabled()
