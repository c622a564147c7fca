"""Corpus statistics: spans per category, files per kind, placements per context."""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping


def compute_stats(records: Iterable[Mapping]) -> dict:
    """Counts over gold records (ours or any reader's); ``kind``/``contexts`` are used when present."""
    categories: Counter = Counter()
    kinds: Counter = Counter()
    contexts: Counter = Counter()
    sources: Counter = Counter()
    files = no_pii = chars = long_files = spans = 0
    for r in records:
        files += 1
        n = len(r.get("content") or "")
        chars += n
        long_files += n >= 20_000
        entities = r.get("entities") or []
        spans += len(entities)
        no_pii += not entities
        categories.update(e["category"] for e in entities)
        kinds[r.get("kind") or r.get("language") or "?"] += 1
        contexts.update(r.get("contexts") or ())
        sources[r.get("source") or "?"] += 1
    return {
        "files": files,
        "spans": spans,
        "chars": chars,
        "files_without_pii": no_pii,
        "files_over_20k_chars": long_files,
        "per_category": dict(sorted(categories.items())),
        "per_kind": dict(sorted(kinds.items())),
        "per_context": dict(sorted(contexts.items())),
        "per_source": dict(sorted(sources.items())),
    }


def _table(title: str, counts: Mapping[str, int], total: int) -> list[str]:
    lines = [f"{title}:"]
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        share = f"{100 * n / total:5.1f}%" if total else "    -"
        lines.append(f"  {key:<26} {n:>9}  {share}")
    return lines


def format_stats(stats: Mapping) -> str:
    """A plain-text report of :func:`compute_stats`'s result."""
    files = stats["files"]
    lines = [
        f"files: {files}   spans: {stats['spans']}   chars: {stats['chars']}",
        f"files without PII: {stats['files_without_pii']}   files over 20k chars: {stats['files_over_20k_chars']}",
        "",
        *_table("spans per category", stats["per_category"], stats["spans"]),
        "",
        *_table("files per kind", stats["per_kind"], files),
        "",
        *_table("placements per context", stats["per_context"], sum(stats["per_context"].values())),
    ]
    if len(stats["per_source"]) > 1:
        lines += ["", *_table("files per source", stats["per_source"], files)]
    return "\n".join(lines)
