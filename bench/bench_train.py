"""Training throughput (tokens/s) and padding, with and without length-grouped batches.

    OMP_NUM_THREADS=1 python bench/bench_train.py --files 200 --steps 30

Generates synth files, tokenizes them into windows as train/train.py does
(the tiny model and its locally trained tokenizer), then, for each batching
mode, times forward+backward+AdamW steps of the tiny model on CPU (or the GPU
with --device cuda) and prints real tokens/s and the padding fraction of the
whole epoch's batches. Not a test: prints figures.
"""
from __future__ import annotations

import argparse
import time

from benchcli import guard, nonneg_int, positive_int


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--files", type=positive_int, default=200, help="synth files to generate, long_fraction as in codepii synth (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="seed of the files, the model and the batches (default %(default)s)")
    p.add_argument("--max-length", type=positive_int, default=256, help="tokens per window (default %(default)s)")
    p.add_argument("--stride", type=nonneg_int, default=32, help="tokens shared by consecutive windows (default %(default)s)")
    p.add_argument("--batch", type=positive_int, default=16, help="windows per batch (default %(default)s)")
    p.add_argument("--steps", type=positive_int, default=30, help="timed optimizer steps per mode (after 3 warm-up steps)")
    p.add_argument("--device", default="cpu", help="torch device (default %(default)s)")
    return p.parse_args()


def time_steps(model, optimizer, loader, steps: int, device: str) -> tuple[float, int, int]:
    """Seconds, real tokens and padded tokens of ``steps`` training steps, after 3 warm-up steps."""
    import torch

    it = iter(loader)
    seconds, tokens, padded = 0.0, 0, 0
    for i in range(steps + 3):
        batch = next(it)
        batch = {k: v.to(device) for k, v in batch.items()}
        start = time.perf_counter()
        loss = model(**batch).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        if i >= 3:
            seconds += time.perf_counter() - start
            tokens += int(batch["attention_mask"].sum())
            padded += batch["attention_mask"].numel()
    return seconds, tokens, padded


def main() -> None:
    import torch

    from codepii.labels import TagSet
    from codepii.model import build_tiny_model, train_tokenizer
    from codepii.synth import generate
    from codepii.train_config import LabelsConfig
    from codepii.train_data import MODEL_COLUMNS, LengthGroupedBatchSampler, make_collator, padding_fraction, tokenize_records

    args = parse_args()
    records = list(generate(args.files, args.seed))
    tokenizer = train_tokenizer([r["content"] for r in records], 4000)
    tagset = TagSet.from_mapping("default")
    ds = tokenize_records(records, tokenizer, tagset, LabelsConfig(max_length=args.max_length, stride=args.stride), cache=False)
    lengths = ds["length"]
    print(f"{len(records)} files, {len(ds)} windows of <= {args.max_length} tokens, {sum(lengths)} real tokens; "
          f"batch {args.batch}, {args.steps} timed steps, device {args.device}, torch threads {torch.get_num_threads()}")
    print(f"{'batching':<16} {'padding % (epoch)':>17} {'real tokens/s':>13} {'padded tokens/s':>15}")
    for grouped in (False, True):
        sampler = LengthGroupedBatchSampler(lengths, args.batch, seed=args.seed, group_by_length=grouped)
        pad = padding_fraction(lengths, sampler.batches())
        loader = torch.utils.data.DataLoader(ds.select_columns(MODEL_COLUMNS), batch_sampler=sampler, collate_fn=make_collator(tokenizer))
        model = build_tiny_model(tokenizer, tagset, max_position=args.max_length).to(args.device)
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
        seconds, tokens, padded = time_steps(model, optimizer, loader, args.steps, args.device)
        name = "length-grouped" if grouped else "random"
        print(f"{name:<16} {100 * pad:>17.1f} {tokens / seconds:>13.0f} {padded / seconds:>15.0f}")


if __name__ == "__main__":
    guard(main)
