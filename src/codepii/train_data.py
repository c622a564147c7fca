"""Training data: gold records -> cached tokenized BIO windows -> length-grouped batches.

Tokenized windows are a ``datasets.Dataset`` built with ``.map(batched=True)``
and cached as one Arrow file under ``$HF_HOME/datasets/codepii-tokenized``,
keyed by the tokenizer, the labeling settings and a hash of the records, so a
second run (or a resumed one, or the other processes of a launch) loads it.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import zlib
from typing import Iterator, Mapping, Sequence

from .errors import CodepiiError
from .labels import TagSet
from .io import read_gold
from .train_config import DataConfig, LabelsConfig

MODEL_COLUMNS = ["input_ids", "attention_mask", "labels"]
UNRESOLVED_MODES = ("ignore", "drop_window", "outside")  # data.unresolved


def in_eval_split(record_id: object, fraction: float) -> bool:
    """A stable split by a hash of the record id (same answer on every run and process)."""
    return zlib.crc32(str(record_id).encode()) % 10_000 < fraction * 10_000


def load_gold_splits(data: DataConfig) -> tuple[list[dict], list[dict]]:
    """Train and eval gold records; without ``data.eval`` a hashed fraction of train is held out."""
    train = list(read_gold(data.train, overlaps=data.overlaps))
    if data.eval:
        evaluation = list(read_gold(data.eval, overlaps=data.overlaps))
    else:
        evaluation = [r for r in train if in_eval_split(r["id"], data.eval_fraction)]
        train = [r for r in train if not in_eval_split(r["id"], data.eval_fraction)]
    if data.max_records is not None:
        train = train[: data.max_records]
    if not train:
        raise CodepiiError(f"{data.train}: no training records (after holding out eval); add data or set data.eval")
    if not evaluation:
        raise CodepiiError(f"{data.eval or data.train}: no evaluation records; set data.eval=PATH or raise data.eval_fraction")
    return train, evaluation


def records_hash(records: Sequence[Mapping]) -> str:
    """sha256 of the ids, texts and entities, in order (saved in codepii.json as the training data hash)."""
    h = hashlib.sha256()
    for r in records:
        h.update(json.dumps([r["id"], r["content"], r["entities"]], sort_keys=True, default=str).encode())
        h.update(b"\n")
    return h.hexdigest()


def tokenizer_hash(tokenizer) -> str:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        blob = json.dumps(tokenizer.get_vocab(), sort_keys=True)
    else:
        # Truncation/padding are call settings the tokenizer remembers, not part of its identity.
        state = {k: v for k, v in json.loads(backend.to_str()).items() if k not in ("truncation", "padding")}
        blob = json.dumps(state, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _hf_home() -> str:
    return os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")


def cache_path(key: str) -> str:
    """Where a tokenized split is cached; respects HF_DATASETS_CACHE and HF_HOME."""
    root = os.environ.get("HF_DATASETS_CACHE") or os.path.join(_hf_home(), "datasets")
    return os.path.join(root, "codepii-tokenized", f"{key}.arrow")


def cached_tokenizer(checkpoint: str | None, texts: Sequence[str], vocab_size: int):
    """The tiny model's BPE tokenizer: the checkpoint's copy when resuming, else trained on
    ``texts`` once and cached under ``$HF_HOME/codepii-tokenizers`` by a hash of texts and size."""
    from transformers import PreTrainedTokenizerFast

    from .model import train_tokenizer

    if checkpoint and os.path.isdir(os.path.join(checkpoint, "tokenizer")):
        return PreTrainedTokenizerFast.from_pretrained(os.path.join(checkpoint, "tokenizer"))
    h = hashlib.sha256(str(vocab_size).encode())
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass") + b"\0")
    path = os.path.join(_hf_home(), "codepii-tokenizers", h.hexdigest()[:24])
    if os.path.isdir(path):
        return PreTrainedTokenizerFast.from_pretrained(path)
    tokenizer = train_tokenizer(texts, vocab_size)
    tokenizer.save_pretrained(path + ".tmp")
    if not os.path.isdir(path):  # another launch may have won the race; both wrote the same files
        os.replace(path + ".tmp", path)
    return PreTrainedTokenizerFast.from_pretrained(path)


def tokenize_records(
    records: Sequence[Mapping],
    tokenizer,
    tagset: TagSet,
    labels: LabelsConfig,
    cache: bool = True,
    num_proc: int | None = None,
    desc: str = "tokenize",
    unresolved: str = "ignore",
    min_confidence: float = 0.0,
):
    """A ``datasets.Dataset`` of windows: input_ids, attention_mask, labels, sample, length.

    ``unresolved`` (``data.unresolved``): what to do where the gold does not
    know (``codepii.unresolved.unknown_ranges``: unresolved crowd tasks, and
    fallback tasks and spans below ``min_confidence``): ``ignore`` gives O
    tokens there label -100, ``drop_window`` leaves out every window that
    touches such a range, ``outside`` trains them as O (what happened before).
    """
    import datasets

    from .bio import encode_records
    from .unresolved import confident_entities, unknown_ranges

    if unresolved not in UNRESOLVED_MODES:
        raise CodepiiError(f"data.unresolved={unresolved!r}: choose one of {', '.join(UNRESOLVED_MODES)}")
    unknown = [[] if unresolved == "outside" else unknown_ranges(r, min_confidence) for r in records]
    entities = [confident_entities(r, min_confidence) for r in records]
    settings = [labels.max_length, labels.stride, labels.label_all_tokens, tagset.to_dict(), unresolved]
    key = hashlib.sha256(
        json.dumps([tokenizer_hash(tokenizer), settings, records_hash(records), unknown, entities], sort_keys=True).encode()
    ).hexdigest()[:24]
    raw = datasets.Dataset.from_dict(
        {
            "content": [r["content"] for r in records],
            "entities": [json.dumps(e) for e in entities],
            "unknown": [json.dumps(u) for u in unknown],
        }
    )

    def encode(batch: dict, indices: list[int]) -> dict:
        entities = [json.loads(s) for s in batch["entities"]]
        ranges = [[tuple(r) for r in json.loads(s)] for s in batch["unknown"]]
        out = encode_records(
            tokenizer, batch["content"], entities, tagset, labels.max_length, labels.stride, labels.label_all_tokens,
            unknown=ranges, drop_unknown_windows=unresolved == "drop_window",
        )
        out["sample"] = [indices[i] for i in out["sample"]]  # batch-local -> record index
        out["length"] = [len(ids) for ids in out["input_ids"]]
        return out

    path = cache_path(key) if cache else None
    if path:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    return raw.map(
        encode,
        batched=True,
        with_indices=True,
        remove_columns=raw.column_names,
        cache_file_name=path,
        load_from_cache_file=cache,
        new_fingerprint=key,
        num_proc=num_proc if num_proc and num_proc > 1 else None,
        desc=desc,
    )


class LengthGroupedBatchSampler:
    """Batches of indices with similar lengths, in a seeded order that depends only on (seed, epoch).

    As in HF's LengthGroupedSampler: shuffle, cut into mega-batches of
    ``mega_batches`` batches, sort each by length (longest first), cut into
    batches, shuffle the batches. Without grouping: a plain seeded shuffle.
    """

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        seed: int = 0,
        group_by_length: bool = True,
        shuffle: bool = True,
        mega_batches: int = 50,
    ):
        self.lengths = list(lengths)
        self.batch_size = batch_size
        self.seed = seed
        self.group_by_length = group_by_length
        self.shuffle = shuffle
        self.mega_batches = mega_batches
        self.epoch = 0
        self.drop_last = False  # read by accelerate when it shards the batches over processes

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size)

    def batches(self) -> list[list[int]]:
        import torch

        g = torch.Generator().manual_seed(self.seed * 100_003 + self.epoch)
        n = len(self.lengths)
        order = torch.randperm(n, generator=g).tolist() if self.shuffle else list(range(n))
        if self.group_by_length:
            mega = self.batch_size * self.mega_batches
            order = [
                i
                for s in range(0, n, mega)
                for i in sorted(order[s : s + mega], key=lambda i: -self.lengths[i])
            ]
        batches = [order[s : s + self.batch_size] for s in range(0, n, self.batch_size)]
        if self.shuffle and self.group_by_length:
            batches = [batches[i] for i in torch.randperm(len(batches), generator=g).tolist()]
        return batches

    def __iter__(self) -> Iterator[list[int]]:
        return iter(self.batches())


def padding_fraction(lengths: Sequence[int], batches: Sequence[Sequence[int]]) -> float:
    """Pad tokens / all tokens when each batch is padded to its longest row."""
    real = sum(lengths[i] for b in batches for i in b)
    padded = sum(max(lengths[i] for i in b) * len(b) for b in batches if b)
    return 1.0 - real / padded if padded else 0.0


def make_collator(tokenizer):
    """Pads a list of windows to the batch's longest; labels padded with -100."""
    from transformers import DataCollatorForTokenClassification

    return DataCollatorForTokenClassification(tokenizer, padding="longest", label_pad_token_id=-100, return_tensors="pt")
