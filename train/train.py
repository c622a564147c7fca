"""Fine-tune a token classifier on gold PII spans (BIO windows), with one visible accelerate loop.

    accelerate launch train/train.py --config configs/train/tiny.yaml data.train=synth.jsonl [key=value ...]

Reads top to bottom: config -> accelerator -> model and tokenizer -> tokenized
windows -> optimizer and schedule -> the loop (accumulate, clip, step; log;
evaluate every N steps with per-class seqeval F1; keep the best model; save
state for resuming; stop early). Writes, under ``output_dir``: ``model/`` (the
best model, a codepii model dir), ``checkpoints/step_N/`` (accelerate state),
``config.yaml`` (the resolved config), ``log.jsonl``, ``metrics.json`` and
TensorBoard events under ``tb/``.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time

from codepii.config import load_config, save_config, save_resolved_config
from codepii.errors import CodepiiError, exit_on_user_error
from codepii.io import write_json
from codepii.labels import IGNORE_INDEX, OUTSIDE, TagSet, begin_tag, inside_tag
from codepii.progress import progress, quiet_hf_bars
from codepii.train_config import MINILM, TINY, TrainConfig, flatten_config, require_data
from codepii.train_run import CHECKPOINT_CONFIG, check_output_dir, clear_previous_run, find_checkpoint, load_checkpoint
from codepii.train_data import (
    MODEL_COLUMNS,
    LengthGroupedBatchSampler,
    load_gold_splits,
    make_collator,
    records_hash,
    tokenize_records,
)


class TrainState:
    """Loop counters saved with ``accelerator.save_state`` (registered for checkpointing)."""

    def __init__(self):
        self.step, self.epoch, self.batch_in_epoch = 0, 0, 0  # optimizer steps; micro-batches this epoch
        self.best_f1, self.best_step, self.bad_evals = -1.0, 0, 0
        self.best_loss = float("inf")  # breaks F1 ties (early on, strict F1 is often 0 for every eval)

    def state_dict(self) -> dict:
        return dict(vars(self))

    def load_state_dict(self, state: dict) -> None:
        vars(self).update(state)


def setup_config(argv) -> TrainConfig:
    parser = argparse.ArgumentParser(
        prog="train/train.py",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="overrides are dotted config keys, e.g. data.train=gold.jsonl optim.lr=3e-5 max_steps=500; "
        "see configs/train/*.yaml and docs/train.md",
    )
    parser.add_argument("--config", help="a YAML under configs/train/ (defaults apply without one)")
    parser.add_argument("overrides", nargs="*", metavar="key=value", help="config overrides")
    args = parser.parse_args(argv)
    return require_data(load_config(TrainConfig, args.config, args.overrides))


def setup_accelerator(cfg: TrainConfig):
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    accelerator = Accelerator(
        gradient_accumulation_steps=cfg.batch.grad_accum_steps,
        mixed_precision=cfg.mixed_precision,
        log_with="tensorboard" if cfg.logging.tensorboard else None,
        project_dir=cfg.output_dir,
    )
    set_seed(cfg.seed)
    if accelerator.is_main_process:
        if cfg.overwrite:
            clear_previous_run(cfg)
        os.makedirs(cfg.output_dir, exist_ok=True)
        save_resolved_config(cfg, cfg.output_dir)
    accelerator.wait_for_everyone()
    if cfg.logging.tensorboard:
        accelerator.init_trackers("tb", config=flatten_config(cfg))
    return accelerator


def setup_model(cfg: TrainConfig, tagset: TagSet, train_texts: list[str], checkpoint: str | None, accelerator):
    """``(model, tokenizer)``: tiny (tokenizer trained here), minilm, or any hub name / local dir."""
    from codepii import model as models
    from codepii.train_data import cached_tokenizer

    name = cfg.model.name_or_path
    if name == TINY:
        with accelerator.main_process_first():  # the main process trains and caches, the others load
            tokenizer = cached_tokenizer(checkpoint, train_texts, cfg.model.tiny.vocab_size)
        t = cfg.model.tiny
        model = models.build_tiny_model(
            tokenizer, tagset, t.hidden_size, t.num_layers, t.num_heads, t.intermediate_size,
            max_position=cfg.labels.max_length, seed=cfg.seed,
        )
        return model, tokenizer
    path = models.minilm_path() if name == MINILM else name
    model, tokenizer = models.load_pretrained_for_training(path, tagset, cfg.labels.max_length)
    positions = getattr(model.config, "max_position_embeddings", None)
    if positions is not None and cfg.labels.max_length > positions:
        raise CodepiiError(f"labels.max_length={cfg.labels.max_length} exceeds {name}'s {positions} positions; lower it")
    return model, tokenizer


def setup_data(cfg: TrainConfig, records: tuple[list, list], tokenizer, tagset: TagSet, accelerator):
    """Train loader (length-grouped, seeded by epoch) and eval loader (sorted by length)."""
    import torch

    train_records, eval_records = records
    with accelerator.main_process_first():  # the main process tokenizes and writes the cache, the others load it
        # unresolved crowd tasks are never O targets, in train and eval alike (data.unresolved)
        kw = dict(cache=cfg.data.cache, num_proc=cfg.data.num_proc, unresolved=cfg.data.unresolved,
                  min_confidence=cfg.data.min_confidence)
        train_ds = tokenize_records(train_records, tokenizer, tagset, cfg.labels, desc="tokenize train", **kw)
        eval_ds = tokenize_records(eval_records, tokenizer, tagset, cfg.labels, desc="tokenize eval", **kw)
    eval_ds = eval_ds.sort("length")
    if cfg.eval.max_windows is not None:
        eval_ds = eval_ds.select(range(min(cfg.eval.max_windows, len(eval_ds))))
    sampler = LengthGroupedBatchSampler(train_ds["length"], cfg.batch.per_device, cfg.seed, cfg.batch.group_by_length)
    collate = make_collator(tokenizer)
    # A private generator: creating a loader iterator must not draw from the global RNG (resume = same run).
    g = torch.Generator().manual_seed(cfg.seed)
    train_loader = torch.utils.data.DataLoader(
        train_ds.select_columns(MODEL_COLUMNS), batch_sampler=sampler, collate_fn=collate, generator=g
    )
    eval_loader = torch.utils.data.DataLoader(
        eval_ds.select_columns(MODEL_COLUMNS), batch_size=cfg.batch.eval_per_device, collate_fn=collate, generator=g
    )
    accelerator.print(
        f"train: {len(train_records)} records, {len(train_ds)} windows; "
        f"eval: {len(eval_records)} records, {len(eval_ds)} windows"
    )
    return train_loader, eval_loader, sampler


def setup_optimizer(cfg: TrainConfig, model, total_steps: int, num_processes: int):
    """AdamW (no decay on biases and LayerNorm weights) and a warmup + decay schedule."""
    import torch
    from transformers import get_scheduler

    no_decay = ("bias", "LayerNorm.weight", "layer_norm.weight", "norm.weight")
    named = list(model.named_parameters())
    params = [
        {"params": [p for n, p in named if not n.endswith(no_decay)], "weight_decay": cfg.optim.weight_decay},
        {"params": [p for n, p in named if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(params, lr=cfg.optim.lr, betas=tuple(cfg.optim.adam_betas), eps=cfg.optim.adam_eps)
    # The prepared scheduler steps once per process per optimizer step, hence the factor.
    scheduler = get_scheduler(
        cfg.optim.schedule, optimizer,
        num_warmup_steps=cfg.optim.warmup_steps * num_processes,
        num_training_steps=total_steps * num_processes,
    )
    return optimizer, scheduler


def setup_loss(cfg: TrainConfig, tagset: TagSet, device):
    """Cross-entropy over tags, -100 ignored, optional per-class weights (B- and I- share one)."""
    import torch

    if not cfg.labels.class_weights:
        return torch.nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)
    by_tag = {OUTSIDE: cfg.labels.class_weights.get(OUTSIDE, 1.0)}
    for c in tagset.classes:
        by_tag[begin_tag(c)] = by_tag[inside_tag(c)] = cfg.labels.class_weights.get(c, 1.0)
    weight = torch.tensor([by_tag[t] for t in tagset.tags], device=device)  # (n_tags,) in tag-id order
    return torch.nn.CrossEntropyLoss(weight=weight, ignore_index=IGNORE_INDEX)


def evaluate(model, eval_loader, accelerator, tagset: TagSet, loss_fn) -> dict:
    """Entity-level seqeval scores per class and micro, on tokens whose gold label is not -100."""
    import torch

    from codepii.metrics import seqeval_scores

    id2tag = tagset.id2tag
    refs, preds, losses = [], [], []
    model.eval()
    for batch in eval_loader:
        with torch.no_grad():
            # (batch, seq_len, n_tags)
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        losses.append(accelerator.reduce(loss_fn(logits.flatten(0, 1).float(), batch["labels"].flatten()), reduction="mean"))
        pred = accelerator.pad_across_processes(logits.argmax(-1), dim=1, pad_index=IGNORE_INDEX)
        gold = accelerator.pad_across_processes(batch["labels"], dim=1, pad_index=IGNORE_INDEX)
        pred, gold = accelerator.gather_for_metrics((pred, gold))
        for p, g in zip(pred.tolist(), gold.tolist()):
            keep = [i for i, label in enumerate(g) if label != IGNORE_INDEX]
            refs.append([id2tag[g[i]] for i in keep])
            preds.append([id2tag[p[i]] for i in keep])
    model.train()
    scores = seqeval_scores(refs, preds)
    scores["loss"] = float(torch.stack(losses).mean())  # mean of per-batch means
    return scores


def keep_best(cfg: TrainConfig, accelerator, state: TrainState, scores: dict, save) -> None:
    """Log an evaluation; ``save()`` the model when it is the best so far. Patience counts evals
    without a better F1; a tie on F1 with a lower eval loss still replaces the best model."""
    f1 = scores["micro"]["f1"]
    per_class = {f"eval/{k}_f1": v["f1"] for k, v in scores.items() if isinstance(v, dict)}
    accelerator.log(per_class | {"eval/loss": scores["loss"]}, step=state.step)
    log_jsonl(cfg, accelerator, {"step": state.step, "eval": scores})
    accelerator.print(f"step {state.step}: eval micro F1 {f1:.4f} (best {max(state.best_f1, 0):.4f})")
    state.bad_evals = 0 if f1 > state.best_f1 else state.bad_evals + 1
    if (f1, -scores["loss"]) > (state.best_f1, -state.best_loss):
        state.best_f1, state.best_loss, state.best_step = f1, scores["loss"], state.step
        save()


def save_best_model(cfg: TrainConfig, accelerator, model, tokenizer, tagset: TagSet, data_hash: str, scores: dict):
    """Write ``output_dir/model`` (a codepii model dir) via a temporary dir and a rename."""
    from codepii.model import ModelMeta, save_model_dir

    accelerator.wait_for_everyone()
    if not accelerator.is_main_process:
        return
    final, tmp = os.path.join(cfg.output_dir, "model"), os.path.join(cfg.output_dir, "model.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    meta = ModelMeta(
        tagset=tagset.to_dict(), max_length=cfg.labels.max_length, stride=cfg.labels.stride,
        thresholds=dict(cfg.labels.thresholds), label_all_tokens=cfg.labels.label_all_tokens,
        base_model=cfg.model.name_or_path, data_hash=data_hash,
    )
    save_model_dir(tmp, accelerator.unwrap_model(model), tokenizer, meta)
    write_json(os.path.join(tmp, "metrics.json"), scores)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)


def save_checkpoint(cfg: TrainConfig, accelerator, tokenizer, step: int) -> None:
    """``accelerator.save_state`` (model, optimizer, scheduler, RNG, TrainState) + the tokenizer; keep the newest few."""
    root = os.path.join(cfg.output_dir, "checkpoints")
    path = os.path.join(root, f"step_{step}")
    accelerator.save_state(path)
    if accelerator.is_main_process:
        tokenizer.save_pretrained(os.path.join(path, "tokenizer"))
        save_config(cfg, os.path.join(path, CHECKPOINT_CONFIG))  # what a resumed run is checked against
        old = sorted((int(d.split("_")[1]), d) for d in os.listdir(root) if d.startswith("step_"))
        for _, d in old[: -cfg.checkpoint.keep]:
            shutil.rmtree(os.path.join(root, d), ignore_errors=True)
    accelerator.wait_for_everyone()


def log_jsonl(cfg: TrainConfig, accelerator, row: dict) -> None:
    if accelerator.is_main_process:
        with open(os.path.join(cfg.output_dir, "log.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")


@exit_on_user_error
def main(argv=None) -> int:
    quiet_hf_bars()
    cfg = setup_config(argv)
    check_output_dir(cfg)
    checkpoint = find_checkpoint(cfg)
    records = load_gold_splits(cfg.data)  # before torch is imported: a bad path fails in a second
    accelerator = setup_accelerator(cfg)
    tagset = TagSet.from_mapping(cfg.labels.mapping)
    data_hash = records_hash(records[0])
    model, tokenizer = setup_model(cfg, tagset, [r["content"] for r in records[0]], checkpoint, accelerator)
    train_loader, eval_loader, sampler = setup_data(cfg, records, tokenizer, tagset, accelerator)
    steps_per_epoch = math.ceil(len(train_loader) / cfg.batch.grad_accum_steps / accelerator.num_processes)
    total_steps = cfg.max_steps or math.ceil(cfg.epochs * steps_per_epoch)
    optimizer, scheduler = setup_optimizer(cfg, model, total_steps, accelerator.num_processes)
    model, optimizer, train_loader, eval_loader, scheduler = accelerator.prepare(
        model, optimizer, train_loader, eval_loader, scheduler
    )
    loss_fn = setup_loss(cfg, tagset, accelerator.device)
    state = TrainState()
    accelerator.register_for_checkpointing(state)
    if checkpoint:
        load_checkpoint(accelerator, checkpoint)
        accelerator.print(f"resumed from {checkpoint} at step {state.step} (epoch {state.epoch}, batch {state.batch_in_epoch})")
        if state.step >= total_steps and not os.path.isdir(os.path.join(cfg.output_dir, "model")):
            raise CodepiiError(
                f"{checkpoint} is at step {state.step} and max_steps gives {total_steps}: nothing left to train, and "
                f"{cfg.output_dir} has no model; raise max_steps to train on"
            )
    stop = cfg.eval.patience > 0 and state.bad_evals >= cfg.eval.patience  # a resumed run that had stopped early
    eval_every = cfg.eval.every_steps or total_steps
    save_every = cfg.checkpoint.every_steps or eval_every

    quiet = {} if accelerator.is_main_process else {"disable": True}
    bar = progress(total=total_steps, initial=state.step, desc="train", unit="step", **quiet)
    model.train()
    losses, t0, tokens = [], time.time(), 0
    while state.step < total_steps and not stop:
        # The batch order depends only on (seed, epoch). The prepared loader re-sets its
        # sampler's epoch from its own counter on each pass, so set both (DDP wraps the sampler).
        train_loader.set_epoch(state.epoch)
        sampler.set_epoch(state.epoch)
        # On resume, skip the micro-batches this epoch already consumed: same data order as an uninterrupted run.
        loader = train_loader
        if state.batch_in_epoch:
            loader = accelerator.skip_first_batches(train_loader, state.batch_in_epoch)
        for batch in loader:
            with accelerator.accumulate(model):
                # logits: (batch, seq_len, n_tags); labels: (batch, seq_len), -100 where ignored
                logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
                loss = loss_fn(logits.flatten(0, 1).float(), batch["labels"].flatten())
                accelerator.backward(loss)
                if accelerator.sync_gradients and cfg.optim.max_grad_norm > 0:
                    accelerator.clip_grad_norm_(model.parameters(), cfg.optim.max_grad_norm)
                optimizer.step()
                scheduler.step()
                optimizer.zero_grad()
            state.batch_in_epoch += 1
            losses.append(loss.detach())
            tokens += int(batch["attention_mask"].sum())
            if not accelerator.sync_gradients:
                continue
            state.step += 1
            bar.update(1)
            if state.step % cfg.logging.every_steps == 0 or state.step == total_steps:
                mean_loss = float(accelerator.reduce(sum(losses) / len(losses), reduction="mean"))
                row = {"step": state.step, "epoch": state.epoch, "loss": mean_loss, "lr": scheduler.get_last_lr()[0],
                       "tokens_per_s": tokens * accelerator.num_processes / (time.time() - t0)}
                accelerator.log({"train/loss": mean_loss, "train/lr": row["lr"]}, step=state.step)
                log_jsonl(cfg, accelerator, row)
                bar.set_postfix(loss=f"{mean_loss:.4f}")
                losses, t0, tokens = [], time.time(), 0
            if state.step % eval_every == 0 or state.step == total_steps:
                scores = evaluate(model, eval_loader, accelerator, tagset, loss_fn)
                keep_best(cfg, accelerator, state, scores, lambda: save_best_model(
                    cfg, accelerator, model, tokenizer, tagset, data_hash, scores))
                stop = cfg.eval.patience > 0 and state.bad_evals >= cfg.eval.patience
            if state.step % save_every == 0 or state.step == total_steps or stop:
                save_checkpoint(cfg, accelerator, tokenizer, state.step)
            if state.step % eval_every == 0 or state.step % save_every == 0:
                t0, tokens = time.time(), 0  # tokens/s measures training only
            if state.step >= total_steps or stop:
                break
        else:
            state.epoch, state.batch_in_epoch = state.epoch + 1, 0
    bar.close()
    finish(cfg, accelerator, state, stop)
    return 0


def finish(cfg: TrainConfig, accelerator, state: TrainState, stopped_early: bool) -> None:
    summary = {"best_step": state.best_step, "best_micro_f1": state.best_f1, "steps": state.step,
               "stopped_early": stopped_early}
    if accelerator.is_main_process:
        write_json(os.path.join(cfg.output_dir, "metrics.json"), summary)
    accelerator.print(f"done: {json.dumps(summary)}; best model in {os.path.join(cfg.output_dir, 'model')}")
    accelerator.end_training()


if __name__ == "__main__":
    sys.exit(main())
