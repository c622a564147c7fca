"""``codepii validate``: check gold or prediction files and count their spans."""
from __future__ import annotations

import argparse
from collections import Counter

HELP = "check gold/prediction records (offsets, categories, overlaps) and count spans"
DESCRIPTION = """Check that every record of the given files is a valid gold record
(DESIGN.md): content is text, every span is in range, non-empty, of a known
category, and spans do not overlap. Prints span counts per category.

Accepts our layout and both BigCode PII dataset layouts.

example:
  codepii validate gold.jsonl
  codepii validate 'shards/*.parquet' --overlaps resolve
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", help="files, globs, directories or fsspec URLs")
    p.add_argument(
        "--overlaps",
        choices=["error", "resolve"],
        default="error",
        help="overlapping spans are an error (default) or resolved by keeping the longest",
    )


def run(args: argparse.Namespace) -> int:
    from ..progress import progress
    from ..io import read_gold

    counts: Counter = Counter()
    n = 0
    for record in progress(read_gold(args.paths, overlaps=args.overlaps), unit=" rec", desc="validate"):
        n += 1
        counts.update(e["category"] for e in record["entities"])
    print(f"{n} records, {sum(counts.values())} spans: all valid")
    for category, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {category:<18} {count}")
    return 0
