"""A training run's output_dir (train/train.py): what a run leaves there, and the checkpoints it resumes from.

A new run must not mix with an old one in the same directory (its log appends, and checkpoint
pruning keeps the highest ``step_N``, so an old run's checkpoints would be what ``resume`` picks);
a resumed run must fit the checkpoint's shapes. Each failure is one line naming the key or the fix.
"""
from __future__ import annotations

import os
import shutil

from .config import load_config
from .errors import CodepiiError
from .train_config import TrainConfig, flatten_config

# What a run leaves in output_dir; a new run must not mix with them (the log appends, and pruning keeps
# the highest step_N, so an old run's checkpoints would outlive the new run's and be what resume picks).
RUN_OUTPUTS = ("model", "checkpoints", "log.jsonl", "metrics.json")
# Keys that fix the shapes of what a checkpoint holds (embeddings, layers, classifier): a resumed run must match them.
CHECKPOINT_KEYS = ("model.", "labels.mapping", "labels.max_length")
CHECKPOINT_CONFIG = "config.yaml"  # the resolved config, saved in every checkpoint


def check_output_dir(cfg: TrainConfig) -> None:
    """A new run goes to an output_dir without another run in it, unless ``overwrite=true``."""
    if cfg.resume or cfg.overwrite or _resumes_in_place(cfg):
        return
    found = [n for n in RUN_OUTPUTS if os.path.exists(os.path.join(cfg.output_dir, n))]
    if found:
        raise CodepiiError(
            f"output_dir={cfg.output_dir} holds a previous run ({', '.join(found)}); pass resume=true to continue it, "
            "overwrite=true to replace it, or another output_dir"
        )


def _resumes_in_place(cfg: TrainConfig) -> bool:
    if not cfg.resume_from:
        return False
    root = os.path.abspath(os.path.join(cfg.output_dir, "checkpoints"))
    return os.path.dirname(os.path.abspath(cfg.resume_from.rstrip("/"))) == root


def clear_previous_run(cfg: TrainConfig) -> None:
    """``overwrite=true``: remove what a previous run left in output_dir (main process only)."""
    for name in (*RUN_OUTPUTS, "tb"):
        path = os.path.join(cfg.output_dir, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)


def find_checkpoint(cfg: TrainConfig) -> str | None:
    """The checkpoint to resume from: ``resume_from``, or the newest in output_dir/checkpoints."""
    if cfg.resume_from:
        if not os.path.isdir(cfg.resume_from):
            raise CodepiiError(f"resume_from={cfg.resume_from}: no such checkpoint directory")
        return check_checkpoint(cfg, cfg.resume_from)
    root = os.path.join(cfg.output_dir, "checkpoints")
    if not cfg.resume or not os.path.isdir(root):
        return None
    steps = sorted((int(d.split("_")[1]), d) for d in os.listdir(root) if d.startswith("step_"))
    return check_checkpoint(cfg, os.path.join(root, steps[-1][1])) if steps else None


def check_checkpoint(cfg: TrainConfig, path: str) -> str:
    """``path`` when it is a checkpoint of this recipe whose shapes fit ``cfg``; else a one-line error."""
    if not os.path.isfile(os.path.join(path, "custom_checkpoint_0.pkl")):  # the TrainState every checkpoint has
        run = " (it is a run's output_dir: pass output_dir=... resume=true)" if os.path.isdir(
            os.path.join(path, "checkpoints")) else ""
        raise CodepiiError(f"resume_from={path}: not a train/train.py checkpoint{run}; give OUTPUT_DIR/checkpoints/step_N")
    saved = os.path.join(path, CHECKPOINT_CONFIG)
    if not os.path.isfile(saved):
        return path  # an older checkpoint: load_state's own error is caught in main
    was = flatten_config(load_config(TrainConfig, saved))
    now = flatten_config(cfg)
    for key in sorted(was):
        if key.startswith(CHECKPOINT_KEYS) and was[key] != now.get(key):
            raise CodepiiError(
                f"{path} was saved with {key}={was[key]}, this config has {key}={now.get(key)}; "
                "resume with the checkpoint's config (its config.yaml) or start a new output_dir"
            )
    return path


def load_checkpoint(accelerator, checkpoint: str) -> None:
    """``accelerator.load_state``, its shape errors (older checkpoints carry no config) as one line."""
    try:
        accelerator.load_state(checkpoint)  # weights, optimizer, scheduler, RNG states and TrainState
    except (RuntimeError, FileNotFoundError, KeyError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CodepiiError(
            f"resume_from={checkpoint}: the checkpoint does not fit this config ({first}); "
            "resume with the config it was saved with, or start a new output_dir"
        ) from None
