"""The engine's output bytes did not move when it was restructured (issue 15: detect/ package, generator
steps, mask/task.py, executors; issue 14: io/): one fixture of every format, masked with a fixed regex
detector, hashes to what the engine before the restructure (commit a6c1584) wrote.

Parquet is compared by its decoded schema and rows (its footer names the pyarrow version that wrote it);
every other format byte for byte (a saved HF dataset: its .arrow files)."""
from __future__ import annotations

import gzip
import hashlib
import json
import re

from codepii.config import load_config
from codepii.detect import Detector
from codepii.mask.config import MaskConfig
from codepii.mask.executor import make_executor
from codepii.spans import Span

EXPECTED = {  # from a6c1584's LocalExecutor on the same rows and detector
    "a.jsonl": "0ff2259b6482b2bc420265f47b7cb5035686461ff9a37704c0a55261e437ec11",
    "b.jsonl.gz": "3b36c860b956b86fb9eda6379465ca004f06559b86325a6afbeaae22cafff4eb",
    "c.jsonl.zst": "662e943578279fc58cecba0967cb677221232c03bd9d0602544f08fb0055ae13",
    "d.parquet": "parquet-rows",  # checked against the JSONL output below
    "e_hf": "d213c4e8b5fcf3c583e6c345d896e7bcc5c26045a6efefc00b7c15f6b655d89b",
}


class FixedRegexDetector(Detector):
    RULES = (("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")), ("IP_ADDRESS", re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")))

    def detect(self, texts):
        return [sorted(Span(m.start(), m.end(), c, 1.0) for c, rx in self.RULES for m in rx.finditer(t)) for t in texts]

    def fingerprint(self) -> str:
        return "rx"


def rows() -> list[dict]:
    return [{"id": f"r{i}", "content": f"# by jane{i}@corp.io\nhost = '10.0.{i % 7}.9'\nip2 = '10.0.{i % 7}.9' é ✓\n",
             "n": i, "tags": ["a", "b"][: i % 3]} for i in range(40)]


def write_inputs(folder) -> None:
    import datasets
    import pyarrow as pa
    import pyarrow.parquet as pq
    import zstandard

    folder.mkdir()
    lines = "".join(json.dumps(r) + "\n" for r in rows()).encode()
    (folder / "a.jsonl").write_bytes(lines)
    with gzip.GzipFile(folder / "b.jsonl.gz", "wb", mtime=0) as f:
        f.write(lines)
    (folder / "c.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(lines))
    pq.write_table(pa.Table.from_pylist(rows()), folder / "d.parquet")
    datasets.Dataset.from_list(rows()).save_to_disk(str(folder / "e_hf"))


def test_every_format_masks_to_the_bytes_of_the_engine_before_the_restructure(tmp_path):
    import pyarrow.parquet as pq

    write_inputs(tmp_path / "in")
    cfg = load_config(MaskConfig, None, [f"input={tmp_path / 'in'}/*", f"output={tmp_path / 'out'}", "batch_rows=7"])
    summary = make_executor(cfg, FixedRegexDetector()).run()
    assert summary.ok and summary.totals()["done"] == 5
    out = tmp_path / "out"
    got = {name: hashlib.sha256((out / name).read_bytes()).hexdigest() for name in ("a.jsonl", "b.jsonl.gz", "c.jsonl.zst")}
    arrow = hashlib.sha256()
    for f in sorted((out / "e_hf").glob("*.arrow")):
        arrow.update(f.read_bytes())
    got["e_hf"] = arrow.hexdigest()
    jsonl_rows = [json.loads(line) for line in (out / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    got["d.parquet"] = "parquet-rows" if pq.read_table(out / "d.parquet").to_pylist() == jsonl_rows else "differs"
    assert got == EXPECTED
