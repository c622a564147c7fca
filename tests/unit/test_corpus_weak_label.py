"""codepii.corpus.weak_label / weak_run: occurrences, categories, overlaps, windows, grouping."""
from __future__ import annotations

import pytest

from codepii.corpus.declared import Declared
from codepii.corpus.people import Person
from codepii.corpus.weak_label import Matchers, label_file, windows
from codepii.corpus.weak_run import weak_label_stream
from codepii.errors import RecordError
from codepii.spans import validate_spans


def declared(*people: Person) -> Matchers:
    d = Declared()
    for p in people:
        d.add(p, "metadata")
    return Matchers.build(d)


ADA = declared(Person("Ada Lovelace", "ada@lovelace.dev", "adal"))


def labels(path: str, content: str, m: Matchers = ADA) -> list[tuple[str, str]]:
    spans = label_file(path, content, m)
    validate_spans(spans, content)  # in range, no overlap
    return [(content[s.start:s.end], s.category) for s in spans]


def test_license_header_then_plain_in_code():
    content = (
        "# Copyright (c) 2020 Ada Lovelace <ada@lovelace.dev>\n"
        "# Licensed under the MIT licence.\n"
        "import os\n\n"
        "def f():\n"
        "    # ask Ada Lovelace, or mail ada@lovelace.dev\n"
        "    return 'https://github.com/adal/engine'\n"
    )
    assert labels("src/engine.py", content) == [
        ("Ada Lovelace", "NAME_LICENSE"), ("ada@lovelace.dev", "EMAIL_LICENSE"),
        ("Ada Lovelace", "NAME"), ("ada@lovelace.dev", "EMAIL"), ("adal", "USERNAME"),
    ]


def test_attribution_lines_anywhere_are_license():
    content = "import x\n__author__ = 'Ada Lovelace'\n/** @author Ada Lovelace */\nprint('Ada Lovelace')\n"
    assert [c for _, c in labels("a.py", content)] == ["NAME_LICENSE", "NAME_LICENSE", "NAME"]


def test_whole_words_only_and_case_sensitive_names():
    content = "import x\nAda Lovelaces; XAda Lovelace; ada lovelace; ada@lovelace.devx; bada@lovelace.dev\nAda  Lovelace\n"
    assert labels("a.py", content) == [("Ada  Lovelace", "NAME")]


def test_email_wins_over_name_and_handle_inside_it():
    m = declared(Person("Ada Lovelace", "adal@lovelace.dev", "adal"), Person(None, None, "lovelace"))
    content = "import x\nwrite to adal@lovelace.dev or @adal\n"
    assert labels("a.py", content, m) == [("adal@lovelace.dev", "EMAIL"), ("@adal", "USERNAME")]


def test_bare_handles_only_in_attribution_context():
    content = "import x\nadal = 1  # adal\n# Author: adal\n"
    assert labels("a.py", content) == [("adal", "USERNAME_LICENSE")]


def test_metadata_and_credit_files_are_license_pkg_info_body_is_not():
    assert labels("AUTHORS", "Ada Lovelace <ada@lovelace.dev>\n") == [
        ("Ada Lovelace", "NAME_LICENSE"), ("ada@lovelace.dev", "EMAIL_LICENSE")]
    pkg = "Name: x\nAuthor: Ada Lovelace\n\nRead Ada Lovelace's notes.\n"
    assert labels("PKG-INFO", pkg) == [("Ada Lovelace", "NAME_LICENSE"), ("Ada Lovelace", "NAME")]


def test_windows_cut_around_spans():
    content = "".join(f"line {i}\n" for i in range(20)).replace("line 10", "Ada Lovelace")
    record = {"id": "r", "content": content}
    spans = label_file("a.txt", content, ADA)
    (win,) = windows(record, spans, 2)
    assert win["id"] == "r#L9-13" and win["content"].splitlines() == ["line 8", "line 9", "Ada Lovelace", "line 11", "line 12"]
    (e,) = win["entities"]
    assert win["content"][e["start"]:e["end"]] == "Ada Lovelace"


def _rec(pkg, path, content):
    return {"id": f"{pkg}/{path}", "content": content, "package": pkg, "registry": "pypi", "version": "1", "path": path}


def test_stream_labels_each_package_with_its_own_declarations():
    records = [
        _rec("a", "AUTHORS", "Ada Lovelace <ada@lovelace.dev>\n"),
        _rec("a", "x.py", "import y\n# thanks Ada Lovelace and Alan Turing\n"),
        _rec("a", "empty.py", "import y\n"),
        _rec("b", "AUTHORS", "Alan Turing <alan@turing.dev>\n"),
        _rec("b", "y.py", "import z\n# Ada Lovelace, Alan Turing\n"),
    ]
    out = list(weak_label_stream(records, ["metadata", "credits", "headers", "owner"]))
    by_id = {r["id"]: [r["content"][e["start"]:e["end"]] for e in r["entities"]] for r in out}
    assert by_id == {"a/AUTHORS": ["Ada Lovelace", "ada@lovelace.dev"], "a/x.py": ["Ada Lovelace"],
                     "b/AUTHORS": ["Alan Turing", "alan@turing.dev"], "b/y.py": ["Alan Turing"]}
    assert all(r["source"] == "weak" for r in out)
    kept = list(weak_label_stream(records, ["credits"], keep_unlabeled=True))
    assert len(kept) == 5


def test_stream_needs_packages_together_and_a_package_column():
    records = [_rec("a", "x", "x"), _rec("b", "y", "y"), _rec("a", "z", "z")]
    with pytest.raises(RecordError, match="appears again"):
        list(weak_label_stream(records, ["credits"]))
    with pytest.raises(RecordError, match="no 'package'"):
        list(weak_label_stream([{"id": "1", "content": "x"}], ["credits"]))


def test_stack_repo_column_gives_owner_handle():
    records = [{"id": "1", "content": "import x\n# see github.com/octocat/hello and @octocat\n",
                "max_stars_repo_name": "octocat/hello", "path": "a.py"}]
    (out,) = list(weak_label_stream(records, ["owner"]))
    assert [out["content"][e["start"]:e["end"]] for e in out["entities"]] == ["octocat", "@octocat"]


def test_readme_credit_sections_are_license_changelog_is_not():
    content = "# Demo\n\nBuilt by Ada Lovelace.\n\nCredits\n-------\n\n- Ada Lovelace\n\nUsage\n=====\n\nAsk Ada Lovelace.\n"
    assert [c for _, c in labels("README.rst", content)] == ["NAME", "NAME_LICENSE", "NAME"]
    md = "# Changes\n\n## 1.0\n\n- fixed by Ada Lovelace\n\n## Maintainers\n\n* Ada Lovelace\n"
    assert [c for _, c in labels("docs/CHANGES.md", md)] == ["NAME", "NAME_LICENSE"]


def test_author_blocks_setup_call_and_licence_headers():
    doc = 'DOCUMENTATION = """\nmodule: x\nauthor:\n    - Ada Lovelace (@adal)\ndescription: by Ada Lovelace\n"""\n'
    assert labels("lib/x.py", doc) == [("Ada Lovelace", "NAME_LICENSE"), ("@adal", "USERNAME_LICENSE"), ("Ada Lovelace", "NAME")]
    setup = "import setuptools\n# ask Ada Lovelace\nsetup(\n    name='x',\n    url='https://github.com/adal/x',\n)\n"
    assert labels("setup.py", setup) == [("Ada Lovelace", "NAME"), ("adal", "USERNAME_LICENSE")]
    c = "/* Licensed under the Apache License */\n/* For details: https://github.com/adal/x/NOTICE */\n#include <x.h>\n"
    assert labels("src/x.c", c) == [("adal", "USERNAME_LICENSE")]


def test_dunder_author_email_and_no_authorization_lines():
    content = '__author_email__ = "ada@lovelace.dev"\nheaders = {"Authorization": "ada@lovelace.dev"}\n'
    assert labels("pkg/__version__.py", content) == [("ada@lovelace.dev", "EMAIL_LICENSE"), ("ada@lovelace.dev", "EMAIL")]
