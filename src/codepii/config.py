"""YAML -> frozen dataclass configs with dotted ``key=value`` overrides.

An unknown key or a value of the wrong type is a ConfigError that names the
dotted key, what it expected and what it got. The YAML key, the dataclass
field and the override share one name (STYLE.md, rule 2).
"""
from __future__ import annotations

import collections.abc
import copyreg
import dataclasses
import hashlib
import json
import os
import types
import typing
from typing import Any, Literal, Mapping, Sequence, TypeVar, Union, get_args, get_origin

from .errors import ConfigError

T = TypeVar("T")


def frozen_mapping(data: dict) -> types.MappingProxyType:
    """A read-only view of ``data``: how configs hold their mappings (and how pickle rebuilds them)."""
    return types.MappingProxyType(data)


def _pickle_mapping_proxy(proxy: types.MappingProxyType) -> tuple:
    return frozen_mapping, (dict(proxy),)


# Config mappings are read-only MappingProxyType views, which pickle cannot send as they are:
# a config with `placeholders:` or `class_options:` from YAML must still reach spawned processes
# (mask workers=N). Pickled as the dict they show and rebuilt as a proxy; nothing else changes.
copyreg.pickle(types.MappingProxyType, _pickle_mapping_proxy)


def _type_name(tp: Any) -> str:
    if get_origin(tp) is Literal:
        return " | ".join(repr(a) for a in get_args(tp))
    if get_origin(tp) in (Union, types.UnionType):
        return " | ".join(_type_name(a) for a in get_args(tp))
    if tp is type(None):
        return "null"
    return getattr(tp, "__name__", str(tp))


def _coerce(value: Any, tp: Any, key: str) -> Any:
    """Check ``value`` against the annotation ``tp``; convert what YAML cannot express."""
    origin = get_origin(tp)
    if tp is Any:
        return value
    if origin in (Union, types.UnionType):
        errors = []
        for arg in get_args(tp):
            try:
                return _coerce(value, arg, key)
            except ConfigError as exc:
                errors.append(exc)
        raise ConfigError(f"config key {key!r}: expected {_type_name(tp)}, got {value!r}")
    if tp is type(None):
        if value is None:
            return None
        raise ConfigError(f"config key {key!r}: expected null, got {value!r}")
    if origin is Literal:
        if value in get_args(tp):
            return value
        raise ConfigError(f"config key {key!r}: expected one of {_type_name(tp)}, got {value!r}")
    if dataclasses.is_dataclass(tp):
        if isinstance(value, tp):
            return value
        if not isinstance(value, Mapping):
            hint = ""
            if isinstance(value, str) and "kind" in {f.name for f in dataclasses.fields(tp)}:
                hint = f"; to choose one, set {key}.kind={value}"
            raise ConfigError(f"config key {key!r}: expected a mapping of {tp.__name__} fields, got {value!r}{hint}")
        return from_dict(tp, value, prefix=key + ".")
    if origin in (list, tuple, Sequence, collections.abc.Sequence) or tp in (list, tuple):
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"config key {key!r}: expected a list, got {value!r}")
        args = get_args(tp)
        item_tp = args[0] if args else Any
        return tuple(_coerce(v, item_tp, f"{key}[{i}]") for i, v in enumerate(value))
    # get_origin(typing.Mapping[str, X]) is collections.abc.Mapping, not typing.Mapping.
    if origin in (dict, Mapping, collections.abc.Mapping) or tp in (dict,):
        if not isinstance(value, Mapping):
            raise ConfigError(f"config key {key!r}: expected a mapping, got {value!r}")
        args = get_args(tp)
        val_tp = args[1] if len(args) == 2 else Any
        return frozen_mapping({str(k): _coerce(v, val_tp, f"{key}.{k}") for k, v in value.items()})
    return _coerce_scalar(value, tp, key)


def _coerce_scalar(value: Any, tp: Any, key: str) -> Any:
    """``value`` as the plain type ``tp`` (bool, int, float, str or a class), or a ConfigError naming ``key``."""
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            # YAML 1.1 (PyYAML) reads 3e-5 (no dot) as text; accept it as the float it means.
            try:
                return float(value)
            except ValueError:
                pass
    elif tp is str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
    elif isinstance(tp, type) and isinstance(value, tp):
        return value
    raise ConfigError(f"config key {key!r}: expected {_type_name(tp)}, got {value!r}")


def from_dict(cls: type[T], data: Mapping[str, Any], prefix: str = "") -> T:
    """Build the dataclass ``cls`` from a nested mapping; unknown keys are errors."""
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = [k for k in data if k not in fields]
    if unknown:
        raise ConfigError(
            f"unknown config key {prefix + unknown[0]!r}; known keys here: {', '.join(prefix + k for k in fields)}"
        )
    kwargs = {}
    for name, f in fields.items():
        if name in data:
            kwargs[name] = _coerce(data[name], hints[name], prefix + name)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ConfigError(f"config key {prefix + name!r} is required; set it in the YAML or as {prefix + name}=VALUE")
    try:
        return cls(**kwargs)  # __post_init__ checks values (STYLE.md: one validation rule)
    except ConfigError as exc:
        if not prefix:
            raise
        # A nested config's own check names its key without the parent's prefix: add it.
        raise ConfigError(str(exc).replace("config key '", f"config key '{prefix}")) from None


def parse_override(item: str) -> tuple[list[str], Any]:
    """``a.b=value`` -> (["a", "b"], YAML-parsed value)."""
    import yaml

    if "=" not in item:
        raise ConfigError(f"override {item!r} is not key=value (for example data.train=train.jsonl)")
    key, raw = item.split("=", 1)
    if not key or any(not part for part in key.split(".")):
        raise ConfigError(f"override {item!r} has an empty key")
    try:
        value = yaml.safe_load(raw) if raw != "" else ""
    except yaml.YAMLError:
        value = raw
    return key.split("."), value


def apply_overrides(data: dict, overrides: Sequence[str]) -> dict:
    data = json.loads(json.dumps(data))  # deep copy of plain YAML data
    for item in overrides:
        path, value = parse_override(item)
        node = data
        for depth, part in enumerate(path[:-1], start=1):
            child = node.get(part)
            if child is not None and not isinstance(child, dict):
                # Replacing it by a mapping would drop that value (and a YAML block it replaced) unseen.
                parent = ".".join(path[:depth])
                raise ConfigError(f"override {item!r}: {parent!r} is set to {child!r}, not a mapping of keys; "
                                  f"set its keys instead ({parent}.KEY=VALUE)")
            if child is None:
                child = {}
                node[part] = child
            node = child
        node[path[-1]] = value
    return data


def load_yaml(path: str) -> dict:
    import yaml

    if not os.path.exists(path):
        raise ConfigError(f"{path}: no such config file")
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys")
    return data


def load_config(cls: type[T], path: str | None, overrides: Sequence[str] = ()) -> T:
    """Load ``path`` (or the dataclass defaults) into ``cls``, then apply overrides."""
    data = load_yaml(path) if path else {}
    data = apply_overrides(data, overrides)
    try:
        return from_dict(cls, data)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}" if path else str(exc)) from None


def to_dict(cfg: Any) -> Any:
    """A plain (YAML/JSON-able) structure from a config dataclass."""
    if dataclasses.is_dataclass(cfg):
        return {f.name: to_dict(getattr(cfg, f.name)) for f in dataclasses.fields(cfg)}
    if isinstance(cfg, Mapping):
        return {k: to_dict(v) for k, v in cfg.items()}
    if isinstance(cfg, (list, tuple)):
        return [to_dict(v) for v in cfg]
    return cfg


def save_config(cfg: Any, path: str) -> None:
    """Write ``cfg`` as YAML to ``path``, atomically."""
    import yaml

    from .io import write_text

    write_text(path, yaml.safe_dump(to_dict(cfg), sort_keys=False, allow_unicode=True))


def save_resolved_config(cfg: Any, output: str) -> str:
    """The resolved config beside a command's outputs; returns its path.

    ``output`` is what the command wrote: a directory gets ``output/config.yaml``,
    a file ``FILE.config.yaml``. Every recipe and command that writes outputs
    calls this, so a run can be repeated from what it left behind.
    """
    path = os.path.join(output, "config.yaml") if os.path.isdir(output) else output + ".config.yaml"
    save_config(cfg, path)
    return path


def fingerprint(obj: Any) -> str:
    """A short stable hash of a config (or any JSON-able structure)."""
    blob = json.dumps(to_dict(obj), sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def split_config_args(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """Separate ``key=value`` overrides from ordinary ``--flag`` arguments."""
    flags, overrides = [], []
    for a in argv:
        (overrides if "=" in a and not a.startswith("-") else flags).append(a)
    return flags, overrides
