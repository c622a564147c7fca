"""``codepii crowd {chunk,simulate,aggregate,validation-tasks,push,pull}``: the crowd stage."""
from __future__ import annotations

import argparse
import json
import os

HELP = "crowd stage: chunk files into tasks, simulate a crowd, aggregate labels and votes into gold"
DESCRIPTION = """The crowd stage (docs/crowd.md). Files are cut into 50-line chunks, each
chunk is labeled in 7 projects (one per main category), each labeling is
validated 3-5 times, and aggregation turns accepted labelings into gold spans
(AMBIGUOUS where categories collide), in file offsets.

example:
  codepii crowd chunk --input corpus.jsonl --out tasks/ --format label-studio
  codepii crowd simulate --gold gold.jsonl --chunks tasks/chunks.jsonl --out crowd/
  codepii crowd aggregate --chunks tasks/chunks.jsonl --labels crowd/labels.jsonl \\
      --validations crowd/validations.jsonl --skills crowd/skills.csv --out gold.jsonl
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="crowd_command", metavar="STEP")
    raw = argparse.RawDescriptionHelpFormatter
    _add_chunk_and_simulate(sub, raw)
    _add_aggregate(sub, raw)
    _add_label_studio(sub, raw)
    add_select_arguments(sub, raw)
    p.set_defaults(_crowd_parser=p)


def _add_chunk_and_simulate(sub, raw) -> None:
    from ..crowd.chunk import DEFAULT_LINES

    c = sub.add_parser("chunk", help="cut files into line chunks and write one task set per project",
                       description="Writes OUT/chunks.jsonl and, per main category, OUT/<PROJECT>.jsonl "
                       "(--format jsonl) or OUT/<PROJECT>/{tasks.json,label_config.xml,validation_config.xml} "
                       "(--format label-studio).", formatter_class=raw)
    c.add_argument("--input", nargs="+", required=True, help="corpus records (jsonl/parquet/HF dir, globs)")
    c.add_argument("--out", required=True, help="output directory")
    c.add_argument("--lines", type=int, default=DEFAULT_LINES, help="lines per chunk (default %(default)s)")
    c.add_argument("--format", choices=["jsonl", "label-studio"], default="jsonl")
    c.add_argument("--id-column", default="id")
    c.add_argument("--content-column", default="content")
    c.set_defaults(_crowd_run=run_chunk)

    s = sub.add_parser("simulate", help="simulate a crowd with known truth (labels, votes, quiz skills)",
                       description="Writes OUT/labels.jsonl, OUT/validations.jsonl, OUT/skills.csv and "
                       "OUT/truth.jsonl. Deterministic by --seed. To re-issue what aggregation left unresolved: "
                       "--round 1 --only-unresolved gold.summary.json (same --seed: same workers).",
                       formatter_class=raw)
    s.add_argument("--gold", required=True, help="gold records (e.g. from `codepii synth`)")
    s.add_argument("--chunks", required=True, help="chunks.jsonl made from the same files")
    s.add_argument("--out", required=True, help="output directory")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--workers", type=int, default=40)
    s.add_argument("--mean-skill", type=float, default=0.8, help="mean probability of a careful task")
    s.add_argument("--spammers", type=float, default=0.1, help="fraction of workers who answer at random")
    s.add_argument("--labelings-per-chunk", type=int, default=1)
    s.add_argument("--min-votes", type=int, default=3)
    s.add_argument("--max-votes", type=int, default=5, help="votes go up to this while they disagree")
    s.add_argument("--quiz-questions", type=int, default=20)
    s.add_argument("--round", type=int, default=0, help="round number of re-issued tasks (new assignment ids)")
    s.add_argument("--only-unresolved", metavar="SUMMARY", help="issue only the tasks this aggregate summary "
                   "JSON lists as unresolved")
    s.set_defaults(_crowd_run=run_simulate)


def _add_aggregate(sub, raw) -> None:
    from ..crowd.vote import DEFAULT_METHOD, DEFAULT_MIN_CONFIDENCE, METHODS
    from ..labels import MAIN_CATEGORIES

    a = sub.add_parser("aggregate", help="accept labelings by their votes and write gold records",
                       description="Methods:\n" + "\n".join(f"  {k:<5} {v}" for k, v in METHODS.items())
                       + "\n\nPrints a summary and writes it as JSON (--summary). Rows that do not fit "
                       "(unknown assignment, span outside its chunk, ...) are skipped and counted; --strict "
                       "makes the first one an error (exit 2).", formatter_class=raw)
    a.add_argument("--chunks", required=True, help="chunks.jsonl from `codepii crowd chunk`")
    a.add_argument("--labels", nargs="+", required=True, help="labeling results: JSONL or Label Studio JSON exports")
    a.add_argument("--validations", nargs="*", default=[], help="votes: JSONL or Label Studio JSON exports")
    a.add_argument("--skills", help="quiz skills, CSV or JSONL (worker_id, project, skill)")
    a.add_argument("--out", required=True, help="gold records (.jsonl, .jsonl.gz, .parquet)")
    a.add_argument("--method", choices=list(METHODS),
                   help=f"default {DEFAULT_METHOD} with --skills, mv without")
    a.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE,
                   help="accept a labeling when P(correct) >= this (default %(default)s)")
    a.add_argument("--quiz-questions", type=int, metavar="N",
                   help="questions in the quiz behind --skills: shrinks lucky/unlucky quiz scores toward the "
                   "project's mean before weighting (empirical Bayes); without it skills are used as given")
    a.add_argument("--per-project-workers", action="store_true",
                   help="EM methods: estimate each worker separately per project (needs much data)")
    a.add_argument("--projects", nargs="+", choices=MAIN_CATEGORIES,
                   help="projects that were run (default: those with labelings)")
    a.add_argument("--project", choices=MAIN_CATEGORIES, help="project of Label Studio tasks without one")
    a.add_argument("--strict", action="store_true", help="a row that does not fit is an error, not a skip")
    a.add_argument("--drop-unresolved", action="store_true", help="leave out files with unresolved chunks")
    a.add_argument("--fallback", choices=["none", "best"], default="none",
                   help="after the last round: best = an unresolved task takes its labeling with the highest "
                   "P(correct); its spans carry that as `confidence` (train with data.min_confidence)")
    a.add_argument("--summary", help="summary JSON path (default: OUT without suffix + .summary.json)")
    a.add_argument("--seed", type=int, default=0, help="seed of methods that draw (mace)")
    a.set_defaults(_crowd_run=run_aggregate)

    v = sub.add_parser("validation-tasks", help="Label Studio validation tasks for labelings",
                       description="Writes OUT/<PROJECT>/tasks.json: one task per labeling, pre-annotated, "
                       "for the project made with OUT/<PROJECT>/validation_config.xml.", formatter_class=raw)
    v.add_argument("--chunks", required=True)
    v.add_argument("--labels", nargs="+", required=True, help="labeling results: JSONL or Label Studio exports")
    v.add_argument("--out", required=True)
    v.add_argument("--project", choices=MAIN_CATEGORIES, help="project of Label Studio tasks without one")
    v.set_defaults(_crowd_run=run_validation_tasks)


def _add_label_studio(sub, raw) -> None:
    from ..crowd.ls_api import TOKEN_ENV, URL_ENV
    from ..labels import MAIN_CATEGORIES

    auth = (f"The server is --url (or ${URL_ENV}); the token is read from ${TOKEN_ENV} (a personal access token, "
            "Account & Settings in Label Studio), never from the command line, and never printed.")
    u = sub.add_parser("push", help="create Label Studio projects and import tasks (idempotent)",
                       description="Creates one project per main category, titled 'codepii SET PROJECT labeling' "
                       "(tasks from `crowd chunk --format label-studio`) or '... validation' (tasks from "
                       "`crowd validation-tasks`), unless it exists, and imports the tasks it does not have yet "
                       "(by chunk_id / assignment_id): a rerun adds nothing. " + auth, formatter_class=raw)
    u.add_argument("--tasks", required=True, help="folder with <PROJECT>/tasks.json and its config XML")
    u.add_argument("--projects", nargs="+", choices=MAIN_CATEGORIES, help="only these (default: all found)")
    u.add_argument("--labelings-per-task", type=int, default=1, help="annotators per labeling task (default 1)")
    u.add_argument("--votes-per-task", type=int, default=3, help="validators per validation task (default 3)")
    u.set_defaults(_crowd_run=run_push)
    g = sub.add_parser("pull", help="export the Label Studio projects into labels.jsonl and validations.jsonl",
                       description="Exports every project of --set as JSON (kept in OUT/exports/) and writes "
                       "OUT/labels.jsonl and OUT/validations.jsonl, the inputs of `crowd validation-tasks` and "
                       "`crowd aggregate`; workers are named by email. Files are replaced atomically; a rerun "
                       "rewrites them from the server's current state. " + auth, formatter_class=raw)
    g.add_argument("--out", required=True, help="output directory")
    g.set_defaults(_crowd_run=run_pull)
    for parser in (u, g):
        parser.add_argument("--url", default=os.environ.get(URL_ENV, "http://localhost:8080"),
                            help=f"Label Studio URL (default ${URL_ENV} or %(default)s)")
        parser.add_argument("--set", default="default", dest="set_name",
                            help="name of this task set in the project titles (default %(default)s)")


def add_select_arguments(sub, formatter) -> None:
    from ..crowd.select import DEFAULT_RANDOM_SHARE

    e = sub.add_parser("select", help="pick the chunks worth labeling next (active learning) and write them as tasks",
                       description="Scores every chunk of the corpus with the model (uncertainty over its least sure "
                       "tokens) and the patterns (spans one finds and the other does not), takes the --budget best and "
                       "a random share, and writes them as crowd tasks like `crowd chunk`: OUT/chunks.jsonl (each "
                       "chunk its own file) and a task set per project. See docs/crowd.md.", formatter_class=formatter)
    e.add_argument("--model", required=True, help="a codepii model dir (train/train.py output_dir/model)")
    e.add_argument("--input", nargs="+", required=True, help="corpus records (jsonl/parquet/HF dir, globs)")
    e.add_argument("--budget", type=int, required=True, help="how many chunks to select")
    e.add_argument("--out", required=True, help="output directory")
    e.add_argument("--exclude", nargs="*", default=[], help="chunks.jsonl files of chunks already labeled")
    e.add_argument("--random-share", type=float, default=DEFAULT_RANDOM_SHARE,
                   help="fraction of the budget drawn at random, for calibration (default %(default)s)")
    e.add_argument("--lines", type=int, default=50, help="lines per chunk (default %(default)s)")
    e.add_argument("--format", choices=["jsonl", "label-studio"], default="jsonl")
    e.add_argument("--seed", type=int, default=0)
    e.set_defaults(_crowd_run=run_select)


def run(args: argparse.Namespace) -> int:
    if not getattr(args, "crowd_command", None):
        args._crowd_parser.print_help()
        return 2
    return int(args._crowd_run(args) or 0)


def _read_chunks(spec) -> list[dict]:
    from ..crowd.chunk import check_chunk
    from ..errors import RecordError
    from ..io import expand_paths, iter_records

    chunks, seen = [], set()
    for path in expand_paths(spec):
        for row, c in enumerate(iter_records(path), start=1):
            check_chunk(c, f"{path} row {row}")
            if c["chunk_id"] in seen:
                raise RecordError(f"{path} row {row}: duplicate chunk_id {c['chunk_id']!r}; re-run `codepii crowd chunk`")
            seen.add(c["chunk_id"])
            chunks.append(c)
    return chunks


def _write_json(path: str, obj) -> None:
    from ..io import write_json

    write_json(path, obj, indent=1)


def run_chunk(args: argparse.Namespace) -> int:
    from ..crowd.chunk import chunk_records
    from ..crowd.labelstudio import label_config, labeling_tasks, validation_config
    from ..errors import CodepiiError
    from ..labels import MAIN_CATEGORIES
    from ..progress import progress
    from ..io import iter_records, write_records, write_text

    if args.lines < 1:
        raise CodepiiError(f"--lines must be at least 1, got {args.lines}")
    records = progress(iter_records(args.input), unit=" file", desc="chunk")
    chunks = list(chunk_records(records, args.lines, source=_source(args.input), id_column=args.id_column, content_column=args.content_column))
    write_records(os.path.join(args.out, "chunks.jsonl"), chunks)
    for project in MAIN_CATEGORIES:
        if args.format == "jsonl":
            write_records(os.path.join(args.out, f"{project}.jsonl"), ({**c, "project": project} for c in chunks))
            continue
        folder = os.path.join(args.out, project)
        _write_json(os.path.join(folder, "tasks.json"), labeling_tasks(chunks, project))
        for name, xml in (("label_config.xml", label_config(project)), ("validation_config.xml", validation_config(project))):
            write_text(os.path.join(folder, name), xml)
    files = len({c["file_id"] for c in chunks})
    print(f"{files} files -> {len(chunks)} chunks of <= {args.lines} lines; {len(MAIN_CATEGORIES)} {args.format} "
          f"task sets in {args.out}")
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    from ..crowd.chunk import group_file_chunks
    from ..crowd.results import write_skills_csv
    from ..crowd.simulate import CrowdConfig, simulate, truth_record
    from ..errors import CodepiiError, RecordError
    from ..io import read_gold, write_records

    try:
        config = CrowdConfig(workers=args.workers, mean_skill=args.mean_skill, spammers=args.spammers,
                             labelings_per_chunk=args.labelings_per_chunk, min_votes=args.min_votes,
                             max_votes=args.max_votes, quiz_questions=args.quiz_questions, seed=args.seed)
    except ValueError as exc:
        raise CodepiiError(f"crowd simulate: {exc}") from None
    gold = list(read_gold(args.gold))
    files = {str(k): v for k, v in group_file_chunks(_read_chunks(args.chunks)).items()}
    for record in gold:
        parts = files.get(str(record["id"]))
        if parts is None or "".join(c["text"] for c in parts) != record["content"]:
            raise RecordError(f"{args.gold}: record {record['id']!r} has no matching chunks in {args.chunks}; "
                              "chunk the same file: codepii crowd chunk --input GOLD --out DIR")
    only = None
    if args.only_unresolved:
        with open(args.only_unresolved, encoding="utf-8") as f:
            only = {(u["chunk_id"], u["project"]) for u in json.load(f)["unresolved"]}
    crowd = simulate(gold, files, config, round_index=args.round, only=only)
    write_records(os.path.join(args.out, "labels.jsonl"), (lab.to_dict() for lab in crowd.labelings))
    write_records(os.path.join(args.out, "validations.jsonl"), (v.to_dict() for v in crowd.votes))
    write_skills_csv(os.path.join(args.out, "skills.csv"), crowd.skills)
    write_records(os.path.join(args.out, "truth.jsonl"), (truth_record(r) for r in gold))
    print(f"{len(crowd.labelings)} labelings, {len(crowd.votes)} votes by {args.workers} workers "
          f"({round(args.spammers * args.workers)} spammers) -> {args.out}")
    return 0


def _read_results(paths, kind: str, problems, project):
    """Labelings or votes from JSONL files and Label Studio exports (which may hold both)."""
    from ..crowd.labelstudio import is_export, read_export
    from ..crowd.results import read_labelings, read_votes
    from ..io import expand_paths

    labelings, votes = [], []
    for path in expand_paths(paths) if paths else []:
        if is_export(path):
            labs, vs = read_export(path, problems, project)
            labelings += labs
            votes += vs
        elif kind == "labels":
            labelings += read_labelings(path)
        else:
            votes += read_votes(path)
    return labelings, votes


def run_aggregate(args: argparse.Namespace) -> int:
    from ..crowd.aggregate import aggregate, format_summary
    from ..crowd.checks import Problems
    from ..crowd.results import read_skills
    from ..crowd.vote import DEFAULT_METHOD
    from ..errors import CodepiiError
    from ..io import write_records

    if args.quiz_questions is not None and args.quiz_questions < 1:
        raise CodepiiError(f"--quiz-questions must be at least 1, got {args.quiz_questions}")
    if not 0.5 <= args.min_confidence <= 1.0:
        raise CodepiiError(f"--min-confidence must be in [0.5, 1], got {args.min_confidence}")
    problems = Problems(strict=args.strict)
    chunks = _read_chunks(args.chunks)
    labelings, votes_a = _read_results(args.labels, "labels", problems, args.project)
    more_labelings, votes_b = _read_results(args.validations, "votes", problems, args.project)
    if not labelings + more_labelings:  # every chunk would come out as gold without PII
        raise CodepiiError(f"{', '.join(args.labels)}: no labelings read; point --labels at the labeling results "
                           "(labels.jsonl of `crowd pull` or `crowd simulate`, or Label Studio exports)")
    skills = read_skills(args.skills) if args.skills else None
    method = args.method or (DEFAULT_METHOD if skills else "mv")
    records, summary = aggregate(chunks, labelings + more_labelings, votes_a + votes_b, skills, method=method,
                                 min_confidence=args.min_confidence, per_project=args.per_project_workers,
                                 quiz_questions=args.quiz_questions,
                                 projects=args.projects, problems=problems, drop_unresolved=args.drop_unresolved,
                                 seed=args.seed, fallback=args.fallback)
    write_records(args.out, records)
    summary_path = args.summary or _summary_path(args.out)
    _write_json(summary_path, summary)
    print(format_summary(summary))
    print(f"gold: {args.out}; summary: {summary_path}")
    return 0


def _summary_path(out: str) -> str:
    base = out
    for suffix in (".gz", ".zst", ".jsonl", ".json", ".parquet"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return base + ".summary.json"


def run_validation_tasks(args: argparse.Namespace) -> int:
    from ..crowd.checks import Problems, check_labelings
    from ..crowd.labelstudio import validation_config, validation_tasks
    from ..io import write_text

    problems = Problems(strict=True)  # tasks for bad labelings would waste the validators' time
    chunk_texts = {c["chunk_id"]: c["text"] for c in _read_chunks(args.chunks)}
    labelings, _ = _read_results(args.labels, "labels", problems, args.project)
    labelings = check_labelings(labelings, chunk_texts, problems)
    projects = sorted({lab.project for lab in labelings})
    for project in projects:
        folder = os.path.join(args.out, project)
        mine = [lab for lab in labelings if lab.project == project]
        _write_json(os.path.join(folder, "tasks.json"), validation_tasks(mine, chunk_texts))
        write_text(os.path.join(folder, "validation_config.xml"), validation_config(project))
    print(f"{len(labelings)} validation tasks in {len(projects)} projects -> {args.out}")
    return 0


def _client(args):
    from ..crowd.ls_api import LabelStudioClient, token_from_env

    return LabelStudioClient(args.url, token_from_env())


def run_push(args: argparse.Namespace) -> int:
    from ..crowd.ls_sync import push, read_task_sets
    from ..errors import CodepiiError

    if args.labelings_per_task < 1 or args.votes_per_task < 1:
        raise CodepiiError("--labelings-per-task and --votes-per-task must be at least 1")
    sets = read_task_sets(args.tasks, args.projects)
    rows = push(_client(args), sets, args.set_name, args.labelings_per_task, args.votes_per_task)
    for r in rows:
        state = "created" if r["created"] else "exists"
        print(f"{r['title']} (id {r['id']}, {state}): {r['imported']} tasks imported, {r['already_there']} already there")
    return 0


def run_pull(args: argparse.Namespace) -> int:
    from ..crowd.ls_sync import pull

    summary = pull(_client(args), args.set_name, args.out)
    for title, n in summary["projects"].items():
        print(f"{title}: {n['tasks']} tasks, {n['labelings']} labelings, {n['votes']} votes")
    for kind, info in summary["skipped"].items():
        print(f"skipped {info['count']} {kind}: {info['examples'][0]}")
    print(f"{summary['labelings']} labelings -> {os.path.join(args.out, 'labels.jsonl')}; "
          f"{summary['votes']} votes -> {os.path.join(args.out, 'validations.jsonl')}")


def write_task_sets(out: str, chunks: list, fmt: str) -> None:
    """OUT/chunks.jsonl and one task set per project (JSONL, or Label Studio tasks + configs)."""
    from ..crowd.labelstudio import label_config, labeling_tasks, validation_config
    from ..labels import MAIN_CATEGORIES
    from ..io import write_records, write_text

    write_records(os.path.join(out, "chunks.jsonl"), chunks)
    for project in MAIN_CATEGORIES:
        if fmt == "jsonl":
            write_records(os.path.join(out, f"{project}.jsonl"), ({**c, "project": project} for c in chunks))
            continue
        folder = os.path.join(out, project)
        _write_json(os.path.join(folder, "tasks.json"), labeling_tasks(chunks, project))
        for name, xml in (("label_config.xml", label_config(project)), ("validation_config.xml", validation_config(project))):
            write_text(os.path.join(folder, name), xml)


def run_select(args: argparse.Namespace) -> int:
    from collections import Counter

    from ..crowd.chunk import chunk_records
    from ..crowd.select import score_chunks, select, task_chunk
    from ..errors import CodepiiError
    from ..io import iter_records

    if args.budget < 1 or args.lines < 1 or not 0.0 <= args.random_share <= 1.0:
        raise CodepiiError("crowd select: need --budget >= 1, --lines >= 1 and --random-share in [0, 1]")
    done = {c["chunk_id"] for c in _read_chunks(args.exclude)} if args.exclude else set()
    chunks = [c for c in chunk_records(iter_records(args.input), args.lines, source=_source(args.input)) if c["chunk_id"] not in done]
    if not chunks:
        raise CodepiiError(f"{' '.join(args.input)}: no chunks left to select (all excluded, or no records)")
    scores = score_chunks(args.model, chunks)
    picked = select(scores, args.budget, args.random_share, args.seed)
    tasks = [task_chunk(chunks[i], scores[i], reason) for i, reason in picked]
    write_task_sets(args.out, tasks, args.format)
    reasons = Counter(reason for _, reason in picked)
    mean_u = sum(scores[i]["uncertainty"] for i, _ in picked) / len(picked)
    print(f"{len(chunks)} candidate chunks ({len(done)} excluded) -> {len(tasks)} selected "
          f"({reasons['priority']} by priority, {reasons['random']} at random; mean uncertainty {mean_u:.3f} vs "
          f"{sum(s['uncertainty'] for s in scores) / len(scores):.3f} overall) -> {args.out}")
    return 0


def _source(paths) -> str:
    """How errors name the corpus: its file, or (rows counted across several inputs) all of them."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    return paths[0] if len(paths) == 1 else f"corpus ({' + '.join(paths)})"
