"""Hybrid calibration: the grid choice on toy dev sets, codepii.json round trip, ``codepii calibrate``."""
from __future__ import annotations

import json

import pytest

from codepii.detect.calibrate import DevSet, calibrate, candidates, category_scores
from codepii.detect.hybrid import HybridDetector
from codepii.spans import Span


def toy_dev(name: str, n: int = 20) -> DevSet:
    """Per file: one NAME only the model finds; a KEY both find, the model also 'finds' a base64 blob
    (score 0.6); a PASSWORD the model finds sure (0.95) and a zip code it flags unsure (0.55), which
    the patterns miss; one pattern-only PASSWORD the model misses."""
    text = "x" * 100
    gold = [Span(0, 5, "NAME"), Span(10, 20, "KEY"), Span(30, 35, "PASSWORD"), Span(60, 65, "PASSWORD")]
    model = [Span(0, 5, "NAME", 0.9), Span(10, 20, "KEY", 0.97), Span(40, 50, "KEY", 0.6),
             Span(30, 35, "PASSWORD", 0.95), Span(70, 75, "PASSWORD", 0.55)]
    patterns = [Span(10, 20, "KEY", 0.95), Span(60, 65, "PASSWORD", 0.8)]
    return DevSet(name, list(range(n)), [text] * n, [gold] * n, [model] * n, [patterns] * n)


def test_grid_is_simplest_first():
    grid = candidates()
    assert grid[0] == ("patterns", 0.0) and grid[1] == ("model", 0.0)
    assert len(grid) == len(set(grid))


def test_calibration_picks_the_better_policy_and_never_loses_to_a_part():
    devs = [toy_dev("gen"), toy_dev("real")]
    block = calibrate(devs)
    assert block["policy"]["NAME"] == "model"  # the patterns find no names
    assert block["policy"]["KEY"] == "patterns"  # same recall, no false KEY
    # PASSWORD: the model's sure span plus the patterns' gap, the unsure zip code out (no overlaps here, so
    # patterns_first and model_first tie and the simpler, earlier in the grid, wins)
    assert block["policy"]["PASSWORD"] == "patterns_first" and 0.55 < block["model_min_score"]["PASSWORD"] <= 0.95
    for name in ("gen", "real"):
        scores = block["scores"][name]
        assert scores["hybrid"]["PASSWORD"]["f1"] == 1.0
        for c in ("NAME", "KEY", "PASSWORD"):
            parts = max(scores["model"][c]["f1"] or 0.0, scores["patterns"][c]["f1"] or 0.0)
            assert scores["hybrid"][c]["f1"] >= parts - 0.01
    # categories without gold keep the built-in policy
    assert block["policy"]["EMAIL"] == "patterns" and block["chosen_by"]["EMAIL"].startswith("built-in")


def test_a_category_nobody_finds_keeps_the_built_in_policy():
    dev = toy_dev("d", 3)
    dev.gold = [g + [Span(80, 85, "USERNAME")] for g in dev.gold]  # gold neither part finds
    block = calibrate([dev])
    assert block["policy"]["USERNAME"] == "patterns_first" and block["chosen_by"]["USERNAME"].startswith("built-in")


def test_calibrated_block_applies_as_scored():
    dev = toy_dev("d", 3)
    block = calibrate([dev])
    hybrid = HybridDetector(None, None, block["policy"], block["model_min_score"])
    spans = [hybrid.combine(m, p) for m, p in zip(dev.model, dev.patterns)]
    assert category_scores(dev, spans)["PASSWORD"]["f1"] == block["scores"]["d"]["hybrid"]["PASSWORD"]["f1"]


torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from codepii.model import save_random_model_dir

    path = str(tmp_path_factory.mktemp("tiny-model"))
    code = ["password = 'hunter2'  # jo@corp.io\n", "KEY = 'ghp_yi9nh9321fxyvky6cpodrun8z74dwbu2k1b4'\n"]
    return save_random_model_dir(path, code * 20, max_length=24, stride=8, hidden_size=32, num_layers=1, num_heads=2, intermediate_size=64)


def test_old_model_dir_reads_and_hybrid_uses_the_calibration(model_dir):
    from codepii.detect import build_detector
    from codepii.detect.calibrate import write_calibration
    from codepii.detect.config import HYBRID_POLICY
    from codepii.model import read_meta

    meta_path = f"{model_dir}/codepii.json"
    raw = json.load(open(meta_path))
    raw.pop("hybrid", None)
    json.dump(raw, open(meta_path, "w"))  # a model dir written before calibration existed
    assert read_meta(model_dir).hybrid == {}
    assert build_detector("hybrid", model_dir).policy == HYBRID_POLICY

    policy = dict(HYBRID_POLICY, KEY="model", PASSWORD="patterns")
    write_calibration(model_dir, {"policy": policy, "model_min_score": {"KEY": 0.8}})
    hybrid = build_detector("hybrid", model_dir)
    assert hybrid.policy["KEY"] == "model" and hybrid.model_min_score == {"KEY": 0.8}
    # explicit config values win, per category
    explicit = build_detector("hybrid", model_dir, hybrid_policy={"KEY": "patterns_first"},
                              hybrid_model_min_score={"NAME": 0.7})
    assert explicit.policy["KEY"] == "patterns_first" and explicit.policy["PASSWORD"] == "patterns"
    assert explicit.model_min_score == {"KEY": 0.8, "NAME": 0.7}
    assert explicit.fingerprint() != hybrid.fingerprint()


def test_calibrate_command_writes_the_block(model_dir, tmp_path, capsys):
    from codepii.cli import main
    from codepii.model import read_meta

    dev = tmp_path / "dev.jsonl"
    rows = [{"id": i, "content": f"password = 'hunter{i}x'\nmail = 'jo{i}@corp.io'\n",
             "entities": [{"start": 12, "end": 20, "category": "PASSWORD"},
                          {"start": 30, "end": 30 + len(f"jo{i}@corp.io"), "category": "EMAIL"}]} for i in range(5)]
    dev.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["calibrate", "--model", model_dir, "--dev", str(dev), "--dry-run"]) == 0
    assert "hybrid" not in read_meta(model_dir).hybrid.get("dev", [])
    assert main(["calibrate", "--model", model_dir, "--dev", str(dev)]) == 0
    block = read_meta(model_dir).hybrid
    assert block["dev"] == ["dev"] and block["policy"]["EMAIL"] in ("patterns", "patterns_first", "model_first")
    assert block["scores"]["dev"]["hybrid"]["EMAIL"]["f1"] == 1.0
    assert "| EMAIL |" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exc:
        main(["calibrate", "--model", model_dir, "--dev", str(dev), "--dev", str(dev)])
    assert exc.value.code == 2


def test_calibrate_reads_the_dev_sets_before_loading_the_model(tmp_path, capsys, monkeypatch):
    # A typo in --dev was reported only after the model had loaded (seconds; minutes for a large model).
    import codepii.detect
    from codepii.cli import main

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded before the dev sets were read")

    monkeypatch.setattr(codepii.detect, "build_detector", no_model)
    with pytest.raises(SystemExit) as exc:
        main(["calibrate", "--model", str(tmp_path), "--dev", str(tmp_path / "nope.jsonl")])
    assert exc.value.code == 2 and "nope.jsonl: no such file" in capsys.readouterr().err
