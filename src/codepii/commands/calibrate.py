"""``codepii calibrate``: choose the hybrid's per-category policy on dev sets and store it in the model dir."""
from __future__ import annotations

import argparse

HELP = "choose the hybrid's per-category policy and min model scores on dev sets; store them in the model dir"
DESCRIPTION = """Run the model and the patterns once over each dev set (gold records), try
for every main category each policy (patterns, model, patterns_first,
model_first) and minimum model score of a small grid, and keep the one with
the best mean overlap F1 over the dev sets that loses to neither part by more
than 0.01 on any of them (ties go to the simpler policy). The choice is
written to DIR/codepii.json ("hybrid"); `codepii detect --detector hybrid`,
eval/eval.py and mask/mask.py then use it by default (an explicit
--option hybrid_policy.CAT=... / hybrid_model_min_score.CAT=... still wins).
docs/detect.md explains the policies.

Dev sets are for choosing, never for training: a generated dev split and a
real-code dev set (../shared/data/real-dev) together guard against tuning to
one kind of file.

example:
  codepii calibrate --model runs/x/model --dev runs/x/dev.jsonl --dev /work/cache/real-dev.jsonl
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    from ..detect.cli import add_detector_arguments

    p.add_argument("--dev", action="append", required=True, metavar="FILE",
                   help="gold records to calibrate on (repeatable; each is one dev set, named by its stem)")
    add_detector_arguments(p)  # --model (required here), --threshold CAT=X, --option KEY=VALUE
    p.add_argument("--dry-run", action="store_true", help="print the choice, leave codepii.json as it is")
    p.add_argument("--batch-rows", type=int, default=32, help="files per model call (default: 32)")


def run(args: argparse.Namespace) -> int:
    from ..detect import build_detector
    from ..detect.calibrate import calibrate, dev_name, dev_set, write_calibration
    from ..detect.cli import detector_config_from_args
    from ..errors import CodepiiError
    from ..metrics import index_gold, iter_rows

    if not args.model:
        raise CodepiiError("codepii calibrate needs --model DIR (a trained model dir)")
    names = [dev_name(p) for p in args.dev]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise CodepiiError(f"two dev sets are named {duplicate!r}; give files with different names")
    golds = []  # read (and checked) before the model loads: a typo fails in a second
    for path in args.dev:
        golds.append(index_gold(iter_rows(path)))
        if not golds[-1]:
            raise CodepiiError(f"--dev {path}: no gold records")
    model = build_detector(detector_config_from_args(args, "model"))
    patterns = build_detector(detector_config_from_args(args, "patterns"))
    devs = [dev_set(name, gold, model, patterns, args.batch_rows) for name, gold in zip(names, golds)]
    block = calibrate(devs)
    print(calibration_table(block))
    if not args.dry_run:
        write_calibration(args.model, block)
        print(f"-> {args.model}/codepii.json (hybrid)")
    return 0


def calibration_table(block: dict) -> str:
    """Markdown: the chosen policy per category, and overlap F1 of model / patterns / hybrid per dev set."""
    from ..labels import MAIN_CATEGORIES

    def f1(v):
        return "–" if v is None else f"{v:.3f}"

    lines = ["| category | policy | min score | " + " | ".join(
        f"{d} model / patterns / hybrid" for d in block["dev"]) + " |",
        "|---|---|---|" + "---|" * len(block["dev"])]
    for c in MAIN_CATEGORIES:
        cells = [" / ".join(f1(block["scores"][d][s][c]["f1"]) for s in ("model", "patterns", "hybrid"))
                 for d in block["dev"]]
        score = block["model_min_score"].get(c, 0.0) if block["policy"][c] != "patterns" else None
        lines.append(f"| {c} | {block['policy'][c]} | {'–' if score is None else score} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
