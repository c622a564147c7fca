"""Parquet masked as Arrow record batches (``arrow_batches``, the default): only the text column becomes
Python; every other column reaches the output as the input's arrays (nested, binary, ns timestamps and
nulls included), the text column keeps its type, bad rows go to the rejects file exactly as on the
row-dict path (``arrow_batches=false``), and both paths write the same bytes."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codepii.config import load_config
from codepii.mask.config import MaskConfig
from codepii.mask.executor import LocalExecutor

SECRET = "jane.roe@corp.example.io"
TEXTS = [f"x = {{}}  # {SECRET} at 10.0.0.{{}}\n", None, "no pii here\n", "y" * 300, f"{SECRET} {SECRET}\n"]


def texts(n: int) -> list:
    """Row i's text: PII, null, none, over max_text_bytes=200, PII twice; repeating."""
    return [(t.format(i, i % 9) if t and "{}" in t else t) for i, t in ((i, TEXTS[i % len(TEXTS)]) for i in range(n))]


def table(n: int, text_type=pa.string(), ns: bool = True) -> pa.Table:
    """Every kind of column beside the text: nested, list, map, binary (not UTF-8), decimal, timestamps, nulls."""
    nested = pa.struct([("a", pa.int32()), ("b", pa.list_(pa.string()))])
    ts_unit = "ns" if ns else "us"
    cols = {
        "id": pa.array([None if i == 3 else f"r{i}" for i in range(n)]),
        "content": pa.array([t.encode() if t and pa.types.is_binary(text_type) else t for t in texts(n)], text_type),
        "n": pa.array([None if i % 4 == 0 else i for i in range(n)], pa.int64()),
        "blob": pa.array([None if i % 3 == 0 else bytes([255, i % 256, 0]) for i in range(n)], pa.binary()),
        "ts": pa.array([1_700_000_000_123_456_789 + i if ns else 1_700_000_000_123_456 + i for i in range(n)],
                       pa.timestamp(ts_unit, tz="UTC")),
        "day": pa.array([dt.date(2024, 1, 1 + i % 28) for i in range(n)], pa.date32()),
        "price": pa.array([Decimal(f"{i}.25") for i in range(n)], pa.decimal128(9, 2)),
        "nested": pa.array([None if i % 5 == 1 else {"a": i, "b": ["p", None][: i % 3]} for i in range(n)], nested),
        "tags": pa.array([None if i % 7 == 2 else ["a", "b"][: i % 3] for i in range(n)], pa.list_(pa.string())),
        "attrs": pa.array([[("k", i)] if i % 2 else [] for i in range(n)], pa.map_(pa.string(), pa.int64())),
    }
    return pa.table(cols, metadata={b"source": b"test"})


def mask(tmp_path, tbl: pa.Table, *over: str, name: str = "out"):
    (tmp_path / "in").mkdir(exist_ok=True)
    pq.write_table(tbl, tmp_path / "in" / "a.parquet")
    cfg = load_config(MaskConfig, None, [f"input={tmp_path / 'in'}/*", f"output={tmp_path / name}", "batch_rows=4",
                                         "max_text_bytes=200", "detector.kind=patterns", *over])
    summary = LocalExecutor(cfg).run()
    return summary.results[0]


def accepted(n: int) -> list[bool]:
    return [t is not None and len(t) <= 200 for t in texts(n)]


def test_other_columns_pass_through_as_the_input_arrays(tmp_path):
    tbl = table(23)
    result = mask(tmp_path, tbl)
    assert result.status == "done"
    out = pq.read_table(tmp_path / "out" / "a.parquet")
    keep = pa.array(accepted(23))
    for name in tbl.column_names:
        if name != "content":
            assert out.schema.field(name) == tbl.schema.field(name)
            assert out.column(name).combine_chunks().equals(tbl.column(name).filter(keep).combine_chunks()), name
    assert out.column_names == tbl.column_names + ["pii"] and out.schema.metadata[b"source"] == b"test"
    assert out.column("ts")[0].value == 1_700_000_000_123_456_789  # nanoseconds kept (no Python datetime)


@pytest.mark.parametrize("text_type", [pa.string(), pa.large_string()])
def test_the_text_column_keeps_its_type_and_is_masked(tmp_path, text_type):
    mask(tmp_path, table(10, text_type))
    out = pq.read_table(tmp_path / "out" / "a.parquet")
    assert out.schema.field("content").type == text_type
    masked = out.column("content").to_pylist()
    assert len(masked) == sum(accepted(10)) and not any(SECRET in t for t in masked)
    pii = out.column("pii").to_pylist()
    assert [len(p) for p in pii] == [2, 0, 2] * 2  # rows 0, 2, 4, 5, 7, 9: email + IP; none; the email twice
    first = pii[0][0]
    assert (first["start"], first["end"], first["category"]) == (9, 33, "EMAIL") and 0 < first["score"] <= 1


def test_bad_rows_are_rejected_as_on_the_row_dict_path(tmp_path):
    arrow = mask(tmp_path, table(12), name="arrow")
    dicts = mask(tmp_path, table(12), "arrow_batches=false", name="dicts")
    rejects = [json.loads(line) for line in open(arrow.manifest.rejects, encoding="utf-8")]
    assert rejects == [json.loads(line) for line in open(dicts.manifest.rejects, encoding="utf-8")]
    assert [(r["row"], r["id"], r["reason"]) for r in rejects] == [
        (1, "r1", "text is null"), (3, None, "text is 300 bytes, over max_text_bytes=200"),
        (6, "r6", "text is null"), (8, "r8", "text is 300 bytes, over max_text_bytes=200"), (11, "r11", "text is null")]
    m = arrow.manifest
    assert (m.rows_in, m.rows_out, m.rows_rejected) == (12, 7, 5) and m.counts == dicts.manifest.counts


def test_a_batch_with_every_row_rejected_writes_no_row_group(tmp_path):
    tbl = pa.table({"id": ["a", "b"], "content": pa.array([None, None], pa.string())})
    result = mask(tmp_path, tbl, "batch_rows=2")
    out = pq.ParquetFile(tmp_path / "out" / "a.parquet")
    assert result.status == "done" and out.metadata.num_rows == 0 and out.metadata.num_row_groups == 0


@pytest.mark.parametrize("text_type", [pa.string(), pa.large_string(), pa.binary()])
def test_both_paths_write_the_same_bytes(tmp_path, text_type):
    tbl = table(17, text_type, ns=False).append_column("pii", pa.array(["old"] * 17))  # a pii column is replaced
    arrow = mask(tmp_path, tbl, name="arrow")
    dicts = mask(tmp_path, tbl, "arrow_batches=false", name="dicts")
    assert (tmp_path / "arrow" / "a.parquet").read_bytes() == (tmp_path / "dicts" / "a.parquet").read_bytes()
    assert arrow.manifest.sha256 == dicts.manifest.sha256 and arrow.manifest.text_bytes == dicts.manifest.text_bytes
    assert pq.read_schema(tmp_path / "arrow" / "a.parquet").field("content").type in (pa.string(), pa.large_string())


def test_both_paths_write_the_same_value_hashes(tmp_path, monkeypatch):
    monkeypatch.setenv("CODEPII_HASH_KEY", "k3y")
    tbl = table(9, ns=False)
    mask(tmp_path, tbl, "hash_values=true", name="arrow")
    mask(tmp_path, tbl, "hash_values=true", "arrow_batches=false", name="dicts")
    assert (tmp_path / "arrow" / "a.parquet").read_bytes() == (tmp_path / "dicts" / "a.parquet").read_bytes()
    assert len(pq.read_table(tmp_path / "arrow" / "a.parquet").column("pii")[0][0]["value_hash"].as_py()) == 64


def test_invalid_utf8_in_the_text_column_fails_the_shard_as_before(tmp_path):
    bad = pa.array([b"ok", b"bad \xff"], pa.binary()).view(pa.string())  # not UTF-8, typed string
    tbl = pa.table({"id": ["a", "b"], "content": bad})
    arrow = mask(tmp_path, tbl, name="arrow")
    dicts = mask(tmp_path, tbl, "arrow_batches=false", name="dicts")
    assert arrow.status == dicts.status == "failed"
    assert arrow.error == dicts.error and "cannot read after row 0 (UnicodeDecodeError)" in arrow.error


def test_other_columns_never_become_python_objects(tmp_path):
    """A string column that is not UTF-8 cannot become Python str: the row-dict path fails on it, the Arrow
    path carries its bytes through untouched."""
    raw = pa.array([b"\xff\xfe", b"ok"], pa.binary())
    tbl = pa.table({"id": ["a", "b"], "content": [f"mail {SECRET}", "x"], "legacy": raw.view(pa.string())})
    assert mask(tmp_path, tbl, "arrow_batches=false", name="dicts").status == "failed"
    assert mask(tmp_path, tbl, name="arrow").status == "done"
    out = pq.read_table(tmp_path / "arrow" / "a.parquet")
    assert out.column("legacy").combine_chunks().view(pa.binary()).equals(raw)
    assert SECRET not in out.column("content")[0].as_py()


def test_saved_hf_datasets_take_the_arrow_path_with_the_same_rows(tmp_path, monkeypatch):
    """A saved HF dataset flows as record batches too: the same output table as its row-dict path, other
    columns carried as the input's arrays."""
    datasets = pytest.importorskip("datasets")
    from codepii.io import hf, shards

    read = []
    monkeypatch.setattr(shards.HfShardReader, "record_batches",
                        staticmethod(lambda *a: read.append(1) or hf.iter_hf_record_batches(*a)))
    tbl = table(11, ns=False).drop_columns(["attrs", "price"])  # kinds HF features take as they are
    datasets.Dataset(tbl).save_to_disk(str(tmp_path / "in" / "a"))
    runs = {}
    for name, over in (("arrow", ()), ("dicts", ("arrow_batches=false",))):
        cfg = load_config(MaskConfig, None, [f"input={tmp_path / 'in'}/*", f"output={tmp_path / name}", "batch_rows=4",
                                             "max_text_bytes=200", "detector.kind=patterns", *over])
        assert LocalExecutor(cfg).run().results[0].status == "done"
        runs[name] = datasets.load_from_disk(str(tmp_path / name / "a")).data.table
    arrow, dicts = runs["arrow"], runs["dicts"]
    assert read == [1]  # the arrow run read record batches, the dicts run row dicts
    assert arrow.equals(dicts) and arrow.num_rows == sum(accepted(11))
    assert arrow.column("blob").equals(tbl.filter(pa.array(accepted(11))).column("blob"))
    assert all(SECRET not in (t or "") for t in arrow.column("content").to_pylist())


def test_columns_with_the_same_name_pass_through_or_fail_the_shard_never_merged(tmp_path):
    """Parquet allows two columns of one name: the Arrow path writes both as they were; a row dict can hold only one,
    so the row-dict path fails the shard naming them instead of writing one column's values into both."""
    tbl = pa.Table.from_arrays([pa.array(["a", "b", "c"]), pa.array([f"mail {SECRET}", None, "x"]),
                                pa.array([1, 2, 3])], names=["id", "content", "id"])
    arrow = mask(tmp_path, tbl, name="arrow")
    assert arrow.status == "done" and (arrow.manifest.rows_out, arrow.manifest.rows_rejected) == (2, 1)
    out = pq.ParquetFile(tmp_path / "arrow" / "a.parquet").read()
    assert out.column_names == ["id", "content", "id", "pii"]
    assert out.column(0).to_pylist() == ["a", "c"] and out.column(2).to_pylist() == [1, 3]
    rejects = [json.loads(line) for line in open(arrow.manifest.rejects, encoding="utf-8")]
    assert rejects == [{"row": 1, "id": "b", "reason": "text is null"}]  # the first column of the id name
    dicts = mask(tmp_path, tbl, "arrow_batches=false", name="dicts")
    assert dicts.status == "failed" and "a.parquet: 2 columns named 'id'" in dicts.error
    assert not (tmp_path / "dicts" / "a.parquet").exists()


def test_two_text_columns_of_one_name_stop_the_run_before_any_output(tmp_path):
    from codepii.errors import RecordError
    from codepii.io.shards import open_reader

    tbl = pa.Table.from_arrays([pa.array(["a"]), pa.array([f"mail {SECRET}"]), pa.array(["y"])],
                               names=["id", "content", "content"])
    with pytest.raises(RecordError, match="a.parquet: 2 columns named 'content'; rename one"):
        mask(tmp_path, tbl)
    assert not (tmp_path / "out").exists()
    with pytest.raises(RecordError, match="a.parquet: 2 columns named 'content'; rename one"):  # the task's own check
        open_reader(str(tmp_path / "in" / "a.parquet"), 4, arrow_text_column="content")


@pytest.mark.parametrize("encode", ["dictionary", "string_view"])
def test_a_dictionary_or_view_text_column_is_text(tmp_path, encode):
    """pandas categoricals and pq.read_table(read_dictionary=...) write dictionary<string>; pyarrow has string_view:
    both were refused as 'not text (its text columns: none)'. They are masked and written as string."""
    tbl = table(10)
    column = tbl.column("content").combine_chunks()
    column = column.dictionary_encode() if encode == "dictionary" else column.cast(pa.string_view())
    tbl = tbl.set_column(1, "content", column)
    result = mask(tmp_path, tbl)
    assert result.status == "done" and result.manifest.rows_out == sum(accepted(10))
    out = pq.read_table(tmp_path / "out" / "a.parquet")
    assert out.schema.field("content").type == pa.string()
    plain = mask(tmp_path, table(10), name="plain")
    assert out.equals(pq.read_table(tmp_path / "plain" / "a.parquet")) and plain.manifest.counts == result.manifest.counts
