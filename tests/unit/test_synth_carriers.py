"""--carriers: PII is planted into real files, and the files' own PII never survives unlabeled."""
from __future__ import annotations

import pytest

from codepii.errors import CodepiiError
from codepii.spans import Span, validate_spans
from codepii.synth import generate
from codepii.synth.carriers import CarrierPool, line_is_risky

# Lines that hold real, unlabeled PII in the carrier files: all must be dropped.
RISKY_LINES = (
    "# Copyright 2009 Karl Sorensen",
    '__author__ = "Tim Peters"',
    "# Reported by guido at python dot org",
    "    # ask @kwalsh about this",
    'DEFAULT_HOST = "10.1.2.3"',
    '    url = "ftp://anonymous:hunter2@files.example.net/pub"',
    "# Patch by Collin Winter",
    "# contact: karl.sorensen@uni-x.de",
    "    home = '/home/ksorensen/src'",
    '    token = "ghp_4Rz8QmP2vX9LkT1nYb7Wc3Hd6Fj0Ga5Se2Uq"',
    "# Based on code by Zoë Øberg",
    "//   P.K. Sen, Estimates of the regression coefficient",
    "    server 2001:4860:4860::8888;",
)
PLAIN_LINES = ("def area(width, height):", "    return width * height", "", "class Shape:", "    sides = 4", "for i in range(10):", "    print(i)")


@pytest.fixture()
def tree(tmp_path):
    src = tmp_path / "src"
    (src / "pkg").mkdir(parents=True)
    (src / ".git").mkdir()
    body = []
    for i in range(12):
        body += [*PLAIN_LINES, RISKY_LINES[i % len(RISKY_LINES)]]
    (src / "pkg" / "shapes.py").write_text("\n".join(body * 2) + "\n")
    (src / "pkg" / "geometry.js").write_text("\n".join(["function area(w, h) {", "  return w * h;", "}", RISKY_LINES[5], RISKY_LINES[-1]] * 20))
    (src / "pkg" / "notes.bin").write_bytes(b"\x00\x01" * 300)
    (src / ".git" / "config.py").write_text("x = 1\n" * 100)
    return src


def test_risky_lines_are_detected_and_plain_code_is_kept():
    assert all(line_is_risky(line) for line in RISKY_LINES)
    assert not any(line_is_risky(line) for line in PLAIN_LINES)
    assert not line_is_risky("    @property") and line_is_risky(" * @author someone")


def test_pool_indexes_sorted_known_kinds_only(tree):
    pool = CarrierPool(str(tree))
    assert pool.files == [("pkg/geometry.js", "javascript"), ("pkg/shapes.py", "python")]


def test_carrier_files_keep_no_unlabeled_pii(tree):
    records = list(generate(60, 7, carriers=str(tree), carrier_fraction=1.0))
    assert {r["source"] for r in records} == {"carrier"}
    planted = 0
    for r in records:
        spans = [Span(e["start"], e["end"], e["category"]) for e in r["entities"]]
        validate_spans(spans, r["content"], r["id"])
        planted += len(spans)
        for line in RISKY_LINES:
            assert line not in r["content"], (r["id"], line)
        assert "area" in r["content"]
    assert planted > 60


def test_bad_carrier_folders_are_user_errors(tmp_path):
    with pytest.raises(CodepiiError, match="not a directory"):
        list(generate(1, 0, carriers=str(tmp_path / "missing")))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CodepiiError, match="no source files"):
        list(generate(1, 0, carriers=str(tmp_path / "empty")))


def test_kinds_filter_carriers_too(tree):
    records = list(generate(20, 1, carriers=str(tree), carrier_fraction=1.0, kinds=["javascript"]))
    assert {r["kind"] for r in records} == {"javascript"}
    with pytest.raises(CodepiiError, match="no source files of the kinds go"):
        list(generate(1, 0, carriers=str(tree), kinds=["go"]))
