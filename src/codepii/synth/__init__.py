"""The synthetic PII-in-code corpus: whole files with exact gold spans.

``generate(n_files, seed)`` yields gold records (DESIGN.md) whose spans follow
LABELING.md. Every file is built by a :class:`~codepii.synth.builder.SpanBuilder`,
so offsets are exact by construction, and is checked with
``codepii.spans.validate_spans`` before it is yielded.

File ``i`` of seed ``s`` depends only on ``(s, i)`` (its own
``random.Random`` seeded from a string, which CPython hashes with SHA-512,
not with the per-process ``hash()``), so output is identical across runs and
processes, and any slice of a corpus can be regenerated alone.
"""
from __future__ import annotations

import random
from typing import Iterator

from ..labels import CATEGORIES
from ..spans import validate_spans
from .builder import to_crlf
from .carriers import CarrierPool, assemble_carrier
from .context import CONTEXTS
from .kinds import KIND_WEIGHTS, KINDS, assemble
from .lang import LANGS
from .stats import compute_stats, format_stats

__all__ = ["generate", "generate_file", "compute_stats", "format_stats", "KINDS", "CONTEXTS", "DEFAULTS"]

DEFAULTS = {
    "empty_fraction": 0.10,  # files with no PII at all (negatives and code only)
    "long_fraction": 0.02,  # files of 20-200 KB, longer than one 1024-token window
    "carrier_fraction": 0.5,  # with carriers: share of files planted into real code
    "crlf_fraction": 0.04,  # files with Windows line endings
    "kinds": None,  # restrict to these file kinds (default: all of KINDS)
}


def _density(rng: random.Random) -> tuple[int, int, int]:
    """(contexts, filler blocks, negative blocks): sparse, medium or dense files."""
    roll = rng.random()
    if roll < 0.4:
        n_ctx = rng.randint(1, 2)
    elif roll < 0.8:
        n_ctx = rng.randint(3, 6)
    else:
        n_ctx = rng.randint(7, 16)
    n_neg = 0 if rng.random() < 0.15 else rng.randint(1, 3)
    return n_ctx, rng.randint(1, 8), n_neg


def generate_file(seed: int, index: int, pool: CarrierPool | None = None, **options) -> dict:
    """File ``index`` of the corpus of ``seed`` (the same record ``generate`` yields at that position)."""
    opts = {**DEFAULTS, **options}
    rng = random.Random(f"codepii-synth/{seed}/{index}")
    kinds = tuple(opts["kinds"] or KINDS)
    n_ctx, n_fill, n_neg = _density(rng)
    if rng.random() < opts["empty_fraction"]:
        n_ctx, n_neg = 0, max(n_neg, 1)
    record: dict = {"id": f"synth-{seed}-{index:07d}"}
    if pool is not None and rng.random() < opts["carrier_fraction"]:
        carrier = pool.sample(rng)
        builder = assemble_carrier(rng, carrier, n_ctx, min(n_neg, 2))
        kind, path, source = carrier.kind, carrier.path, "carrier"
    else:
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[k] for k in kinds])[0]
        min_chars = rng.randint(20_000, 200_000) if rng.random() < opts["long_fraction"] else 0
        builder, path = assemble(rng, kind, n_ctx, n_fill, n_neg, min_chars)
        source = "synthetic"
    content, spans = builder.build()
    if rng.random() < opts["crlf_fraction"]:
        content, spans = to_crlf(content, spans)
    spans = validate_spans(spans, content, record["id"], CATEGORIES)
    record.update(
        content=content,
        language=LANGS[kind].language,
        kind=kind,
        path=path,
        source=source,
        contexts=list(builder.contexts),
        entities=[s.to_dict() for s in spans],
    )
    return record


def generate(n_files: int, seed: int, carriers: str | None = None, **options) -> Iterator[dict]:
    """Yield ``n_files`` gold records, deterministic from ``seed``.

    ``carriers`` is a folder of real source files to plant PII into (see
    ``carriers.py``); options override :data:`DEFAULTS`.
    """
    unknown = sorted(set(options) - set(DEFAULTS))
    if unknown:
        raise TypeError(f"unknown synth option(s) {', '.join(unknown)}; known: {', '.join(DEFAULTS)}")
    bad_kinds = sorted(set(options.get("kinds") or ()) - set(KINDS))
    if bad_kinds:
        raise ValueError(f"unknown file kind(s) {', '.join(bad_kinds)}; choose from {', '.join(KINDS)}")
    kinds = tuple(options["kinds"]) if options.get("kinds") else None
    pool = CarrierPool(carriers, kinds=kinds) if carriers else None
    for index in range(n_files):
        yield generate_file(seed, index, pool, **options)
