"""codepii.corpus reserved list, archives and ``codepii corpus fetch`` from a warm cache (no network)."""
from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zipfile

import pytest

from codepii.corpus.archive import ArchiveFilter, language_of, read_archive
from codepii.corpus.fetch import ManifestEntry, ensure_archive, read_manifest
from codepii.corpus.reserved import ReservedPackages, normalize_name
from codepii.errors import CodepiiError, RecordError

MEMBERS = {
    "demo-1.0/PKG-INFO": b"Name: demo\nAuthor: Ada Lovelace\n\n",
    "demo-1.0/demo/core.py": b"# Copyright 2020 Ada Lovelace\nimport os\n",
    "demo-1.0/demo/logo.png": b"\x89PNG\r\n\x1a\n\0\0binary",
    "demo-1.0/demo/data.py": b"\0\1\2 not text",
    "demo-1.0/demo/huge.py": b"x = 1\n" * 5000,
    "demo-1.0/demo/app.min.js": b"var a=1;",
    "demo-1.0/demo/bundle.js": b"var a=1;" * 500,
    "demo-1.0/demo/latin1.txt": "caf\xe9".encode("latin-1"),
    "demo-1.0/node_modules/left-pad/index.js": b"module.exports = 1\n",
    "demo-1.0/demo/_vendor/requests/api.py": b"def get(): pass\n",
    "demo-1.0/demo/_vendor/jwt.py": b"def decode(): pass\n",
    "demo-1.0/demo/_vendor/six.py": b"PY3 = True\n",
    "demo-1.0/src/main.rs": b"fn main() {}\n",
}
KEPT = {"PKG-INFO", "demo/core.py", "demo/_vendor/six.py", "src/main.rs"}


@pytest.fixture
def reserved(tmp_path):
    path = tmp_path / "reserved.txt"
    path.write_text("# comment\nrequests\nPyJWT\nfoo_bar.baz  # trailing comment\n")
    return ReservedPackages.load(path)


def make_tar(path):
    with tarfile.open(path, "w:gz") as tf:
        for name, data in MEMBERS.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def make_zip(path):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in MEMBERS.items():
            zf.writestr(name, data)
    return path


def test_reserved_names_normalise(reserved):
    assert normalize_name("Foo_Bar.Baz") == "foo-bar-baz"
    assert reserved.is_reserved("REQUESTS") and reserved.is_reserved("pyjwt") and reserved.is_reserved("foo-bar-baz")
    assert not reserved.is_reserved("requests-toolbelt")
    with pytest.raises(CodepiiError, match="reserved for evaluation"):
        reserved.check("Foo.Bar_baz", "manifest line 3")
    assert reserved.vendored_in("pip/_vendor/requests/api.py") == "requests"
    assert reserved.vendored_in("x/vendor/jwt.py") == "jwt"  # PyJWT's import name
    assert reserved.vendored_in("requests_toolbelt/vendor/six.py") is None
    assert reserved.vendored_in("requests/api.py") is None  # not under a vendor folder


def test_missing_reserved_list_is_a_one_line_error(tmp_path):
    with pytest.raises(CodepiiError, match="--reserved FILE"):
        ReservedPackages.load(tmp_path / "nope.txt")


@pytest.mark.parametrize("maker", [make_tar, make_zip])
def test_archive_keeps_text_sources_only(tmp_path, reserved, maker):
    archive = maker(tmp_path / ("demo.tar.gz" if maker is make_tar else "demo.zip"))
    got = dict(read_archive(str(archive), ArchiveFilter(max_file_bytes=20_000, reserved=reserved)))
    assert set(got) == KEPT
    assert got["demo/core.py"].startswith("# Copyright")


def test_languages():
    assert language_of("a/b.py") == "python" and language_of("x.tsx") == "typescript"
    assert language_of("AUTHORS.rst") == "restructuredtext" and language_of("AUTHORS") == "text"
    assert language_of("Cargo.toml") == "toml" and language_of("img.png") is None


def _entry(tmp_path, sha):
    cache = tmp_path / "cache"
    (cache / "pypi").mkdir(parents=True)
    archive = make_tar(cache / "pypi" / "demo-1.0.tar.gz")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest() if sha is None else sha
    return ManifestEntry("pypi", "demo", "1.0", "demo-1.0.tar.gz", digest), cache


def test_sha256_mismatch_is_refused(tmp_path):
    entry, cache = _entry(tmp_path, "0" * 64)
    with pytest.raises(CodepiiError, match="does not match the manifest"):
        ensure_archive(entry, str(cache))
    entry, cache = _entry(tmp_path / "ok", None)
    assert ensure_archive(entry, str(cache)).endswith("demo-1.0.tar.gz")


def test_bad_manifest_rows(tmp_path):
    path = tmp_path / "m.jsonl"
    path.write_text('{"registry": "cargo", "name": "x", "version": "1", "file": "x.crate", "sha256": "ab"}\n')
    with pytest.raises(RecordError, match="line 1: registry 'cargo'"):
        read_manifest(str(path))
    path.write_text('{"registry": "npm", "name": "x"}\n')
    with pytest.raises(RecordError, match="version, file, sha256"):
        read_manifest(str(path))


def run_cli(*args, env_reserved=None):
    import os

    env = dict(os.environ)
    if env_reserved:
        env["CODEPII_RESERVED_PACKAGES"] = str(env_reserved)
    return subprocess.run([sys.executable, "-m", "codepii", "corpus", *args], capture_output=True, text=True, env=env)


def test_cli_fetch_then_weak_label_from_cache(tmp_path, reserved):
    entry, cache = _entry(tmp_path, None)
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(json.dumps(entry.__dict__) + "\n")
    out = tmp_path / "corpus.jsonl"
    r = run_cli("fetch", "--manifest", str(manifest), "--out", str(out), "--cache", str(cache),
                "--max-file-bytes", "20000", "--reserved", reserved.source)
    assert r.returncode == 0, r.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert {x["path"] for x in records} == KEPT
    assert all(x["id"] == f"pypi/demo@1.0/{x['path']}" and x["package"] == "demo" for x in records)
    weak = tmp_path / "weak.jsonl"
    r = run_cli("weak-label", "--input", str(out), "--out", str(weak))
    assert r.returncode == 0, r.stderr
    labeled = {x["path"]: [(x["content"][e["start"]:e["end"]], e["category"]) for e in x["entities"]]
               for x in map(json.loads, weak.read_text().splitlines())}
    assert labeled == {"PKG-INFO": [("Ada Lovelace", "NAME_LICENSE")], "demo/core.py": [("Ada Lovelace", "NAME_LICENSE")]}


def test_cli_refuses_reserved_and_bad_sha_in_one_line(tmp_path, reserved):
    entry, cache = _entry(tmp_path, "1" * 64)
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(json.dumps(entry.__dict__) + "\n")
    r = run_cli("fetch", "--manifest", str(manifest), "--out", str(tmp_path / "c.jsonl"), "--cache", str(cache),
                env_reserved=reserved.source)
    assert r.returncode == 2 and "does not match the manifest" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "c.jsonl").exists()
    manifest.write_text(json.dumps({**entry.__dict__, "name": "Requests"}) + "\n")
    r = run_cli("fetch", "--manifest", str(manifest), "--out", str(tmp_path / "c.jsonl"), "--reserved", reserved.source)
    assert r.returncode == 2 and "reserved for evaluation" in r.stderr and "line 1" in r.stderr
    r = run_cli("manifest", "--pypi", "PyJWT==2.8.0", "--out", str(tmp_path / "m.jsonl"), "--reserved", reserved.source)
    assert r.returncode == 2 and "reserved" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "m.jsonl").exists()


def test_manifest_from_warm_cache_needs_no_download(tmp_path, reserved):
    cache = tmp_path / "cache"
    (cache / "pypi").mkdir(parents=True)
    (cache / "npm").mkdir()
    make_tar(cache / "pypi" / "Demo_Pkg-1.0.tar.gz")
    make_tar(cache / "npm" / "scope-left-pad-1.3.0.tgz")
    out = tmp_path / "m.jsonl"
    r = run_cli("manifest", "--pypi", "demo-pkg==1.0", "--npm", "@scope/left-pad@1.3.0", "--out", str(out),
                "--cache", str(cache), "--reserved", reserved.source)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(x["registry"], x["name"], x["version"], x["file"]) for x in rows] == [
        ("pypi", "demo-pkg", "1.0", "Demo_Pkg-1.0.tar.gz"), ("npm", "@scope/left-pad", "1.3.0", "scope-left-pad-1.3.0.tgz")]
    assert rows[0]["sha256"] == hashlib.sha256((cache / "pypi" / "Demo_Pkg-1.0.tar.gz").read_bytes()).hexdigest()


def test_committed_manifest_is_valid_and_holds_no_reserved_package():
    import os
    from pathlib import Path

    from codepii.corpus.reserved import default_reserved_path

    manifest = Path(__file__).resolve().parents[2] / "data" / "corpus" / "manifest.jsonl"
    entries = read_manifest(str(manifest))
    assert len(entries) >= 20 and {e.registry for e in entries} == {"pypi", "npm"}
    assert all(len(e.sha256) == 64 for e in entries)
    if not default_reserved_path().exists() and os.environ.get("CI") != "true":
        pytest.skip(f"reserved-package list not found at {default_reserved_path()}")
    reserved = ReservedPackages.load()
    assert [e.name for e in entries if reserved.is_reserved(e.name)] == []
