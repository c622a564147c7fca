"""Every YAML under configs/ loads and validates with the dataclass of its directory."""
from __future__ import annotations

import importlib
import pickle
import re
import shlex
from pathlib import Path

from codepii.config import load_config

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _train(path: str, overrides: list[str]) -> None:
    from codepii.train_config import TrainConfig, require_data

    cfg = load_config(TrainConfig, path, overrides)
    require_data(cfg)
    return cfg


def _mask(path: str, overrides: list[str]) -> None:
    config = importlib.import_module("codepii.mask.config")
    cfg = load_config(config.MaskConfig, path, overrides)
    config.require_paths(cfg)
    return cfg


def _pseudo_label(path: str, overrides: list[str]) -> None:
    from codepii.pseudo_label import PseudoLabelConfig

    return load_config(PseudoLabelConfig, path, overrides)


def _accelerate(path: str, overrides: list[str]) -> None:
    # accelerate's own config class: unknown keys and bad enum values raise.
    from accelerate.commands.config.config_args import ClusterConfig

    ClusterConfig.from_yaml_file(path)


VALIDATORS = {"train": _train, "mask": _mask, "pseudo_label": _pseudo_label, "accelerate": _accelerate}


def header_command(path: Path) -> str | None:
    """The command in the YAML's leading comment block (STYLE.md rule 3), or None."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            return None
        if ".py" in line or "accelerate launch" in line:
            return line.lstrip("# ").rstrip("\\ ")
    return None


def test_every_yaml_loads_and_validates():
    paths = sorted(CONFIGS.rglob("*.yaml")) + sorted(CONFIGS.rglob("*.yml"))
    assert len(paths) >= 8
    failures = []
    for path in paths:
        kind = path.relative_to(CONFIGS).parts[0]
        command = header_command(path)
        if command is None:
            failures.append(f"{path}: the header comment must show the command that uses it (STYLE.md rule 3)")
            continue
        if kind not in VALIDATORS:
            failures.append(f"{path}: no dataclass known for configs/{kind}/; add one to VALIDATORS")
            continue
        # The key=value overrides the header's command passes (input=..., data.train=...) apply too.
        overrides = [t for t in shlex.split(command, comments=True) if "=" in t and not t.startswith("-") and "..." not in t]
        try:
            cfg = VALIDATORS[kind](str(path), overrides)
            # Spawned processes (mask workers=N, tokenizer processes) get the config pickled.
            if cfg is not None and pickle.loads(pickle.dumps(cfg)) != cfg:
                failures.append(f"{path}: the config changes when pickled and unpickled")
        except Exception as exc:  # report every bad file at once
            failures.append(f"{path}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)


DOCS = [CONFIGS.parent / "README.md", CONFIGS.parent / "train" / "README.md", *sorted((CONFIGS.parent / "docs").glob("*.md"))]
RECIPE_KINDS = {"train/train.py": "train", "train/pseudo_label.py": "pseudo_label", "mask/mask.py": "mask", "codepii mask": "mask"}
RECIPE_RE = re.compile(r"(train/train\.py|train/pseudo_label\.py|mask/mask\.py|codepii mask)\s+--config\s+(\S+)([^`|\n]*)")


def documented_recipes():
    """``(doc, command, kind, config, overrides)`` for every recipe command the docs show with a shipped config."""
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8").replace("\\\n", " ")
        for m in RECIPE_RE.finditer(text):
            config = CONFIGS.parent / m.group(2)
            if not config.is_file():  # configs/train/X.yaml and the like
                continue
            rest = m.group(3).split(" #")[0]
            try:
                tokens = shlex.split(rest)
            except ValueError:
                tokens = rest.split()
            overrides = [t for t in tokens if "=" in t and not t.startswith(("-", "[")) and "..." not in t
                         and not re.fullmatch(r"\$?[A-Z_]+", t.split("=", 1)[1])]  # MODE, $SLURM_ARRAY_TASK_ID: placeholders
            yield str(doc.relative_to(CONFIGS.parent)), m.group(0).strip(), RECIPE_KINDS[m.group(1)], str(config), overrides


def test_every_documented_recipe_uses_keys_its_config_has():
    # docs/train.md and train/README.md showed `pseudo_label.py ... model=DIR`: "unknown config key 'model'".
    failures = []
    for doc, command, kind, config, overrides in documented_recipes():
        try:
            load_config(DATACLASSES[kind](), config, overrides)
        except Exception as exc:
            failures.append(f"{doc}: {command}: {exc}")
    assert not failures, "\n".join(failures)


def _dataclass(module: str, name: str):
    return lambda: getattr(importlib.import_module(module), name)


DATACLASSES = {
    "train": _dataclass("codepii.train_config", "TrainConfig"),
    "pseudo_label": _dataclass("codepii.pseudo_label", "PseudoLabelConfig"),
    "mask": _dataclass("codepii.mask.config", "MaskConfig"),
}
