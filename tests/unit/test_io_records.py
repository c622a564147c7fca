import gzip
import json
import os

import pytest

from codepii.errors import RecordError, SpanError
from codepii.io import (
    detect_format,
    expand_paths,
    iter_batches,
    normalize_gold,
    read_gold,
    read_records,
    record_spans,
    require_columns,
    write_records,
)

RECORDS = [
    {"id": f"f{i}", "content": f"mail me at a{i}@x.org\n", "language": "python",
     "entities": [{"start": 11, "end": 11 + len(f"a{i}@x.org"), "category": "EMAIL"}]}
    for i in range(25)
]
RECORDS.append({"id": "nopii", "content": "üñí — code\r\n", "language": "text", "entities": []})


@pytest.mark.parametrize("name", ["r.jsonl", "r.jsonl.gz", "r.jsonl.zst", "r.parquet", "r.hf"])
def test_round_trip_every_format(tmp_path, name):
    path = str(tmp_path / name)
    assert write_records(path, RECORDS, batch_rows=7) == len(RECORDS)
    assert read_records(path) == RECORDS
    assert [len(b) for b in iter_batches(path, batch_rows=10)] == [10, 10, 6]
    gold = list(read_gold(path))
    assert gold == RECORDS
    assert record_spans(gold[3])[0].text(gold[3]["content"]) == "a3@x.org"


def test_compression_is_real(tmp_path):
    write_records(str(tmp_path / "r.jsonl.gz"), RECORDS)
    with gzip.open(tmp_path / "r.jsonl.gz", "rt") as f:
        assert json.loads(f.readline())["id"] == "f0"


def test_globs_directories_and_urls(tmp_path):
    for i in range(3):
        write_records(str(tmp_path / f"s{i}.jsonl"), RECORDS[i : i + 1])
    (tmp_path / "notes.txt").write_text("x")
    assert [os.path.basename(p) for p in expand_paths(str(tmp_path / "s*.jsonl"))] == ["s0.jsonl", "s1.jsonl", "s2.jsonl"]
    assert len(expand_paths(str(tmp_path))) == 3
    assert [r["id"] for r in read_records(f"file://{tmp_path}/s*.jsonl")] == ["f0", "f1", "f2"]
    with pytest.raises(RecordError, match="matches nothing"):
        expand_paths(str(tmp_path / "missing*.jsonl"))
    with pytest.raises(RecordError, match="unknown record format"):
        detect_format("x.csv")


def test_memory_filesystem_url():
    write_records("memory://bucket/a.jsonl", RECORDS[:2])
    assert [r["id"] for r in read_records("memory://bucket/*.jsonl")] == ["f0", "f1"]


def test_bad_json_names_file_and_line(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": 1, "content": "a"}\n{"id": 2, "content": \n')
    with pytest.raises(RecordError, match=r"bad.jsonl line 2 \(byte 26\): invalid JSON"):
        read_records(str(p))
    p.write_text('[1, 2]\n')
    with pytest.raises(RecordError, match=r"line 1 \(byte 0\): expected a JSON object"):
        read_records(str(p))


def test_truncated_parquet_is_a_record_error(tmp_path):
    p = str(tmp_path / "t.parquet")
    write_records(p, RECORDS)
    data = open(p, "rb").read()
    open(p, "wb").write(data[: len(data) // 2])
    with pytest.raises(RecordError, match="cannot read Parquet"):
        read_records(p)


def test_missing_column_and_bad_span_messages(tmp_path):
    with pytest.raises(RecordError, match=r"missing column\(s\) content; the record has: id, text2"):
        require_columns({"id": 1, "text2": ""}, ["content"], "x row 1")
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps({"id": "r9", "content": "abc", "entities": [{"start": 1, "end": 9, "category": "NAME"}]}) + "\n")
    with pytest.raises(SpanError, match=r"record 'r9' \(.*g.jsonl row 1\): span \[1, 9\) NAME is outside"):
        list(read_gold(str(p)))
    p.write_text(json.dumps({"id": "r9", "body": "abc"}) + "\n")
    with pytest.raises(RecordError, match="row 1: missing column"):
        list(read_gold(str(p)))


def test_bigcode_layouts(tmp_path):
    raw = {"id": 7, "text": "by Ann Lee <ann@x.io>", "language": "Python",
           "fragments": [{"category": "NAME", "position": [3, 10], "value": "Ann Lee"},
                         {"category": "EMAIL", "position": [12, 20], "value": "ann@x.io"}]}
    training = {"id": 8, "content": "ip 10.1.2.3", "entities": json.dumps([{"tag": "IP_ADDRESS", "start": 3, "end": 11, "value": "10.1.2.3"}])}
    p = tmp_path / "bc.jsonl"
    p.write_text(json.dumps(raw) + "\n" + json.dumps(training) + "\n")
    g = list(read_gold(str(p)))
    assert g[0]["content"] == raw["text"] and g[0]["language"] == "Python"
    assert [(e["category"], e["start"], e["end"]) for e in g[0]["entities"]] == [("NAME", 3, 10), ("EMAIL", 12, 20)]
    assert g[1]["entities"] == [{"start": 3, "end": 11, "category": "IP_ADDRESS"}]


def test_overlaps_resolve_policy(tmp_path):
    p = tmp_path / "o.jsonl"
    p.write_text(json.dumps({"id": 1, "content": "abcdefgh", "entities": [
        {"start": 0, "end": 5, "category": "NAME"}, {"start": 3, "end": 8, "category": "USERNAME"},
        {"start": 2, "end": 4, "category": "EMAIL"}]}) + "\n")
    with pytest.raises(SpanError, match="overlap"):
        list(read_gold(str(p)))
    (g,) = read_gold(str(p), overlaps="resolve")
    assert len(g["entities"]) == 1


def test_gold_keeps_unresolved_fallback_and_confidence():
    raw = {"id": "a", "content": "key = 'sk_123'\n",
           "entities": [{"start": 7, "end": 13, "category": "KEY", "confidence": 0.4}],
           "unresolved": json.dumps([{"project": "EMAIL", "chunk_id": "a:1", "start": 0, "end": 15}]),
           "fallback": [{"project": "KEY", "chunk_id": "a:1", "start": 0, "end": 15, "confidence": 0.4}]}
    out = normalize_gold(raw, "g.jsonl row 1")
    assert out["entities"] == [{"start": 7, "end": 13, "category": "KEY", "confidence": 0.4}]
    assert out["unresolved"] == [{"project": "EMAIL", "chunk_id": "a:1", "start": 0, "end": 15}]  # parsed from JSON
    assert out["fallback"][0]["confidence"] == 0.4
    with pytest.raises(RecordError, match="row 1: unresolved range \\[0, 99\\) is outside"):
        normalize_gold({**raw, "unresolved": [{"start": 0, "end": 99}]}, "g.jsonl row 1")
    with pytest.raises(RecordError, match="needs a numeric confidence"):
        normalize_gold({**raw, "fallback": [{"start": 0, "end": 3}]}, "g.jsonl row 1")


def test_a_directory_of_saved_hf_datasets_lists_each_one(tmp_path, monkeypatch):
    # `input=DIR` where DIR holds saved HF datasets (not itself one) gave "no such file": the check
    # looked for each entry's state.json relative to the working directory.
    for i in range(2):
        write_records(str(tmp_path / "in" / f"p{i}"), RECORDS[i : i + 1], fmt="hf")
    (tmp_path / "in" / "notes").mkdir()  # a plain subdirectory is not a shard
    monkeypatch.chdir(tmp_path)
    assert [os.path.basename(p) for p in expand_paths("in")] == ["p0", "p1"]
    assert [os.path.basename(p) for p in expand_paths(str(tmp_path / "in"))] == ["p0", "p1"]


def test_an_existing_directory_without_records_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(RecordError, match="holds no .jsonl"):
        expand_paths(str(tmp_path))


def test_a_url_directory_of_saved_hf_datasets_lists_each_one():
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe({"/hfdirs/in/p0/state.json": b"{}", "/hfdirs/in/p0/data-00000-of-00001.arrow": b"",
             "/hfdirs/in/a.jsonl": b"{}\n"})
    assert expand_paths("memory://hfdirs/in") == ["memory:///hfdirs/in/a.jsonl", "memory:///hfdirs/in/p0"]


def test_a_url_without_its_filesystem_package_is_one_line(monkeypatch):
    # output=s3://... without s3fs installed (or a typo in the scheme) was an ImportError/ValueError traceback.
    from fsspec.registry import known_implementations

    monkeypatch.setitem(known_implementations, "codepiitest",
                        {"class": "codepii_no_such_module.FS", "err": "Install codepii-no-such-module to access it"})
    with pytest.raises(RecordError, match=r"codepiitest://b/x.jsonl: Install codepii-no-such-module to access it"):
        expand_paths("codepiitest://b/x.jsonl")
    with pytest.raises(RecordError, match=r"s3x://b/\*.jsonl: unknown URL scheme 's3x'"):
        expand_paths("s3x://b/*.jsonl")


def test_a_store_that_cannot_be_reached_is_one_line():
    # hf://... without network was an httpx traceback; each fsspec backend raises its own exception types.
    from fsspec.implementations.memory import MemoryFileSystem
    from fsspec.registry import register_implementation

    class OfflineFS(MemoryFileSystem):
        protocol = "codepiioffline"

        def _raise(self, *args, **kwargs):
            raise ConnectionError("[Errno -3] Temporary failure in name resolution\nsecond line")

        ls = glob = isdir = exists = info = _raise

    register_implementation("codepiioffline", OfflineFS, clobber=True)
    with pytest.raises(RecordError, match=r"^codepiioffline://b/\*.jsonl: cannot list it \(ConnectionError: \[Errno -3\] "
                                          r"Temporary failure in name resolution\); check the URL, the network"):
        expand_paths("codepiioffline://b/*.jsonl")
