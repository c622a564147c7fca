"""The local engine: round trips, bad input, rejects, manifests, resume, rank split, no PII leaks."""
from __future__ import annotations

import gzip
import json
import logging
import os
import re
import time

import pytest

from codepii.config import load_config
from codepii.errors import ConfigError
from codepii.detect import Detector
from codepii.mask.config import MaskConfig, output_fingerprint, require_paths
from codepii.mask.executor import LocalExecutor, shard_names
from codepii.io import read_records, write_records
from codepii.spans import Span

SECRET_EMAIL = "jane.roe@corp.example.io"


class RegexDetector(Detector):
    """A small stand-in for the pattern detector: emails and dotted quads.

    ``delay_seconds`` slows each batch down so that kill tests can land mid-shard.
    """

    RULES = (("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")), ("IP_ADDRESS", re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")))

    def __init__(self, delay_seconds: float = 0.0, fail_on: str | None = None):
        self.delay_seconds = delay_seconds
        self.fail_on = fail_on

    def detect(self, texts):
        time.sleep(self.delay_seconds)
        if self.fail_on and any(self.fail_on in t for t in texts):
            raise RuntimeError("boom")
        return [sorted(Span(m.start(), m.end(), c, 1.0) for c, rx in self.RULES for m in rx.finditer(t)) for t in texts]

    def fingerprint(self) -> str:
        return "regex-test-1"


def make_rows(n: int, start: int = 0) -> list[dict]:
    return [
        {"id": f"f{i}", "content": f"# by {SECRET_EMAIL}\nhost = '10.0.{i % 7}.9'\nx = {i}\n", "lang": "py", "stars": i}
        for i in range(start, start + n)
    ]


def run(tmp_path, inputs: str, **over) -> tuple[MaskConfig, object]:
    cfg = load_config(MaskConfig, None, [f"input={inputs}", f"output={tmp_path / 'out'}", "batch_rows=4"]
                      + [f"{k}={v}" for k, v in over.items()])
    require_paths(cfg)
    return cfg, LocalExecutor(cfg, RegexDetector()).run()


def manifest(tmp_path, name: str) -> dict:
    return json.loads((tmp_path / "out" / "_manifests" / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ["s.jsonl", "s.jsonl.gz", "s.jsonl.zst", "s.parquet", "s.hf"])
def test_round_trip_keeps_rows_order_and_columns(tmp_path, name):
    rows = make_rows(11)
    write_records(str(tmp_path / "in" / name), rows, fmt="hf" if name.endswith(".hf") else None)
    cfg, summary = run(tmp_path, str(tmp_path / "in" / name))
    assert summary.ok
    out = read_records(str(tmp_path / "out" / name))
    assert [r["id"] for r in out] == [r["id"] for r in rows]
    assert [(r["lang"], r["stars"]) for r in out] == [(r["lang"], r["stars"]) for r in rows]
    for src, r in zip(rows, out):
        assert SECRET_EMAIL not in r["content"] and "<EMAIL>" in r["content"]
        assert {(e["category"], src["content"][e["start"]:e["end"]] == SECRET_EMAIL) for e in r["pii"]} == {
            ("EMAIL", True), ("IP_ADDRESS", False)}
    m = manifest(tmp_path, name)
    assert (m["rows_in"], m["rows_out"], m["rows_rejected"]) == (11, 11, 0)
    assert m["counts"] == {"EMAIL": 11, "IP_ADDRESS": 11} and m["config_fingerprint"] == output_fingerprint(cfg)


def test_gzip_output_is_reproducible_and_parquet_schema_kept(tmp_path):
    import pyarrow.parquet as pq

    write_records(str(tmp_path / "in" / "a.jsonl.gz"), make_rows(5))
    write_records(str(tmp_path / "in" / "b.parquet"), make_rows(5))
    run(tmp_path, str(tmp_path / "in" / "*"))
    first = (tmp_path / "out" / "a.jsonl.gz").read_bytes()
    assert gzip.decompress(first).count(b"\n") == 5
    run(tmp_path, str(tmp_path / "in" / "*"), hash_values="false", max_text_bytes=10**7)  # new fingerprint: redone
    assert (tmp_path / "out" / "a.jsonl.gz").read_bytes() == first
    schema = pq.read_schema(tmp_path / "out" / "b.parquet")
    assert schema.names == ["id", "content", "lang", "stars", "pii"]
    assert str(schema.field("stars").type) == "int64"


def test_bad_rows_go_to_rejects_never_to_output(tmp_path, caplog):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = make_rows(8)
    rows[1]["content"] = None
    rows[2]["content"] = "x" * 200 + SECRET_EMAIL  # over max_text_bytes below
    rows[3]["content"] = "lone \ud800 surrogate " + SECRET_EMAIL  # written as a JSON escape
    del rows[4]["content"]
    rows[5]["content"] = "trigger " + SECRET_EMAIL  # the detector raises on this row
    lines = [json.dumps(r).encode() + b"\n" for r in rows]
    lines[6] = lines[6].replace(b"# by", b"# \xff\xfe by")  # raw bytes that are not UTF-8
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(b"".join(lines))
    binary = pa.table({"id": ["b0", "b1", "b2"], "content": [b"ok " + SECRET_EMAIL.encode(), b"\xff\xfe bad", None]})
    pq.write_table(binary, tmp_path / "in" / "b.parquet")
    cfg = load_config(MaskConfig, None, [f"input={tmp_path / 'in' / '*'}", f"output={tmp_path / 'out'}", "max_text_bytes=150"])
    with caplog.at_level(logging.INFO):
        summary = LocalExecutor(cfg, RegexDetector(fail_on="trigger")).run()
    assert summary.ok
    rejects = [json.loads(line) for line in (tmp_path / "out" / "_rejects" / "a.jsonl.jsonl").read_text().splitlines()]
    assert [(r["row"], r["id"]) for r in rejects] == [(1, "f1"), (2, "f2"), (3, "f3"), (4, "f4"), (5, "f5"), (6, "f6")]
    assert [r["reason"].split()[0] for r in rejects] == ["text", "text", "text", "no", "detector", "text"]
    out = read_records(str(tmp_path / "out" / "a.jsonl"))
    assert [r["id"] for r in out] == ["f0", "f7"]
    bout = read_records(str(tmp_path / "out" / "b.parquet"))
    assert [r["id"] for r in bout] == ["b0"] and "<EMAIL>" in bout[0]["content"]
    for name in ("a.jsonl", "b.parquet"):
        m = manifest(tmp_path, name)
        assert m["rows_in"] == m["rows_out"] + m["rows_rejected"]
    # every file the run wrote: outputs (Parquet read as rows), rejects, manifests, summary, config copy
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert {"_rejects", "_manifests"} <= {p.parent.name for p in files} and len(files) >= 7
    for p in files:
        data = json.dumps(read_records(str(p))).encode() if p.suffix == ".parquet" else p.read_bytes()
        assert SECRET_EMAIL.encode() not in data, p
    assert SECRET_EMAIL not in caplog.text


def test_unreadable_shards_are_reported_and_the_rest_finishes(tmp_path, caplog):
    write_records(str(tmp_path / "in" / "good.jsonl"), make_rows(6))
    write_records(str(tmp_path / "in" / "trunc.parquet"), make_rows(50))
    data = (tmp_path / "in" / "trunc.parquet").read_bytes()
    (tmp_path / "in" / "trunc.parquet").write_bytes(data[: len(data) // 2])
    (tmp_path / "in" / "bad.jsonl").write_text('{"id": 1, "content": "a"}\n{"id": 2, "content\n')  # a reject
    write_records(str(tmp_path / "in" / "corrupt.jsonl.zst"), make_rows(50))
    data = bytearray((tmp_path / "in" / "corrupt.jsonl.zst").read_bytes())
    data[20:40] = b"\x00" * 20
    (tmp_path / "in" / "corrupt.jsonl.zst").write_bytes(bytes(data))
    write_records(str(tmp_path / "in" / "empty.jsonl"), [])
    with caplog.at_level(logging.ERROR):
        _, summary = run(tmp_path, str(tmp_path / "in" / "*"))
    t = summary.totals()
    assert not summary.ok and (t["done"], t["failed"]) == (3, 2), t["errors"]
    assert any("corrupt.jsonl.zst" in e for e in t["errors"]) and any("trunc.parquet" in e for e in t["errors"])
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("_")) == [
        "bad.jsonl", "config.yaml", "empty.jsonl", "good.jsonl"]
    assert "trunc.parquet" in caplog.text


def test_rerun_skips_finished_and_redoes_changed_or_missing(tmp_path):
    for name in ("a.jsonl", "b.jsonl"):
        write_records(str(tmp_path / "in" / name), make_rows(5))
    run(tmp_path, str(tmp_path / "in" / "*"))
    os.remove(tmp_path / "out" / "b.jsonl")  # output lost: the manifest alone is not enough
    _, summary = run(tmp_path, str(tmp_path / "in" / "*"))
    assert [r.status for r in summary.results] == ["skipped", "done"]
    _, summary = run(tmp_path, str(tmp_path / "in" / "*"), keep_categories="[IP_ADDRESS]")
    assert [r.status for r in summary.results] == ["done", "done"]  # another config: redone
    assert "10.0.0.9" in (tmp_path / "out" / "a.jsonl").read_text()
    _, summary = run(tmp_path, str(tmp_path / "in" / "*"), keep_categories="[IP_ADDRESS]", read_ahead_batches=0)
    assert [r.status for r in summary.results] == ["skipped", "skipped"]  # not an output setting
    write_records(str(tmp_path / "in" / "b.jsonl"), make_rows(7))  # the input replaced (re-downloaded, completed)
    _, summary = run(tmp_path, str(tmp_path / "in" / "*"), keep_categories="[IP_ADDRESS]")
    assert [r.status for r in summary.results] == ["skipped", "done"] and summary.results[1].manifest.rows_in == 7


def test_rank_split_is_disjoint_and_complete(tmp_path):
    for i in range(5):
        write_records(str(tmp_path / "in" / f"s{i}.jsonl"), make_rows(2, start=i * 2))
    seen = []
    for rank in range(2):
        _, summary = run(tmp_path, str(tmp_path / "in" / "*"), rank=rank, world_size=2)
        seen += [os.path.basename(r.input) for r in summary.results]
    assert sorted(seen) == [f"s{i}.jsonl" for i in range(5)] and len(set(seen)) == 5


def test_rank_and_world_size_come_from_torchrun_env(monkeypatch):
    from codepii.mask.config import rank_and_world

    monkeypatch.setenv("RANK", "3")
    monkeypatch.setenv("WORLD_SIZE", "4")
    assert rank_and_world(load_config(MaskConfig, None, [])) == (3, 4)
    assert rank_and_world(load_config(MaskConfig, None, ["rank=0", "world_size=1"])) == (0, 1)
    monkeypatch.setenv("RANK", "4")
    with pytest.raises(ConfigError, match="rank 4"):
        rank_and_world(load_config(MaskConfig, None, []))


def test_hash_values_needs_a_key_and_writes_only_hashes(tmp_path, monkeypatch):
    write_records(str(tmp_path / "in" / "a.parquet"), make_rows(3))
    monkeypatch.delenv("CODEPII_HASH_KEY", raising=False)
    with pytest.raises(ConfigError, match="CODEPII_HASH_KEY"):
        run(tmp_path, str(tmp_path / "in" / "a.parquet"), hash_values="true")
    monkeypatch.setenv("CODEPII_HASH_KEY", "s3cret")
    run(tmp_path, str(tmp_path / "in" / "a.parquet"), hash_values="true")
    pii = read_records(str(tmp_path / "out" / "a.parquet"))[0]["pii"]
    assert all(len(e["value_hash"]) == 64 for e in pii) and SECRET_EMAIL not in json.dumps(pii)


def test_partial_placeholders_keep_the_other_defaults(tmp_path):
    write_records(str(tmp_path / "in" / "a.jsonl"), make_rows(2))
    run(tmp_path, str(tmp_path / "in" / "a.jsonl"), **{"placeholders.IP_ADDRESS": "<IP>", "placeholders.EMAIL": "(mail)"})
    text = read_records(str(tmp_path / "out" / "a.jsonl"))[0]["content"]
    assert text == "# by (mail)\nhost = '<IP>'\nx = 0\n"


def test_fsspec_urls_in_and_out(tmp_path):
    import fsspec

    write_records("memory://mask-test/in/a.jsonl.gz", make_rows(5))
    write_records(str(tmp_path / "b.parquet"), make_rows(5))
    for spec in ("memory://mask-test/in/*.jsonl.gz", str(tmp_path / "b.parquet")):
        cfg = load_config(MaskConfig, None, [f"input={spec}", "output=memory://mask-test/out"])
        assert [r.status for r in LocalExecutor(cfg, RegexDetector()).run().results] == ["done"]
        assert [r.status for r in LocalExecutor(cfg, RegexDetector()).run().results] == ["skipped"]
    out = read_records("memory://mask-test/out/a.jsonl.gz") + read_records("memory://mask-test/out/b.parquet")
    assert len(out) == 10 and all("<EMAIL>" in r["content"] for r in out)
    assert not [p for p in fsspec.filesystem("memory").find("/mask-test/out") if p.endswith(".tmp")]
    fsspec.filesystem("memory").rm("/mask-test", recursive=True)


def test_a_file_url_output_leaves_no_stray_directory(tmp_path, monkeypatch):
    # output=file:///abs/out made a directory tree named "file:" in the working directory.
    write_records(str(tmp_path / "in" / "a.jsonl"), make_rows(3))
    monkeypatch.chdir(tmp_path)
    cfg = load_config(MaskConfig, None, [f"input=file://{tmp_path / 'in'}", f"output=file://{tmp_path / 'out'}"])
    assert LocalExecutor(cfg, RegexDetector()).run().ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]
    assert {"a.jsonl", "config.yaml", "_summary.json"} <= {p.name for p in (tmp_path / "out").iterdir()}


def test_shard_names_keep_subdirectories_apart():
    assert shard_names(["/d/x/a.jsonl", "/d/y/a.jsonl"]) == ["x/a.jsonl", "y/a.jsonl"]
    assert shard_names(["/d/a.jsonl"]) == ["a.jsonl"]


@pytest.mark.parametrize("inputs", ["in", "in/*.jsonl", "in/a.jsonl"])
def test_an_output_that_would_replace_an_input_shard_is_refused(tmp_path, inputs):
    # output=in with input=in used to mask "in place": the raw shards were replaced by their masked copies.
    write_records(str(tmp_path / "in" / "a.jsonl"), make_rows(3))
    before = (tmp_path / "in" / "a.jsonl").read_bytes()
    cfg = load_config(MaskConfig, None, [f"input={tmp_path / inputs}", f"output={tmp_path / 'in'}"])
    with pytest.raises(ConfigError, match=r"a.jsonl: output=.* would replace this input shard with its masked copy"):
        LocalExecutor(cfg, RegexDetector()).run()
    assert (tmp_path / "in" / "a.jsonl").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["a.jsonl"]


def test_an_output_that_is_a_file_stops_before_any_shard(tmp_path):
    # output=FILE failed every shard, then crashed writing the summary (FileExistsError traceback).
    write_records(str(tmp_path / "in" / "a.jsonl"), make_rows(3))
    (tmp_path / "afile").write_text("x")
    cfg = load_config(MaskConfig, None, [f"input={tmp_path / 'in'}", f"output={tmp_path / 'afile'}"])
    with pytest.raises(ConfigError, match=r"output=.*afile is a file, not a directory"):
        LocalExecutor(cfg, RegexDetector()).run()


def test_config_errors_name_the_key(tmp_path):
    with pytest.raises(ConfigError, match="'input' is required"):
        require_paths(load_config(MaskConfig, None, []))
    with pytest.raises(ConfigError, match="'detector.model'"):
        require_paths(load_config(MaskConfig, None, ["input=x", "output=y", "detector.kind=model"]))
    with pytest.raises(ConfigError, match="'detector.thresholds.KEY'"):
        load_config(MaskConfig, None, ["detector.thresholds.KEY=1.5"])
    with pytest.raises(ConfigError, match="'detector.max_tokens_per_batc'"):
        load_config(MaskConfig, None, ["detector.max_tokens_per_batc=5"])
    with pytest.raises(ConfigError, match="'ray.workerz'"):
        load_config(MaskConfig, None, ["ray.workerz=2"])
    # pii_column=content wrote the span lists over the masked text (JSONL) or crashed the Parquet writer.
    for column in ("content", "id"):
        with pytest.raises(ConfigError, match=rf"config key 'pii_column': {column!r} is also the .*_column"):
            load_config(MaskConfig, None, [f"pii_column={column}"])


def test_temporaries_of_a_killed_run_are_removed_beside_outputs_and_rejects(tmp_path):
    (tmp_path / "in").mkdir()
    rows = make_rows(3)
    rows[1]["content"] = None  # one reject, so the rejects file is written too
    write_records(str(tmp_path / "in" / "a.jsonl"), rows)
    out = tmp_path / "out"
    (out / "_rejects").mkdir(parents=True)
    stale = [out / ".a.jsonl.0123456789ab.tmp", out / "_rejects" / ".a.jsonl.jsonl.0123456789ab.tmp"]
    for p in stale:
        p.write_text("half-written by a killed run")
    run(tmp_path, str(tmp_path / "in"))
    assert not [p for p in stale if p.exists()]
    assert [r["id"] for r in read_records(str(out / "a.jsonl"))] == ["f0", "f2"]
    assert len((out / "_rejects" / "a.jsonl.jsonl").read_text().splitlines()) == 1


def test_workers_processes_give_the_same_bytes_as_one_process(tmp_path):
    """workers=2 (two spawned processes, each building the pattern detector) = workers=1, byte for byte;
    with the shipped YAML, whose mappings (placeholders) the config holds read-only and pickle must send."""
    from pathlib import Path

    from codepii.mask.executor import ProcessExecutor, make_executor

    yaml_path = str(Path(__file__).resolve().parents[2] / "configs" / "mask" / "patterns.yaml")

    (tmp_path / "in").mkdir()
    for k in range(3):
        write_records(str(tmp_path / "in" / f"s{k}.jsonl"), make_rows(5, start=5 * k))
    outs = {}
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        cfg = load_config(MaskConfig, yaml_path, [f"input={tmp_path / 'in'}", f"output={out}", f"workers={workers}",
                                                  "placeholders.EMAIL=<MAIL>"])
        executor = make_executor(cfg)
        assert isinstance(executor, ProcessExecutor) == (workers == 2)
        summary = executor.run()
        assert summary.ok and summary.totals()["done"] == 3
        outs[workers] = {p.name: p.read_bytes() for p in sorted(out.glob("*.jsonl"))}
    assert outs[1] == outs[2] and len(outs[1]) == 3
    assert SECRET_EMAIL.encode() not in b"".join(outs[2].values()) and b"<MAIL>" in b"".join(outs[2].values())


def test_workers_stop_with_the_detectors_own_error_when_it_cannot_be_built(tmp_path, capfd):
    """A model dir that cannot be loaded, with workers=2: one CodepiiError naming the dir (the run used to
    print each worker's traceback and fail every shard as 'worker process failed (BrokenProcessPool)')."""
    from codepii.errors import CodepiiError
    from codepii.mask.executor import make_executor

    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "codepii.json").write_text("{}")
    for k in range(2):
        write_records(str(tmp_path / "in" / f"s{k}.jsonl"), make_rows(3))
    cfg = load_config(MaskConfig, None, [f"input={tmp_path / 'in'}", f"output={tmp_path / 'out'}", "workers=2",
                                         "detector.kind=model", f"detector.model={tmp_path / 'model'}"])
    with pytest.raises(CodepiiError, match=rf"{tmp_path / 'model'}/codepii.json: invalid model metadata"):
        make_executor(cfg).run()
    assert "Traceback" not in capfd.readouterr().err
    assert not any(p.suffix == ".jsonl" for p in (tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True


def test_an_earlier_output_read_as_input_is_refused(tmp_path):
    write_records(str(tmp_path / "in" / "a.jsonl"), make_rows(3))
    spec = [f"input={tmp_path / 'in' / '**' / '*.jsonl'}", f"output={tmp_path / 'in' / 'masked'}"]
    LocalExecutor(load_config(MaskConfig, None, spec), RegexDetector()).run()  # the output lies inside the glob
    before = (tmp_path / "in" / "masked" / "a.jsonl").read_bytes()
    with pytest.raises(ConfigError, match=r"masked/a.jsonl: an input shard inside output=.*earlier run's output"):
        LocalExecutor(load_config(MaskConfig, None, spec), RegexDetector()).run()
    assert (tmp_path / "in" / "masked" / "a.jsonl").read_bytes() == before
