"""Every YAML under configs/ loads and validates with the dataclass of its directory."""
from __future__ import annotations

import importlib
import pickle
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
