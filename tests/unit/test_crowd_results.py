"""Reading labelings, votes and quiz skills: well-formed rows load, malformed rows are one-line errors."""
import json

import pytest

from codepii.crowd.results import Labeling, read_labelings, read_skills, read_votes, write_skills_csv
from codepii.errors import CodepiiError, RecordError
from codepii.spans import Span


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def test_read_labelings_votes_and_skills(tmp_path):
    labels = _jsonl(tmp_path / "l.jsonl", [{"assignment_id": 1, "chunk_id": "f:1", "project": "KEY", "worker_id": "w",
                                            "spans": [{"start": 2, "end": 5, "category": "KEY"}]}])
    assert read_labelings(labels) == [Labeling("1", "f:1", "KEY", "w", (Span(2, 5, "KEY"),))]
    votes = _jsonl(tmp_path / "v.jsonl", [{"assignment_id": "1", "chunk_id": "f:1", "project": "KEY", "worker_id": "u",
                                           "verdict": "incorrect"}])
    assert not read_votes(votes)[0].correct
    skills = {("u", "KEY"): 0.75, ("w", "KEY"): 1.0}
    write_skills_csv(str(tmp_path / "s.csv"), skills)
    assert read_skills(str(tmp_path / "s.csv")) == skills
    jsonl = _jsonl(tmp_path / "s.jsonl", [{"worker_id": w, "project": p, "skill": s} for (w, p), s in skills.items()])
    assert read_skills(jsonl) == skills


@pytest.mark.parametrize("row, message", [
    ({"assignment_id": "a", "chunk_id": "c", "project": "KEY", "worker_id": "w"}, "missing column(s) spans"),
    ({"assignment_id": "a", "chunk_id": "c", "project": "KEY", "worker_id": "w", "spans": "x"}, "spans must be a list"),
    ({"assignment_id": ["a"], "chunk_id": "c", "project": "KEY", "worker_id": "w", "spans": []}, "assignment_id must be"),
    ({"assignment_id": "a", "chunk_id": "c", "project": "KEY", "worker_id": "w", "spans": [{"start": 1}]}, "needs the keys"),
])
def test_malformed_labeling_rows_name_file_and_row(tmp_path, row, message):
    path = _jsonl(tmp_path / "bad.jsonl", [row])
    with pytest.raises(CodepiiError, match="bad.jsonl row 1") as err:
        read_labelings(path)
    assert message in str(err.value)


def test_malformed_skills_are_errors(tmp_path):
    (tmp_path / "s.csv").write_text("worker_id,project,skill\nw,KEY,1.5\n")
    with pytest.raises(RecordError, match=r"s.csv line 2: skill 1.5 is outside \[0, 1\]"):
        read_skills(str(tmp_path / "s.csv"))
    (tmp_path / "t.csv").write_text("worker,skill\nw,0.5\n")
    with pytest.raises(RecordError, match="missing column"):
        read_skills(str(tmp_path / "t.csv"))
