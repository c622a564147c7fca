"""Windowed, batched inference with a trained token classifier (a codepii model dir).

The same windows as training (``bio.tokenize_windows``: ``max_length`` tokens,
``stride`` shared), probabilities averaged where windows overlap and turned into
spans with per-category thresholds (``bio.probs_to_spans``; the merge and
the decoding are vectorized in ``batching.py`` with the same results). For
throughput:

- windows are packed into batches of at most ``max_tokens_per_batch`` padded
  tokens: full windows alone (no padding, no mask), the rest length-sorted;
  on a CPU, batch shapes come from a small fixed set (widths a multiple of
  64 tokens, power-of-two rows), as oneDNN builds kernels per shape;
- tokenization runs in worker threads or processes, ``prefetch_batches``
  chunks ahead of the model; decoding runs in a thread one chunk behind;
- ``torch.inference_mode``; on a GPU, bf16 autocast, SDPA attention, pinned
  host memory and non-blocking copies.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, Sequence

import numpy as np

from ..bio import Window, merge_window_probs
from ..errors import ConfigError
from ..spans import Span
from .base import Detector, check_texts
from .batching import (
    plan_batches,
    plan_shaped_batches,
    spans_from_probs,
    strip_spans,
    submit_tokenize,
    text_chunks,
    tokenizer_pool,
)
from .words import snap_to_words

if TYPE_CHECKING:
    from .config import DetectorConfig

# On CPUs, batch widths are rounded up to a multiple of this many tokens (plan_shaped_batches).
CPU_WIDTH_MULTIPLE = 64
# Default padded tokens per forward pass (max_tokens_per_batch=None): a CPU's batches should stay in cache
# (8 x 512 or 32 x 128 windows ran fastest per token in bf16; 128 x 128 ~1.5x slower).
CPU_TOKENS_PER_BATCH = 4096
GPU_TOKENS_PER_BATCH = 16384
# Characters of text tokenized per work item: big enough to sort windows
# usefully and amortize Python overhead, small enough to overlap with the model.
CHUNK_CHARS = 1 << 18
# A lone surrogate (JSON input can hold "\ud800") makes the tokenizer raise; one code point, like U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")


def tokenizable(texts: list[str]) -> list[str]:
    """``texts`` with each lone surrogate replaced by U+FFFD: the same length, so offsets are unchanged."""
    return [t if t.isascii() or _SURROGATE.search(t) is None else _SURROGATE.sub("\ufffd", t) for t in texts]


def pick_device(device: str = "auto") -> str:
    """``auto``: this process's own GPU under torchrun/accelerate (LOCAL_RANK), else cuda, else cpu.

    Without the LOCAL_RANK rule every process of a node would load its model
    onto cuda:0. Ray actors need nothing: Ray sets CUDA_VISIBLE_DEVICES per actor.
    """

    import torch

    if device != "auto":
        try:
            torch.device(device)
        except (RuntimeError, TypeError):
            raise ConfigError(f"config key 'detector.device': {device!r} is not a torch device; use auto, cpu, cuda or cuda:N") from None
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise ConfigError(f"config key 'detector.device': {device!r} but torch sees no CUDA GPU; use cpu or auto")
        return device
    if torch.cuda.is_available():
        if "LOCAL_RANK" in os.environ:
            return f"cuda:{int(os.environ['LOCAL_RANK']) % torch.cuda.device_count()}"
        return "cuda"
    return "cpu"


def pick_dtype(dtype: str, device: str):
    """The autocast dtype, or None for plain fp32. ``auto``: bf16 on a GPU that has it, fp32 elsewhere."""
    import torch

    if dtype == "auto":
        if device.startswith("cuda") and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float16 if device.startswith("cuda") else None
    return {"float32": None, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]


class ModelDetector(Detector):
    """Spans from a token classifier; see the module docstring for the batching."""

    name = "model"

    def __init__(
        self,
        model,
        tokenizer,
        meta,
        thresholds: Mapping[str, float] | None = None,
        default_threshold: float | None = None,
        max_length: int | None = None,
        stride: int | None = None,
        max_tokens_per_batch: int | None = None,
        device: str = "cpu",
        dtype=None,
        tokenize_workers: int = 1,
        tokenize_processes: bool = False,
        prefetch_batches: int = 4,
        quantize: str = "none",
    ):
        self.model, self.tokenizer, self.meta = model, tokenizer, meta
        self.tagset = meta.tag_set()
        self.thresholds = {**meta.thresholds, **(thresholds or {})}
        self.default_threshold = 0.5 if default_threshold is None else default_threshold
        self.max_length = max_length or meta.max_length
        self.stride = meta.stride if stride is None else stride
        self._check_window(model)
        budget = max_tokens_per_batch or (CPU_TOKENS_PER_BATCH if str(device) == "cpu" else GPU_TOKENS_PER_BATCH)
        self.max_tokens_per_batch = max(budget, self.max_length)
        self.device, self.dtype = device, dtype
        self.tokenize_workers, self.prefetch_batches = tokenize_workers, prefetch_batches
        self.tokenize_processes = tokenize_processes
        self.quantize = quantize  # already applied to ``model`` (from_config); part of the fingerprint
        self._pool = None  # tokenizer workers, started on first use and kept until close()
        self.pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        self.windows_run = 0  # counters for benchmarks: windows and real (unpadded) tokens
        self.tokens_run = 0
        self.padded_tokens_run = 0
        self._digest: str | None = None
        self.model_dir: str | None = None  # set by from_config: the fingerprint then hashes its files
        unknown = [c for c in self.thresholds if c not in self.tagset.classes]
        if unknown:
            raise ConfigError(
                f"threshold for {unknown[0]!r}: the model's classes are {', '.join(self.tagset.classes)}"
            )

    def _check_window(self, model) -> None:
        """Window options that cannot work, as config errors now rather than deep ones at the first text."""
        if not 0 <= self.stride < self.max_length - 2:  # 2: the window's special tokens
            raise ConfigError(f"config key 'stride': {self.stride} must be at least 0 and under max_length - 2 "
                              f"({self.max_length - 2}); the model was trained with stride {self.meta.stride}")
        positions = getattr(getattr(model, "config", None), "max_position_embeddings", None)
        if isinstance(positions, int) and self.max_length > positions:
            raise ConfigError(f"config key 'max_length': {self.max_length} is over the model's {positions} positions; "
                              f"use at most {positions} (it was trained with {self.meta.max_length})")

    @classmethod
    def from_config(cls, cfg: "DetectorConfig") -> "ModelDetector":
        from ..model import load_model_dir

        from .quantize import check_quantize, quantize_model

        device = pick_device(cfg.device)
        check_quantize(cfg.quantize, device, cfg.dtype)  # before loading: a config error costs nothing
        model, tokenizer, meta = load_model_dir(cfg.model, device=device)
        model = quantize_model(model, cfg.quantize, device, cfg.dtype)
        detector = cls(
            model,
            tokenizer,
            meta,
            thresholds=dict(cfg.thresholds),
            default_threshold=cfg.default_threshold,
            max_length=cfg.max_length,
            stride=cfg.stride,
            max_tokens_per_batch=cfg.max_tokens_per_batch,
            device=device,
            dtype=pick_dtype(cfg.dtype, device),
            tokenize_workers=cfg.tokenize_workers,
            tokenize_processes=cfg.tokenize_processes,
            prefetch_batches=cfg.prefetch_batches,
            quantize=cfg.quantize,
        )
        detector.model_dir = cfg.model
        return detector

    # ------------------------------------------------------------------ API

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        out: list[list[Span]] = []
        for spans in self.detect_stream(text_chunks(check_texts(texts), CHUNK_CHARS)):
            out.extend(spans)
        return out

    def detect_stream(self, batches: Iterable[Sequence[str]]) -> Iterator[list[list[Span]]]:
        """Span lists per batch of texts, in order.

        Three stages overlap: batches k+1.. are tokenized (worker threads or
        processes) and batch k-1 is decoded to spans (one thread) while the
        model runs batch k.
        """
        pending: deque = deque()  # (texts, future of their windows), oldest first
        decoded: deque = deque()  # futures of span lists, oldest first
        texts_iter = iter(batches)
        if self._pool is None:
            self._pool = tokenizer_pool(self.tokenizer, self.tokenize_workers, self.tokenize_processes)
        pool = self._pool
        with ThreadPoolExecutor(1, thread_name_prefix="codepii-decode") as decoder:

            def submit_next() -> bool:
                for texts in texts_iter:
                    texts = check_texts(texts)
                    future = submit_tokenize(
                        pool, self.tokenizer, tokenizable(texts), self.max_length, self.stride, self.tokenize_processes
                    )
                    pending.append((texts, future))
                    return True
                return False

            for _ in range(self.prefetch_batches):
                if not submit_next():
                    break
            while pending:
                texts, future = pending.popleft()
                submit_next()  # keep the queue full while the model works on this one
                windows = future.result()
                decoded.append(decoder.submit(self._decode, windows, self._forward(windows), texts))
                while len(decoded) > 1:
                    yield decoded.popleft().result()
            while decoded:
                yield decoded.popleft().result()

    def token_probs(self, texts: Sequence[str]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """Per text index: token offsets ``(n, 2)`` and tag probabilities ``(n, n_tags)``, overlapping
        windows averaged: what the spans are decoded from (for uncertainty, e.g. ``crowd select``)."""
        from ..bio import tokenize_windows

        windows = tokenize_windows(self.tokenizer, tokenizable(check_texts(texts)), self.max_length, self.stride)
        return merge_window_probs(windows, self._forward(windows))

    def close(self) -> None:
        """Stop the tokenizer workers (they are also stopped when the detector is collected)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __getstate__(self) -> dict:
        """Everything but the tokenizer workers (threads or processes): a copy starts its own on first use."""
        return {**self.__dict__, "_pool": None}

    def __del__(self) -> None:
        pool = getattr(self, "_pool", None)
        # At interpreter exit concurrent.futures joins its own workers, and the modules shutdown() needs
        # may already be torn down ("'NoneType' object has no attribute 'Empty'" was printed once).
        if pool is not None and not sys.is_finalizing():
            pool.shutdown(wait=False, cancel_futures=True)

    def fingerprint(self) -> str:
        blob = json.dumps(
            {
                "base_model": self.meta.base_model,
                "weights": self._weights_digest(),
                "thresholds": self.thresholds,
                "default_threshold": self.default_threshold,
                "max_length": self.max_length,
                "stride": self.stride,
                "tagset": self.meta.tagset,
                **({"quantize": self.quantize} if self.quantize != "none" else {}),
            },
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    # ------------------------------------------------------------ internals

    def _weights_digest(self) -> str:
        """sha256 of the model dir's weight, config and tokenizer files (of the weights' bytes
        for a model built in memory), computed once."""
        if self._digest is None:
            local = self.model_dir is not None and os.path.isdir(self.model_dir)
            self._digest = model_dir_digest(self.model_dir) if local else _tensor_digest(self.model)
        return self._digest

    def _forward(self, windows: Sequence[Window]) -> list[np.ndarray]:
        """Tag probabilities ``(len(window), n_tags)`` float32 per window, in window order."""
        import torch

        probs: list[np.ndarray | None] = [None] * len(windows)
        cuda = str(self.device).startswith("cuda")
        for width, batch in self._plan([len(w) for w in windows]):
            ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)  # (batch, width)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(windows[i])
                ids[row, :n] = windows[i].input_ids
                mask[row, :n] = windows[i].attention_mask
            ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
            if cuda:
                ids_t = ids_t.pin_memory().to(self.device, non_blocking=True)
                mask_t = mask_t.pin_memory().to(self.device, non_blocking=True)
            with torch.inference_mode(), torch.autocast(
                device_type="cuda" if cuda else "cpu", dtype=self.dtype or torch.float32, enabled=self.dtype is not None
            ):
                # No padding: no mask, so SDPA can use its fused kernel (about 1.7x on CPU).
                no_pad = bool(mask.all())
                logits = self.model(input_ids=ids_t, attention_mask=None if no_pad else mask_t).logits
            batch_probs = torch.softmax(logits.float(), dim=-1).cpu().numpy()  # (batch, width, n_tags)
            for row, i in enumerate(batch):
                probs[i] = batch_probs[row, : len(windows[i])]
            self.windows_run += len(batch)
            self.tokens_run += int(mask.sum())
            self.padded_tokens_run += mask.size
        return probs  # type: ignore[return-value]

    def _plan(self, lengths: list[int]) -> list[tuple[int, list[int]]]:
        """``(padded width, window indices)`` per forward pass: shapes from a fixed set on a CPU, where
        oneDNN builds kernels per shape; least padding on a GPU."""
        if str(self.device) == "cpu":
            return plan_shaped_batches(lengths, self.max_tokens_per_batch, CPU_WIDTH_MULTIPLE, self.max_length)
        return [(lengths[b[0]], b) for b in plan_batches(lengths, self.max_tokens_per_batch)]

    def _decode(self, windows: Sequence[Window], probs: Sequence[np.ndarray], texts: Sequence[str]) -> list[list[Span]]:
        merged = merge_window_probs(windows, probs)
        out = []
        for i, text in enumerate(texts):
            spans = (
                spans_from_probs(*merged[i], self.tagset, self.thresholds, self.default_threshold) if i in merged else []
            )
            out.append(snap_to_words(text, strip_spans(text, spans)))  # no NAME/USERNAME/ID ends inside a word
        return out


# Files of a model dir that change what the model predicts.
_MODEL_FILE_SUFFIXES = (".safetensors", ".bin", ".json", ".model", ".txt")


def model_dir_digest(model_dir: str) -> str:
    """sha256 over the weight, config and tokenizer files of a model dir (names and bytes)."""

    digest = hashlib.sha256()
    for name in sorted(os.listdir(model_dir)):
        path = os.path.join(model_dir, name)
        if not (os.path.isfile(path) and name.endswith(_MODEL_FILE_SUFFIXES)):
            continue
        digest.update(name.encode() + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:16]


def _tensor_digest(model) -> str:
    import torch

    digest = hashlib.sha256()
    with torch.inference_mode():
        for name, tensor in model.state_dict().items():
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()[:16]
