"""Score PII predictions against gold spans: per-category P/R/F1, leak rate, JSON/Markdown/HTML report.

    python eval/eval.py --gold gold.jsonl --pred pred.jsonl [--pred hybrid=other.jsonl ...] \
        [--json metrics.json] [--report report.html] [--markdown metrics.md]
    python eval/eval.py --gold gold.jsonl --model runs/x/model [--detector model --detector hybrid] ...
    python eval/eval.py --gold gold.jsonl --detector patterns ...

Reads top to bottom: load gold -> get each system's predictions (files, or a
detector run on the gold files) -> score -> write the outputs. The scoring
rules are those of DESIGN.md "Metrics JSON"; the logic lives in
codepii.metrics / codepii.report / codepii.report_html.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time

from codepii.config import save_resolved_config, to_dict
from codepii.detect import DETECTOR_KINDS
from codepii.detect.cli import add_detector_arguments, detector_config_from_args
from codepii.errors import CodepiiError, exit_on_user_error
from codepii.labels import MAIN_CATEGORIES
from codepii.metrics import index_gold, iter_rows, score_predictions
from codepii.progress import progress, quiet_hf_bars
from codepii.io import refuse_overwriting_inputs, write_records, write_text
from codepii.report import markdown_table, metrics_json, seqeval_table, write_json

RECORD_SUFFIXES = (".gz", ".zst", ".jsonl", ".json", ".ndjson", ".parquet", ".pq")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="eval/eval.py",
        description=__doc__.split("\n\n")[0] + "\n\n" + __doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--gold", required=True, help="gold records (jsonl/.gz/.zst/parquet/HF dir/glob), with ids")
    p.add_argument("--pred", action="append", default=[], metavar="[NAME=]PATH",
                   help="prediction records (gold records with scored entities); repeat for several systems; "
                   "NAME defaults to the file's stem")
    p.add_argument("--detector", action="append", default=[], choices=DETECTOR_KINDS,
                   help="run this detector on the gold files; repeatable (model and hybrid need --model; "
                   "--model alone means --detector model)")
    add_detector_arguments(p)  # --model, --threshold CAT=X, --option KEY=VALUE (docs/detect.md)
    p.add_argument("--min-score", type=float, metavar="T",
                   help="run model/hybrid with every category's threshold at T instead of the model's own, "
                   "so that the threshold sweep covers [T, 1]")
    p.add_argument("--json", help="write the metrics JSON here")
    p.add_argument("--markdown", help="write the Markdown table here (it is also printed)")
    p.add_argument("--report", help="write the self-contained HTML report here")
    p.add_argument("--save-pred", metavar="DIR", help="write each detector's predictions to DIR/NAME.jsonl")
    p.add_argument("--seqeval", action="store_true", help="add entity-level seqeval (IOB2 strict) on word tokens")
    p.add_argument("--max-files", type=int, default=50, help="files shown in the HTML report per system (default 50)")
    return p.parse_args(argv)


def system_name(spec: str) -> tuple[str, str]:
    """``NAME=PATH`` -> (NAME, PATH); ``PATH`` -> (its stem, PATH)."""
    name, sep, path = spec.partition("=")
    if sep and name and "/" not in name and not os.path.exists(spec):
        return name, path
    stem = os.path.basename(spec.rstrip("/"))
    while stem.lower().endswith(RECORD_SUFFIXES):
        stem = os.path.splitext(stem)[0]
    return stem, spec


def setup_systems(args: argparse.Namespace, gold: dict) -> list[tuple[str, object, dict]]:
    """(name, rows of (where, record), run info) per system; detectors run lazily while scored."""
    systems = [(name, iter_rows(path), {"source": path}) for name, path in map(system_name, args.pred)]
    kinds = list(dict.fromkeys(args.detector or (["model"] if args.model else [])))
    cfgs = [detector_config_from_args(args, kind) for kind in kinds]
    if args.min_score is not None:
        cfgs = [dataclasses.replace(cfg, thresholds={c: args.min_score for c in MAIN_CATEGORIES}) for cfg in cfgs]
    from codepii.detect.build import build_detectors

    for kind, cfg, detector in zip(kinds, cfgs, build_detectors(cfgs)):  # model and hybrid share one model run
        records = progress(gold.values(), desc=f"detecting ({kind})", unit="file", total=len(gold))
        rows = ((f"{kind} detector, record {i}", r) for i, r in enumerate(detector.detect_records(records), 1))
        info = {"source": f"detector {kind}", "detector": to_dict(cfg), "min_score": args.min_score,
                "fingerprint": detector.fingerprint()}
        systems.append((kind, rows, info))
    if not systems:
        raise CodepiiError("nothing to score: give --pred PATH, --model DIR or --detector patterns")
    names = [name for name, _, _ in systems]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise CodepiiError(f"two systems are named {duplicate!r}; name them with --pred NAME=PATH")
    return systems


def save_predictions(directory: str, name: str, rows):
    """Pass rows through while writing their records to DIR/NAME.jsonl."""
    records = []
    for where, record in rows:
        records.append(record)
        yield where, record
    write_records(os.path.join(directory, f"{name}.jsonl"), records)


@exit_on_user_error
def main(argv=None) -> int:
    quiet_hf_bars()
    args = parse_args(argv)
    if args.max_files < 0:
        raise CodepiiError(f"--max-files {args.max_files}: must be 0 or more")
    if args.min_score is not None and not 0.0 <= args.min_score <= 1.0:
        raise CodepiiError(f"--min-score {args.min_score}: must be a probability in [0, 1]")
    outputs = [("--json", args.json), ("--markdown", args.markdown), ("--report", args.report)]
    outputs += [("--save-pred", os.path.join(args.save_pred, f"{kind}.jsonl")) for kind in args.detector or ["model"]
                if args.save_pred]
    refuse_overwriting_inputs(outputs, [args.gold] + [path for _, path in map(system_name, args.pred)])
    gold = index_gold(iter_rows(args.gold))
    if not gold:
        raise CodepiiError(f"{args.gold}: no gold records")

    results, runs = [], {}
    for name, rows, info in setup_systems(args, gold):
        if args.save_pred and "detector" in info:
            rows = save_predictions(args.save_pred, name, rows)
        t0 = time.perf_counter()
        results.append(score_predictions(gold, rows, name))
        runs[name] = {**info, "seconds": round(time.perf_counter() - t0, 3)}

    metrics = metrics_json(results, with_seqeval=args.seqeval, runs=runs)
    table = markdown_table(metrics) + ("\n" + seqeval_table(metrics) if args.seqeval else "")
    print(table)
    for r in results:
        if r.records_without_predictions:
            print(f"note: {r.name}: {r.records_without_predictions} gold files have no prediction record "
                  "(scored as predicting nothing)", file=sys.stderr)
    if args.json:
        write_json(args.json, metrics)
    if args.markdown:
        write_text(args.markdown, table)
    if args.report:
        from codepii.report_html import render_html

        write_text(args.report, render_html(results, metrics, args.gold, args.max_files))
    first_output = args.json or args.markdown or args.report
    if first_output:  # the arguments and each detector's resolved config, beside the first output
        save_resolved_config({"args": vars(args), "detectors": {n: r["detector"] for n, r in runs.items()
                                                               if "detector" in r}}, first_output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
