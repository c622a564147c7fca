"""push/pull logic against an in-memory stand-in of Label Studio's API (the live server: tests/e2e)."""
import json

import pytest

from codepii.cli import main
from codepii.crowd.labelstudio import PREDICTION_MODEL_VERSION
from codepii.crowd.ls_api import TOKEN_ENV, LabelStudioClient, token_from_env
from codepii.crowd.ls_sync import pull, push, read_task_sets, set_projects
from codepii.crowd.results import read_labelings
from codepii.errors import CodepiiError, RecordError

CORPUS = [{"id": "a", "content": "x = 1\nmail = 'zoe@ng.dev'\n"}, {"id": "b", "content": "ip = '10.0.0.7'\n"}]


class FakeLabelStudio:
    """Projects, tasks and annotations in memory, with the client's method names."""

    url = "http://fake"

    def __init__(self):
        self.projects_ = {}
        self.tasks_ = {}  # project id -> [task]
        self.imports = 0

    def projects(self):
        return list(self.projects_.values())

    def create_project(self, title, label_config, **settings):
        pid = len(self.projects_) + 1
        self.projects_[pid] = {"id": pid, "title": title, "label_config": label_config, **settings}
        self.tasks_[pid] = []
        return self.projects_[pid]

    def tasks(self, project_id):
        return [dict(t) for t in self.tasks_[project_id]]

    def import_tasks(self, project_id, tasks):
        self.imports += 1
        for t in tasks:
            self.tasks_[project_id].append({"id": 100 * project_id + len(self.tasks_[project_id]), "annotations": [],
                                           **json.loads(json.dumps(t))})

    def export(self, project_id):
        return json.loads(json.dumps(self.tasks_[project_id]))

    def users(self):
        return [{"id": 7, "email": "ann@crowd.org"}]


@pytest.fixture()
def tasks_dir(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in CORPUS), encoding="utf-8")
    assert main(["crowd", "chunk", "--input", str(corpus), "--out", str(tmp_path / "tasks"), "--format", "label-studio",
                 "--lines", "1"]) == 0
    return tmp_path / "tasks"


def test_push_is_idempotent_and_resumes(tasks_dir):
    ls = FakeLabelStudio()
    sets = read_task_sets(str(tasks_dir), ["EMAIL", "IP_ADDRESS"])
    rows = push(ls, sets, "s1")
    assert [(r["title"], r["created"], r["imported"]) for r in rows] == [
        ("codepii s1 EMAIL labeling", True, 3), ("codepii s1 IP_ADDRESS labeling", True, 3)]
    ls.tasks_[1].pop()  # as if the push had died before the last task of EMAIL
    rows = {r["title"]: r for r in push(ls, read_task_sets(str(tasks_dir)), "s1")}
    got = {p: (r["created"], r["imported"], r["already_there"]) for p in ("NAME", "EMAIL", "IP_ADDRESS")
           for r in [rows[f"codepii s1 {p} labeling"]]}
    assert got == {"NAME": (True, 3, 0), "EMAIL": (False, 1, 2), "IP_ADDRESS": (False, 0, 3)}  # new, resumed, complete
    assert len(ls.projects_) == 7 and sorted(t["data"]["chunk_id"] for t in ls.tasks_[1]) == ["a:1", "a:2", "b:1"]
    assert sum(r["imported"] for r in push(ls, read_task_sets(str(tasks_dir)), "s1")) == 0
    assert len(push(ls, read_task_sets(str(tasks_dir), ["KEY"]), "s2")) == 1 and len(ls.projects_) == 8


def test_validation_push_and_pull_round_trip(tasks_dir, tmp_path):
    ls = FakeLabelStudio()
    push(ls, read_task_sets(str(tasks_dir), ["EMAIL"]), "s1")
    task = next(t for t in ls.tasks_[1] if t["data"]["chunk_id"] == "a:2")
    start = task["data"]["text"].index("zoe")
    task["annotations"] = [{"id": 11, "completed_by": 7, "result": [{"type": "labels", "from_name": "label", "value": {
        "start": start, "end": start + 10, "text": "zoe@ng.dev", "labels": ["EMAIL"]}}]}]
    summary = pull(ls, "s1", str(tmp_path / "crowd"))
    assert summary["labelings"] == 1 and summary["votes"] == 0 and summary["skipped"] == {}
    (lab,) = read_labelings(str(tmp_path / "crowd" / "labels.jsonl"))
    assert (lab.assignment_id, lab.worker_id, lab.chunk_id, lab.spans[0].start) == ("ls-11", "ann@crowd.org", "a:2", start)
    assert json.loads((tmp_path / "crowd" / "exports" / "EMAIL.labeling.json").read_text())[0]["data"]["chunk_id"]

    assert main(["crowd", "validation-tasks", "--chunks", str(tasks_dir / "chunks.jsonl"), "--labels",
                 str(tmp_path / "crowd" / "labels.jsonl"), "--out", str(tmp_path / "validation")]) == 0
    (vset,) = read_task_sets(str(tmp_path / "validation"))
    assert vset.kind == "validation" and vset.key == "assignment_id"
    push(ls, [vset], "s1")
    push(ls, [vset], "s1")
    vproject = ls.projects_[2]
    assert vproject["title"] == "codepii s1 EMAIL validation" and vproject["model_version"] == PREDICTION_MODEL_VERSION
    (vtask,) = ls.tasks_[2]
    assert vtask["predictions"][0]["model_version"] == PREDICTION_MODEL_VERSION
    vtask["annotations"] = [{"id": 12, "completed_by": 9, "result": [
        {"type": "choices", "from_name": "verdict", "value": {"choices": ["correct"]}}]}]
    summary = pull(ls, "s1", str(tmp_path / "crowd"))
    assert summary["votes"] == 1
    vote = json.loads((tmp_path / "crowd" / "validations.jsonl").read_text())
    assert vote == {"assignment_id": "ls-11", "chunk_id": "a:2", "project": "EMAIL", "worker_id": "9", "verdict": "correct"}
    assert [(c, k) for _, c, k in set_projects(ls, "s1")] == [("EMAIL", "labeling"), ("EMAIL", "validation")]


def test_bad_inputs_are_one_line_errors(tasks_dir, tmp_path, monkeypatch):
    with pytest.raises(CodepiiError, match="no <PROJECT>/tasks.json"):
        read_task_sets(str(tmp_path))
    (tasks_dir / "KEY" / "tasks.json").write_text('[{"data": {"text": "x"}}]')
    with pytest.raises(RecordError, match="KEY/tasks.json task 1: a labeling task needs data.chunk_id"):
        read_task_sets(str(tasks_dir), ["KEY"])
    with pytest.raises(CodepiiError, match="no project titled 'codepii nope"):
        pull(FakeLabelStudio(), "nope", str(tmp_path / "out"))
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with pytest.raises(CodepiiError, match=f"set {TOKEN_ENV}"):
        token_from_env()


def test_client_errors_name_the_fix_and_never_the_token(monkeypatch, capsys):
    with pytest.raises(CodepiiError, match="must start with http"):
        LabelStudioClient("localhost:8080", "t")
    secret = "0123456789abcdef0123456789abcdef01234567"
    client = LabelStudioClient("http://127.0.0.1:9", secret, timeout_seconds=5)  # port 9: nothing listens
    with pytest.raises(CodepiiError, match="cannot reach Label Studio at http://127.0.0.1:9") as err:
        client.projects()
    assert secret not in str(err.value)
    monkeypatch.setenv(TOKEN_ENV, secret)
    with pytest.raises(SystemExit) as exit_:
        main(["crowd", "pull", "--out", "unused", "--url", "http://127.0.0.1:9"])
    assert exit_.value.code == 2
    out = capsys.readouterr()
    assert "cannot reach Label Studio" in out.err and secret not in out.err + out.out
