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
