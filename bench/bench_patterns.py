"""Pattern detection speed and quality: codepii's patterns against regex-only PII passes, in one run.

Systems, each timed single-process on the same texts (best of ``--repeats``,
taking turns so that load on a shared machine hits them alike):

- ``codepii patterns`` (hyperscan engine) and ``codepii patterns (re)``, the
  same rules run regex by regex (the engine before issue 13; same spans);
- ``two-regex baseline``: an RFC-style email regex and an IPv4 regex, ``re``
  ``finditer`` over each text;
- ``datatrove PIIFormatter`` (``pip install datatrove``; skipped when absent):
  the emails + IPv4 step of web-scale pipelines, ``format(text)``.

Corpora: generated code (``codepii.synth``, with gold), the real-dev set
(``--real-dev``, gold records from ../shared/data/real-dev/build_real.py) and,
with ``--large-mb 50``, real code from the installed packages (no gold; built
once into ``--cache-dir``, never from packages in reserved-packages.txt).
Prints MB/s per core, the ratio to the two-regex baseline, overlap F1 per
category, and whether the two codepii engines gave identical spans. Not a test.

    OMP_NUM_THREADS=1 python bench/bench_patterns.py --real-dev /tmp/real-dev.jsonl
    OMP_NUM_THREADS=1 python bench/bench_patterns.py --large-mb 50 --repeats 1
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from typing import Callable, Sequence

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from realcode import RESERVED, build_real_code  # noqa: E402
from benchcli import existing_file, guard, nonneg_float, positive_int  # noqa: E402

# An RFC 5322-style address (dot-atom local part, dotted domain) and a dotted quad of 0-255.
BASELINE_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)
BASELINE_IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b")
CATS = ("EMAIL", "IP_ADDRESS", "KEY", "PASSWORD", "micro")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--files", type=positive_int, default=423, help="generated files (default 423, about 1.6 MB)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated files (default %(default)s)")
    p.add_argument("--real-dev", type=existing_file, help="real-dev gold records (JSONL); skipped when not given")
    p.add_argument("--large-mb", type=nonneg_float, default=0, help="also a real-code corpus of this many MB (e.g. 50)")
    p.add_argument("--cache-dir", default=os.path.join(os.path.expanduser("~"), ".cache", "codepii", "bench"),
                   help="where the --large-mb corpus is built once (default %(default)s)")
    p.add_argument("--reserved", default=RESERVED, help="packages the real-code corpus leaves out")
    p.add_argument("--repeats", type=positive_int, default=3, help="timed passes per system; the best counts")
    p.add_argument("--json", help="also write the figures to this JSON file")
    return p.parse_args(argv)


def baseline_matches(texts: Sequence[str]) -> list:
    """What the baseline costs: both regexes' finditer over each text."""
    return [(list(BASELINE_EMAIL.finditer(t)), list(BASELINE_IPV4.finditer(t))) for t in texts]


def baseline_spans(texts: Sequence[str]) -> list[list]:
    from codepii.spans import Span

    out = []
    for t in texts:
        spans = [Span(*m.span(), "EMAIL") for m in BASELINE_EMAIL.finditer(t)]
        spans += [Span(*m.span(), "IP_ADDRESS") for m in BASELINE_IPV4.finditer(t)]
        out.append(spans)
    return out


def systems() -> dict[str, tuple[Callable, Callable]]:
    """name -> (run(texts) as timed, spans(texts) for scoring)."""
    from codepii.detect.patterns import PatternDetector

    fast, slow = PatternDetector(engine="hyperscan"), PatternDetector(engine="re")
    out = {
        "codepii patterns": (fast.detect, fast.detect),
        "codepii patterns (re)": (slow.detect, slow.detect),
        "two-regex baseline": (baseline_matches, baseline_spans),
    }
    try:
        from datatrove.pipeline.formatters import PIIFormatter
    except ImportError:
        print("datatrove is not installed: its PIIFormatter is skipped (pip install datatrove)")
        return out
    fmt = PIIFormatter()
    out["datatrove PIIFormatter"] = (lambda texts: [fmt.format(t) for t in texts], lambda texts: datatrove_spans(fmt, texts))
    return out


def datatrove_spans(fmt, texts: Sequence[str]) -> list[list]:
    from codepii.spans import Span

    out = []
    for t in texts:
        spans = [Span(*m.span(), "EMAIL") for m in fmt.emails_replacer.regex.finditer(t)]
        ip = fmt.ip_replacer
        spans += [Span(*m.span(), "IP_ADDRESS") for m in ip.regex.finditer(t) if ip.validator(m.group())]
        out.append(spans)
    return out


def time_systems(named: dict, texts: Sequence[str], repeats: int) -> tuple[dict[str, float], dict[str, float]]:
    """(best, first) CPU seconds per system. The first timed pass meets each value once, as one pass over a
    dataset does: the detector's caches of values (names, addresses) are warm in the later ones."""
    best, first = dict.fromkeys(named, float("inf")), {}
    for name, (run, _) in named.items():
        run(texts[:8])  # warm-up: compiled databases
    for _ in range(repeats):
        for name, (run, _) in named.items():
            start = time.process_time()  # CPU seconds of this process: MB per CPU-second is MB/s per core
            run(texts)
            seconds = time.process_time() - start
            best[name] = min(best[name], seconds)
            first.setdefault(name, seconds)
    return best, first


def f1_scores(records: Sequence[dict], predictions: Sequence[list]) -> dict[str, float | None]:
    from codepii.metrics import score_file, span_metrics
    from codepii.spans import Span

    files = [
        score_file(i, r["content"], [Span.from_dict(e) for e in r.get("entities", [])], spans)
        for i, (r, spans) in enumerate(zip(records, predictions))
    ]
    overlap = span_metrics(files)["overlap"]
    return {c: overlap[c]["f1"] for c in CATS}


def run_corpus(name: str, records: Sequence[dict], named: dict, repeats: int, gold: bool) -> dict:
    texts = [r["content"] for r in records]
    megabytes = sum(len(t.encode("utf-8", "surrogatepass")) for t in texts) / 1e6
    seconds, first = time_systems(named, texts, repeats)
    base = seconds["two-regex baseline"]
    print(f"\n## {name}: {len(texts)} files, {megabytes:.1f} MB (MB/s: best of {repeats}; first pass)")
    print("| system | MB/s | first pass | × baseline | " + " | ".join(f"{c} F1" for c in CATS) + " |")
    print("|---" * (4 + len(CATS)) + "|")
    rows = {}
    for system, (_, spans_of) in named.items():
        f1 = f1_scores(records, spans_of(texts)) if gold else {}
        rows[system] = {"mb_per_s": megabytes / seconds[system], "first_pass_mb_per_s": megabytes / first[system],
                        "x_baseline": base / seconds[system], "f1": f1}
        cells = " | ".join("–" if f1.get(c) is None else f"{f1[c]:.3f}" for c in CATS)
        print(f"| {system} | {megabytes / seconds[system]:.2f} | {megabytes / first[system]:.2f} | "
              f"{base / seconds[system]:.1f} | {cells} |")
    fast, slow = named["codepii patterns"][1](texts), named["codepii patterns (re)"][1](texts)
    differ = sum(a != b for a, b in zip(fast, slow))
    print(f"codepii engines hyperscan vs re: {'identical spans' if not differ else f'{differ} files differ'}")
    return {"files": len(texts), "megabytes": megabytes, "systems": rows, "engine_files_differ": differ}


def main(argv=None) -> int:
    args = parse_args(argv)
    from codepii.synth import generate

    named = systems()
    corpora = [("generated code", list(generate(args.files, args.seed)), True)]
    if args.real_dev:
        with open(args.real_dev, encoding="utf-8") as f:
            corpora.append(("real-dev", [json.loads(line) for line in f], True))
    if args.large_mb:
        corpora.append((f"real code ({args.large_mb:g} MB)", build_real_code(args.large_mb, args.cache_dir, args.reserved), False))
    results = {name: run_corpus(name, recs, named, args.repeats, gold) for name, recs, gold in corpora}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"args": vars(args), "results": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    guard(main)
