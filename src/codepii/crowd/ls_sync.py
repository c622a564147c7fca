"""``crowd push`` / ``crowd pull``: task sets into Label Studio projects, exports back into crowd results.

One Label Studio project per main category and kind, found again by its title
``codepii <set> <PROJECT> <labeling|validation>``; a task is found again by
its key in ``data`` (``chunk_id`` for labeling, ``assignment_id`` for
validation). So a push can be rerun at any time, after a crash or with new
tasks: it creates only missing projects and imports only missing tasks, in
batches (an interrupted push keeps every batch it sent).

A pull exports every project of the set as JSON, keeps the raw exports
(``exports/<PROJECT>.<kind>.json``) and writes what ``crowd aggregate`` reads:
``labels.jsonl`` and ``validations.jsonl``, with each annotator's email as
``worker_id``. All files are replaced atomically; rerunning a pull rewrites
them from the server's current state.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..errors import CodepiiError, RecordError
from ..labels import MAIN_CATEGORIES
from .checks import Problems
from .labelstudio import PREDICTION_MODEL_VERSION, parse_export
from .ls_api import LabelStudioClient

KINDS = ("labeling", "validation")
TASK_KEY = {"labeling": "chunk_id", "validation": "assignment_id"}
CONFIG_FILE = {"labeling": "label_config.xml", "validation": "validation_config.xml"}
IMPORT_BATCH_TASKS = 200


def project_title(set_name: str, project: str, kind: str) -> str:
    return f"codepii {set_name} {project} {kind}"


@dataclass(frozen=True)
class TaskSet:
    """The tasks and labeling config of one (main category, kind), as written by chunk / validation-tasks."""

    project: str
    kind: str
    label_config: str
    tasks: tuple[dict, ...]
    source: str

    @property
    def key(self) -> str:
        return TASK_KEY[self.kind]


def read_task_sets(folder: str, projects: Sequence[str] | None = None) -> list[TaskSet]:
    """Task sets of ``folder``: ``<PROJECT>/tasks.json`` with ``label_config.xml`` (labeling, from
    ``crowd chunk --format label-studio``) or only ``validation_config.xml`` (from ``crowd validation-tasks``)."""
    sets = []
    for project in projects or MAIN_CATEGORIES:
        path = os.path.join(folder, project, "tasks.json")
        if not os.path.exists(path):
            continue
        kind = "labeling" if os.path.exists(os.path.join(folder, project, CONFIG_FILE["labeling"])) else "validation"
        with open(os.path.join(folder, project, CONFIG_FILE[kind]), encoding="utf-8") as f:
            config = f.read()
        with open(path, encoding="utf-8") as f:
            tasks = json.load(f)
        for n, task in enumerate(tasks, start=1):
            if not isinstance(task, dict) or TASK_KEY[kind] not in (task.get("data") or {}):
                raise RecordError(f"{path} task {n}: a {kind} task needs data.{TASK_KEY[kind]}; write the tasks with "
                                  + ("`codepii crowd chunk --format label-studio`" if kind == "labeling"
                                     else "`codepii crowd validation-tasks`"))
        sets.append(TaskSet(project, kind, config, tuple(tasks), path))
    if not sets:
        raise CodepiiError(f"{folder}: no <PROJECT>/tasks.json; give the --out folder of `codepii crowd chunk "
                           "--format label-studio` or of `codepii crowd validation-tasks`")
    return sets


def project_settings(kind: str, annotations_per_task: int) -> dict:
    """Label Studio project settings: how many annotators see each task; validators see the labeling."""
    settings = {"maximum_annotations": annotations_per_task, "show_skip_button": True}
    if kind == "validation":
        # predictions of this model version are loaded as the pre-annotation the validator judges
        settings.update(model_version=PREDICTION_MODEL_VERSION, show_collab_predictions=True)
    return settings


def push(client: LabelStudioClient, sets: Iterable[TaskSet], set_name: str, labelings_per_task: int = 1,
         votes_per_task: int = 3) -> list[dict]:
    """Create missing projects and import missing tasks; one summary row per project."""
    by_title = {p["title"]: p for p in client.projects()}
    rows = []
    for ts in sets:
        title = project_title(set_name, ts.project, ts.kind)
        found = by_title.get(title)
        per_task = labelings_per_task if ts.kind == "labeling" else votes_per_task
        project = found or client.create_project(title, ts.label_config, **project_settings(ts.kind, per_task))
        have = {str(t["data"].get(ts.key)) for t in client.tasks(project["id"])}
        new, seen = [], set(have)
        for task in ts.tasks:
            key = str(task["data"][ts.key])
            if key not in seen:
                seen.add(key)
                new.append(task)
        for i in range(0, len(new), IMPORT_BATCH_TASKS):
            client.import_tasks(project["id"], new[i : i + IMPORT_BATCH_TASKS])
        rows.append({"title": title, "id": project["id"], "created": found is None, "imported": len(new),
                     "already_there": len(ts.tasks) - len(new)})
    return rows


def set_projects(client: LabelStudioClient, set_name: str) -> list[tuple[dict, str, str]]:
    """``(project, main category, kind)`` of every Label Studio project of the set."""
    title = re.compile(rf"codepii {re.escape(set_name)} ({'|'.join(MAIN_CATEGORIES)}) ({'|'.join(KINDS)})")
    found = []
    for p in client.projects():
        m = title.fullmatch(p.get("title") or "")
        if m:
            found.append((p, m.group(1), m.group(2)))
    return sorted(found, key=lambda x: (KINDS.index(x[2]), MAIN_CATEGORIES.index(x[1])))


def _with_emails(tasks: list[dict], emails: Mapping[int, str]) -> None:
    """Annotator ids -> ``{"id", "email"}`` (the export has bare ids), so workers are named by email."""
    for task in tasks:
        for ann in task.get("annotations") or []:
            who = ann.get("completed_by")
            if isinstance(who, int) and who in emails:
                ann["completed_by"] = {"id": who, "email": emails[who]}


def pull(client: LabelStudioClient, set_name: str, out: str) -> dict:
    """Export the set's projects into ``out``; returns counts and the skipped annotations (``Problems``)."""
    projects = set_projects(client, set_name)
    if not projects:
        raise CodepiiError(f"Label Studio at {client.url} has no project titled 'codepii {set_name} <PROJECT> "
                           "<labeling|validation>'; run `codepii crowd push` first, or pass the --set it used")
    emails = {u["id"]: u["email"] for u in client.users() if u.get("email")}
    problems = Problems()
    labelings, votes, per_project = [], [], {}
    for project, category, kind in projects:
        tasks = client.export(project["id"])
        write_json_atomic(os.path.join(out, "exports", f"{category}.{kind}.json"), tasks)
        _with_emails(tasks, emails)
        labs, vs = parse_export(tasks, f"Label Studio project {project['title']!r}", problems, category)
        labelings += labs
        votes += vs
        per_project[project["title"]] = {"tasks": len(tasks), "labelings": len(labs), "votes": len(vs)}
    write_jsonl_atomic(os.path.join(out, "labels.jsonl"), (lab.to_dict() for lab in labelings))
    write_jsonl_atomic(os.path.join(out, "validations.jsonl"), (v.to_dict() for v in votes))
    return {"projects": per_project, "labelings": len(labelings), "votes": len(votes), "skipped": problems.to_dict()}


def write_json_atomic(path: str, data) -> None:
    from ..io import write_json

    write_json(path, data, indent=1)


def write_jsonl_atomic(path: str, rows: Iterable[Mapping]) -> None:
    from ..io import write_records

    write_records(path, rows, fmt="jsonl")
