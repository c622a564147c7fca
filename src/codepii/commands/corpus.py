"""``codepii corpus {fetch,manifest,weak-label}``: the real-code corpus and its weak labels."""
from __future__ import annotations

import argparse
import os

HELP = "real-code corpus: fetch pinned registry releases, make a manifest, weak-label declared people"
DESCRIPTION = """A reproducible unlabeled corpus of real code (docs/corpus.md): source
releases from PyPI (sdists) and npm (tarballs), pinned by a manifest of
(registry, name, version, file, sha256) rows, never from a package reserved for
evaluation (../shared/data/reserved-packages.txt, or --reserved /
$CODEPII_RESERVED_PACKAGES), nor from vendored copies of one. Weak labels mark
the names, emails and handles a package declares (metadata, AUTHORS-like
files, copyright headers, its repository owner) wherever they occur in it.

examples:
  codepii corpus manifest --pypi attrs==23.1.0 --npm express@4.18.2 --out manifest.jsonl
  codepii corpus fetch --out corpus.jsonl                 # the committed data/corpus/manifest.jsonl
  codepii corpus weak-label --input corpus.jsonl --out weak.jsonl
"""
REPO_MANIFEST = os.path.join(os.path.dirname(__file__), "..", "..", "..", "data", "corpus", "manifest.jsonl")


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..corpus.archive import DEFAULT_MAX_FILE_BYTES
    from ..corpus.declared import SOURCES
    from ..corpus.fetch import DEFAULT_CACHE

    sub = p.add_subparsers(dest="corpus_command", metavar="STEP")
    raw = argparse.RawDescriptionHelpFormatter
    reserved_help = "reserved-package list (default: $CODEPII_RESERVED_PACKAGES, else ../shared/data/reserved-packages.txt)"

    f = sub.add_parser("fetch", help="download the manifest's archives (cached, sha256-checked) and write corpus records",
                       description="Writes corpus records {id, content, language, package, registry, version, path}: "
                       "text source files only (no binaries, minified/generated or oversized files, node_modules, "
                       "vendored reserved packages).", formatter_class=raw)
    f.add_argument("--manifest", default=os.path.normpath(REPO_MANIFEST), help="manifest JSONL (default: the repo's data/corpus/manifest.jsonl)")
    f.add_argument("--out", required=True, help="corpus records (.jsonl, .jsonl.gz, .jsonl.zst)")
    f.add_argument("--cache", default=DEFAULT_CACHE, help="archive cache folder (default %(default)s)")
    f.add_argument("--max-file-bytes", type=int, default=DEFAULT_MAX_FILE_BYTES, help="skip larger files (default %(default)s)")
    f.add_argument("--reserved", help=reserved_help)
    f.add_argument("--jobs", type=int, default=4, help="downloads at once (default %(default)s)")
    f.set_defaults(_corpus_run=run_fetch)

    m = sub.add_parser("manifest", help="resolve NAME==VER / NAME@VER into manifest rows (downloads each archive)",
                       formatter_class=raw)
    m.add_argument("--pypi", nargs="*", default=[], metavar="NAME==VER", help="PyPI source releases")
    m.add_argument("--npm", nargs="*", default=[], metavar="NAME@VER", help="npm package versions")
    m.add_argument("--out", required=True, help="manifest JSONL to write")
    m.add_argument("--cache", default=DEFAULT_CACHE, help="archive cache folder (default %(default)s)")
    m.add_argument("--reserved", help=reserved_help)
    m.add_argument("--jobs", type=int, default=4, help="downloads at once (default %(default)s)")
    m.set_defaults(_corpus_run=run_manifest)

    w = sub.add_parser("weak-label", help="label the people each package declares wherever they occur in it",
                       description="Writes gold records (corpus columns + entities, \"source\": \"weak\"). The labels "
                       "are PARTIAL: only declared NAME/EMAIL/USERNAME values are labeled; other PII in the same "
                       "files is not (docs/corpus.md).", formatter_class=raw)
    w.add_argument("--input", nargs="+", required=True, help="corpus records (from `codepii corpus fetch`, or any "
                   "records with a 'package' column or an owner/repo column)")
    w.add_argument("--out", required=True, help="weak gold records (.jsonl, .jsonl.gz, .jsonl.zst, .parquet)")
    w.add_argument("--sources", default=",".join(SOURCES), help="where declared people come from, comma-separated "
                   "(default %(default)s)")
    w.add_argument("--repo-column", default="max_stars_repo_name", help="owner/repo column, as in The Stack "
                   "(default %(default)s); groups files by repository when present")
    w.add_argument("--keep-unlabeled", action="store_true", help="also write files with no weak label (entities [])")
    w.add_argument("--window-lines", type=int, metavar="N", help="write only windows of +-N lines around weak spans")
    w.set_defaults(_corpus_run=run_weak_label)


def run(args: argparse.Namespace) -> int:
    from ..errors import CodepiiError

    if not getattr(args, "_corpus_run", None):
        raise CodepiiError("corpus: choose a step: fetch, manifest or weak-label (see `codepii corpus --help`)")
    return args._corpus_run(args)


def run_fetch(args: argparse.Namespace) -> int:
    from ..corpus.archive import ArchiveFilter
    from ..corpus.fetch import corpus_records, ensure_archives, read_manifest
    from ..corpus.reserved import ReservedPackages
    from ..errors import CodepiiError
    from ..progress import progress

    if args.max_file_bytes < 1:
        raise CodepiiError(f"corpus fetch --max-file-bytes {args.max_file_bytes}: give a positive number of bytes")
    reserved = ReservedPackages.load(args.reserved)
    entries = read_manifest(args.manifest)
    for i, entry in enumerate(entries, start=1):
        reserved.check(entry.name, f"{args.manifest} line {i}")
    keep = ArchiveFilter(max_file_bytes=args.max_file_bytes, reserved=reserved)
    counts = {"files": 0, "chars": 0}

    def records():
        archives = ensure_archives(entries, args.cache, args.jobs)
        for entry, archive in progress(archives, total=len(entries), unit=" packages", desc="fetch"):
            for record in corpus_records(entry, archive, keep):
                counts["files"] += 1
                counts["chars"] += len(record["content"])
                yield record

    _atomic_write(args.out, records())
    print(f"wrote {counts['files']} files ({counts['chars'] / 1e6:.1f} M chars) of {len(entries)} packages to {args.out}")
    return 0


def run_manifest(args: argparse.Namespace) -> int:
    from ..corpus.fetch import atomic_write_lines, manifest_lines, resolve
    from ..corpus.reserved import ReservedPackages
    from ..errors import CodepiiError
    from ..progress import progress

    specs = [("pypi", s) for s in args.pypi] + [("npm", s) for s in args.npm]
    if not specs:
        raise CodepiiError("corpus manifest: give at least one --pypi NAME==VERSION or --npm NAME@VERSION")
    reserved = ReservedPackages.load(args.reserved)
    entries = list(progress(resolve(specs, args.cache, reserved, args.jobs), total=len(specs), unit=" packages", desc="manifest"))
    n = atomic_write_lines(args.out, manifest_lines(entries))
    print(f"wrote {n} manifest rows to {args.out}")
    return 0


def run_weak_label(args: argparse.Namespace) -> int:
    from collections import Counter

    from ..corpus.declared import SOURCES
    from ..corpus.weak_run import weak_label_stream
    from ..errors import CodepiiError
    from ..progress import progress
    from ..io import iter_records

    sources = tuple(s.strip() for s in args.sources.split(",") if s.strip())
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown or not sources:
        raise CodepiiError(f"corpus weak-label --sources: unknown {', '.join(unknown) or 'empty list'}; choose from {', '.join(SOURCES)}")
    if args.window_lines is not None and args.window_lines < 0:
        raise CodepiiError(f"corpus weak-label --window-lines {args.window_lines}: give 0 or more lines")
    counts: Counter = Counter()
    records = progress(iter_records(args.input), unit=" files", desc="weak-label")
    out = weak_label_stream(records, sources, args.repo_column, args.keep_unlabeled, args.window_lines, counts)
    _atomic_write(args.out, out)
    per_cat = ", ".join(f"{c} {counts[c]}" for c in sorted(k for k in counts if k.isupper()))
    print(f"wrote {counts['records']} records ({counts['labeled']} labeled of {counts['files']} files, "
          f"{counts['packages']} packages) to {args.out}; spans: {per_cat or 'none'}")
    return 0


def _atomic_write(path: str, records) -> int:
    """write_records to a temporary sibling (same suffixes), fsync, then rename over ``path``."""
    import uuid

    from ..io import detect_format, write_records

    fmt = detect_format(path)
    head, tail = os.path.split(os.path.abspath(path))
    os.makedirs(head, exist_ok=True)
    tmp = os.path.join(head, f".tmp-{uuid.uuid4().hex[:8]}-{tail}")
    try:
        n = write_records(tmp, records, fmt=fmt)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return n
