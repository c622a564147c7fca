from dataclasses import dataclass, field
from typing import Literal, Optional

import pytest

from codepii.config import fingerprint, load_config, save_config, split_config_args
from codepii.errors import ConfigError


@dataclass(frozen=True)
class Data:
    train: str = "train.jsonl"
    eval: Optional[str] = None


@dataclass(frozen=True)
class Cfg:
    data: Data = field(default_factory=Data)
    lr: float = 1e-4
    steps: int = 10
    mode: Literal["a", "b"] = "a"
    tags: tuple[str, ...] = ("x",)
    thresholds: dict[str, float] = field(default_factory=dict)
    fast: bool = False


def test_yaml_and_overrides(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("data:\n  train: t.jsonl\nlr: 3\nthresholds: {NAME: 0.5}\n")
    c = load_config(Cfg, str(p), ["data.eval=e.jsonl", "steps=5", "mode=b", "fast=true", "tags=[a, b]"])
    assert c.data == Data("t.jsonl", "e.jsonl")
    assert c.lr == 3.0 and isinstance(c.lr, float)
    assert (c.steps, c.mode, c.tags, c.fast) == (5, "b", ("a", "b"), True)
    assert c.thresholds["NAME"] == 0.5
    with pytest.raises(Exception):
        c.lr = 1  # frozen
    out = tmp_path / "saved.yaml"
    save_config(c, str(out))
    assert load_config(Cfg, str(out)) == c
    assert fingerprint(c) == fingerprint(load_config(Cfg, str(out)))
    assert fingerprint(c) != fingerprint(Cfg())


@pytest.mark.parametrize(
    "override,message",
    [
        ("data.trian=x", "unknown config key 'data.trian'"),
        ("steps=ten", "config key 'steps': expected int, got 'ten'"),
        ("mode=c", "config key 'mode': expected one of 'a' | 'b'"),
        ("fast=3", "config key 'fast': expected bool"),
        ("thresholds.NAME=high", r"config key 'thresholds.NAME': expected float"),
        ("nokey", "not key=value"),
        ("lr.x=1", "config key 'lr': expected float"),
    ],
)
def test_errors_name_the_key(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(Cfg, None, [override])


@pytest.mark.parametrize("overrides", [["data=x", "data.eval=e.jsonl"], ["steps=5", "steps.x=1"]])
def test_a_dotted_override_under_a_value_is_an_error_not_a_silent_reset(tmp_path, overrides):
    # `detector=hybrid detector.model=DIR` used to drop the first override and the YAML's whole
    # detector block, and run the default detector without a word.
    p = tmp_path / "c.yaml"
    p.write_text("data:\n  train: t.jsonl\n")
    with pytest.raises(ConfigError, match=rf"override '{overrides[1]}': '{overrides[0].split('=')[0]}' is set to "):
        load_config(Cfg, str(p), overrides)


def test_a_word_for_a_nested_config_suggests_its_kind_key():
    @dataclass(frozen=True)
    class Det:
        kind: str = "patterns"

    @dataclass(frozen=True)
    class Top:
        detector: Det = field(default_factory=Det)

    with pytest.raises(ConfigError, match=r"config key 'detector': .*; to choose one, set detector.kind=hybrid"):
        load_config(Top, None, ["detector=hybrid"])


def test_file_errors(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(Cfg, str(tmp_path / "none.yaml"))
    p = tmp_path / "bad.yaml"
    p.write_text("a: [1,\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(Cfg, str(p))
    p.write_text("bogus: 1\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: unknown config key 'bogus'"):
        load_config(Cfg, str(p))


def test_split_config_args():
    assert split_config_args(["--config", "c.yaml", "a.b=1", "--x=2"]) == (["--config", "c.yaml", "--x=2"], ["a.b=1"])
