"""``quantize=int8|bf16``: the model detector with int8 Linear layers or bf16 weights (oneDNN-fused Linear
layers) on CPU, and refusals."""
from __future__ import annotations

import os

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from codepii.bio import tokenize_windows  # noqa: E402
from codepii.errors import ConfigError  # noqa: E402
from codepii.detect import build_detector  # noqa: E402
from codepii.detect.quantize import check_quantize  # noqa: E402
from codepii.model import save_random_model_dir  # noqa: E402

CODE = [
    "def connect(host='10.0.0.5', user='alice', password='hunter2'):\n    return db(host, user)\n",
    "# Author: Jane Doe <jane.doe@gmail.com>\nAPI_KEY = 'ghp_yi9nh9321fxyvky6cpodrun8z74dwbu2k1b4'\n",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("tiny-model"))
    return save_random_model_dir(path, CODE * 20, max_length=32, stride=8,
                                 hidden_size=64, num_layers=2, num_heads=2, intermediate_size=128)


def test_int8_replaces_linear_layers_and_keeps_probabilities(model_dir):
    plain = build_detector("model", model_dir, device="cpu")
    int8 = build_detector("model", model_dir, device="cpu", quantize="int8")
    dynamic = [m for m in int8.model.modules() if type(m).__module__.startswith("torch.ao.nn.quantized.dynamic")]
    assert dynamic and not any(type(m) is torch.nn.Linear for m in int8.model.modules())
    assert any(type(m) is torch.nn.Linear for m in plain.model.modules())  # the fp32 model is untouched
    windows = tokenize_windows(plain.tokenizer, CODE * 2, 32, 8)
    a, b = plain._forward(windows), int8._forward(windows)
    diff = max(float(np.abs(x - y).max()) for x, y in zip(a, b))
    assert 0 < diff < 0.05  # int8 weights change the numbers a little, not the model
    spans = int8.detect(CODE)
    assert len(spans) == len(CODE)
    assert int8.fingerprint() != plain.fingerprint()


def test_bf16_weights_keep_probabilities(model_dir):
    plain = build_detector("model", model_dir, device="cpu")
    bf16 = build_detector("model", model_dir, device="cpu", quantize="bf16")
    assert {p.dtype for p in bf16.model.parameters()} == {torch.bfloat16}
    windows = tokenize_windows(plain.tokenizer, CODE * 2, 32, 8)
    a, b = plain._forward(windows), bf16._forward(windows)
    assert all(y.dtype == np.float32 for y in b)
    assert 0 < max(float(np.abs(x - y).max()) for x, y in zip(a, b)) < 0.05
    assert bf16.fingerprint() != plain.fingerprint()


def test_bf16_fused_linear_layers_match_eager_bf16_and_fp32_spans(model_dir):
    """quantize=bf16 runs its Linear layers through oneDNN's fused linear (bias, GELU as post-ops):
    the same logits as plain bf16 up to rounding, the same spans as fp32 on a small case."""
    from codepii.detect.onednn import OneDNNLinear, onednn_available

    if not onednn_available() and os.environ.get("CI") != "true":  # CI's x86 CPU torch wheel has it
        pytest.skip("this torch build has no oneDNN fused linear (torch.ops.mkldnn._linear_pointwise)")
    plain = build_detector("model", model_dir, device="cpu")
    bf16 = build_detector("model", model_dir, device="cpu", quantize="bf16")
    fused = [m for m in bf16.model.modules() if isinstance(m, OneDNNLinear)]
    assert fused and not any(type(m) is torch.nn.Linear for m in bf16.model.modules())
    assert sum(m.post_op == "gelu" for m in fused) == bf16.model.config.num_hidden_layers
    assert not any(isinstance(m, torch.nn.GELU) or type(m).__name__ == "GELUActivation" for m in bf16.model.modules())
    eager = plain.model.__class__(plain.model.config).eval()
    eager.load_state_dict(plain.model.state_dict())
    eager = eager.to(torch.bfloat16)  # plain bf16: nn.Linear + separate GELU
    ids = torch.tensor([tokenize_windows(plain.tokenizer, CODE, 32, 8)[0].input_ids])
    with torch.inference_mode():
        a = eager(input_ids=ids).logits.float()
        b = bf16.model(input_ids=ids).logits.float()
    assert float((a - b).abs().max()) < 0.05
    # Spans equal fp32's on text where the random model is confident enough to be stable under bf16 rounding.
    low = {c: 0.01 for c in bf16.tagset.classes}
    ref = build_detector("model", model_dir, device="cpu", thresholds=low).detect(CODE)
    got = build_detector("model", model_dir, device="cpu", quantize="bf16", thresholds=low).detect(CODE)
    assert sum(map(len, ref)) > 0
    assert [[(s.start, s.end, s.category) for s in x] for x in got] == [[(s.start, s.end, s.category) for s in x] for x in ref]
    np.testing.assert_allclose([s.score for x in got for s in x], [s.score for x in ref for s in x], atol=0.05)


def test_int8_refused_off_cpu_and_with_autocast():
    check_quantize("int8", "cpu")
    check_quantize("none", "cuda:0", "bfloat16")
    with pytest.raises(ConfigError, match="CPU only"):
        check_quantize("int8", "cuda:0")
    with pytest.raises(ConfigError, match="dtype=auto"):
        check_quantize("int8", "cpu", "bfloat16")
    with pytest.raises(ConfigError, match="CPU only"):
        check_quantize("bf16", "cuda")


def test_unknown_quantize_mode_is_a_config_error(model_dir):
    with pytest.raises(ConfigError, match="quantize"):
        build_detector("model", model_dir, quantize="int4")
