"""Every command writes through codepii.io: a failed command leaves nothing at its final name,
and Parquet prediction records keep one entities type whatever the first batch holds."""
from __future__ import annotations

import json
import os

import pytest

from codepii.cli import main


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def names(directory) -> list[str]:
    """Every file under ``directory``, hidden temporaries included."""
    return sorted(os.path.relpath(os.path.join(d, f), directory) for d, _, fs in os.walk(directory) for f in fs)


def test_detect_parquet_when_the_first_batches_hold_no_pii(tmp_path):
    import pyarrow.parquet as pq

    src = tmp_path / "mix.jsonl"
    rows = [{"id": i, "content": f"x = {i}"} for i in range(300)]
    rows += [{"id": 300 + i, "content": f"mail: user{i}@corp.io"} for i in range(50)]
    write_jsonl(src, rows)
    out = tmp_path / "pred.parquet"
    assert main(["detect", "--detector", "patterns", "--input", str(src), "--out", str(out), "--batch-rows", "100"]) == 0
    table = pq.read_table(out)
    assert table.num_rows == 350
    entity = table.schema.field("entities").type.value_type
    assert [(f.name, str(f.type)) for f in entity] == [
        ("start", "int64"), ("end", "int64"), ("category", "string"), ("score", "double")]
    got = table.to_pylist()
    assert got[0]["entities"] == [] and got[349]["entities"][0]["category"] == "EMAIL"


@pytest.mark.parametrize("out_name", ["pred.jsonl", "pred.parquet", "pred.jsonl.gz"])
def test_failed_detect_leaves_no_file(tmp_path, out_name):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "content": "a@b.io"}) + "\n" + "{not json\n")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    with pytest.raises(SystemExit) as exc:
        main(["detect", "--detector", "patterns", "--input", str(src), "--out", str(out_dir / out_name),
              "--batch-rows", "1"])
    assert exc.value.code == 2
    assert names(out_dir) == []


def failing_after(n: int, items):
    """``items`` for ``n`` steps, then a user error, as a bad record deep in a real input would."""
    from codepii.errors import RecordError

    for i, item in enumerate(items):
        if i == n:
            raise RecordError("record 3: broken")
        yield item


def test_synth_failing_mid_stream_leaves_no_file(tmp_path, monkeypatch):
    import codepii.synth

    real = codepii.synth.generate
    monkeypatch.setattr(codepii.synth, "generate", lambda *a, **k: failing_after(2, real(*a, **k)))
    for name in ("corpus.jsonl", "corpus.parquet"):
        with pytest.raises(SystemExit) as exc:
            main(["synth", "--out", str(tmp_path / "out" / name), "--files", "5", "--seed", "1"])
        assert exc.value.code == 2
    assert names(tmp_path / "out") == []


def test_crowd_simulate_failing_mid_stream_leaves_no_partial_file(tmp_path, monkeypatch):
    import codepii.crowd.simulate as sim

    gold = tmp_path / "gold.jsonl"
    main(["synth", "--out", str(gold), "--files", "4", "--seed", "2"])
    assert main(["crowd", "chunk", "--input", str(gold), "--out", str(tmp_path / "tasks")]) == 0
    real = sim.truth_record
    calls = []

    def truth_record(r):
        calls.append(1)
        if len(calls) == 3:
            from codepii.errors import RecordError

            raise RecordError("record 3: broken")
        return real(r)

    monkeypatch.setattr(sim, "truth_record", truth_record)
    with pytest.raises(SystemExit):
        main(["crowd", "simulate", "--gold", str(gold), "--chunks", str(tmp_path / "tasks" / "chunks.jsonl"),
              "--out", str(tmp_path / "crowd")])
    # the files finished before the failure are whole; the one being written is not there at all
    assert names(tmp_path / "crowd") == ["labels.jsonl", "skills.csv", "validations.jsonl"]


def tiny_model_dir(path: str) -> str:
    from codepii.model import save_random_model_dir

    return save_random_model_dir(path, ["x = 'a@b.io'\n"] * 20, max_length=24, stride=8, vocab_size=120,
                                 hidden_size=16, num_layers=1, num_heads=2, intermediate_size=32)


def test_pseudo_label_failing_mid_stream_leaves_no_file(tmp_path):
    import subprocess
    import sys

    pytest.importorskip("torch")
    model = tiny_model_dir(str(tmp_path / "model"))
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [{"id": 1, "content": "mail a@b.io"}, {"id": 2, "body": "no content column"}])
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "train/pseudo_label.py", f"input={src}", f"output={out / 'p.jsonl'}",
                        "detector.kind=model", f"detector.model={model}", "batch_rows=1"], capture_output=True, text=True,
                       cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert r.returncode == 2, r.stderr
    assert "record 2: missing column(s) content" in r.stderr
    assert not out.exists() or names(out) == []
