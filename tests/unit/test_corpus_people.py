"""codepii.corpus.people / declared: each metadata format, credit files, headers, exclusions."""
from __future__ import annotations

import json

from codepii.corpus.declared import collect, file_role
from codepii.corpus.people import (
    Person,
    is_person_email,
    is_person_name,
    parse_attribution_lines,
    parse_package_json,
    parse_people_file,
    parse_person,
    parse_pkg_info,
    parse_pyproject,
    parse_setup_cfg,
    parse_setup_py,
)

PKG_INFO = """Metadata-Version: 2.1
Name: demo
Version: 1.0
Author: Ada Lovelace, Charles Babbage
Author-email: Ada Lovelace <ada@lovelace.dev>, grace@hopper.dev
Maintainer: The Demo Team
Maintainer-email: noreply@github.com

Long description naming Someone Else <else@where.dev>.
"""


def test_pkg_info_headers_only():
    people = parse_pkg_info(PKG_INFO)
    assert Person("Ada Lovelace", None, None) in people and Person("Charles Babbage") in people
    assert Person("Ada Lovelace", "ada@lovelace.dev") in people and Person(None, "grace@hopper.dev") in people
    assert not any(p.email == "else@where.dev" or p.name == "Someone Else" for p in people)  # body is prose
    assert not any(p.email == "noreply@github.com" or (p.name or "").endswith("Team") for p in people)


def test_pyproject_project_and_poetry():
    text = """
[project]
name = "demo"
authors = [{name = "Ada Lovelace", email = "ada@lovelace.dev"}, {email = "grace@hopper.dev"}]
maintainers = [{name = "Alan Turing"}]
[tool.poetry]
authors = ["Linus Torvalds <linus@kernel.dev>"]
"""
    people = parse_pyproject(text)
    assert Person("Ada Lovelace", "ada@lovelace.dev") in people and Person(None, "grace@hopper.dev") in people
    assert Person("Alan Turing") in people and Person("Linus Torvalds", "linus@kernel.dev") in people
    assert parse_pyproject("not [valid toml") == []


def test_setup_py_and_setup_cfg():
    py = 'setup(name="x", author="Ada Lovelace", author_email="ada@lovelace.dev", maintainer=\'Alan Turing\')'
    assert {p.name or p.email for p in parse_setup_py(py)} == {"Ada Lovelace", "ada@lovelace.dev", "Alan Turing"}
    cfg = "[metadata]\nname = x\nauthor = Ada Lovelace\nauthor_email = ada@lovelace.dev\n"
    assert {p.name or p.email for p in parse_setup_cfg(cfg)} == {"Ada Lovelace", "ada@lovelace.dev"}
    assert parse_setup_cfg("[options]\nzip_safe = false\n") == []


def test_package_json_string_and_object_forms():
    data = {
        "author": "TJ Holowaychuk <tj@vision-media.dev> (https://github.com/tj)",
        "contributors": [{"name": "Doug Wilson", "email": "doug@somethingdoug.dev", "url": "https://github.com/dougwilson"},
                         "Roman Shtylman <shtylman@gmail.com>"],
        "maintainers": [{"name": "dependabot", "email": "support@github.com"}],
    }
    people = parse_package_json(json.dumps(data))
    assert Person("TJ Holowaychuk", "tj@vision-media.dev", "tj") not in people  # "tj" is too short a handle
    assert Person("TJ Holowaychuk", "tj@vision-media.dev", None) in people
    assert Person("Doug Wilson", "doug@somethingdoug.dev", "dougwilson") in people
    assert Person("Roman Shtylman", "shtylman@gmail.com") in people
    assert not any(p.email == "support@github.com" for p in people)
    assert parse_package_json("[1, 2]") == [] and parse_package_json("{oops") == []


def test_people_file_lines():
    text = """Authors
=======

Development Lead:

* Ada Lovelace <ada@lovelace.dev>
- Grace Hopper (@ghopper)
* Alan Turing (github.com/aturing)
Margaret Hamilton (mham)
The Pallets Team
``demo`` is maintained by `Linus Torvalds <https://github.com/torvalds>`_.
"""
    people = parse_people_file(text)
    assert Person("Ada Lovelace", "ada@lovelace.dev") in people
    assert Person("Grace Hopper", None, "ghopper") in people and Person("Alan Turing", None, "aturing") in people
    assert Person("Margaret Hamilton", None, "mham") in people
    assert Person("Linus Torvalds", None, "torvalds") in people
    assert not any((p.name or "").startswith(("Authors", "Development", "The")) for p in people)


def test_attribution_lines_copyright_and_author():
    text = '# Copyright (c) 2010-2020 by Kenneth Reitz <me@kreitz.dev>. All rights reserved.\n' \
           '# Copyright 2015 Google Inc.\n__author__ = "Ned Batchelder"\nx = 1\n'
    people = parse_attribution_lines(text)
    assert Person("Kenneth Reitz", "me@kreitz.dev") in people and Person("Ned Batchelder") in people
    assert not any("Google" in (p.name or "") for p in people)


def test_org_handles_and_placeholders_are_not_people():
    assert parse_person("Ansible Core Team (@ansible)") is None
    assert parse_person("Ansible Core (@ansible)") is None
    assert parse_person("dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>") is None
    assert not is_person_email("user@example.com") and not is_person_email("info@company.dev")
    assert is_person_email("ada@lovelace.dev")
    assert is_person_name("Guido van Rossum") and not is_person_name("Python Software Foundation")
    assert not is_person_name("MIT LICENSE") and not is_person_name("Ada")
    assert not is_person_name("John Doe") and not is_person_name("Jane Smith") and not is_person_name("Foo Bar")


def test_file_roles():
    assert file_role("PKG-INFO") == "metadata" and file_role("demo.egg-info/PKG-INFO") == "metadata"
    assert file_role("package.json") == "metadata" and file_role("lib/package.json") is None
    assert file_role("AUTHORS.rst") == "credits" and file_role("docs/THANKS") == "credits"
    assert file_role("LICENSE.txt") == "license" and file_role("src/authors.py") is None


def test_collect_owner_from_metadata_url_only_when_tied_to_a_person():
    files = [("PKG-INFO", "Name: cov\nAuthor: Ned Batchelder\nProject-URL: Source, https://github.com/nedbat/coveragepy\n"
              "Home-page: https://github.com/pallets/click\n\n")]
    d = collect(files)
    assert "nedbat" in d.handles and "pallets" not in d.handles
    assert "nedbat" not in collect(files, sources=("metadata", "credits", "headers")).handles
    assert "octocat" in collect([], owner="octocat").handles
    assert collect([], owner="my-org").handles == {}
