"""Post-filters, DetectorConfig/build_detector, HybridDetector policy and ``codepii detect``."""
from __future__ import annotations

import json

import pytest

from codepii.cli import main
from codepii.errors import ConfigError
from codepii.detect import Detector, DetectorConfig, build_detector, detector_config
from codepii.detect.hybrid import FilteredDetector, HybridDetector
from codepii.detect.filters import FilterConfig, apply_filters, is_host_address, looks_like_secret, parse_ip
from codepii.spans import Span


def test_filters_each_switch():
    text = "Bob Jo 8.8.8.8 10.0.0.1 999.1.1.1 abc aaaaaaaaaaaa k9Xq2LmP7vTz"
    spans = [
        Span(0, 3, "NAME", 0.9),  # "Bob": one word, 3 chars
        Span(0, 6, "USERNAME", 0.9),
        Span(7, 14, "IP_ADDRESS", 0.9),  # popular DNS
        Span(15, 23, "IP_ADDRESS", 0.9),  # private
        Span(24, 33, "IP_ADDRESS", 0.9),  # unparseable
        Span(38, 50, "KEY", 0.9),  # not gibberish
        Span(51, 63, "KEY", 0.9),  # gibberish
    ]
    assert apply_filters(text, spans, FilterConfig()) == spans
    keep = lambda **kw: [text[s.start : s.end] for s in apply_filters(text, spans, FilterConfig(**kw))]
    assert "Bob" not in keep(min_chars=4)
    assert "Bob" not in keep(name_require_space=True)
    assert "8.8.8.8" not in keep(ip_skip_dns=True) and "10.0.0.1" in keep(ip_skip_dns=True)
    assert "10.0.0.1" not in keep(ip_skip_private=True)
    assert "999.1.1.1" not in keep(ip_skip_unparseable=True)
    assert keep(key_require_gibberish=True).count("aaaaaaaaaaaa") == 0 and "k9Xq2LmP7vTz" in keep(key_require_gibberish=True)
    assert "k9Xq2LmP7vTz" not in keep(key_min_chars=13)
    assert "Bob Jo" not in keep(drop_categories=("USERNAME",))
    ref = FilterConfig.reference()
    assert ref.active and ref.drop_categories == ("USERNAME",) and not FilterConfig().active


def test_value_helpers():
    assert looks_like_secret("yenvf0qb3-igl7pc5klyg-rb-9-13_-m")
    assert looks_like_secret("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")
    for not_secret in ("my_secret_key", "SomeLongClassName", "1.2.3-rc1", "xxxxxxxxxxxx", "<YOUR_KEY>", "/usr/local/bin"):
        assert not looks_like_secret(not_secret), not_secret
    assert not is_host_address(parse_ip("255.255.0.0")) and not is_host_address(parse_ip("0.0.0.255"))
    assert is_host_address(parse_ip("172.16.5.4")) and is_host_address(parse_ip("2606:4700::1"))


def test_config_errors_name_the_key():
    with pytest.raises(ConfigError, match="max_tokens_per_batc"):
        detector_config("patterns", max_tokens_per_batc=5)
    with pytest.raises(ConfigError, match="thresholds"):
        detector_config("patterns", thresholds={"KEYS": 0.5})
    with pytest.raises(ConfigError, match="thresholds.KEY"):
        detector_config("patterns", thresholds={"KEY": 1.5})
    with pytest.raises(ConfigError, match="filters.min_char"):
        detector_config("patterns", filters={"min_char": 4})
    with pytest.raises(ConfigError, match="needs a trained model dir"):
        build_detector("hybrid")
    cfg = detector_config("patterns", filters=FilterConfig(min_chars=4), dtype="bfloat16")
    assert isinstance(cfg, DetectorConfig) and cfg.filters.min_chars == 4


def test_build_patterns_with_filters():
    plain = build_detector("patterns")
    filtered = build_detector("patterns", filters={"ip_skip_private": True})
    assert isinstance(filtered, FilteredDetector) and plain.fingerprint() != filtered.fingerprint()
    text = "a = '10.0.0.1'; b = '93.184.216.34'"
    assert len(plain.detect([text])[0]) == 2
    assert [text[s.start : s.end] for s in filtered.detect([text])[0]] == ["93.184.216.34"]


class FixedDetector(Detector):
    def __init__(self, spans):
        self.spans = spans

    def detect(self, texts):
        return [list(self.spans) for _ in texts]

    def fingerprint(self):
        return "fixed"


def test_hybrid_policy():
    model = FixedDetector([Span(0, 10, "NAME", 0.8), Span(20, 30, "KEY", 0.6), Span(40, 50, "PASSWORD", 0.7)])
    patterns = FixedDetector([Span(5, 15, "EMAIL", 0.95), Span(22, 28, "KEY", 0.97), Span(42, 48, "PASSWORD", 0.8),
                              Span(60, 65, "PASSWORD", 0.8)])
    got = HybridDetector(model, patterns).detect(["x" * 70])[0]
    # EMAIL and KEY patterns win their overlaps; the model wins PASSWORD; the lone pattern password fills a gap.
    assert [(s.start, s.end, s.category) for s in got] == [
        (5, 15, "EMAIL"), (22, 28, "KEY"), (40, 50, "PASSWORD"), (60, 65, "PASSWORD")
    ]
    model_only = HybridDetector(model, patterns, {"PASSWORD": "model"}).detect(["x" * 70])[0]
    assert (60, 65, "PASSWORD") not in [(s.start, s.end, s.category) for s in model_only]
    assert HybridDetector(model, patterns).fingerprint() != HybridDetector(model, patterns, {"KEY": "model"}).fingerprint()


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_detect_command_patterns(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [{"id": 1, "content": "mail me: jo@corp.io", "lang": "py"}, {"id": 2, "content": "nothing"}])
    out = tmp_path / "pred.jsonl"
    assert main(["detect", "--detector", "patterns", "--input", str(src), "--out", str(out)]) == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [1, 2] and rows[0]["lang"] == "py"
    assert rows[0]["entities"] == [{"start": 9, "end": 19, "category": "EMAIL", "score": 0.95}]
    assert rows[1]["entities"] == []
    assert "2 records" in capsys.readouterr().out
    import yaml

    resolved = yaml.safe_load((tmp_path / "pred.jsonl.config.yaml").read_text())
    assert resolved["detector"]["kind"] == "patterns" and resolved["out"] == str(out)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--detector", "model"], "needs --model"),
        (["--detector", "patterns", "--threshold", "KEY"], "CATEGORY=PROBABILITY"),
        (["--detector", "patterns", "--option", "nope=1"], "--option 'nope'"),
        (["--detector", "patterns", "--option", "filters.min_char=1"], "--option 'filters.min_char'"),
        (["--detector", "patterns", "--text-column", "text"], "no column 'text'"),
        (["--detector", "model", "--model", "/nonexistent/model"], "no such model directory"),
    ],
)
def test_detect_command_errors(tmp_path, capsys, extra, message):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, [{"id": 1, "content": "x"}])
    with pytest.raises(SystemExit) as exc:
        main(["detect", "--input", str(src), "--out", str(tmp_path / "p.jsonl"), *extra])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_detect_command_refuses_to_write_over_its_input(tmp_path, capsys, monkeypatch):
    # --out gold.jsonl --input gold.jsonl replaced the gold spans by the predictions.
    src = tmp_path / "gold.jsonl"
    write_jsonl(src, [{"id": 1, "content": "jo@corp.io", "entities": []}])
    before = src.read_bytes()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(["detect", "--detector", "patterns", "--input", str(tmp_path / "*.jsonl"), "--out", "gold.jsonl"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--out gold.jsonl is the input" in err and len(err.strip().splitlines()) == 1
    assert src.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["gold.jsonl"]


def test_detect_command_checks_its_inputs_before_loading_the_model(tmp_path, capsys, monkeypatch):
    import codepii.detect

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded before the inputs were found")

    monkeypatch.setattr(codepii.detect, "build_detector", no_model)
    with pytest.raises(SystemExit) as exc:
        main(["detect", "--model", str(tmp_path), "--input", str(tmp_path / "nope*.jsonl"), "--out", str(tmp_path / "p.jsonl")])
    assert exc.value.code == 2 and "matches nothing" in capsys.readouterr().err


def test_hybrid_min_score_keeps_unsure_model_spans_out():
    model = FixedDetector([Span(0, 5, "EMAIL", 0.99), Span(10, 15, "KEY", 0.6), Span(20, 25, "KEY", 0.95),
                           Span(30, 35, "NAME", 0.3)])
    patterns = FixedDetector([])
    got = HybridDetector(model, patterns, model_min_score={"KEY": 0.9}).detect(["x" * 40])[0]
    # EMAIL never from the model (policy patterns); KEY only when sure; NAME has no minimum
    assert [(s.start, s.category) for s in got] == [(20, "KEY"), (30, "NAME")]
    a = HybridDetector(model, patterns, model_min_score={"KEY": 0.8})
    assert a.fingerprint() != HybridDetector(model, patterns).fingerprint()
    assert HybridDetector(model, patterns).policy["EMAIL"] == "patterns"


def test_hybrid_policies_per_category():
    model = FixedDetector([Span(0, 10, "PASSWORD", 0.8), Span(20, 30, "KEY", 0.6)])
    patterns = FixedDetector([Span(2, 8, "PASSWORD", 0.8), Span(40, 45, "PASSWORD", 0.8), Span(22, 28, "KEY", 0.97)])

    def got(policy, min_score=None):
        spans = HybridDetector(model, patterns, policy, min_score or {}).detect(["x" * 50])[0]
        return [(s.start, s.end, s.category) for s in spans]

    assert got({"PASSWORD": "patterns", "KEY": "patterns"}) == [(2, 8, "PASSWORD"), (22, 28, "KEY"), (40, 45, "PASSWORD")]
    assert got({"PASSWORD": "model", "KEY": "model"}) == [(0, 10, "PASSWORD"), (20, 30, "KEY")]
    assert got({"PASSWORD": "patterns_first", "KEY": "model_first"}) == [
        (2, 8, "PASSWORD"), (20, 30, "KEY"), (40, 45, "PASSWORD")]
    # below its min score the model span gives way: the pattern fills the gap under model_first
    assert got({"PASSWORD": "model", "KEY": "model_first"}, {"KEY": 0.7}) == [(0, 10, "PASSWORD"), (22, 28, "KEY")]


def test_hybrid_model_first_widens_a_model_span_to_the_overlapping_pattern_span_of_its_category():
    """The model's 'unter' inside the pattern's 'hunter2' must not leave 'h' and '2' in the masked text; a
    pattern span that overlaps a model span of another category still gives way whole."""
    text = "password = 'hunter2'; name = 'Ada Lovelace'"
    h = text.index("hunter2")
    n = text.index("Ada")
    model = FixedDetector([Span(h + 1, h + 6, "PASSWORD", 0.7), Span(n, n + 12, "NAME", 0.9)])
    patterns = FixedDetector([Span(h, h + 7, "PASSWORD", 0.8), Span(n, n + 3, "PASSWORD", 0.8)])
    spans = HybridDetector(model, patterns, {"PASSWORD": "model_first", "NAME": "model_first"}).detect([text])[0]
    assert [(text[s.start:s.end], s.category, s.score) for s in spans] == [
        ("hunter2", "PASSWORD", 0.8), ("Ada Lovelace", "NAME", 0.9)]
    # two model spans inside one pattern span become one
    model = FixedDetector([Span(h, h + 2, "PASSWORD", 0.6), Span(h + 4, h + 6, "PASSWORD", 0.9)])
    spans = HybridDetector(model, patterns, {"PASSWORD": "model_first"}).detect([text])[0]
    assert [(s.start, s.end, s.score) for s in spans] == [(h, h + 7, 0.9), (n, n + 3, 0.8)]


def test_hybrid_policy_config_is_checked():
    with pytest.raises(ConfigError, match="hybrid_policy.KEY"):
        detector_config("patterns", hybrid_policy={"KEY": "regex"})
    with pytest.raises(ConfigError, match="not a main category"):
        detector_config("patterns", hybrid_policy={"SSN": "model"})


@pytest.mark.parametrize("key, value", [("kind", "pattern"), ("dtype", "fp16"), ("quantize", "int4"),
                                        ("pattern_engine", "pcre"), ("device", "")])
def test_a_directly_built_config_checks_its_choices(key, value):
    # docs/detect.md builds DetectorConfig(...) directly, which skipped the choices the YAML loader checks:
    # DetectorConfig(kind="pattern", model=DIR) silently built a hybrid detector.
    with pytest.raises(ConfigError, match=f"config key '{key}'"):
        DetectorConfig(**{key: value})


def test_a_directly_built_config_refuses_a_string_for_a_list():
    with pytest.raises(ConfigError, match="'pattern_categories': expected a list, got 'EMAIL'"):
        DetectorConfig(pattern_categories="EMAIL")  # said "'E' is not a main category"


@pytest.mark.parametrize("cfg", [{"kind": "patterns"}, 5, None])
def test_build_detector_names_what_it_takes(cfg):
    with pytest.raises(TypeError, match="build_detector.*DetectorConfig or a kind.*detector_config"):
        build_detector(cfg)  # was AttributeError: ... has no attribute 'require_model'
