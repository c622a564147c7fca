"""codepii.Masker: construction, row semantics, bad rows, HMAC, pickling, Arrow batches, light import."""
from __future__ import annotations

import hashlib
import hmac
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from codepii import Masker
from codepii.detect import Detector, DetectorConfig, build_detector
from codepii.errors import ConfigError, RecordError
from codepii.spans import Span

PATTERNS = str(Path(__file__).resolve().parents[2] / "configs" / "mask" / "patterns.yaml")


class RecordingDetector(Detector):
    """Emails as ``a@b.io`` tokens; records batch sizes; fails on any text containing 'boom'."""

    def __init__(self):
        self.batches: list[int] = []

    def detect(self, texts):
        self.batches.append(len(texts))
        if any("boom" in t for t in texts):
            raise RuntimeError("boom")
        out = []
        for t in texts:
            i = t.find("a@b.io")
            out.append([Span(i, i + 6, "EMAIL", 0.5)] if i >= 0 else [])
        return out

    def fingerprint(self):
        return "recording"


def test_constructor_forms_and_config_errors():
    assert Masker().config.detector.kind == "patterns"
    assert Masker({"kind": "patterns", "pattern_categories": ["EMAIL"]}).config.detector.pattern_categories == ("EMAIL",)
    assert Masker(DetectorConfig(email_skip_service=False)).config.detector.email_skip_service is False
    det = build_detector("patterns")
    assert Masker(det).detector is det
    with pytest.raises(ConfigError, match="unknown config key 'batch_rowz'"):
        Masker(batch_rowz=3)
    with pytest.raises(ConfigError, match="'detector.model'.*needs a trained model dir"):
        Masker("model")  # fails when built, not at the first batch
    with pytest.raises(ConfigError, match="bad_rows='drop'.*raise, null, keep"):
        Masker(bad_rows="drop")
    with pytest.raises(ConfigError, match="'placeholders'.*'PHONE' is not a main category"):
        Masker(placeholders={"PHONE": "<P>"})


def test_from_config_path_dict_and_dotted_overrides():
    m = Masker.from_config(PATTERNS, batch_rows=4, **{"placeholders.EMAIL": "[mail]", "detector.email_skip_service": False})
    assert m.config.batch_rows == 4 and m.config.detector.email_skip_service is False
    assert m.mask("write to ann.lee@corp-mail.org") == "write to [mail]"
    assert Masker.from_config({"text_column": "code"}).config.text_column == "code"
    assert Masker.from_config(m.config).config == m.config
    with pytest.raises(ConfigError, match=r"patterns.yaml: unknown config key 'detector.kindd'"):
        Masker.from_config(PATTERNS, **{"detector.kindd": "model"})


def test_batch_is_masked_like_the_engine_other_columns_pass():
    m = Masker(placeholders={"EMAIL": "<E>"}, keep_categories=["KEY"])
    text = "a = 'ann@corp.io'; b = 'ann@corp.io'; c = 'bob@corp.io'; ip1 = '10.1.2.3'; ip2 = '10.9.9.9'; ip3 = '10.1.2.3'"
    out = m({"id": ["x"], "content": [text], "n": [7]})
    assert out["id"] == ["x"] and out["n"] == [7]
    masked = out["content"][0]
    assert masked.count("<E>") == 3 and "corp.io" not in masked
    ips = [part.split("'")[1] for part in masked.split("ip")[1:]]
    assert ips[0] == ips[2] != ips[1]  # the same value, the same substitute; another value, another address
    assert [e["category"] for e in out["pii"][0]] == ["EMAIL"] * 3 + ["IP_ADDRESS"] * 3
    assert text[out["pii"][0][0]["start"] : out["pii"][0][0]["end"]] == "ann@corp.io"  # original offsets


def test_bad_rows_raise_null_keep():
    batch = {"id": ["ok", "none", "int", "big", "bytes"], "content": ["a@b.io", None, 3, "x" * 40, "a@b.io".encode()]}
    with pytest.raises(RecordError, match=r"row 1 of the batch \(id 'none'\): text is null; .*bad_rows='null'"):
        Masker(RecordingDetector(), max_text_bytes=30)(batch)
    nulled = Masker(RecordingDetector(), max_text_bytes=30, bad_rows="null")(batch)
    assert nulled["content"] == ["<EMAIL>", None, None, None, "<EMAIL>"]  # UTF-8 bytes are text, as in the engine
    assert [p is None for p in nulled["pii"]] == [False, True, True, True, False]
    kept = Masker(RecordingDetector(), max_text_bytes=30, bad_rows="keep")(batch)
    assert kept["content"][1:4] == [None, 3, "x" * 40] and kept["pii"][1:4] == [None, None, None]
    with pytest.raises(RecordError, match="row 0 of the batch: text is int"):
        Masker().mask(5)


def test_a_failing_row_is_isolated_and_batches_follow_batch_rows():
    det = RecordingDetector()
    m = Masker(det, batch_rows=3, bad_rows="null")
    texts = ["a@b.io", "boom", "x", "a@b.io", "y"]
    out = m({"content": texts})
    assert out["content"] == ["<EMAIL>", None, "x", "<EMAIL>", "y"]
    # batch 1 (3 rows) fails and is retried row by row; batch 2 has the other 2 rows
    assert det.batches == [3, 1, 1, 1, 2]
    det.batches.clear()
    assert [len(s) for s in m.detect(texts[:1] * 7)] == [1] * 7 and det.batches == [3, 3, 1]


def test_hash_values_adds_a_keyed_hash(monkeypatch):
    with pytest.raises(ConfigError, match="CODEPII_TEST_KEY"):
        Masker(hash_values=True, hash_key_env="CODEPII_TEST_KEY")
    monkeypatch.setenv("CODEPII_TEST_KEY", "s3cret")
    out = Masker(RecordingDetector(), hash_values=True, hash_key_env="CODEPII_TEST_KEY")({"content": ["to a@b.io"]})
    (entry,) = out["pii"][0]
    assert entry["value_hash"] == hmac.new(b"s3cret", b"a@b.io", hashlib.sha256).hexdigest()
    assert "a@b.io" not in pickle.dumps(out["pii"]).decode("latin-1")


def test_pickles_as_its_config_not_its_detector():
    m = Masker.from_config(PATTERNS, bad_rows="null")
    m.mask("x")  # detector built
    state = m.__getstate__()
    assert state["detector"] is None and state["config"]["detector"]["kind"] == "patterns"
    copy = pickle.loads(pickle.dumps(m))
    assert copy._detector is None and copy.bad_rows == "null" and copy.config == m.config
    assert copy.mask("ann@corp-mail.org") == "<EMAIL>"
    given = pickle.loads(pickle.dumps(Masker(RecordingDetector())))
    assert isinstance(given.detector, RecordingDetector)  # a built detector travels with it
    m.use_rank(1)  # no GPU / no model: nothing changes
    assert m.config.detector.device == "auto"


def test_mask_table_types_the_pii_column_and_keeps_other_columns():
    pa = pytest.importorskip("pyarrow")
    m = Masker(RecordingDetector())
    table = pa.table({"id": pa.array([1, 2]), "content": pa.array(["nothing", "x"], pa.large_string()), "m": [{"k": 1}, None]})
    out = m.mask_table(table)
    assert out.column_names == ["id", "content", "m", "pii"]
    assert out.schema.field("content").type == pa.large_string()
    assert str(out.schema.field("pii").type) == "list<item: struct<start: int64, end: int64, category: string, score: double>>"
    assert out.column("m").equals(table.column("m"))
    again = m.mask_table(table.set_column(1, "content", pa.array(["a@b.io", "y"])))
    assert again.column("pii").to_pylist()[0] == [{"start": 0, "end": 6, "category": "EMAIL", "score": 0.5}]
    assert again.column_names == out.column_names  # an existing pii column is replaced, not duplicated
    with pytest.raises(RecordError, match="no text column 'content'"):
        m.mask_table(pa.table({"text": ["a"]}))


def test_import_codepii_stays_light():
    code = (
        "import sys, codepii; heavy = [m for m in ('torch', 'transformers', 'pyarrow', 'ray', 'datasets') if m in sys.modules]; "
        "print(heavy, codepii.Masker.__name__, hasattr(codepii, 'Nope'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] Masker False"


def test_ray_actor_loads_once_and_masks_arrow_and_dict_batches():
    pa = pytest.importorskip("pyarrow")
    np = pytest.importorskip("numpy")
    from codepii.adapters.ray_data import MaskerActor

    actor = MaskerActor(bad_rows="null", **{"placeholders.EMAIL": "<E>"})
    assert actor.masker._detector is not None  # built in __init__: once per actor
    out = actor(pa.table({"id": [1, 2], "content": ["to ann@corp-mail.org", None]}))
    assert out.column("content").to_pylist() == ["to <E>", None] and out.column("pii").to_pylist()[1] is None
    out = actor({"id": np.array([1]), "content": np.array(["to ann@corp-mail.org"], dtype=object)})
    assert out["content"] == ["to <E>"] and out["id"] == [1]


def test_detect_and_mask_rows_refuse_a_bare_string_and_name_a_bad_text():
    m = Masker()
    with pytest.raises(TypeError, match="list of texts.*got a single str"):
        m.detect("write to ann.lee@corp-mail.org")  # was one text per character, silently
    with pytest.raises(TypeError, match="list of texts.*got a single str"):
        m.mask_rows("abc")
    with pytest.raises(RecordError, match=r"texts\[1\] is null, not a string"):
        m.detect(["a", None])
    assert m.detect(iter(["write to ann.lee@corp-mail.org"]))[0][0].category == "EMAIL"


def test_a_masker_of_a_built_pattern_detector_pickles_to_a_subprocess():
    # docs/api.md: a Masker made from a built Detector pickles it along (datasets.map(num_proc=N)).
    texts = ["Ann <ann@corp-mail.org> at 84.23.1.2", "password = 'tiger7Q!x'", ""]
    m = Masker(build_detector("patterns"))
    mine = m(({"content": texts}))
    code = "import pickle, sys; m = pickle.loads(sys.stdin.buffer.read()); print(repr(m({'content': %r})))" % texts
    src = str(Path(__file__).resolve().parents[2] / "src")
    out = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(m), capture_output=True, check=True,
                         env={**__import__("os").environ, "PYTHONPATH": src}).stdout
    assert out.decode().strip() == repr(mine)


def test_wrong_argument_types_are_config_errors():
    with pytest.raises(ConfigError, match="'placeholders': expected a mapping, got \\['<x>'\\]"):
        Masker(placeholders=["<x>"])  # was ValueError: dictionary update sequence element #0 ...
    with pytest.raises(ConfigError, match="from_config.*a mask config path, a dict or a MaskConfig, got int"):
        Masker.from_config(5)  # was TypeError: 'int' object is not iterable
