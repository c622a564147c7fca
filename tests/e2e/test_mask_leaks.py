"""No raw PII leaves the masking engine: after masking generated data, no gold value (>= 4 chars)
appears in any output text, manifest, rejects file, summary, config copy, stderr or log line.

The detector is an oracle (the gold spans themselves), so every leak found is the engine's or a
writer's, not the detector's. The inputs hold the rows that exercise the side paths: a broken JSON
line, a line of invalid UTF-8, a null text, a text over max_text_bytes, a detector failure.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from codepii.detect import Detector
from codepii.io import read_records, write_records
from codepii.labels import MAIN_CATEGORIES
from codepii.mask.replace import Replacer
from codepii.spans import Span
from codepii.synth import generate

ROOT = Path(__file__).resolve().parents[2]
FAIL_MARK = "#codepii-test: detector fails here"


class GoldDetector(Detector):
    """The gold spans of main categories, looked up by text; raises on texts holding FAIL_MARK."""

    def __init__(self, gold: str):
        self.spans = {r["content"]: [Span(e["start"], e["end"], e["category"], 1.0) for e in r["entities"]
                                     if e["category"] in MAIN_CATEGORIES] for r in read_records(gold)}

    def detect(self, texts):
        if any(FAIL_MARK in t for t in texts):
            raise RuntimeError("oracle told to fail")
        return [self.spans.get(t, []) for t in texts]

    def fingerprint(self) -> str:
        return "gold-oracle-1"


def make_inputs(tmp: Path) -> tuple[list[dict], Path, int]:
    """Gold records, the oracle's gold file, and a max_text_bytes that only row 6 exceeds."""
    gold = [dict(r, id=f"g{i}") for i, r in enumerate(generate(60, seed=11))]
    values = [r["content"][e["start"]:e["end"]] for r in gold for e in r["entities"]]
    gold[5]["content"] = None  # a null text
    limit = max(len(r["content"].encode()) for r in gold if r["content"] is not None) + 1
    gold[6]["content"] = gold[6]["content"] + "x" * limit  # over max_text_bytes
    gold[7]["content"] = gold[7]["content"] + FAIL_MARK  # the detector fails on it
    gold_path = tmp / "gold.jsonl"
    write_records(str(gold_path), [r for r in gold if r["content"] is not None])
    rows = [{k: v for k, v in r.items() if k != "entities"} for r in gold]
    inputs = tmp / "in"
    write_records(str(inputs / "a.jsonl"), rows[:20])
    write_records(str(inputs / "b.jsonl.zst"), rows[20:40])
    write_records(str(inputs / "c.parquet"), rows[40:])
    with open(inputs / "a.jsonl", "ab") as f:  # a broken line and an undecodable one, both full of PII
        f.write(b'{"id": "broken", "content": "' + " ".join(values[:20]).encode() + b"\n")
        f.write(b'{"id": "bytes", "content": "\xff\xfe ' + " ".join(values[20:40]).encode() + b'"}\n')
    return gold, gold_path, limit


def gold_values(gold: list[dict]) -> set[str]:
    """Main-category values of >= 4 chars that masking removes (not also present elsewhere in a text,
    and not what the replacer itself writes, e.g. a pool IP)."""
    values = {r["content"][e["start"]:e["end"]].strip() for r in gold if r["content"]
              for e in r["entities"] if e["category"] in MAIN_CATEGORIES}
    replacer = Replacer()
    masked = "\n".join(replacer.replace(r["content"], [Span(e["start"], e["end"], e["category"], 1.0)
                                                        for e in r["entities"] if e["category"] in MAIN_CATEGORIES])[0]
                       for r in gold if r["content"])
    return {v for v in values if len(v) >= 4 and v not in masked}


def test_no_gold_value_in_any_file_or_log_line(tmp_path):
    gold, gold_path, limit = make_inputs(tmp_path)
    secrets = gold_values(gold)
    assert len(secrets) > 100
    out = tmp_path / "out"
    cmd = [sys.executable, str(ROOT / "mask" / "mask.py"), f"input={tmp_path / 'in'}/*", f"output={out}",
           "batch_rows=8", f"max_text_bytes={limit}", f"detector.class_path={Path(__file__).stem}:GoldDetector",
           f"detector.class_options.gold={gold_path}"]
    env = dict(os.environ, CODEPII_PROGRESS="1", PYTHONPATH=os.pathsep.join([str(Path(__file__).parent),
                                                                             os.environ.get("PYTHONPATH", "")]))
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    totals = json.loads((out / "_summary.json").read_text())
    assert totals["rows_rejected"] == 5 and totals["rows_in"] == totals["rows_out"] + 5
    files = [p for p in out.rglob("*") if p.is_file()]
    kinds = {p.parent.name for p in files} | {p.name for p in files}
    assert {"_rejects", "_manifests", "_summary.json", "config.yaml", "a.jsonl", "c.parquet"} <= kinds
    texts = {"stderr": run.stderr, "stdout": run.stdout}
    for p in files:  # every file, decoded: Parquet and zstd as their rows
        texts[str(p)] = json.dumps(read_records(str(p)), ensure_ascii=False) if p.suffix in (".parquet", ".zst") \
            else p.read_bytes().decode("utf-8", "replace")
    leaks = sorted((where, v) for where, text in texts.items() for v in secrets if v in text)
    assert leaks == [], leaks[:10]
