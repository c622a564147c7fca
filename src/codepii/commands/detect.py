"""``codepii detect``: run a detector over records and write prediction records."""
from __future__ import annotations

import argparse
import time

HELP = "detect PII in records with a trained model, patterns, or both; write prediction records"
DESCRIPTION = """Read records (JSONL, .jsonl.gz/.zst, Parquet, a saved HF dataset; a
file, glob or directory), detect PII spans in the text column, and write each
record with an "entities" list of {start, end, category, score} (a prediction
record, DESIGN.md) to --out (.jsonl or .parquet). Scores go to eval/eval.py.

detectors:
  model     the trained token classifier in --model DIR (windowed, batched)
  patterns  regexes with validation: emails, IPv4/IPv6, provider key formats,
            PEM/SSH keys, URL and assignment passwords (no --model needed)
  hybrid    both, by a per-category policy: the one `codepii calibrate` stored
            in the model dir, else patterns for EMAIL/IP_ADDRESS, patterns
            first for KEY, the model first for the rest (docs/detect.md)

examples:
  codepii detect --detector patterns --input corpus.jsonl --out pred.jsonl
  codepii detect --model out/model --input 'shards/*.parquet' --out pred.jsonl \\
      --threshold KEY=0.3 --threshold NAME=0.6
  codepii detect --model out/model --detector hybrid --input gold.jsonl --out pred.jsonl \\
      --option filters.min_chars=4 --option device=cuda
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..detect import DETECTOR_KINDS
    from ..detect.cli import add_detector_arguments

    p.add_argument("--input", required=True, nargs="+", help="record files, globs, directories or fsspec URLs")
    p.add_argument("--out", required=True, help="prediction records to write (.jsonl or .parquet)")
    p.add_argument("--detector", choices=DETECTOR_KINDS, default="model", help="default: model")
    add_detector_arguments(p)
    p.add_argument("--text-column", default="content", help="column holding the text (default: content)")
    p.add_argument("--batch-rows", type=int, default=64, help="records per detector call (default: 64)")


def run(args: argparse.Namespace) -> int:
    from collections import deque

    from ..config import save_resolved_config, to_dict
    from ..detect import build_detector
    from ..detect.cli import detector_config_from_args
    from ..errors import RecordError
    from ..progress import progress
    from ..io import entities_type, expand_paths, iter_batches, open_writer, refuse_overwriting_inputs

    if args.batch_rows < 1:
        raise RecordError("--batch-rows must be at least 1")
    expand_paths(args.input)  # a typo fails here, before a model loads
    refuse_overwriting_inputs([("--out", args.out)], args.input)
    cfg = detector_config_from_args(args, args.detector)
    detector = build_detector(cfg)
    rows = chars = spans = 0
    started = time.perf_counter()
    bar = progress(unit=" rec", desc=f"detect ({args.detector})")
    held: deque = deque()  # record batches whose spans are still being detected

    def text_batches():
        read = 0  # rows read so far, for error messages (detection may run behind)
        for batch in iter_batches(args.input, args.batch_rows):
            texts = [_text(r, args.text_column, read + i) for i, r in enumerate(batch)]
            read += len(batch)
            held.append(batch)
            yield texts

    # The entities type is fixed: a first batch without PII must not make it list<null>.
    with open_writer(args.out, fields={"entities": entities_type()}) as writer:
        # Streaming lets the model detector tokenize the next batches while it runs this one.
        for found in detector.detect_stream(text_batches()):
            batch = held.popleft()
            out = []
            for record, text_spans in zip(batch, found):
                row = {k: v for k, v in record.items() if k != "entities"}
                row["entities"] = [s.to_dict() for s in text_spans]
                out.append(row)
            writer.write_batch(out)
            rows += len(batch)
            chars += sum(len(r[args.text_column].encode("utf-8", "surrogatepass")) for r in batch)
            spans += sum(map(len, found))
            bar.update(len(batch))
            bar.set_postfix_str(f"{chars / 1e6 / max(time.perf_counter() - started, 1e-9):.2f} MB/s", refresh=False)
    bar.close()
    save_resolved_config({"input": list(args.input), "out": args.out, "text_column": args.text_column,
                          "batch_rows": args.batch_rows, "detector": to_dict(cfg)}, args.out)
    seconds = time.perf_counter() - started
    print(f"{rows} records, {chars / 1e6:.2f} MB, {spans} spans in {seconds:.1f}s -> {args.out}")
    return 0


def _text(record: dict, column: str, row: int) -> str:
    from ..errors import RecordError

    if column not in record:
        raise RecordError(
            f"record {row} (id {record.get('id', '?')}): no column {column!r}; "
            f"it has {', '.join(map(str, record))}; pass --text-column"
        )
    value = record[column]
    if not isinstance(value, str):
        raise RecordError(
            f"record {row} (id {record.get('id', '?')}): column {column!r} is {type(value).__name__}, not text"
        )
    return value
