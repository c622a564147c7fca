"""filters.is_placeholder's explicit checks give the answers of the single regex they replaced."""
from __future__ import annotations

import re

from codepii.detect.filters import PLACEHOLDER_WORDS, is_placeholder
from codepii.synth import generate

# The former definition, kept here as the oracle.
_OLD = re.compile(
    r"^(?:[<{\[(%$].*|.*[>}\])]$|.*\$\{.*|.*\{\{.*|%[sd]|\*+|x{3,}.*|X{3,}.*|\.{3,}|.*(?:your|my)[_-]?\w*(?:key|token|secret|password).*)$",
    re.I,
)


def _old(value: str) -> bool:
    v = value.strip()
    if not v or v.lower() in PLACEHOLDER_WORDS or len(set(v.lower())) <= 2:
        return True
    return bool(_OLD.match(v))


EDGES = [
    "", " ", "%s", "%D", "***", "....", "xXxabc", "XXXyz", "xx", "<KEY>", "{token}", "a${B}c", "a{{b}}", "(x", "x)",
    "abc\n<def>", "<abc\ndef", "${\n}", "your_api_key", "MY-SECRET-TOKEN", "yourPassword", "your\nkey", "hunter2",
    "s3cr3t-V4lue", "changeme", "İxxx", "Kelvin\u212a", "a" * 300, "[1,2]", "x\r", "\tTODO\t", "pass word",
]


def test_is_placeholder_matches_the_former_regex():
    values = list(EDGES)
    for record in generate(30, seed=3):
        text = record["content"]
        values += text.split()
        values += re.findall(r"[\"']([^\"'\n]{1,80})[\"']", text)
        values += [text[i : i + 40] for i in range(0, len(text), 37)]  # pieces across lines
    assert len(values) > 2000
    for value in values:
        assert is_placeholder(value) == _old(value), repr(value)
