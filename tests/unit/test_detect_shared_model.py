"""``build_detectors``: a model and a hybrid on the same model dir run the model once per text."""
from __future__ import annotations

import pytest

pytest.importorskip("torch")


def test_model_and_hybrid_share_one_model_run(tmp_path):
    from codepii.detect import build_detector, detector_config
    from codepii.detect.build import build_detectors
    from codepii.model import save_random_model_dir

    code = ["password = 'hunter2'  # jo@corp.io by @mkaur\n", "KEY = 'ghp_yi9nh9321fxyvky6cpodrun8z74dwbu2k1b4'\n"]
    model_dir = save_random_model_dir(str(tmp_path / "m"), code * 10, max_length=24, stride=8, hidden_size=32,
                                      num_layers=1, num_heads=2, intermediate_size=64)
    texts = code + ["nothing here\n", code[0] * 3]
    model, patterns, hybrid = build_detectors([detector_config(k, model_dir if k != "patterns" else None)
                                               for k in ("model", "patterns", "hybrid")])
    calls = []
    inner = model.inner.detect
    model.inner.detect = lambda batch: calls.append(list(batch)) or inner(batch)
    assert hybrid.model is model  # one shared (recording) model detector
    assert model.detect(texts) == build_detector("model", model_dir).detect(texts)
    assert hybrid.detect(texts) == build_detector("hybrid", model_dir).detect(texts)
    assert patterns.detect(texts) == build_detector("patterns").detect(texts)
    assert sum(len(c) for c in calls) == len(set(texts))  # each distinct text ran through the model once
    assert model.fingerprint() == build_detector("model", model_dir).fingerprint()
