"""The crowd stage against a running Label Studio: push, a simulated crowd through the API, pull, aggregate.

Skips (with the install command) when Label Studio is not installed, fails
then under CI=true. One server for the module, on a free loopback port, in a
temporary data dir.
"""
from __future__ import annotations

import json
import os

import pytest

from codepii.cli import main
from codepii.crowd.aggregate import aggregate
from codepii.crowd.chunk import group_file_chunks
from codepii.crowd.labelstudio import COLOURS, TEXT_NAME, VERDICT_NAME, resolve_offsets, span_result
from codepii.crowd.ls_api import TOKEN_ENV, LabelStudioClient
from codepii.crowd.ls_sync import set_projects
from codepii.crowd.results import read_labelings, read_votes
from codepii.crowd.simulate import CrowdConfig, simulate
from codepii.labels import MAIN_CATEGORIES, main_category, subcategories_of
from codepii.io import iter_records
from codepii.spans import Span

import labelstudio_live

pytestmark = pytest.mark.slow


def _record(file_id: str, content: str, entities: list[tuple[str, str]]) -> dict:
    spans = []
    for value, category in entities:
        start = content.index(value)
        spans.append({"start": start, "end": start + len(value), "category": category})
    return {"id": file_id, "content": content, "entities": spans}


# A CRLF file, one with emoji (two UTF-16 units each) before its entities, one with non-ASCII names.
CORPUS = [
    _record("crlf.py", "# Copyright 2021 Zoë Ng <zoe@ng.dev>\r\nHOST = '10.20.30.40'\r\nUSER = 'zoeng'\r\n"
            "\r\nPASSWORD = 'hunter2-ü'\r\n\r\ndef main():\r\n    connect(HOST, USER, PASSWORD)\r\n",
            [("Zoë Ng", "NAME_LICENSE"), ("zoe@ng.dev", "EMAIL_LICENSE"), ("10.20.30.40", "IP_ADDRESS"),
             ("zoeng", "USERNAME"), ("hunter2-ü", "PASSWORD")]),
    _record("emoji.js", "// 🚀 deploy 🎉 by 👩‍💻 Anna Nowak\nconst KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'; // 🔑\n"
            "const owner = '@anna-ops'; // 😀\nconst ip = '192.168.77.12';\n// 😀 mail: anna.nowak@corp.pl 🎉\n"
            "const account = '123456789012';\n",
            [("Anna Nowak", "NAME"), ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "KEY"), ("@anna-ops", "USERNAME"),
             ("192.168.77.12", "IP_ADDRESS"), ("anna.nowak@corp.pl", "EMAIL"), ("123456789012", "ID")]),
    _record("names.py", "__author__ = 'Łukasz Żółć'\n# 李伟 wrote this; ask José Ñúñez\n"
            "# or Ólafur Arnalds (ólafur@hljóð.is)\nuser = 'jñunez'\nsecret = 'Ünïcødé-päss'\n",
            [("Łukasz Żółć", "NAME_LICENSE"), ("李伟", "NAME"), ("José Ñúñez", "NAME"), ("Ólafur Arnalds", "NAME"),
             ("ólafur@hljóð.is", "EMAIL"), ("jñunez", "USERNAME"), ("Ünïcødé-päss", "PASSWORD")]),
]
LINES_PER_CHUNK = 6  # crlf.py in two chunks (file offsets != chunk offsets), the others whole
CROWD = CrowdConfig(workers=5, mean_skill=1.0, skill_spread=0.0, spammers=0.2, min_votes=3, max_votes=3, seed=3)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from labelstudio_live.start(str(tmp_path_factory.mktemp("label-studio")))


def _workers(server, names) -> dict[str, LabelStudioClient]:
    """One Label Studio user (signed up through the web form) with its own token per simulated worker."""
    return {w: LabelStudioClient(server.url, labelstudio_live.user_token(server.url, f"{w}@crowd.test", signup=True))
            for w in names}


def _task_ids(client: LabelStudioClient, set_name: str, kind: str, key: str) -> dict[tuple[str, str], int]:
    """(task key, main category) -> Label Studio task id, over the set's projects of one kind."""
    ids = {}
    for project, category, k in set_projects(client, set_name):
        if k == kind:
            ids.update({(t["data"][key], category): t["id"] for t in client.tasks(project["id"])})
    return ids


def _spans_by_task(labelings) -> dict:
    return {(lab.chunk_id, lab.project, lab.worker_id.split("@")[0]): lab.spans for lab in labelings}


def test_round_trip_through_label_studio(server, tmp_path, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, server.admin_token)
    admin = LabelStudioClient(server.url, server.admin_token)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in CORPUS), encoding="utf-8")
    tasks, crowd_dir, ls = tmp_path / "tasks", tmp_path / "crowd", ["--url", server.url, "--set", "e2e"]
    assert main(["crowd", "chunk", "--input", str(corpus), "--out", str(tasks), "--format", "label-studio",
                 "--lines", str(LINES_PER_CHUNK)]) == 0
    chunks = list(iter_records(str(tasks / "chunks.jsonl")))
    assert any("\r\n" in c["text"] for c in chunks) and any("😀" in c["text"] for c in chunks)
    assert main(["crowd", "push", "--tasks", str(tasks), *ls]) == 0

    # the simulated crowd labels through the API, each worker with its own token
    crowd = simulate(CORPUS, group_file_chunks(chunks), CROWD)
    workers = _workers(server, sorted({lab.worker_id for lab in crowd.labelings} | {v.worker_id for v in crowd.votes}))
    texts = {c["chunk_id"]: c["text"] for c in chunks}
    task_ids = _task_ids(admin, "e2e", "labeling", "chunk_id")
    for lab in crowd.labelings:
        result = [span_result(s, texts[lab.chunk_id], i) for i, s in enumerate(lab.spans)]
        workers[lab.worker_id].annotate(task_ids[(lab.chunk_id, lab.project)], result)
    assert main(["crowd", "pull", "--out", str(crowd_dir), *ls]) == 0
    pulled = read_labelings(str(crowd_dir / "labels.jsonl"))
    # no span lost, moved or relabeled on the way (worker ids come back as the users' emails)
    assert _spans_by_task(pulled) == _spans_by_task(crowd.labelings)

    validation = tmp_path / "validation"
    assert main(["crowd", "validation-tasks", "--chunks", str(tasks / "chunks.jsonl"),
                 "--labels", str(crowd_dir / "labels.jsonl"), "--out", str(validation)]) == 0
    assert main(["crowd", "push", "--tasks", str(validation), *ls]) == 0
    ls_assignment = {(lab.chunk_id, lab.project): lab.assignment_id for lab in pulled}
    sim_task = {lab.assignment_id: (lab.chunk_id, lab.project) for lab in crowd.labelings}
    vtask_ids = _task_ids(admin, "e2e", "validation", "assignment_id")
    for vote in crowd.votes:
        chunk_id, project = sim_task[vote.assignment_id]
        verdict = {"from_name": VERDICT_NAME, "to_name": TEXT_NAME, "type": "choices", "value": {"choices": [vote.verdict]}}
        workers[vote.worker_id].annotate(vtask_ids[(ls_assignment[(chunk_id, project)], project)], [verdict])

    # rerunning push adds no project and no task
    before = {p["title"]: p["task_number"] for p in admin.projects()}
    assert main(["crowd", "push", "--tasks", str(tasks), *ls]) == 0
    assert main(["crowd", "push", "--tasks", str(validation), *ls]) == 0
    assert {p["title"]: p["task_number"] for p in admin.projects()} == before
    assert len([t for t in before if t.startswith("codepii e2e ")]) == 2 * len(MAIN_CATEGORIES)

    assert main(["crowd", "pull", "--out", str(crowd_dir), *ls]) == 0
    votes = read_votes(str(crowd_dir / "validations.jsonl"))
    by_vote = lambda vs, task: sorted((*task(v), v.worker_id.split("@")[0], v.verdict) for v in vs)  # noqa: E731
    assert by_vote(votes, lambda v: (v.chunk_id, v.project)) == by_vote(crowd.votes, lambda v: sim_task[v.assignment_id])

    gold = tmp_path / "gold.jsonl"
    assert main(["crowd", "aggregate", "--chunks", str(tasks / "chunks.jsonl"), "--labels", str(crowd_dir / "labels.jsonl"),
                 "--validations", str(crowd_dir / "validations.jsonl"), "--method", "mv", "--projects",
                 *MAIN_CATEGORIES, "--strict", "--out", str(gold)]) == 0
    got = {r["id"]: r for r in iter_records(str(gold))}
    expected, _ = aggregate(chunks, crowd.labelings, crowd.votes, method="mv", projects=MAIN_CATEGORIES)
    assert {r["id"]: (r["entities"], r.get("unresolved")) for r in expected} == \
        {k: (r["entities"], r.get("unresolved")) for k, r in got.items()}
    _assert_truth_where_resolved(got)


def _assert_truth_where_resolved(gold: dict) -> None:
    """The gold equals the truth span for span, except in tasks the crowd left unresolved (a spammer's labeling)."""
    unresolved = total = 0
    for record in CORPUS:
        holes = gold[record["id"]].get("unresolved") or []
        unresolved += len(holes)
        want = [e for e in record["entities"] if not any(
            h["project"] == main_category(e["category"]) and h["start"] < e["end"] and e["start"] < h["end"]
            for h in holes)]
        assert gold[record["id"]]["entities"] == want, record["id"]
        total += len(want)
    assert unresolved >= 1 and total >= 12  # the spammer was caught, and most spans came through


# CRLF lines, an emoji before two names, non-ASCII names: where a front end that counted offsets
# in UTF-16 units or CRLF as one character would highlight the wrong letters.
SHOT = _record("hello.py", "# -*- coding: utf-8 -*-\r\n__author__ = 'Łukasz Żółć'  # 🚀\r\n"
               "# 李伟 wrote this 😀; ask José Ñúñez\r\ndef hello():\r\n    return 'cześć'\r\n",
               [("Łukasz Żółć", "NAME_LICENSE"), ("李伟", "NAME"), ("José Ñúñez", "NAME")])


def _pixels_near(png: bytes, rgb: tuple[float, float, float], tolerance: int = 4) -> int:
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)  # (height, width, 3)
    return int((np.abs(pixels - np.array(rgb)).max(axis=2) <= tolerance).sum())


def _rgb(hex_colour: str, alpha: float = 1.0) -> tuple[float, ...]:
    """A colour painted with ``alpha`` over white."""
    return tuple(alpha * int(hex_colour[i:i + 2], 16) + (1 - alpha) * 255 for i in (1, 3, 5))


def _save(name: str, png: bytes, tmp_path) -> None:
    (tmp_path / name).write_bytes(png)
    if os.environ.get("CODEPII_SCREENSHOTS"):  # docs/img: CODEPII_SCREENSHOTS=docs/img pytest -k screens
        with open(os.path.join(os.environ["CODEPII_SCREENSHOTS"], name), "wb") as f:
            f.write(png)


def test_screens_in_headless_chromium(server, tmp_path, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, server.admin_token)
    admin = LabelStudioClient(server.url, server.admin_token)
    corpus, tasks, crowd_dir = tmp_path / "corpus.jsonl", tmp_path / "tasks", tmp_path / "crowd"
    corpus.write_text(json.dumps(SHOT, ensure_ascii=False) + "\n", encoding="utf-8")
    ls = ["--url", server.url, "--set", "shots"]
    assert main(["crowd", "chunk", "--input", str(corpus), "--out", str(tasks), "--format", "label-studio"]) == 0
    assert main(["crowd", "push", "--tasks", str(tasks), "--projects", "NAME", *ls]) == 0
    (labeling, _, _), = set_projects(admin, "shots")
    task = admin.tasks(labeling["id"])[0]
    text = task["data"]["text"]
    truth = [Span(e["start"], e["end"], e["category"]) for e in SHOT["entities"]]
    labeler = _workers(server, ["labeler"])["labeler"]
    labeler.annotate(task["id"], [span_result(s, text, i) for i, s in enumerate(truth)])
    assert main(["crowd", "pull", "--out", str(crowd_dir), *ls]) == 0
    assert main(["crowd", "validation-tasks", "--chunks", str(tasks / "chunks.jsonl"), "--labels",
                 str(crowd_dir / "labels.jsonl"), "--out", str(tmp_path / "validation")]) == 0
    assert main(["crowd", "push", "--tasks", str(tmp_path / "validation"), *ls]) == 0
    validation = next(p for p, _, kind in set_projects(admin, "shots") if kind == "validation")
    vtask = admin.tasks(validation["id"])[0]

    for page in labelstudio_live.chromium_page(server, str(tmp_path)):
        page.goto(f"{server.url}/projects/{labeling['id']}/data?task={task['id']}")
        page.wait_for_selector(".codepii-code", timeout=60_000)
        page.wait_for_timeout(1000)  # fonts and layout settle
        shot = page.screenshot()
        _save("label-studio-labeling.png", shot, tmp_path)
        for category in subcategories_of("NAME"):  # the legend: each label in its own colour
            assert page.get_by_text(category, exact=True).count() >= 1
            assert _pixels_near(shot, _rgb(COLOURS[category])) > 30, category

        page.goto(f"{server.url}/projects/{validation['id']}/data?task={vtask['id']}")
        page.wait_for_selector(".htx-highlight", timeout=60_000)
        page.wait_for_timeout(1000)
        shot = page.screenshot()
        _save("label-studio-validation.png", shot, tmp_path)
        # the pre-annotation highlights exactly the labeled letters, after the CRLFs and the emoji
        marked = page.eval_on_selector_all(".htx-highlight", "els => els.map(e => e.textContent)")
        assert marked == [text[s.start:s.end] for s in truth]
        for category in ("NAME", "NAME_LICENSE"):
            assert _pixels_near(shot, _rgb(COLOURS[category], 0.3)) > 100, category
        # a validator submits "correct" in the browser: the export keeps the spans and the verdict
        page.click("input[name=correct]")
        with page.expect_response(lambda r: "/annotations" in r.url and r.request.method == "POST") as posted:
            page.get_by_role("button", name="Submit").click()
        assert posted.value.ok
    exported = admin.export(validation["id"])[0]["annotations"]
    assert len(exported) == 1
    spans = [r["value"] for r in exported[0]["result"] if r["type"] == "labels"]
    assert [resolve_offsets(text, v["start"], v["end"], v["text"]) for v in spans] == [(s.start, s.end) for s in truth]
    assert [(v["start"], v["end"]) for v in spans] == [(s.start, s.end) for s in truth]  # 1.23.2: code points, CRLF = 2
    assert main(["crowd", "pull", "--out", str(crowd_dir), *ls]) == 0
    (vote,) = read_votes(str(crowd_dir / "validations.jsonl"))
    assert (vote.verdict, vote.worker_id, vote.chunk_id) == ("correct", labelstudio_live.ADMIN, task["data"]["chunk_id"])
