"""oneDNN-fused Linear layers for the bfloat16 model on CPU (part of ``quantize=bf16``).

Eager PyTorch runs a bf16 Linear layer as a oneDNN matmul after copying the
bias into every output row, then GELU as a separate pass over the
``(tokens, intermediate_size)`` activations, the largest tensor of the layer.
oneDNN can apply the bias and the GELU as post-ops of the matmul while its
output is still in cache: ``torch.ops.mkldnn._linear_pointwise``, the op
``torch.compile``'s CPU backend emits for the same pattern, without a
compile step. The feed-forward ``Linear -> GELU(erf)`` pair (``dense`` +
``intermediate_act_fn`` in BERT and the models copied from it) becomes one
fused layer; every other Linear layer keeps its own bias as a oneDNN bias.
Same weights, same numbers up to bf16 rounding (tested against eager bf16).
"""
from __future__ import annotations

import torch
from torch import nn


def onednn_available() -> bool:
    """oneDNN's fused linear is in this torch build and runs bf16 on this CPU (AVX-512 or later)."""
    ops = torch.ops.mkldnn
    if not (torch.backends.mkldnn.is_available() and hasattr(ops, "_linear_pointwise")):
        return False
    return not hasattr(ops, "_is_mkldnn_bf16_supported") or bool(ops._is_mkldnn_bf16_supported())


class OneDNNLinear(nn.Linear):
    """An ``nn.Linear`` run by oneDNN with its bias, and optionally an erf GELU, as post-ops."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.post_op == "gelu":
            return torch.ops.mkldnn._linear_pointwise(x, self.weight, self.bias, "gelu", [], "none")  # "none": erf
        return torch.ops.mkldnn._linear_pointwise(x, self.weight, self.bias, "none", [], "")

    @classmethod
    def of(cls, linear: nn.Linear, post_op: str = "none") -> "OneDNNLinear":
        """The same parameters (shared, not copied) in a OneDNNLinear."""
        fused = cls(linear.in_features, linear.out_features, bias=linear.bias is not None, device="meta")
        fused.weight, fused.bias = linear.weight, linear.bias
        fused.post_op = post_op
        return fused


def _is_erf_gelu(act) -> bool:
    if isinstance(act, nn.GELU):
        return act.approximate == "none"
    return type(act).__name__ == "GELUActivation" and getattr(act, "act", None) is nn.functional.gelu


def fuse_linear_layers(model: nn.Module) -> int:
    """Swap ``model``'s Linear layers for OneDNNLinear in place, folding a following erf GELU into the
    feed-forward ones; the number of layers swapped (0 where oneDNN's fused linear is missing)."""
    if not onednn_available():
        return 0
    swapped = 0
    for module in list(model.modules()):
        dense, act = getattr(module, "dense", None), getattr(module, "intermediate_act_fn", None)
        if type(dense) is nn.Linear and _is_erf_gelu(act):
            module.dense, module.intermediate_act_fn = OneDNNLinear.of(dense, "gelu"), nn.Identity()
            swapped += 1
        for name, child in list(module.named_children()):
            if type(child) is nn.Linear:
                setattr(module, name, OneDNNLinear.of(child))
                swapped += 1
    return swapped
