"""The one schema: crowd categories, training tag sets, mappings and placeholders.

Every other module imports categories and tags from here; no tag literal such as
a ``B-`` prefixed category name is written anywhere else (see STYLE.md, rule 5).
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

# The seven crowd projects, one main category each (LABELING.md).
MAIN_CATEGORIES: tuple[str, ...] = (
    "NAME",
    "EMAIL",
    "USERNAME",
    "PASSWORD",
    "KEY",
    "ID",
    "IP_ADDRESS",
)
EXAMPLE_SUFFIX = "_EXAMPLE"
LICENSE_SUFFIX = "_LICENSE"
# Subcategories exist only inside the NAME, EMAIL and USERNAME projects.
SUBCATEGORY_PARENTS: tuple[str, ...] = ("NAME", "EMAIL", "USERNAME")
SUBCATEGORIES: tuple[str, ...] = tuple(
    f"{parent}{suffix}" for parent in SUBCATEGORY_PARENTS for suffix in (EXAMPLE_SUFFIX, LICENSE_SUFFIX)
)
AMBIGUOUS = "AMBIGUOUS"
CATEGORIES: tuple[str, ...] = MAIN_CATEGORIES + SUBCATEGORIES + (AMBIGUOUS,)

# Mapping targets besides a training class.
OUTSIDE = "O"  # trains as the outside tag (kept in the text by masking)
IGNORE = "IGNORE"  # label -100: left out of the loss
IGNORE_INDEX = -100
BEGIN, INSIDE = "B-", "I-"


def main_category(category: str) -> str:
    """``NAME_LICENSE`` -> ``NAME``; main categories and ``AMBIGUOUS`` map to themselves."""
    for suffix in (EXAMPLE_SUFFIX, LICENSE_SUFFIX):
        if category.endswith(suffix):
            return category[: -len(suffix)]
    return category


def is_example(category: str) -> bool:
    return category.endswith(EXAMPLE_SUFFIX)


def is_license(category: str) -> bool:
    return category.endswith(LICENSE_SUFFIX)


def subcategories_of(main: str) -> tuple[str, ...]:
    """The categories a worker may choose inside one main category's project."""
    return (main,) + tuple(c for c in SUBCATEGORIES if main_category(c) == main)


def scoring_category(category: str) -> str | None:
    """The main category a gold span is scored as, or None for "don't care".

    Gold ``*_LICENSE`` counts as its main category; ``*_EXAMPLE`` and
    ``AMBIGUOUS`` are don't care (LABELING.md, "When scoring").
    """
    if category == AMBIGUOUS or is_example(category):
        return None
    return main_category(category)


def _build_mapping(**overrides: str) -> Mapping[str, str]:
    mapping = {}
    for category in CATEGORIES:
        if category == AMBIGUOUS:
            mapping[category] = IGNORE
        elif is_example(category):
            mapping[category] = OUTSIDE
        else:
            mapping[category] = main_category(category)
    mapping.update(overrides)
    return MappingProxyType(mapping)


# Crowd category -> training class (or OUTSIDE / IGNORE).
# default: the seven main classes; *_LICENSE trains as its main category,
# *_EXAMPLE as O, AMBIGUOUS is ignored in the loss.
DEFAULT_MAPPING = _build_mapping()
# reference: StarPII's six classes (no ID); ID spans train as O.
REFERENCE_MAPPING = _build_mapping(ID=OUTSIDE)
MAPPINGS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {"default": DEFAULT_MAPPING, "reference": REFERENCE_MAPPING}
)


def resolve_mapping(mapping: str | Mapping[str, str]) -> Mapping[str, str]:
    """A named mapping (``default``, ``reference``) or a partial dict over the default.

    Raises ValueError naming the bad key or target.
    """
    if isinstance(mapping, str):
        if mapping not in MAPPINGS:
            raise ValueError(f"unknown label mapping {mapping!r}; choose one of {sorted(MAPPINGS)} or give a dict")
        return MAPPINGS[mapping]
    merged = dict(DEFAULT_MAPPING)
    for key, target in mapping.items():
        if key not in CATEGORIES:
            raise ValueError(f"label mapping key {key!r} is not a category; categories: {', '.join(CATEGORIES)}")
        if target not in MAIN_CATEGORIES and target not in (OUTSIDE, IGNORE):
            raise ValueError(
                f"label mapping {key!r} -> {target!r}: target must be a main category, {OUTSIDE!r} or {IGNORE!r}"
            )
        merged[key] = target
    return MappingProxyType(merged)


def begin_tag(cls: str) -> str:
    return BEGIN + cls


def inside_tag(cls: str) -> str:
    return INSIDE + cls


def tag_class(tag: str) -> str | None:
    """``B-EMAIL`` -> ``EMAIL``; ``O`` -> None."""
    if tag.startswith(BEGIN) or tag.startswith(INSIDE):
        return tag[2:]
    return None


@dataclass(frozen=True)
class TagSet:
    """BIO tags and id maps for the training classes of one mapping.

    ``tags[0]`` is ``O``; then ``B-X``, ``I-X`` for each class in the order of
    MAIN_CATEGORIES, so the same mapping always gives the same ids.
    """

    classes: tuple[str, ...]
    mapping: Mapping[str, str]

    @classmethod
    def from_mapping(cls, mapping: str | Mapping[str, str] = "default") -> "TagSet":
        resolved = resolve_mapping(mapping)
        targets = set(resolved.values())
        classes = tuple(c for c in MAIN_CATEGORIES if c in targets)
        return cls(classes=classes, mapping=resolved)

    @property
    def tags(self) -> list[str]:
        tags = [OUTSIDE]
        for c in self.classes:
            tags += [begin_tag(c), inside_tag(c)]
        return tags

    @property
    def tag2id(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tags)}

    @property
    def id2tag(self) -> dict[int, str]:
        return dict(enumerate(self.tags))

    def target(self, category: str) -> str:
        """The training class of a crowd category, or OUTSIDE / IGNORE."""
        return self.mapping[category]

    def to_dict(self) -> dict:
        return {"classes": list(self.classes), "mapping": dict(self.mapping)}

    @classmethod
    def from_dict(cls, d: Mapping) -> "TagSet":
        return cls(classes=tuple(d["classes"]), mapping=MappingProxyType(dict(d["mapping"])))


# Masking placeholders (LABELING.md). IP_ADDRESS has none: it is replaced by an
# address of the same family drawn from the pools below.
DEFAULT_PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "EMAIL": "<EMAIL>",
        "NAME": "<NAME>",
        "USERNAME": "<USERNAME>",
        "PASSWORD": "<PASSWORD>",
        "KEY": "<KEY>",
        "ID": "<ID>",
    }
)
# Fixed pools of synthetic private addresses (as the reference redaction did),
# so masked code stays parseable.
IPV4_POOL: tuple[str, ...] = ("172.16.31.10", "172.16.58.3", "192.168.127.12", "10.0.7.41", "10.128.34.9")
IPV6_POOL: tuple[str, ...] = (
    "fd00:c2b6:b24b:be67:2827:688d:e6a1:6a3b",
    "fd00:a516:7c1b:17cd:6d81:2137:bd2a:2c5b",
    "fd00:4d5e:9a1f:3b2c:8f60:71e2:5c3d:0a19",
    "fd00:7c41:e8b2:0d93:4a6f:b127:3e58:c04d",
    "fd00:19ab:6c2e:f473:d810:5b9e:a264:7f31",
)
