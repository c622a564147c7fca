"""CPU inference options for the model detector (``quantize=int8|bf16``).

- ``int8``: ``torch.ao.quantization.quantize_dynamic`` replaces every
  ``nn.Linear`` (attention projections, feed-forward layers, classifier head)
  by one that stores int8 weights and quantizes activations on the fly, per
  batch; embeddings, layer norms and attention stay float32 (x86/fbgemm
  kernels, VNNI where the CPU has it).
- ``bf16``: all weights and activations in bfloat16. Fast on CPUs with
  AMX or AVX512-BF16 (Intel Sapphire Rapids and later, AMD Zen 4 and later),
  where oneDNN runs the matmuls in bf16; slower than float32 elsewhere. The
  Linear layers run through oneDNN's fused linear, the feed-forward GELU as a
  post-op of its matmul (``onednn.py``).

Both are for CPUs only; on a GPU, ``dtype=auto`` (bf16 autocast) is the fast path.
"""
from __future__ import annotations

import warnings

from ..errors import ConfigError

QUANTIZE_MODES = ("none", "int8", "bf16")


def check_quantize(mode: str, device: str, dtype: str = "auto") -> None:
    """One-line errors for a quantization that cannot run here."""
    if mode not in QUANTIZE_MODES:
        raise ConfigError(f"config key 'quantize': {mode!r} is not one of {', '.join(QUANTIZE_MODES)}")
    if mode == "none":
        return
    if str(device) != "cpu":
        raise ConfigError(f"quantize={mode} runs on CPU only, the device is {device!r}: set device=cpu or quantize=none")
    if dtype not in ("auto", "float32"):
        raise ConfigError(f"quantize={mode} sets the model's number format itself: set dtype=auto (not {dtype!r})")


def quantize_model(model, mode: str, device: str, dtype: str = "auto"):
    """``model`` with int8 Linear layers (a copy), in bfloat16 (in place), or itself for ``none``."""
    check_quantize(mode, device, dtype)
    if mode == "none":
        return model
    import torch

    if mode == "bf16":
        from .onednn import fuse_linear_layers

        model = model.to(torch.bfloat16)
        fuse_linear_layers(model)  # bias and GELU as oneDNN post-ops (onednn.py); a no-op without oneDNN
        return model
    engines = [e for e in torch.backends.quantized.supported_engines if e != "none"]
    if not engines:
        raise ConfigError("this torch build has no quantized CPU kernels (fbgemm/qnnpack): use quantize=none")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization announces its move to torchao
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
