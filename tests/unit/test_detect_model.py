"""ModelDetector mechanics on a tiny random BERT: offsets, determinism, overlap averaging, batch independence."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from codepii.bio import tokenize_windows  # noqa: E402
from codepii.labels import inside_tag  # noqa: E402
from codepii.detect import build_detector  # noqa: E402
from codepii.detect.batching import plan_batches, plan_shaped_batches  # noqa: E402
from codepii.detect.model_detector import ModelDetector, pick_device, pick_dtype  # noqa: E402
from codepii.model import save_random_model_dir  # noqa: E402

CODE = [
    "def connect(host='10.0.0.5', user='alice', password='hunter2'):\n    return db(host, user)\n",
    "# Author: Jane Doe <jane.doe@gmail.com>\nAPI_KEY = 'ghp_yi9nh9321fxyvky6cpodrun8z74dwbu2k1b4'\n",
    "for i in range(10):\n    print(i * 2)  # nothing here\n",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("tiny-model"))
    # Random weights give near-uniform tag probabilities; a low threshold makes spans appear.
    return save_random_model_dir(path, CODE * 20, max_length=24, stride=8, thresholds={"NAME": 0.1}, hidden_size=32, num_layers=1, num_heads=2, intermediate_size=64)


def texts():
    return [CODE[0] * 3, CODE[1], "", CODE[2] * 2, CODE[1] * 4]


def detector(model_dir, **options):
    return build_detector("model", model_dir, default_threshold=0.05, **options)


def test_spans_valid_and_deterministic(model_dir):
    d = detector(model_dir)
    ts = texts()
    first = d.detect(ts)
    assert len(first) == len(ts) and first[2] == []
    assert sum(map(len, first)) > 0
    for t, spans in zip(ts, first):
        for a, b in zip(spans, spans[1:]):
            assert a.end <= b.start
        for s in spans:
            assert 0 <= s.start < s.end <= len(t) and t[s.start : s.end].strip() == t[s.start : s.end]
            assert s.category in d.tagset.classes and 0.0 <= s.score <= 1.0
    assert d.detect(ts) == first
    assert detector(model_dir).fingerprint() == d.fingerprint()
    assert detector(model_dir, thresholds={"KEY": 0.9}).fingerprint() != d.fingerprint()


def test_decoding_snaps_name_username_id_to_whole_words(model_dir, monkeypatch):
    """Every model-derived span goes through detect.words: pieces of words are snapped out or dropped."""
    import codepii.detect.model_detector as md
    from codepii.spans import Span

    t = CODE[0]
    glued = [
        Span(t.index("alice") + 1, t.index("alice") + 5, "USERNAME", 0.9),  # "lice": snapped to "alice"
        Span(t.index("connect"), t.index("connect") + 2, "NAME", 0.9),  # "co": dropped
        Span(t.index("hunter2"), t.index("hunter2") + 7, "PASSWORD", 0.9),  # whole: unchanged
    ]
    monkeypatch.setattr(md, "spans_from_probs", lambda *args, **kwargs: list(glued))
    spans = detector(model_dir).detect([t])[0]
    assert [(t[s.start : s.end], s.category) for s in spans] == [("alice", "USERNAME"), ("hunter2", "PASSWORD")]


def same(a, b):
    """Equal spans; scores equal up to float noise from a different batch composition (padding)."""
    assert [[(s.start, s.end, s.category) for s in x] for x in a] == [[(s.start, s.end, s.category) for s in x] for x in b]
    np.testing.assert_allclose([s.score for x in a for s in x], [s.score for x in b for s in x], atol=1e-5)


def test_batching_and_order_do_not_change_results(model_dir):
    ts = texts()
    base = detector(model_dir).detect(ts)
    small_batches = detector(model_dir, max_tokens_per_batch=48, tokenize_workers=2, prefetch_batches=1)
    same(small_batches.detect(ts), base)
    assert small_batches.padded_tokens_run <= 48 * small_batches.windows_run
    # One text at a time, and through the streaming API in uneven batches.
    same([small_batches.detect([t])[0] for t in ts], base)
    same([s for batch in small_batches.detect_stream([ts[:2], ts[2:3], ts[3:]]) for s in batch], base)
    same(detector(model_dir).detect(ts[::-1]), base[::-1])


def test_window_overlap_averaging(model_dir):
    """A token seen by two windows gets the mean of the two windows' probabilities."""
    d = detector(model_dir)
    text = CODE[0] * 2
    windows = tokenize_windows(d.tokenizer, [text], d.max_length, d.stride)
    assert len(windows) >= 2
    probs = d._forward(windows)
    shared = sorted(set(windows[0].offsets[1:-1]) & set(windows[1].offsets[1:-1]))
    assert len(shared) >= d.stride - 1
    from codepii.bio import merge_window_probs

    offsets, merged = merge_window_probs(windows, probs)[0]
    row = {tuple(o): merged[k] for k, o in enumerate(offsets.tolist())}
    off = shared[0]
    p0 = probs[0][windows[0].offsets.index(off)]
    p1 = probs[1][windows[1].offsets.index(off)]
    assert not np.allclose(p0, p1)  # the two contexts differ ...
    np.testing.assert_allclose(row[off], (p0 + p1) / 2, rtol=1e-6)  # ... and are averaged


def test_thresholds_from_meta_and_overrides(model_dir):
    d = detector(model_dir)
    assert d.thresholds["NAME"] == 0.1
    strict = detector(model_dir, thresholds={"NAME": 1.0, "EMAIL": 1.0, "USERNAME": 1.0, "PASSWORD": 1.0,
                                             "KEY": 1.0, "ID": 1.0, "IP_ADDRESS": 1.0})
    assert all(s == [] for s in strict.detect(texts()))


def test_plan_batches_budget_and_cover():
    lengths = [5, 24, 3, 24, 10, 7, 7, 1]
    batches = plan_batches(lengths, 30)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 30
        assert [lengths[i] for i in b] == sorted((lengths[i] for i in b), reverse=True)
    # Full windows of one length that fill a quarter of the budget get padding-free batches.
    lengths = [24, 9, 24, 24, 8, 24, 24, 3]
    batches = plan_batches(lengths, 48)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    full = [b for b in batches if any(lengths[i] == 24 for i in b)]
    assert all({lengths[i] for i in b} == {24} and len(b) <= 2 for b in full)
    assert sum(len(b) for b in full) == 5


def test_plan_shaped_batches_draw_shapes_from_a_small_set():
    """CPU batches: widths rounded up to the multiple (capped at the window length), power-of-two rows."""
    lengths = [512] * 11 + [500, 130, 129, 128, 64, 3, 70, 300] + [200] * 5
    batches = plan_shaped_batches(lengths, 2048, 64, 512)
    assert sorted(i for _, b in batches for i in b) == list(range(len(lengths)))
    for width, b in batches:
        assert all(lengths[i] <= width < lengths[i] + 64 for i in b)  # each window fits, padding < the multiple
        assert width % 64 == 0 and len(b) & (len(b) - 1) == 0  # a power of two
        assert len(b) == 1 or len(b) * width <= 2048
        assert [lengths[i] for i in b] == sorted((lengths[i] for i in b), reverse=True)
    assert [len(b) for w, b in batches if w == 512] == [4, 4, 4]  # 12 windows: 4 + 4 + 4
    assert [len(b) for w, b in batches if w == 256] == [4, 1]  # 5 windows of 200: 4 + 1
    assert {w for w, _ in batches} == {512, 320, 256, 192, 128, 64}
    full = next(b for w, b in batches if w == 512)
    assert all(lengths[i] == 512 for i in full)  # full windows first: a batch with no padding
    # The width never exceeds the window length (max_width) unless a window is longer.
    assert {w for w, _ in plan_shaped_batches([20, 24, 24], 100, 64, 24)} == {24}


def test_token_budget_default_depends_on_the_device(model_dir):
    from codepii.detect.model_detector import CPU_TOKENS_PER_BATCH, GPU_TOKENS_PER_BATCH
    from codepii.model import load_model_dir

    assert detector(model_dir, device="cpu").max_tokens_per_batch == CPU_TOKENS_PER_BATCH
    assert detector(model_dir, device="cpu", max_tokens_per_batch=100).max_tokens_per_batch == 100
    model, tok, meta = load_model_dir(model_dir)
    assert ModelDetector(model, tok, meta, device="cuda").max_tokens_per_batch == GPU_TOKENS_PER_BATCH  # no GPU used
    assert ModelDetector(model, tok, meta, max_tokens_per_batch=4).max_tokens_per_batch == 24  # at least one window


def test_device_and_dtype_selection():
    assert pick_device("cpu") == "cpu"
    assert pick_dtype("auto", "cpu") is None and pick_dtype("float32", "cuda") is None
    assert pick_dtype("bfloat16", "cpu") == torch.bfloat16
    if not torch.cuda.is_available():
        assert pick_device("auto") == "cpu"
        from codepii.errors import ConfigError

        with pytest.raises(ConfigError, match="no CUDA"):
            pick_device("cuda")


def test_bf16_autocast_on_cpu_runs(model_dir):
    spans = detector(model_dir, dtype="bfloat16").detect(texts())
    assert len(spans) == len(texts())


def test_hybrid_with_model(model_dir):
    hybrid = build_detector("hybrid", model_dir, default_threshold=0.05)
    t = CODE[1]
    spans = hybrid.detect([t])[0]
    texts_by_cat = {(s.category, t[s.start : s.end]) for s in spans}
    assert ("EMAIL", "jane.doe@gmail.com") in texts_by_cat
    assert ("KEY", "ghp_yi9nh9321fxyvky6cpodrun8z74dwbu2k1b4") in texts_by_cat
    assert all(not a.overlaps(b) for a, b in zip(spans, spans[1:]))


def test_unknown_threshold_class(model_dir, tmp_path):
    from codepii.errors import ConfigError
    from codepii.model import load_model_dir

    model, tok, meta = load_model_dir(model_dir)
    with pytest.raises(ConfigError, match="classes"):
        ModelDetector(model, tok, meta, thresholds={"AMBIGUOUS": 0.5})


def test_detect_command_with_model(model_dir, tmp_path):
    import json

    from codepii.cli import main

    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "content": t}) + "\n" for i, t in enumerate(texts())))
    out = tmp_path / "pred.jsonl"
    args = ["detect", "--model", model_dir, "--input", str(src), "--out", str(out), "--option", "default_threshold=0.05"]
    assert main(args + ["--detector", "hybrid", "--threshold", "KEY=0.2"]) == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == list(range(len(texts())))
    assert any(e["category"] == "EMAIL" and texts()[r["id"]][e["start"] : e["end"]] == "jane.doe@gmail.com"
               for r in rows for e in r["entities"])


def reference_merge(windows, probs):
    """The obvious per-token loop: the oracle for bio's vectorized merge."""
    acc = {}
    for w, p in zip(windows, probs):
        per = acc.setdefault(w.sample, {})
        for t, (off, special) in enumerate(zip(w.offsets, w.special)):
            if not special and off[0] != off[1]:
                total, n = per.get(off, (0.0, 0))
                per[off] = (total + p[t].astype(np.float64), n + 1)
    return {s: (np.array(sorted(per), dtype=np.int64).reshape(-1, 2), np.stack([per[k][0] / per[k][1] for k in sorted(per)]))
            for s, per in acc.items() if per}


def test_vectorized_merge_equals_a_per_token_loop(model_dir):
    from codepii.bio import merge_window_probs

    d = detector(model_dir)
    ts = texts()
    windows = tokenize_windows(d.tokenizer, ts, d.max_length, d.stride)
    probs = d._forward(windows)
    slow, fast = reference_merge(windows, probs), merge_window_probs(windows, probs)
    assert sorted(slow) == sorted(s for s in fast if len(fast[s][0]))
    for sample in slow:
        np.testing.assert_array_equal(slow[sample][0], fast[sample][0])
        np.testing.assert_array_equal(slow[sample][1], fast[sample][1])  # same summation order: bit-identical
    assert merge_window_probs([], []) == {}


def test_tokenizer_processes_give_the_same_result(model_dir):
    ts = texts()
    with_threads = detector(model_dir).detect(ts)
    procs = detector(model_dir, tokenize_workers=2, tokenize_processes=True)
    try:
        same(procs.detect(ts), with_threads)
        same(procs.detect(ts[:2]), with_threads[:2])  # the pool is reused across calls
    finally:
        procs.close()
    assert procs._pool is None


@pytest.mark.parametrize("entity_share", [0.05, 0.2, 0.8])
@pytest.mark.parametrize("glued", [False, True])
def test_run_wise_decoding_equals_bio(model_dir, entity_share, glued):
    """Decoding stretch by stretch gives bio's spans: sparse (trained-like) and dense tag
    probabilities; tokens with gaps between them and glued tokens (bio fills a lone O there)."""
    from codepii.bio import probs_to_spans
    from codepii.detect.batching import spans_from_probs

    d = detector(model_dir)
    rng = np.random.default_rng(int(entity_share * 100) + glued)
    n_tags = len(d.tagset.tags)
    width = 2 if glued else 3
    offsets = np.array([(width * t, width * t + 2) for t in range(600)])
    logits = rng.normal(0, 1, (600, n_tags))
    entity = rng.random(600) < entity_share
    entity[100:103] = [True, False, True]  # a lone O inside an entity
    logits[~entity, 0] += 6  # O dominates most tokens
    cls = rng.integers(1, n_tags, entity.sum())
    email = d.tagset.tag2id[inside_tag("EMAIL")]
    logits[entity, cls] += rng.uniform(0, 6, entity.sum())
    logits[[100, 102], email] += 12
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    for threshold in (0.05, 0.3, 0.6):
        fast = spans_from_probs(offsets, probs, d.tagset, {"NAME": 0.9}, threshold)
        assert fast == probs_to_spans(offsets, probs, d.tagset, {"NAME": 0.9}, threshold)
        assert entity_share > 0.5 or len(fast) > 0
    if glued:  # the lone O was filled: one span covers tokens 100..102
        fast = spans_from_probs(offsets, probs, d.tagset, {}, 0.3)
        assert any(s.start <= offsets[100, 0] and s.end >= offsets[102, 1] for s in fast)


@pytest.mark.gpu
def test_gpu_bf16_matches_cpu(model_dir):
    """On a GPU: bf16 autocast, SDPA, pinned copies; tag probabilities agree with the CPU's up to bf16 rounding."""
    cpu = detector(model_dir)
    gpu = detector(model_dir, device="cuda")
    assert gpu.device == "cuda" and gpu.dtype in (torch.bfloat16, torch.float16)
    assert gpu.model.config._attn_implementation == "sdpa"
    windows = tokenize_windows(cpu.tokenizer, texts(), cpu.max_length, cpu.stride)
    for p_cpu, p_gpu in zip(cpu._forward(windows), gpu._forward(windows)):
        np.testing.assert_allclose(p_gpu, p_cpu, atol=0.02)
    assert len(gpu.detect(texts())) == len(texts())


@pytest.mark.parametrize("missing", ["tokenizer", "weights"])
def test_an_incomplete_model_dir_is_one_error_naming_it(model_dir, tmp_path, missing):
    # A model dir copied without its tokenizer or weights was a transformers traceback (ValueError/OSError).
    import os
    import shutil

    from codepii.errors import CodepiiError

    broken = tmp_path / "model"
    shutil.copytree(model_dir, broken)
    for name in os.listdir(broken):
        if (missing == "tokenizer" and name.startswith("tokenizer")) or (missing == "weights" and name.startswith("model.")):
            os.remove(broken / name)
    with pytest.raises(CodepiiError, match=rf"{broken}: cannot load the (tokenizer|model) .*; copy the whole model dir"):
        build_detector("model", str(broken))


def test_the_run_dir_instead_of_its_model_dir_says_which_to_pass(model_dir, tmp_path):
    import shutil

    from codepii.errors import CodepiiError

    shutil.copytree(model_dir, tmp_path / "run" / "model")
    with pytest.raises(CodepiiError, match=rf"pass {tmp_path / 'run' / 'model'}"):
        build_detector("model", str(tmp_path / "run"))


def test_texts_must_be_a_list_of_strings(model_dir):
    from codepii.errors import RecordError

    d = detector(model_dir)
    with pytest.raises(TypeError, match="list of texts.*got a single str"):
        d.detect("abc")  # was three one-character texts, silently
    with pytest.raises(RecordError, match=r"texts\[0\] is null, not a string"):
        d.detect([None])
    with pytest.raises(RecordError, match=r"texts\[1\] is int, not a string"):
        list(d.detect_stream([["ok", 5]]))


def test_lone_surrogates_and_astral_characters_give_valid_offsets(model_dir):
    # JSON input can hold "\ud800"; the tokenizer refuses such a str. Each lone surrogate is one code point,
    # like the U+FFFD it is tokenized as, so the spans' offsets stay those of the original text.
    d = detector(model_dir)
    texts = ["\ud800 " + CODE[1], "😀𝔸 " + CODE[1] + " \udfff", "\ufffd " + CODE[1]]
    found = d.detect(texts)
    assert found[0] == found[2]
    for t, spans in zip(texts, found):
        assert spans and all(0 <= s.start < s.end <= len(t) for s in spans)


def test_pickles_after_use(model_dir):
    # A used detector holds its tokenizer workers (a thread pool): pickling it (Masker(detector) in
    # datasets.map(num_proc=N)) failed with "cannot pickle '_queue.SimpleQueue'". A copy starts its own.
    import pickle

    d = detector(model_dir)
    before = d.detect(texts())
    copy = pickle.loads(pickle.dumps(d))
    assert copy.detect(texts()) == before and copy.fingerprint() == d.fingerprint()
    assert d.detect(texts()) == before  # the original keeps its workers


@pytest.mark.parametrize("options, message", [
    ({"stride": 30}, r"'stride': 30 must be at least 0 and under max_length - 2 \(22\)"),
    ({"stride": -1}, r"'stride': -1 must be at least 0"),
    ({"max_length": 2, "stride": 0}, r"'stride': 0 must be at least 0 and under max_length - 2 \(0\)"),
    ({"max_length": 4096}, r"'max_length': 4096 is over the model's \d+ positions"),
    ({"device": "cpux"}, r"'detector.device': 'cpux' is not a torch device"),
])
def test_window_and_device_options_are_checked_when_built(model_dir, options, message):
    # These failed at the first detect, deep in the tokenizer (OverflowError), bio (ValueError) or the
    # model's position embeddings (RuntimeError: the expanded size of the tensor ...), or in torch's .to().
    from codepii.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        detector(model_dir, **options)
