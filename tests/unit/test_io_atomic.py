"""Atomic writes: the final name holds the old file, no file, or the whole new one; never a part."""
from __future__ import annotations

import os

import fsspec
import pytest

from codepii.config import save_config
from codepii.errors import CodepiiError
from codepii.io import AtomicFile, atomic_open, remove_stale_temps, sha256_of, write_json, write_text
from codepii.io.atomic import temp_name


def listing(directory) -> list[str]:
    return sorted(os.listdir(directory))


def test_temp_is_hidden_in_the_target_directory(tmp_path):
    final = str(tmp_path / "d" / "x.jsonl")
    f = AtomicFile(final)
    assert os.path.dirname(f.tmp) == os.path.dirname(final)
    assert os.path.basename(f.tmp).startswith(".x.jsonl.") and f.tmp.endswith(".tmp")
    f.write(b"abc")
    assert listing(tmp_path / "d") == [os.path.basename(f.tmp)]
    f.commit()
    assert listing(tmp_path / "d") == ["x.jsonl"] and open(final, "rb").read() == b"abc"


def test_an_exception_leaves_the_old_file_and_no_temp(tmp_path):
    final = tmp_path / "r.txt"
    write_text(str(final), "old\n")
    with pytest.raises(RuntimeError):
        with atomic_open(str(final), "w") as f:
            f.write("new, half written")
            raise RuntimeError("crash")
    assert final.read_text() == "old\n" and listing(tmp_path) == ["r.txt"]
    with pytest.raises(RuntimeError):
        with atomic_open(str(tmp_path / "fresh.bin"), "wb") as f:
            f.write(b"x")
            raise RuntimeError("crash")
    assert listing(tmp_path) == ["r.txt"]


def test_text_mode_json_and_config(tmp_path):
    write_json(str(tmp_path / "m.json"), {"é": [1, 2]})
    assert (tmp_path / "m.json").read_text(encoding="utf-8") == '{\n  "é": [\n    1,\n    2\n  ]\n}\n'
    save_config({"a": 1, "b": "ü"}, str(tmp_path / "sub" / "c.yaml"))
    assert (tmp_path / "sub" / "c.yaml").read_text(encoding="utf-8") == "a: 1\nb: ü\n"
    with pytest.raises(ValueError):
        with atomic_open(str(tmp_path / "x"), "a"):
            pass


def test_object_store_is_copy_then_delete():
    final = "memory://bucket/atomic/out.json"
    write_json(final, {"ok": True})
    fs = fsspec.filesystem("memory")
    assert [os.path.basename(p) for p in fs.ls("/bucket/atomic", detail=False)] == ["out.json"]
    assert sha256_of(final)[1] == len('{\n  "ok": true\n}\n')


def test_stale_temps_are_removed(tmp_path):
    final = str(tmp_path / "s.parquet")
    for _ in range(2):
        open(temp_name(final), "wb").close()
    open(tmp_path / ".other.tmp", "wb").close()
    remove_stale_temps(final)
    assert listing(tmp_path) == [".other.tmp"]


def test_a_file_where_a_directory_must_be_is_one_error(tmp_path):
    # --out afile/x.jsonl (afile an existing file) was a FileExistsError traceback.
    from codepii.errors import RecordError

    (tmp_path / "afile").write_text("x")
    with pytest.raises(RecordError, match=r"afile/x/m.json: cannot create its directory: .*afile is a file"):
        write_json(str(tmp_path / "afile" / "x" / "m.json"), {})
    assert (tmp_path / "afile").read_text() == "x"


def test_a_file_never_replaces_a_directory(tmp_path):
    # `eval.py --report DIR` once deleted DIR and everything in it and left the report there.
    target = tmp_path / "outputs"
    target.mkdir()
    (target / "gold.jsonl").write_text("{}\n")
    with pytest.raises(CodepiiError, match="is a directory"):
        write_text(str(target), "report")
    with pytest.raises(CodepiiError, match="is a directory"):
        AtomicFile(str(target))
    assert listing(target) == ["gold.jsonl"] and listing(tmp_path) == ["outputs"]
