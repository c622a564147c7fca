"""The ModelDetector's plumbing: batch planning, tokenizer workers, vectorized window merging.

Kept apart from ``model_detector.py`` so each file stays small; nothing here
needs torch.
"""
from __future__ import annotations

from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Iterator, Sequence

import numpy as np

from ..bio import Window, tokenize_windows
from ..spans import Span


def plan_batches(lengths: Sequence[int], max_tokens_per_batch: int) -> list[list[int]]:
    """Window indices grouped into batches of at most ``max_tokens_per_batch`` padded tokens.

    A batch's cost is ``n_windows x its longest window``. Windows of one exact
    length that fill a quarter of the budget or more (the full windows of long
    files) get batches of their own: no padding, so no attention mask, which
    lets SDPA take its fast path. The rest are sorted by length, longest first,
    so padding stays small. A window longer than the budget gets a batch alone.
    """
    by_length: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        by_length.setdefault(n, []).append(i)
    batches: list[list[int]] = []
    rest: list[int] = []
    for n, members in sorted(by_length.items(), reverse=True):
        if len(members) * n * 4 >= max_tokens_per_batch:
            per_batch = max(1, max_tokens_per_batch // max(n, 1))
            batches += [members[k : k + per_batch] for k in range(0, len(members), per_batch)]
        else:
            rest += members
    current: list[int] = []
    for i in rest:  # already longest first
        if current and (len(current) + 1) * lengths[current[0]] > max_tokens_per_batch:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def plan_shaped_batches(
    lengths: Sequence[int], max_tokens_per_batch: int, width_multiple: int, max_width: int
) -> list[tuple[int, list[int]]]:
    """``(padded width, window indices)`` batches whose shapes come from a small fixed set (for CPUs).

    oneDNN builds a kernel for every new input shape of a bf16 (or int8)
    matmul, ~5 ms each, ~30 ms per batch shape on a 4-layer BERT: more than
    the forward pass of a small batch, and paid again whenever the shape has
    not been seen (the pipeline's fp32 path has no such cost). Here widths are
    rounded up to a multiple of ``width_multiple`` (at most ``max_width``) and
    the windows per batch are a power of two (the largest within
    ``max_tokens_per_batch``, the rest of a width split in powers of two), so a
    run builds a few dozen shapes once and then reuses them. Within a width,
    windows go longest first: full windows share batches with no padding.
    """
    by_width: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        width = max(n, min(-(-n // width_multiple) * width_multiple, max_width))
        by_width.setdefault(width, []).append(i)
    batches: list[tuple[int, list[int]]] = []
    for width, members in sorted(by_width.items(), reverse=True):
        members.sort(key=lambda i: -lengths[i])
        rows = 1 << (max(1, max_tokens_per_batch // width).bit_length() - 1)  # largest power of two in budget
        k = 0
        while k < len(members):
            take = min(rows, 1 << ((len(members) - k).bit_length() - 1))
            batches.append((width, members[k : k + take]))
            k += take
    return batches


def spans_from_probs(
    offsets: np.ndarray, probs: np.ndarray, tagset, thresholds, default_threshold: float
) -> list[Span]:
    """``bio.probs_to_spans``, called only on the stretches of tokens that can be entities.

    A token can be part of a span only if some class outweighs O and reaches
    the lowest threshold (a superset of bio's test), or if it is a single token
    between two such tokens (bio fills a lone O glued inside an entity). Any
    other token ends every span, so running bio on each maximal stretch gives
    the same spans as one call on the whole text, without a Python step per O
    token (tested against bio).
    """
    from ..bio import probs_to_spans
    from ..labels import OUTSIDE, begin_tag, inside_tag

    if len(offsets) == 0:
        return []
    tag2id = tagset.tag2id
    b_idx = [tag2id[begin_tag(c)] for c in tagset.classes]
    i_idx = [tag2id[inside_tag(c)] for c in tagset.classes]
    best = (probs[:, b_idx] + probs[:, i_idx]).max(axis=1)  # (n_tokens,)
    lowest = min([(thresholds or {}).get(c, default_threshold) for c in tagset.classes])
    candidate = (best > probs[:, tag2id[OUTSIDE]]) & (best >= lowest)
    if candidate.mean() > 0.5:  # dense: one call is cheaper than many
        return probs_to_spans(offsets, probs, tagset, thresholds, default_threshold)
    edges = np.flatnonzero(np.diff(np.r_[0, candidate.astype(np.int8), 0]))
    runs = [[int(a), int(b)] for a, b in zip(edges[::2], edges[1::2])]  # [start, end) token indices
    stretches: list[list[int]] = []
    for run in runs:
        if stretches and run[0] - stretches[-1][1] <= 1:  # one token between: bio may fill it
            stretches[-1][1] = run[1]
        else:
            stretches.append(run)
    spans: list[Span] = []
    for a, b in stretches:
        spans += probs_to_spans(offsets[a:b], probs[a:b], tagset, thresholds, default_threshold)
    return spans


def strip_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """Spans without leading/trailing whitespace (a whitespace-only token, e.g. newline + indent,
    can start or end a run of tokens); spans left empty are dropped."""
    out = []
    for s in spans:
        start, end = s.start, s.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            out.append(s if (start, end) == (s.start, s.end) else Span(start, end, s.category, s.score))
    return out


def text_chunks(texts: Sequence[str], max_chars: int) -> Iterator[list[str]]:
    """Consecutive runs of texts of about ``max_chars`` characters in all."""
    chunk: list[str] = []
    size = 0
    for t in texts:
        chunk.append(t)
        size += len(t)
        if size >= max_chars:
            yield chunk
            chunk, size = [], 0
    if chunk or not texts:
        yield chunk


# -------------------------------------------------------------- tokenizer workers

_WORKER_TOKENIZER = None


def _init_worker(tokenizer) -> None:
    global _WORKER_TOKENIZER
    _WORKER_TOKENIZER = tokenizer


def _tokenize_in_worker(texts: list[str], max_length: int, stride: int) -> list[Window]:
    return tokenize_windows(_WORKER_TOKENIZER, texts, max_length, stride) if texts else []


def tokenizer_pool(tokenizer, workers: int, processes: bool) -> Executor:
    """Threads share the tokenizer (its Rust core releases the GIL, the per-token Python of
    ``bio.tokenize_windows`` does not); processes (spawned, each with a copy) scale that part too."""
    if processes:
        import multiprocessing

        return ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("spawn"), initializer=_init_worker, initargs=(tokenizer,)
        )
    return ThreadPoolExecutor(workers, thread_name_prefix="codepii-tokenize")


def submit_tokenize(pool: Executor, tokenizer, texts: list[str], max_length: int, stride: int, processes: bool):
    if processes:
        return pool.submit(_tokenize_in_worker, texts, max_length, stride)
    return pool.submit(lambda: tokenize_windows(tokenizer, texts, max_length, stride) if texts else [])
