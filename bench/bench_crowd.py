"""Crowd aggregation quality: span F1 of aggregated gold against the simulator's truth.

For each crowd-noise level one simulated crowd labels and validates every
(chunk, project) task; then each method aggregates, the tasks it leaves
unresolved are issued again (a new round, as a requester would) and it
aggregates again, up to --rounds rounds. Prints exact span P/R/F1, the tasks
still unresolved and the labelings paid for.

    .venv/bin/python bench/bench_crowd.py --files 200 --seed 0

Gold comes from ``codepii.synth.generate`` when it exists, else from the small
template generator below (about one PII value per 20 lines, like the BigCode
crowd data: ~2 entities per 50-line file).
"""
from __future__ import annotations

import argparse
import random
import time
import warnings

from codepii.crowd.aggregate import aggregate
from codepii.crowd.chunk import chunk_records, group_file_chunks
from codepii.crowd.simulate import CrowdConfig, simulate, span_f1, truth_record
from codepii.crowd.vote import METHODS

from benchcli import comma_list, fraction, guard, positive_int

# name -> (mean skill, spammer fraction)
LEVELS = {
    "expert": (0.9, 0.05),
    "realistic": (0.8, 0.1),
    "noisy": (0.7, 0.15),
    "hostile": (0.65, 0.25),
}
# category -> value makers for the fallback generator
_VALUES = {
    "EMAIL": lambda r: f"{r.choice(['ann', 'li.wei', 'omar'])}{r.randint(1, 99)}@{r.choice(['corp.io', 'mail.de'])}",
    "EMAIL_LICENSE": lambda r: f"{r.choice(['kim', 'jo'])}@{r.choice(['uni.edu', 'dev.org'])}",
    "EMAIL_EXAMPLE": lambda r: "user@example.com",
    "NAME": lambda r: f"{r.choice(['Ana', 'Wei', 'Omar', 'Sven'])} {r.choice(['Silva', 'Zhang', 'Haddad'])}",
    "NAME_LICENSE": lambda r: f"{r.choice(['Maria', 'Jonas'])} {r.choice(['Keller', 'Rossi'])}",
    "USERNAME": lambda r: f"@{r.choice(['dev', 'kat', 'zed'])}{r.randint(10, 999)}",
    "PASSWORD": lambda r: "".join(r.choice("abcdefXYZ0123456789!#") for _ in range(r.randint(8, 14))),
    "KEY": lambda r: "sk_live_" + "".join(r.choice("abcdef0123456789") for _ in range(32)),
    "ID": lambda r: str(r.randint(10**11, 10**12 - 1)),
    "IP_ADDRESS": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
}


def template_gold(n_files: int, seed: int) -> list[dict]:
    """Code-like files with one PII value on about 5% of the lines, exact spans."""
    rng = random.Random(seed)
    gold = []
    for f in range(n_files):
        lines, entities, pos = [], [], 0
        for i in range(rng.randint(30, 160)):
            if rng.random() < 0.05:
                category = rng.choice(list(_VALUES))
                prefix, value = f'    cfg["{category.lower()}_{i}"] = "', _VALUES[category](rng)
                entities.append({"start": pos + len(prefix), "end": pos + len(prefix) + len(value), "category": category})
                line = prefix + value + '"\r\n' if f % 5 == 0 else prefix + value + '"\n'
            else:
                line = f"    total_{i} = compute(items[{i}], scale={rng.random():.3f})  # step {i}\n"
            lines.append(line)
            pos += len(line)
        gold.append({"id": f"file{f:04d}", "content": "".join(lines), "entities": entities})
    return gold


def load_gold(n_files: int, seed: int) -> tuple[list[dict], str]:
    try:
        from codepii.synth import generate
    except ImportError:
        return template_gold(n_files, seed), "template"
    return [truth_record(r) for r in generate(n_files, seed)], "codepii.synth"


def run_method(method, gold, chunks, files, config, first, rounds, min_confidence):
    """Aggregate, re-issue the unresolved tasks, aggregate again; the last round's gold and summary."""
    labelings, votes = list(first.labelings), list(first.votes)
    for round_index in range(1, rounds + 1):
        records, summary = aggregate(
            chunks, labelings, votes, first.skills, method=method.split("/")[0], min_confidence=min_confidence,
            quiz_questions=config.quiz_questions if method.endswith("/eb") else None, seed=config.seed,
        )
        todo = {(u["chunk_id"], u["project"]) for u in summary["unresolved"]}
        if not todo or round_index == rounds:
            return records, summary, len(labelings)
        more = simulate(gold, files, config, round_index=round_index, only=todo)
        labelings += more.labelings
        votes += more.votes


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--files", type=positive_int, default=200, help="generated files (default %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="seed of the files and the crowd (default %(default)s)")
    p.add_argument("--lines", type=positive_int, default=50, help="lines per chunk (default %(default)s)")
    p.add_argument("--rounds", type=positive_int, default=3, help="aggregation rounds, re-issuing unresolved tasks (default %(default)s)")
    p.add_argument("--workers", type=positive_int, default=60, help="simulated crowd workers; at least --labelings-per-chunk + 5 (default %(default)s)")
    p.add_argument("--quiz-questions", type=positive_int, default=20, help="quiz questions per worker, for the wmv skills (default %(default)s)")
    p.add_argument("--labelings-per-chunk", type=positive_int, default=1, help="labelings per task, >1: consensus (default %(default)s)")
    p.add_argument("--min-confidence", type=comma_list(fraction), default="0.5", help="comma-separated acceptance thresholds on P(correct)")
    p.add_argument("--methods", default="mv,wmv,wmv/eb,wawa,ds,glad",
                   help="comma-separated, from: " + ", ".join(METHODS) + " (wmv/eb: quiz skills shrunk, --quiz-questions)")
    p.add_argument("--levels", type=comma_list(choices=list(LEVELS)), default=",".join(LEVELS), help="comma-separated, from: " + ", ".join(LEVELS))
    args = p.parse_args()
    needed = args.labelings_per_chunk + CrowdConfig.max_votes  # each task takes distinct workers
    if args.workers < needed:
        p.error(f"--workers {args.workers}: give at least --labelings-per-chunk + {CrowdConfig.max_votes} = {needed}")
    warnings.filterwarnings("ignore")  # pandas 3 warnings from crowd-kit's EM methods (NOTES.md)

    gold, source = load_gold(args.files, args.seed)
    chunks = list(chunk_records(gold, args.lines))
    files = {str(k): v for k, v in group_file_chunks(chunks).items()}
    n_spans = sum(len(r["entities"]) for r in gold)
    print(f"gold: {len(gold)} files from {source}, {n_spans} spans, {len(chunks)} chunks x 7 projects")
    print(f"{'level':<10} {'skill':>5} {'spam':>5} {'method':<10} {'P':>6} {'R':>6} {'F1':>6} "
          f"{'unres':>5} {'labelings':>9} {'votes':>6} {'sec':>5}")
    for level in args.levels:
        mean_skill, spammers = LEVELS[level]
        config = CrowdConfig(workers=args.workers, mean_skill=mean_skill, spammers=spammers,
                             quiz_questions=args.quiz_questions, labelings_per_chunk=args.labelings_per_chunk,
                             seed=args.seed)
        first = simulate(gold, files, config)
        f1s = {}
        for method, conf in [(m, c) for c in args.min_confidence for m in args.methods.split(",")]:
            t0 = time.perf_counter()
            records, summary, n_labelings = run_method(method, gold, chunks, files, config, first, args.rounds, conf)
            score = span_f1(gold, records)
            f1s[f"{method}@{conf}"] = score["f1"]
            print(f"{level:<10} {mean_skill:>5.2f} {spammers:>5.2f} {method + '@' + str(conf):<10} {score['precision']:>6.3f} "
                  f"{score['recall']:>6.3f} {score['f1']:>6.3f} {summary['chunk_projects']['unresolved']:>5} "
                  f"{n_labelings:>9} {summary['votes']['read']:>6} {time.perf_counter() - t0:>5.1f}", flush=True)
        best = max(f1s, key=f1s.get)
        baseline = f"mv@{args.min_confidence[0]}"
        if baseline in f1s:
            print(f"{level}: best {best} F1 {f1s[best]:.3f} vs plain {baseline} {f1s[baseline]:.3f} "
                  f"({f1s[best] - f1s[baseline]:+.3f})", flush=True)


if __name__ == "__main__":
    guard(main)
