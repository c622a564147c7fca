"""Every configs/mask/*.yaml loads into MaskConfig and is headed by the command that uses it."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

import pytest

from codepii.config import from_dict, load_config
from codepii.mask.config import MaskConfig, output_fingerprint, require_paths

CONFIGS = sorted((Path(__file__).resolve().parents[2] / "configs" / "mask").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_mask_config_loads_and_names_its_command(path):
    cfg = load_config(MaskConfig, str(path), ["input=x.jsonl", "output=out", "detector.model=some/model"])
    require_paths(cfg)
    header = path.read_text().split("\n\n")[0]
    assert f"mask/mask.py --config configs/mask/{path.name}" in header


def test_fingerprint_ignores_engine_and_placement_but_not_output_settings():
    base = load_config(MaskConfig, None, ["input=a", "output=b"])
    same = load_config(MaskConfig, None, ["input=c", "output=d", "engine=ray", "ray.workers=8", "rank=1", "world_size=4"])
    other = load_config(MaskConfig, None, ["input=a", "output=b", "placeholders.EMAIL=(email)"])
    assert output_fingerprint(base) == output_fingerprint(same) != output_fingerprint(other)
    assert len(CONFIGS) >= 3



@dataclass(frozen=True)
class WithAbc:
    options: Mapping[str, Any] = field(default_factory=dict)
    names: Sequence[str] = ()


def test_typing_mapping_and_sequence_fields_load():
    """codepii.config accepts typing.Mapping / Sequence annotations (their origin is collections.abc)."""
    cfg = from_dict(WithAbc, {"options": {"a": 1}, "names": ["x", "y"]})
    assert dict(cfg.options) == {"a": 1} and cfg.names == ("x", "y")
