"""Record writers: explicit or all-rows Parquet schemas, atomic commits, aborts that leave nothing."""
from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codepii.errors import RecordError
from codepii.io import entities_type, open_writer, read_records, write_records


def no_pii(n, start=0):
    return [{"id": i, "content": "x", "entities": [], "lang": None} for i in range(start, start + n)]


def with_pii(n, start=0):
    return [{"id": i, "content": "a@b.io", "entities": [{"start": 0, "end": 6, "category": "EMAIL", "score": 1.0}],
             "lang": "py"} for i in range(start, start + n)]


def test_inferred_schema_comes_from_all_rows_not_the_first_batch(tmp_path):
    path = str(tmp_path / "p.parquet")
    rows = no_pii(30) + with_pii(5, 30)
    assert write_records(path, rows, batch_rows=10) == 35
    back = read_records(path)
    assert back[0]["entities"] == [] and back[0]["lang"] is None
    assert back[34]["entities"] == rows[34]["entities"] and back[34]["lang"] == "py"


def test_fields_fix_a_column_type_even_without_any_value(tmp_path):
    path = str(tmp_path / "p.parquet")
    write_records(path, no_pii(3), fields={"entities": entities_type()})
    assert pq.read_schema(path).field("entities").type == entities_type()
    write_records(path, [], fields={"entities": entities_type()})
    assert pq.read_schema(path).names == ["entities"] and pq.read_table(path).num_rows == 0


def test_explicit_schema_streams_and_names_rows_that_do_not_fit(tmp_path):
    schema = pa.schema([("id", pa.int64()), ("entities", entities_type())])
    path = str(tmp_path / "p.parquet")
    with open_writer(path, schema=schema) as w:
        w.write_batch([{"id": 1, "entities": []}])
        w.write_batch([{"id": 2, "entities": with_pii(1)[0]["entities"]}])
    assert pq.ParquetFile(path).num_row_groups == 2
    with pytest.raises(RecordError, match=r"p2.parquet: rows 1\+ do not fit the Parquet schema"):
        with open_writer(str(tmp_path / "p2.parquet"), schema=schema) as w:
            w.write_batch([{"id": 1, "entities": []}])
            w.write_batch([{"id": "two", "entities": []}])
    assert sorted(os.listdir(tmp_path)) == ["p.parquet"]


@pytest.mark.parametrize("name", ["a.jsonl", "a.jsonl.gz", "a.jsonl.zst", "a.parquet", "a.hf"])
def test_a_failing_record_stream_leaves_no_file(tmp_path, name):
    def rows():
        yield from with_pii(3)
        raise RuntimeError("the producer failed")

    with pytest.raises(RuntimeError):
        write_records(str(tmp_path / name), rows(), batch_rows=2)
    assert os.listdir(tmp_path) == []


def test_gzip_output_is_reproducible(tmp_path):
    a, b = str(tmp_path / "a.jsonl.gz"), str(tmp_path / "b.jsonl.gz")
    write_records(a, with_pii(4))
    write_records(b, with_pii(4))
    assert open(a, "rb").read() == open(b, "rb").read()
