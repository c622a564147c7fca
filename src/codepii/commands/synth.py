"""``codepii synth``: write the synthetic PII-in-code corpus, or print the statistics of one."""
from __future__ import annotations

import argparse

HELP = "generate synthetic source files with exact gold PII spans (or print corpus stats)"
DESCRIPTION = """Generate whole source files of 24 kinds (Python, JavaScript, TypeScript,
Java, Go, C, C++, C#, PHP, Ruby, Rust, shell, YAML, JSON, .env, INI, TOML, SQL,
Markdown, XML, HTML, Dockerfile, Terraform, plain text such as AUTHORS) holding
PII in the places it lives in real code, labeled per LABELING.md, with hard
negatives and PII-free files. See docs/synth.md for the contexts and limits.
Output is gold records {"id", "content", "language", "kind", "path", "source",
"contexts", "entities"}; the same --seed always gives the same files.

--carriers DIR plants PII into real code files found under DIR (lines of them
that might already hold PII are dropped first).

examples:
  codepii synth --out corpus.jsonl --files 10000 --seed 1
  codepii synth --out test.parquet --files 2000 --seed 2 \\
      --carriers /usr/lib/python3.11
  codepii synth --stats corpus.jsonl
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", metavar="FILE", help="output file: .jsonl, .jsonl.gz, .jsonl.zst or .parquet")
    p.add_argument("--files", type=int, default=1000, help="number of files to generate (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="random seed; same seed, same corpus (default 0)")
    p.add_argument("--carriers", metavar="DIR", help="folder of real source files to plant PII into")
    p.add_argument("--format", choices=["jsonl", "parquet"], help="output format (default: from the --out suffix)")
    p.add_argument("--kinds", help="comma-separated file kinds to generate (default: all); see docs/synth.md")
    p.add_argument("--empty-fraction", type=float, default=0.10, help="share of files without PII (default 0.10)")
    p.add_argument("--long-fraction", type=float, default=0.02, help="share of 20-200 KB files (default 0.02)")
    p.add_argument("--carrier-fraction", type=float, default=0.5, help="with --carriers: share of files planted into real code (default 0.5)")
    p.add_argument("--stats", metavar="FILE", help="print counts per category, file kind and context of an existing corpus, then exit")


def run(args: argparse.Namespace) -> int:
    from ..errors import CodepiiError

    if args.stats:
        return _print_stats(args.stats)
    if not args.out:
        raise CodepiiError("synth: give --out FILE to write a corpus, or --stats FILE to describe one")
    if args.files < 1:
        raise CodepiiError(f"synth --files {args.files}: give a number of files of at least 1")
    for flag in ("empty_fraction", "long_fraction", "carrier_fraction"):
        value = getattr(args, flag)
        if not 0.0 <= value <= 1.0:
            raise CodepiiError(f"synth --{flag.replace('_', '-')} {value}: give a fraction between 0 and 1")
    return _write(args)


def _print_stats(path: str) -> int:
    from ..progress import progress
    from ..io import read_gold
    from ..synth import compute_stats, format_stats

    records = progress(read_gold(path), unit=" files", desc="stats")
    print(format_stats(compute_stats(records)))
    return 0


def _check_format(out: str, fmt: str | None) -> None:
    """``--format`` may name the format of a file whose name does not; it may not contradict the name
    (every reader goes by the suffix, so that file could not be read back)."""
    from ..errors import CodepiiError, RecordError
    from ..io.paths import detect_format

    if fmt is None:
        return
    try:
        named = detect_format(out)
    except RecordError:
        return
    if named != fmt:
        raise CodepiiError(f"synth --format {fmt}, but --out {out} names a {named} file; drop --format or change the name")


def _write(args: argparse.Namespace) -> int:
    from ..errors import CodepiiError
    from ..progress import progress
    from ..io import write_records
    from ..synth import KINDS, generate

    _check_format(args.out, args.format)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()] if args.kinds else None
    unknown = sorted(set(kinds or ()) - set(KINDS))
    if unknown:
        raise CodepiiError(f"synth --kinds: unknown kind(s) {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    records = generate(
        args.files,
        args.seed,
        carriers=args.carriers,
        kinds=kinds,
        empty_fraction=args.empty_fraction,
        long_fraction=args.long_fraction,
        carrier_fraction=args.carrier_fraction,
    )
    n = write_records(args.out, progress(records, total=args.files, unit=" files", desc="synth"), fmt=args.format)
    print(f"wrote {n} files to {args.out} (seed {args.seed})")
    return 0
