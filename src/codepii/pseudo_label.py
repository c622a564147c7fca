"""Pseudo-labels as StarPII made them: keep a model's spans by per-class confidence and trigger words.

Rules (BigCode bigcode-dataset/pii, the StarCoder paper), all configuration:
- a span is kept when its score reaches its class's ``min_score``
  (NAME/USERNAME 0.7, EMAIL 0.9 by default);
- a whole file is dropped when it holds a NAME or USERNAME span scored below
  ``drop_file_below`` (0.6 / 0.61): the model was unsure about that file;
- KEY and PASSWORD spans are kept only when a trigger word (``key``, ``auth``,
  ``token``, ``pwd``, ``passw``...) occurs within ``trigger_window_chars``
  characters before the span on the same line; the trigger closest to the span
  decides whether it is a KEY or a PASSWORD;
- a rejected candidate is not "no PII": it is written as an ``unresolved``
  range (``unresolved_rejected``), which training ignores (codepii.unresolved).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .detect.config import DetectorConfig
from .errors import ConfigError
from .labels import MAIN_CATEGORIES
from .spans import Span


@dataclass(frozen=True)
class PseudoLabelConfig:
    # The detector whose spans the rules below sift: detector.model=DIR (train/train.py's output_dir/model);
    # detector.kind=hybrid adds the patterns. Its thresholds are set from candidate_threshold.
    detector: DetectorConfig = field(default_factory=lambda: DetectorConfig(kind="model"))
    input: str = ""  # unlabeled corpus: path, glob, directory or URL of {"id", "content", ...} records
    output: str = "pseudo.jsonl"  # gold records for a first training phase
    text_column: str = "content"
    batch_rows: int = 32  # records per detector call
    max_records: int | None = None
    candidate_threshold: float = 0.3  # the detector keeps spans scored at least this; the rules below decide
    min_score: dict[str, float] = field(
        default_factory=lambda: {"NAME": 0.7, "USERNAME": 0.7, "EMAIL": 0.9, "IP_ADDRESS": 0.5,
                                 "ID": 0.5, "KEY": 0.5, "PASSWORD": 0.5}
    )
    drop_file_below: dict[str, float] = field(default_factory=lambda: {"NAME": 0.6, "USERNAME": 0.61})
    triggers: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: {
            "KEY": ("key", "auth", "token", "secret", "bearer", "credential", "signature"),
            "PASSWORD": ("pwd", "passw", "passphrase", "pass="),
        }
    )
    trigger_window_chars: int = 100  # how far before the span (same line) a trigger may be
    keep_empty: bool = True  # keep files with no entity left (negatives teach the O class)
    # Candidates the rules reject (below min_score, or KEY/PASSWORD without a
    # trigger) are written as "unresolved" ranges: training ignores them (-100)
    # instead of teaching O where the model saw possible PII.
    unresolved_rejected: bool = True

    def __post_init__(self) -> None:
        for key in ("min_score", "drop_file_below", "triggers"):
            bad = [c for c in getattr(self, key) if c not in MAIN_CATEGORIES]
            if bad:
                raise ConfigError(f"config key '{key}.{bad[0]}': not a main category ({', '.join(MAIN_CATEGORIES)})")
        for key in ("min_score", "drop_file_below"):
            for c, v in getattr(self, key).items():
                if not 0.0 <= v <= 1.0:
                    raise ConfigError(f"config key '{key}.{c}': {v} is not a probability in [0, 1]")
        if self.trigger_window_chars < 1:
            raise ConfigError("config key 'trigger_window_chars' must be >= 1")
        if self.detector.kind == "patterns":
            raise ConfigError("config key 'detector.kind': pseudo-labels need scores from a model (model or hybrid)")


def require_paths(cfg: PseudoLabelConfig) -> PseudoLabelConfig:
    """A run needs ``input``, ``output`` and ``detector.model`` (the rules alone need none)."""
    for key in ("input", "output"):
        if not getattr(cfg, key):
            raise ConfigError(f"config key {key!r} is required; set {key}=...")
    cfg.detector.require_model()
    return cfg


def trigger_category(text: str, span: Span, cfg: PseudoLabelConfig) -> str | None:
    """The class of the trigger word closest before ``span`` on its line, or None without one."""
    line_start = text.rfind("\n", 0, span.start) + 1
    lo = max(line_start, span.start - cfg.trigger_window_chars)
    window = text[lo : span.start].lower()
    best, best_end = None, -1
    for category, words in cfg.triggers.items():
        for word in words:
            end = window.rfind(word.lower())
            if end >= 0 and end + len(word) > best_end:
                best, best_end = category, end + len(word)
    return best


def select_entities(text: str, spans: Sequence[Span], cfg: PseudoLabelConfig) -> list[Span] | None:
    """The spans to keep as pseudo-gold, or None when the file is to be dropped."""
    kept = []
    for s in spans:
        floor = cfg.drop_file_below.get(s.category)
        if floor is not None and (s.score or 0.0) < floor:
            return None
        category = s.category
        if category in cfg.triggers:
            category = trigger_category(text, s, cfg)
            if category is None:
                continue  # a KEY/PASSWORD without a trigger word nearby
        if (s.score or 0.0) >= cfg.min_score.get(category, 0.5):
            kept.append(Span(s.start, s.end, category, s.score))
    return kept


def pseudo_records(records: Sequence[Mapping], found: Sequence[Sequence[Span]], cfg: PseudoLabelConfig):
    """Gold records (DESIGN.md) for the records whose spans survive; yields (record or None) per input."""
    for r, spans in zip(records, found):
        text = r[cfg.text_column]
        kept = select_entities(text, spans, cfg)
        if kept is None or (not kept and not cfg.keep_empty):
            yield None
            continue
        out = {k: v for k, v in r.items() if k not in ("entities", cfg.text_column)}
        out.update({"id": r.get("id"), "content": text, "entities": [s.to_dict() for s in kept]})
        if cfg.unresolved_rejected:
            taken = {(s.start, s.end) for s in kept}
            rejected = [{"project": s.category, "start": s.start, "end": s.end}
                        for s in spans if (s.start, s.end) not in taken]
            if rejected or out.get("unresolved"):
                out["unresolved"] = list(out.get("unresolved") or []) + rejected
        yield out


def merge_weak(pseudo: Sequence[Mapping], weak: Sequence[Mapping]) -> list[dict]:
    """Pseudo-labeled and weakly labeled copies of the same corpus files as one gold record per file.

    Weak labels (the people a package declares) are sure but partial; pseudo-labels cover every
    category. A file's entities are its weak spans plus the pseudo spans that overlap none of them.
    Records are matched by id; a file in only one of the inputs keeps its own entities; a weak
    record whose content differs from the pseudo one (a windowed copy) is kept as it is beside it.
    """
    by_id = {r["id"]: r for r in weak}
    out = []
    for r in pseudo:
        w = by_id.pop(r["id"], None)
        if w is None or w["content"] != r["content"]:
            out.append(dict(r))
            if w is not None:
                out.append(dict(w))
            continue
        sure = [Span.from_dict(e) for e in w.get("entities", [])]
        extra = [e for e in r.get("entities", []) if not any(Span.from_dict(e).overlaps(s) for s in sure)]
        out.append({**r, "entities": sorted(w.get("entities", []) + extra, key=lambda e: e["start"])})
    return out + [dict(w) for w in by_id.values()]
