"""The one JSONL parser: per-line errors with line number and byte offset, never the line's text."""
from __future__ import annotations

import gzip

import pytest
import zstandard

from codepii.errors import RecordError
from codepii.io import BadLine, iter_jsonl_batches, iter_jsonl_lines, require_shard_columns, shard_columns
from codepii.io.jsonl import byte_lines, parse_line

SECRET = "s3cr3t-Passw0rd"
LINES = [b'{"id": 1, "content": "a"}', b"", b'{"id": 2, "content": "' + SECRET.encode() + b'"',  # unterminated
         b"[1, 2]", b'{"id": 3, "content": "\xff\xfe ok"}', b'{"id": 4, "content": "d"}']
DATA = b"\n".join(LINES) + b"\n"


def offsets(data: bytes) -> list[int]:
    out, pos = [], 0
    for line in data.split(b"\n")[:-1]:
        out.append(pos)
        pos += len(line) + 1
    return out


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
def test_bad_lines_carry_line_offset_and_reason_not_text(tmp_path, suffix):
    p = tmp_path / f"x.jsonl{suffix}"
    raw = {"": DATA, ".gz": gzip.compress(DATA), ".zst": zstandard.ZstdCompressor().compress(DATA)}[suffix]
    p.write_bytes(raw)
    got = list(iter_jsonl_lines(str(p)))
    assert [n for n, _ in got] == [1, 3, 4, 5, 6]  # the blank line 2 is skipped, still counted
    bad = [item for _, item in got if isinstance(item, BadLine)]
    starts = offsets(DATA)
    assert [(b.line, b.offset) for b in bad] == [(3, starts[2]), (4, starts[3]), (5, starts[4])]
    assert "invalid JSON" in bad[0].reason and "JSON object" in bad[1].reason and "UTF-8" in bad[2].reason
    assert all(SECRET not in b.reason and "ok" not in b.reason for b in bad)
    assert [item["id"] for _, item in got if isinstance(item, dict)] == [1, 4]


def test_escape_mode_keeps_undecodable_rows_for_a_later_reject(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(DATA)
    good = [item["id"] for _, item in iter_jsonl_lines(str(p), undecodable="escape") if isinstance(item, dict)]
    assert good == [1, 3, 4]


def test_strict_batches_fail_on_the_first_bad_line_naming_it(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_bytes(DATA)
    with pytest.raises(RecordError, match=r"x.jsonl line 3 \(byte 27\): invalid JSON") as exc:
        list(iter_jsonl_batches(str(p)))
    assert SECRET not in str(exc.value)


def test_byte_lines_across_read_boundaries():
    import io

    data = b"a" * 10 + b"\n" + b"b" * 3 + b"\n\nccc"
    got = list(byte_lines(io.BytesIO(data), chunk_bytes=4))
    assert got == [(0, b"a" * 10), (11, b"bbb"), (15, b""), (16, b"ccc")]
    assert parse_line(b"1") == "expected a JSON object per line, got int"


def test_truncated_compressed_file_names_the_last_good_line(tmp_path):
    p = tmp_path / "t.jsonl.gz"
    blob = gzip.compress(b"".join(b'{"id": %d, "content": "xxxxxxxxxxxxxxxxxx"}\n' % i for i in range(2000)))
    p.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(RecordError, match=r"t.jsonl.gz: cannot read after line \d+ \(\w+\)"):
        list(iter_jsonl_lines(str(p)))


def test_shard_columns_and_the_fail_fast_check(tmp_path):
    from codepii.io import write_records

    j, pq = tmp_path / "a.jsonl", tmp_path / "a.parquet"
    j.write_bytes(b"{broken\n" + b'{"id": 1, "text": "x"}\n' + b'{"id": 2, "text": "y", "lang": "py"}\n')
    write_records(str(pq), [{"id": 1, "text": "x"}])
    assert shard_columns(str(j)) == ["id", "text", "lang"]
    assert shard_columns(str(pq)) == ["id", "text"]
    for path, where in ((j, "first 1000 rows have"), (pq, "schema has")):
        with pytest.raises(RecordError, match=rf"a\.\w+: no column 'content' \(its {where}: id, text"):
            require_shard_columns(str(path), ["content"], hint="set text_column=")
        require_shard_columns(str(path), ["text"])
    (tmp_path / "e.jsonl").write_bytes(b"")
    assert shard_columns(str(tmp_path / "e.jsonl")) is None


@pytest.mark.parametrize("keep", ["half", "all_but_3"])
def test_truncated_zstd_is_an_error_not_fewer_rows(tmp_path, keep):
    # A .zst cut short read as an empty (or first-frame-only) file: the shard was "masked" with the
    # rest of its rows lost and a manifest that made a rerun skip it.
    rows = b"".join(b'{"id": %d, "content": "xxxxxxxxxxxxxxxxxx"}\n' % i for i in range(2000))
    blob = zstandard.ZstdCompressor().compress(rows[:40000]) + zstandard.ZstdCompressor().compress(rows[40000:])
    p = tmp_path / "t.jsonl.zst"
    p.write_bytes(blob[: len(blob) // 2] if keep == "half" else blob[:-3])
    with pytest.raises(RecordError, match=r"t.jsonl.zst: cannot read after line \d+ \(EOFError\); the file is truncated"):
        list(iter_jsonl_lines(str(p)))


def test_zstd_with_several_frames_reads_them_all(tmp_path):
    frames = [b'{"id": %d, "content": "c"}\n' % i for i in range(3)]
    p = tmp_path / "m.jsonl.zst"
    p.write_bytes(b"".join(zstandard.ZstdCompressor().compress(f) for f in frames))  # as `cat a.zst b.zst` makes
    assert [r["id"] for _, r in iter_jsonl_lines(str(p))] == [0, 1, 2]
    (tmp_path / "e.jsonl.zst").write_bytes(b"")
    assert list(iter_jsonl_lines(str(tmp_path / "e.jsonl.zst"))) == []


@pytest.mark.parametrize("indent", [None, 2])
def test_a_json_array_file_is_refused_before_any_output_and_says_what_it_is(tmp_path, indent):
    # data.json written as a JSON array (pandas/HF to_json without lines=True) masked to an empty shard with
    # every line rejected, and exit code 0.
    import json

    from codepii.io.readers import MissingColumnError

    p = tmp_path / "data.json"
    p.write_text(json.dumps([{"id": i, "content": SECRET} for i in range(3)], indent=indent))
    with pytest.raises(MissingColumnError, match=r"data.json: no line is a JSON object \(line 1 \(byte 0\): .*"
                                                 r"looks like a JSON array.*jq -c") as exc:
        require_shard_columns(str(p), ["content"])
    assert SECRET not in str(exc.value)
    with pytest.raises(RecordError, match=r"data.json line 1 \(byte 0\): .*looks like a JSON array"):
        list(iter_jsonl_batches(str(p)))


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
def test_a_utf8_bom_before_the_first_line_is_not_part_of_it(tmp_path, suffix):
    """Notepad and PowerShell's UTF8 encoding start files with a BOM: the first row is a row, not a bad line."""
    data = b'\xef\xbb\xbf{"id": 1, "content": "a"}\n{"id": 2, "content": "\xef\xbb\xbfb"}\n'
    raw = {"": data, ".gz": gzip.compress(data), ".zst": zstandard.ZstdCompressor().compress(data)}[suffix]
    p = tmp_path / f"x.jsonl{suffix}"
    p.write_bytes(raw)
    assert list(iter_jsonl_lines(str(p))) == [(1, {"id": 1, "content": "a"}), (2, {"id": 2, "content": "\ufeffb"})]
    assert shard_columns(str(p)) == ["id", "content"]
