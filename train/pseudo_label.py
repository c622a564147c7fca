"""Pseudo-label an unlabeled code corpus with a trained model, as StarPII did before fine-tuning.

    python train/pseudo_label.py --config configs/pseudo_label/starpii.yaml detector.model=runs/x/model input=corpus.jsonl output=pseudo.jsonl

Runs the model detector over the corpus, keeps entities by per-class
confidence (NAME/USERNAME >= 0.7, EMAIL >= 0.9), drops files with an unsure
NAME/USERNAME, keeps KEY/PASSWORD only after a trigger word on the same line
(the closer trigger decides which), and writes gold records. Train a first
phase on them (data.train=pseudo.jsonl), then fine-tune on the crowd data
(model.name_or_path=runs/pretrain/model). Rules: codepii/pseudo_label.py.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from codepii.config import load_config, save_resolved_config
from codepii.errors import exit_on_user_error
from codepii.labels import MAIN_CATEGORIES
from codepii.progress import progress, quiet_hf_bars
from codepii.pseudo_label import PseudoLabelConfig, pseudo_records, require_paths
from codepii.io import entities_type, iter_batches, open_writer, require_columns


def setup_config(argv) -> PseudoLabelConfig:
    parser = argparse.ArgumentParser(prog="train/pseudo_label.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="overrides are config keys: detector.model=DIR input=GLOB output=F min_score.EMAIL=0.95")
    parser.add_argument("--config", help="a YAML under configs/pseudo_label/ (defaults apply without one)")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides")
    args = parser.parse_args(argv)
    cfg = load_config(PseudoLabelConfig, args.config, args.overrides)
    return require_paths(cfg)


def setup_detector(cfg: PseudoLabelConfig):
    """The model detector at a low threshold: every candidate, with its score, reaches the rules."""
    import dataclasses

    from codepii.detect import build_detector

    candidates = {c: cfg.candidate_threshold for c in MAIN_CATEGORIES}
    return build_detector(dataclasses.replace(cfg.detector, default_threshold=cfg.candidate_threshold,
                                              thresholds=candidates))


@exit_on_user_error
def main(argv=None) -> int:
    quiet_hf_bars()
    cfg = setup_config(argv)
    detector = setup_detector(cfg)
    seen, kept, counts = 0, 0, Counter()
    with open_writer(cfg.output, fields={"entities": entities_type(with_score=False)}) as writer:
        for batch in progress(iter_batches(cfg.input, cfg.batch_rows), desc="pseudo-label", unit=" batch"):
            if cfg.max_records is not None:
                batch = batch[: max(0, cfg.max_records - seen)]
            if not batch:
                break
            for i, r in enumerate(batch):
                require_columns(r, [cfg.text_column], f"{cfg.input} record {seen + i + 1}")
            found = detector.detect([r[cfg.text_column] for r in batch])
            out = [r for r in pseudo_records(batch, found, cfg) if r is not None]
            writer.write_batch(out)
            seen, kept = seen + len(batch), kept + len(out)
            counts.update(e["category"] for r in out for e in r["entities"])
    save_resolved_config(cfg, cfg.output)
    print(f"{seen} files read, {kept} kept, {seen - kept} dropped; entities: "
          + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) + f" -> {cfg.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
