"""The shard task and the executor's preflight: fail fast on a wrong column, bad rows as rejects,
verified resume (sha256 or size)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from codepii.config import load_config
from codepii.errors import RecordError
from codepii.io import read_records, write_records
from codepii.mask.config import MaskConfig
from codepii.mask.executor import LocalExecutor

ROOT = Path(__file__).resolve().parents[2]
SECRET = "jane.roe@corp.example.io"


def rows(n: int, column: str = "content") -> list[dict]:
    return [{"id": f"r{i}", column: f"x = {i}  # {SECRET}\n"} for i in range(n)]


def run(tmp_path, *over: str):
    cfg = load_config(MaskConfig, None, [f"input={tmp_path / 'in'}/*", f"output={tmp_path / 'out'}", "batch_rows=4",
                                         "detector.kind=patterns", *over])
    return LocalExecutor(cfg).run()


@pytest.mark.parametrize("name", ["a.jsonl", "a.parquet"])
def test_a_wrong_text_column_fails_before_any_output(tmp_path, name):
    write_records(str(tmp_path / "in" / "0ok.jsonl"), rows(3))
    write_records(str(tmp_path / "in" / name), rows(3, column="text"))
    with pytest.raises(RecordError, match=rf"{name}: no column 'content' \(its .* ha\w+: id, text\); set text_column="):
        run(tmp_path)
    assert not (tmp_path / "out").exists()


def test_a_text_column_of_another_type_fails_before_any_output(tmp_path):
    """A Parquet column of ints as text_column would reject every row and exit 0: stop first, naming it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "in").mkdir()
    pq.write_table(pa.table({"id": ["a", "b"], "content": ["x", "y"], "size": [1, 2]}), tmp_path / "in" / "a.parquet")
    with pytest.raises(RecordError, match=r"a.parquet: column 'size' holds int64, not text \(its text columns: id, "
                                          r"content\); set text_column="):
        run(tmp_path, "text_column=size")
    assert not (tmp_path / "out").exists()
    run(tmp_path, "text_column=content")  # binary or string text is fine


def test_the_recipe_exits_2_naming_shard_and_columns(tmp_path):
    write_records(str(tmp_path / "in" / "a.jsonl"), rows(3))
    r = subprocess.run([sys.executable, str(ROOT / "mask" / "mask.py"), f"input={tmp_path / 'in'}/*",
                        f"output={tmp_path / 'out'}", "detector.kind=patterns", "text_column=text"],
                       capture_output=True, text=True, env=dict(os.environ, CODEPII_PROGRESS="0"))
    assert r.returncode == 2, r.stderr
    assert "a.jsonl: no column 'text' (its first 256 rows have: id, content)" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "out").exists()


def bad_lines_shard(path: Path) -> list[int]:
    """Six lines: two good, an invalid one holding PII, a blank one, a list, a non-UTF-8 one; then a good one.
    Returns the byte offsets of the bad lines."""
    lines = [json.dumps(r).encode() for r in rows(2)]
    lines += [b'{"id": "r2", "content": "' + SECRET.encode(), b"", b"[1]", b'{"id": "r5", "content": "\xff ' + SECRET.encode() + b'"}',
              json.dumps(rows(7)[6]).encode()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\n".join(lines) + b"\n")
    starts = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
    return [starts[2], starts[4]]


def test_bad_lines_become_rejects_and_the_rest_is_masked(tmp_path):
    offsets = bad_lines_shard(tmp_path / "in" / "a.jsonl")
    summary = run(tmp_path)
    t = summary.totals()
    assert summary.ok and (t["rows_in"], t["rows_out"], t["rows_rejected"]) == (6, 3, 3)
    assert [r["id"] for r in read_records(str(tmp_path / "out" / "a.jsonl"))] == ["r0", "r1", "r6"]
    rejects = [json.loads(x) for x in (tmp_path / "out" / "_rejects" / "a.jsonl.jsonl").read_text().splitlines()]
    parsed = [(r["row"], r["line"], r["offset"]) for r in rejects if "line" in r]
    assert parsed == [(2, 3, offsets[0]), (3, 5, offsets[1])]
    assert "invalid JSON" in rejects[0]["reason"] and "JSON object" in rejects[1]["reason"]
    assert rejects[2]["id"] == "r5" and "UTF-8" in rejects[2]["reason"]  # undecodable text: its id survives
    assert SECRET not in (tmp_path / "out" / "_rejects" / "a.jsonl.jsonl").read_text()


def test_on_bad_row_fail_fails_the_shard(tmp_path):
    bad_lines_shard(tmp_path / "in" / "a.jsonl")
    summary = run(tmp_path, "on_bad_row=fail")
    assert not summary.ok and "a.jsonl line 3 (byte" in summary.totals()["errors"][0]
    assert not (tmp_path / "out" / "a.jsonl").exists()


def damage_same_size(path: Path) -> None:
    data = bytearray(path.read_bytes())
    i = data.index(b"<EMAIL>")
    data[i : i + 7] = b"<EMAXL>"
    path.write_bytes(bytes(data))


def test_resume_trusts_a_finished_shard_only_when_its_sha256_matches(tmp_path):
    write_records(str(tmp_path / "in" / "a.jsonl"), rows(5))
    write_records(str(tmp_path / "in" / "b.jsonl"), rows(5))
    run(tmp_path)
    clean = (tmp_path / "out" / "a.jsonl").read_bytes()
    damage_same_size(tmp_path / "out" / "a.jsonl")
    assert [r.status for r in run(tmp_path, "verify=size").results] == ["skipped", "skipped"]  # the cheap check
    assert [r.status for r in run(tmp_path).results] == ["done", "skipped"]
    assert (tmp_path / "out" / "a.jsonl").read_bytes() == clean


def test_pii_offsets_are_python_string_offsets_of_the_original_text(tmp_path):
    """docs/mask.md: code points, so astral characters (an emoji is 4 UTF-8 bytes, 2 UTF-16 units) before a span,
    CRLF and spans at the very start and end or touching each other all slice the original text."""
    texts = [f"\U0001F600\U0001F600 {SECRET}\r\n\U0001F600 10.0.0.7", f"{SECRET},{SECRET}", SECRET]
    write_records(str(tmp_path / "in" / "a.jsonl"), [{"id": i, "content": t} for i, t in enumerate(texts)])
    run(tmp_path)
    out = read_records(str(tmp_path / "out" / "a.jsonl"))
    got = [[(texts[r["id"]][p["start"]:p["end"]], p["category"]) for p in r["pii"]] for r in out]
    assert got == [[(SECRET, "EMAIL"), ("10.0.0.7", "IP_ADDRESS")], [(SECRET, "EMAIL")] * 2, [(SECRET, "EMAIL")]]
    assert out[0]["content"].startswith("\U0001F600\U0001F600 <EMAIL>\r\n\U0001F600 ")
