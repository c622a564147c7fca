"""The model's forward pass on CPU: torch (fp32, dynamic int8, bf16) against ONNX Runtime (fp32, int8).

Issue 13 names ONNX Runtime as a candidate CPU backend for the model detector.
This times the forward pass alone (no tokenization or decoding) of the same
random BERT as ``bench_mask.py`` on the same batches of real windows (the
generated corpus, tokenized and batched as the detector does on a CPU), for:

- torch float32, ``quantize=int8`` (dynamic int8 Linear layers) and
  ``quantize=bf16`` (bfloat16 weights; oneDNN with AMX where the CPU has it);
- ONNX Runtime float32: the model exported with ``torch.onnx.export`` (eager
  attention, so ORT's BERT fusions apply: fused attention, SkipLayerNorm,
  BiasGelu) and optimized by ``onnxruntime.transformers.optimizer``;
- ONNX Runtime int8: that graph through ``quantize_dynamic`` (int8 weights,
  activations quantized per batch; VNNI kernels).

Every engine gets one thread (``torch.get_num_threads()`` is used for ORT's
intra-op pool too) and takes turns on the batches; CPU seconds are the figure
on a shared machine. Needs the bench extra (``pip install -e .[bench]``). Not a test.

    python bench/bench_cpu_backends.py --files 40
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

import bench_mask  # noqa: E402  (the same corpus and random model)
from benchcli import guard, positive_int  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--files", type=positive_int, default=40, help="generated files in the corpus (default 40)")
    p.add_argument("--rounds", type=positive_int, default=2, help="timed passes over the batches, after one untimed (default %(default)s)")
    args = p.parse_args(argv)
    base = bench_mask.parse_args(["--files", str(args.files)])
    for key, value in vars(base).items():
        setattr(args, key, getattr(args, key, value))
    return args


def export_onnx(model, path: str) -> None:
    """``model`` (eager attention) as ONNX with dynamic batch and sequence axes."""
    import torch

    model.set_attn_implementation("eager")  # the attention pattern ORT's optimizer fuses
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones_like(ids)
    mask[1, 8:] = 0
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (ids, mask), path, input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], dynamic_axes=dict.fromkeys(["input_ids", "attention_mask", "logits"], axes),
                          opset_version=17, dynamo=False)
    model.set_attn_implementation("sdpa")


def ort_engines(model, tmp: str, threads: int) -> dict:
    """name -> callable(ids, mask) -> logits for ONNX Runtime fp32 and int8."""
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    raw, fused, int8 = (os.path.join(tmp, f"{n}.onnx") for n in ("raw", "fused", "int8"))
    export_onnx(model, raw)
    cfg = model.config
    optimizer.optimize_model(raw, model_type="bert", num_heads=cfg.num_attention_heads,
                             hidden_size=cfg.hidden_size).save_model_to_file(fused)
    quantize_dynamic(fused, int8, weight_type=QuantType.QInt8, extra_options={"DefaultTensorType": 1})  # 1: float
    engines = {}
    for name, path in (("onnxruntime fp32", fused), ("onnxruntime int8", int8)):
        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        engines[name] = lambda ids, mask, s=session: s.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    return engines


def torch_engines(model_dir: str) -> dict:
    import torch

    from codepii.detect.quantize import quantize_model
    from codepii.model import load_model_dir

    engines = {}
    for mode in ("none", "int8", "bf16"):
        model = quantize_model(load_model_dir(model_dir, device="cpu")[0].eval(), mode, "cpu")

        def run(ids, mask, model=model):
            with torch.inference_mode():
                logits = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits
            return logits.float().numpy()

        engines["torch " + ("fp32" if mode == "none" else mode)] = run
    return engines


def make_batches(model_dir: str, texts: list[str]) -> list[tuple]:
    """(input_ids, attention_mask) int64 arrays, the detector's CPU batches of the corpus's windows."""
    import numpy as np

    from codepii.bio import tokenize_windows
    from codepii.detect.batching import plan_shaped_batches
    from codepii.detect.model_detector import CPU_TOKENS_PER_BATCH, CPU_WIDTH_MULTIPLE
    from codepii.model import load_model_dir

    _, tokenizer, meta = load_model_dir(model_dir, device="cpu")
    windows = tokenize_windows(tokenizer, texts, meta.max_length, meta.stride)
    batches = []
    for width, rows in plan_shaped_batches([len(w) for w in windows], CPU_TOKENS_PER_BATCH, CPU_WIDTH_MULTIPLE,
                                             meta.max_length):
        ids = np.full((len(rows), width), tokenizer.pad_token_id or 0, dtype=np.int64)
        mask = np.zeros_like(ids)
        for r, i in enumerate(rows):
            ids[r, : len(windows[i])], mask[r, : len(windows[i])] = windows[i].input_ids, windows[i].attention_mask
        batches.append((ids, mask))
    return batches


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        import onnx  # noqa: F401  (onnxruntime.quantization needs it)
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        print(f"bench_cpu_backends needs ONNX Runtime ({exc.name} is missing): pip install -e '.[bench]'", file=sys.stderr)
        return 2
    import numpy as np
    import torch

    texts = bench_mask.make_corpus(args.files, args.seed)
    with tempfile.TemporaryDirectory(prefix="codepii-bench-") as tmp:
        bench_mask.build_model_dir(tmp, texts, args)
        batches = make_batches(tmp, texts)
        engines = torch_engines(tmp)
        from codepii.model import load_model_dir

        engines.update(ort_engines(load_model_dir(tmp, device="cpu")[0].eval(), tmp, torch.get_num_threads()))
        reference = [engines["torch fp32"](*b) for b in batches]
        diff = {name: max(float(np.abs(run(*b) - r).max()) for b, r in zip(batches, reference)) for name, run in engines.items()}
        cpu = dict.fromkeys(engines, 0.0)
        for _ in range(args.rounds):
            for b in batches:
                for name, run in engines.items():
                    start = time.process_time()
                    run(*b)
                    cpu[name] += time.process_time() - start
    tokens = sum(int(m.sum()) for _, m in batches) * args.rounds
    print(f"{len(texts)} files, {len(batches)} batches, {tokens // args.rounds} tokens; random BERT {args.layers} x "
          f"{args.hidden}; threads {torch.get_num_threads()}; {args.rounds} timed passes")
    print(f"{'engine':<20} {'CPU s':>7} {'tokens/s':>9} {'vs torch bf16':>14} {'max |Δlogit|':>13}")
    for name, sec in cpu.items():
        print(f"{name:<20} {sec:>7.2f} {tokens / sec:>9.0f} {cpu['torch bf16'] / sec:>13.2f}x {diff[name]:>13.4f}")
    return 0


if __name__ == "__main__":
    guard(main)
