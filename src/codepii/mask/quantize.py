"""CPU inference options for the model detector: int8 dynamic quantization (``quantize=int8``).

``torch.ao.quantization.quantize_dynamic`` replaces every ``nn.Linear`` (the
attention projections, the feed-forward layers, the classifier head) by one
that stores int8 weights and quantizes activations on the fly, per batch. The
embeddings, layer norms and softmax stay in float32. It runs on CPUs only
(fbgemm/x86 or qnnpack kernels); on a GPU, bf16 autocast is the fast path.
"""
from __future__ import annotations

import warnings

from ..errors import ConfigError

QUANTIZE_MODES = ("none", "int8")


def check_quantize(mode: str, device: str, dtype: str = "auto") -> None:
    """One-line errors for a quantization that cannot run here."""
    if mode not in QUANTIZE_MODES:
        raise ConfigError(f"config key 'quantize': {mode!r} is not one of {', '.join(QUANTIZE_MODES)}")
    if mode == "none":
        return
    if str(device) != "cpu":
        raise ConfigError(f"quantize={mode} runs on CPU only, the device is {device!r}: set device=cpu or quantize=none")
    if dtype not in ("auto", "float32"):
        raise ConfigError(f"quantize={mode} computes in float32 around int8 weights: set dtype=auto (not {dtype!r})")


def quantize_model(model, mode: str, device: str, dtype: str = "auto"):
    """``model`` with its Linear layers quantized to int8 (a copy), or ``model`` itself for ``none``."""
    check_quantize(mode, device, dtype)
    if mode == "none":
        return model
    import torch

    engines = [e for e in torch.backends.quantized.supported_engines if e != "none"]
    if not engines:
        raise ConfigError("this torch build has no quantized CPU kernels (fbgemm/qnnpack): use quantize=none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
