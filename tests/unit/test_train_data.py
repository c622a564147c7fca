import json
import os
import random

import pytest

from codepii.errors import CodepiiError
from codepii.labels import IGNORE_INDEX, TagSet
from codepii.model import train_tokenizer
from codepii.train_config import DataConfig, LabelsConfig
from codepii.train_data import (
    LengthGroupedBatchSampler,
    cached_tokenizer,
    in_eval_split,
    load_gold_splits,
    padding_fraction,
    records_hash,
    tokenize_records,
)

TEXT = "user = 'alice'\nmail = 'alice@corp.io'\nhost = '10.1.2.3'\n"


def _records(n=12):
    out = []
    for i in range(n):
        content = TEXT * (1 + i % 4)
        ents = []
        for k in range(1 + i % 4):
            base = k * len(TEXT)
            ents += [
                {"start": base + 8, "end": base + 13, "category": "USERNAME"},
                {"start": base + 23, "end": base + 36, "category": "EMAIL"},
                {"start": base + 46, "end": base + 54, "category": "IP_ADDRESS"},
            ]
        out.append({"id": f"r{i}", "content": content, "entities": ents})
    return out


def test_sampler_covers_every_index_once_and_depends_on_seed_and_epoch():
    lengths = [random.Random(0).randint(5, 100) for _ in range(103)]
    s = LengthGroupedBatchSampler(lengths, batch_size=8, seed=1)
    first = s.batches()
    assert sorted(i for b in first for i in b) == list(range(103)) and len(first) == len(s) == 13
    assert LengthGroupedBatchSampler(lengths, 8, seed=1).batches() == first  # same (seed, epoch): same order
    s.set_epoch(1)
    assert s.batches() != first


def test_length_grouping_cuts_padding():
    rng = random.Random(0)
    # windows of real files: most full-length, one short tail per file
    lengths = [256] * 600 + [rng.randint(10, 255) for _ in range(400)]
    grouped = LengthGroupedBatchSampler(lengths, 16, seed=0, group_by_length=True).batches()
    plain = LengthGroupedBatchSampler(lengths, 16, seed=0, group_by_length=False).batches()
    assert padding_fraction(lengths, grouped) < 0.05 < padding_fraction(lengths, plain)


def test_eval_split_is_stable_and_about_the_fraction():
    ids = [f"file-{i}" for i in range(2000)]
    held = [i for i in ids if in_eval_split(i, 0.1)]
    assert held == [i for i in ids if in_eval_split(i, 0.1)]
    assert 150 < len(held) < 250


def test_load_gold_splits(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _records(40)))
    train, evaluation = load_gold_splits(DataConfig(train=str(path), eval_fraction=0.25))
    assert len(train) + len(evaluation) == 40 and evaluation
    assert not {r["id"] for r in train} & {r["id"] for r in evaluation}
    with pytest.raises(CodepiiError, match="evaluation records"):
        load_gold_splits(DataConfig(train=str(path), eval_fraction=1e-9))


def test_tokenize_records_labels_and_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    records = _records()
    tok = train_tokenizer([r["content"] for r in records], vocab_size=300)
    tagset = TagSet.from_mapping("default")
    labels = LabelsConfig(max_length=32, stride=4)
    ds = tokenize_records(records, tok, tagset, labels)
    assert set(ds.column_names) == {"input_ids", "attention_mask", "labels", "sample", "length"}
    assert sorted(set(ds["sample"])) == list(range(len(records)))  # record indices, not batch-local
    assert all(n <= 32 for n in ds["length"])
    assert any(label > 0 for row in ds["labels"] for label in row)
    cached = os.listdir(tmp_path / "cache" / "codepii-tokenized")
    assert len(cached) == 1
    again = tokenize_records(records, tok, tagset, labels)
    assert again["labels"] == ds["labels"] and os.listdir(tmp_path / "cache" / "codepii-tokenized") == cached
    first_only = tokenize_records(records, tok, tagset, LabelsConfig(max_length=32, stride=4, label_all_tokens=False))
    assert len(os.listdir(tmp_path / "cache" / "codepii-tokenized")) == 2  # the key includes the labeling settings
    assert sum(label == IGNORE_INDEX for row in first_only["labels"] for label in row) >= sum(
        label == IGNORE_INDEX for row in ds["labels"] for label in row
    )


def test_records_hash_and_cached_tokenizer(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    records = _records(4)
    assert records_hash(records) == records_hash(_records(4)) != records_hash(records[:3])
    texts = [r["content"] for r in records]
    a = cached_tokenizer(None, texts, 300)
    b = cached_tokenizer(None, texts, 300)  # loaded from $HF_HOME/codepii-tokenizers
    assert a.get_vocab() == b.get_vocab() and len(os.listdir(tmp_path / "codepii-tokenizers")) == 1
    ckpt = tmp_path / "ckpt"
    a.save_pretrained(str(ckpt / "tokenizer"))
    assert cached_tokenizer(str(ckpt), ["other text"], 300).get_vocab() == a.get_vocab()  # resume: the checkpoint's copy


def _unresolved_record():
    """One known USERNAME; the EMAIL task of the 2nd line was left unresolved by the crowd (no EMAIL entity)."""
    content = TEXT * 3
    line2 = (TEXT.index("\n") + 1, TEXT.index("\n", TEXT.index("\n") + 1) + 1)
    return {
        "id": "u1",
        "content": content,
        "entities": [{"start": 8, "end": 13, "category": "USERNAME"}],
        "unresolved": [{"project": "EMAIL", "chunk_id": "u1:2", "start": line2[0], "end": line2[1]}],
    }


def _email_targets(ds, record, tok, labels):
    """The label ids of every token that overlaps the unlabeled email, over all windows."""
    from codepii.bio import tokenize_windows

    email = (TEXT.index("alice@"), TEXT.index("alice@") + len("alice@corp.io"))
    windows = tokenize_windows(tok, [record["content"]], labels.max_length, labels.stride)
    out = []
    for w, row in zip(windows, ds["labels"]):
        out += [label for (a, b), label in zip(w.offsets, row) if a < email[1] and email[0] < b]
    return out


def test_pii_inside_an_unresolved_range_is_never_an_O_target(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(_unresolved_record()) + "\n")
    (record,) = load_gold_splits(DataConfig(train=str(path), eval=str(path)))[0]  # the reader keeps the ranges
    assert record["unresolved"][0]["project"] == "EMAIL"
    tok = train_tokenizer([record["content"]] * 4, vocab_size=300)
    tagset = TagSet.from_mapping("default")
    labels = LabelsConfig(max_length=16, stride=4)
    O = tagset.tag2id["O"]
    ignored = tokenize_records([record], tok, tagset, labels, cache=False)
    targets = _email_targets(ignored, record, tok, labels)
    assert targets and O not in targets and set(targets) == {IGNORE_INDEX}
    assert tagset.tag2id["B-USERNAME"] in ignored["labels"][0]  # resolved projects still train
    # the old behaviour, kept as an option, does teach O there: the check above can fail
    assert O in _email_targets(tokenize_records([record], tok, tagset, labels, cache=False, unresolved="outside"),
                               record, tok, labels)
    dropped = tokenize_records([record], tok, tagset, labels, cache=False, unresolved="drop_window")
    assert 0 < len(dropped) < len(ignored)
    assert any(label == O for row in dropped["labels"] for label in row)  # the other windows keep their O


def test_low_confidence_fallback_spans_and_tasks_are_not_trained(tmp_path):
    record = {
        "id": "f1", "content": TEXT,
        "entities": [{"start": 8, "end": 13, "category": "USERNAME", "confidence": 0.3}],
        "fallback": [{"project": "USERNAME", "chunk_id": "f1:1", "start": 0, "end": len(TEXT), "confidence": 0.3}],
    }
    tok = train_tokenizer([TEXT] * 4, vocab_size=300)
    tagset = TagSet.from_mapping("default")
    labels = LabelsConfig(max_length=64, stride=4)
    kept = tokenize_records([record], tok, tagset, labels, cache=False)
    assert tagset.tag2id["B-USERNAME"] in kept["labels"][0]  # min_confidence 0: trained as labeled
    strict = tokenize_records([record], tok, tagset, labels, cache=False, min_confidence=0.5)
    assert set(strict["labels"][0]) == {IGNORE_INDEX}  # the whole task is unknown below the confidence
    with pytest.raises(CodepiiError, match="data.unresolved"):
        tokenize_records([record], tok, tagset, labels, cache=False, unresolved="guess")
