"""Contexts that name people: headers, attributions, metadata, credits, changelogs, git logs."""
from __future__ import annotations

from .builder import Line
from .context import Ctx, context
from .credentials import HEX, rand
from .people import example_email, example_name, example_username, service_email

LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "GPL-2.0-or-later", "LGPL-3.0", "MPL-2.0", "ISC", "BSD-2-Clause")
LICENSE_TEXT = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy",
    "of this software and associated documentation files (the \"Software\"), to deal",
    "Licensed under the Apache License, Version 2.0 (the \"License\");",
    "you may not use this file except in compliance with the License.",
    "This program is free software; you can redistribute it and/or modify",
    "it under the terms of the GNU General Public License as published by",
    "Redistribution and use in source and binary forms, with or without",
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.",
)
ORGS = ("Google LLC", "The Apache Software Foundation", "Microsoft Corporation", "The Go Authors", "Meta Platforms, Inc.",
        "the Rust Project Developers", "Python Software Foundation", "The Kubernetes Authors", "Mozilla Foundation")


def _years(c: Ctx) -> str:
    start = c.rng.randint(1995, 2024)
    return str(start) if c.rng.random() < 0.5 else f"{start}-{min(2026, start + c.rng.randint(1, 12))}"


def _credit(c: Ctx, license: bool, with_handle: float = 0.15, fresh: bool = False) -> Line:
    """``Name <email>``, ``Name (email)``, ``Name (@handle)`` or just a name."""
    p = c.person(fresh)
    roll = c.rng.random()
    if roll < 0.45:
        return [c.name(p, license), " <", c.email(p.email, license), ">"]
    if roll < 0.55:
        return [c.name(p, license), " (", c.email(p.email, license), ")"]
    if roll < 0.55 + with_handle:
        return [c.name(p, license), " (", c.user("@" + p.handle, license), ")"]
    return [c.name(p, license)]


@context(weight=3.0)
def ctx_license_header(c: Ctx) -> list[Line]:
    """Copyright lines, ``Author:`` and SPDX/license text at the top of a file: *_LICENSE."""
    if c.kind in ("markdown", "json"):
        return []
    lines: list[Line] = []
    if c.rng.random() < 0.25:  # an organisation's copyright: no PII at all
        lines.append([f"Copyright {_years(c)} {c.rng.choice(ORGS)}. All rights reserved."])
    for _ in range(c.rng.choice((1, 1, 1, 2, 3))):
        sign = c.rng.choice(("Copyright (c)", "Copyright", "Copyright ©", "(C)", "(c) Copyright", "Copyright: (c)", "(c)", "Copyright (C)"))
        lines.append([f"{sign} {_years(c)}{c.rng.choice((' ', ' ', ', '))}", *_credit(c, True, 0.05)])
    if c.rng.random() < 0.3:
        lines.append(["Author: ", *_credit(c, True)])
    if c.rng.random() < 0.12:
        repo = c.rng.choice(("coveragepy", "toolbelt", "fastjson", "netkit"))
        lines.append(["For details: https://github.com/", c.user(c.person().handle, True), f"/{repo}/blob/master/NOTICE.txt"])
    if c.rng.random() < 0.5:
        lines.append([])
        lines.append([f"SPDX-License-Identifier: {c.rng.choice(LICENSES)}"])
    else:
        start = c.rng.randrange(0, len(LICENSE_TEXT) - 2)
        lines += [[""], *[[t] for t in LICENSE_TEXT[start : start + c.rng.randint(2, 3)]]]
    return c.comment(lines, block=c.rng.random() < 0.6)


def _ansible_documentation(c: Ctx) -> list[Line]:
    """An Ansible-style ``DOCUMENTATION`` block whose ``author:`` list credits people (``Name (@handle)``)."""
    module = c.rng.choice(("cron", "known_hosts", "expect", "add_host", "dpkg_selections"))
    lines: list[Line] = [["DOCUMENTATION = r" + "'" * 3], ["---"], [f"module: {module}"], [f"short_description: Manage {module} entries"], ["author:"]]
    for _ in range(c.rng.randint(1, 4)):
        q = c.person()
        if c.rng.random() < 0.7:
            lines.append(["  - ", c.name(q, True), " (", c.user("@" + q.handle, True), ")"])
        else:
            lines.append(["  - ", c.name(q, True), " <", c.email(q.email, True), ">"])
    return lines + [["'" * 3]]


@context(weight=2.0)
def ctx_author_attribution(c: Ctx) -> list[Line]:
    """``__author__``, ``@author``, ``Author:`` lines: *_LICENSE."""
    p = c.person()
    if c.kind == "python" and c.rng.random() < 0.2:
        return _ansible_documentation(c)
    if c.kind == "python" and c.rng.random() < 0.7:
        lines = [["__author__ = \"", *_credit(c, True), "\""]]
        if c.rng.random() < 0.5:
            lines.append(["__email__ = \"", c.email(p.email, True), "\""])
        if c.rng.random() < 0.3:
            lines.append(["__maintainer__ = \"", c.name(c.person(), True), "\""])
        return lines
    tag = c.rng.choice(("@author ", "Author: ", "Authors: ", "Maintainer: ", "Written by ", "Original author: ", ":author: ", "Acknowledgment: ",
                        "Contributed by ", "Ported by "))
    body = [[tag, *_credit(c, True, 0.2)]]
    if tag in ("Authors: ", "Maintainer: ") and c.rng.random() < 0.5:
        body.append([" " * len(tag), *_credit(c, True)])
    if c.lang.doc and c.code and c.rng.random() < 0.6:
        summary = c.rng.choice(("Utility helpers for the storage layer.", "HTTP client wrapper.", "Command-line entry point."))
        return c.doc([[summary], [], *body])
    return c.comment(body)


@context(weight=1.2, kinds=("python", "javascript", "typescript", "json", "toml", "ruby", "xml", "ini", "rust", "php"))
def ctx_package_metadata(c: Ctx) -> list[Line]:
    """setup.py, package.json, Cargo/pyproject, gemspec, pom.xml, composer authors: *_LICENSE."""
    p = c.person()
    k, r = c.kind, c.rng
    if k == "python":
        return [["setup("], ['    name="', r.choice(("fastcache", "tinyhttp", "pyconf")), '",'], ['    author="', c.name(p, True), '",'],
                ['    author_email="', c.email(p.email, True), '",'], ['    license="MIT",'], [")"]]
    if k in ("json", "javascript", "typescript"):
        if k != "json":
            return []
        return [['  "author": "', c.name(p, True), " <", c.email(p.email, True), ">", ' (https://github.com/', c.user(p.handle, True), ')",'],
                ['  "license": "MIT",']]
    if k in ("toml", "rust"):
        if r.random() < 0.5:
            return [["authors = [\"", c.name(p, True), " <", c.email(p.email, True), ">\"]"]]
        return [["authors = [{ name = \"", c.name(p, True), "\", email = \"", c.email(p.email, True), "\" }]"]]
    if k == "ruby":
        return [["  spec.authors       = [\"", c.name(p, True), "\"]"], ["  spec.email         = [\"", c.email(p.email, True), "\"]"]]
    if k == "xml":
        return [["    <developer>"], ["      <id>", c.user(p.handle, True), "</id>"], ["      <name>", c.name(p, True), "</name>"],
                ["      <email>", c.email(p.email, True), "</email>"], ["    </developer>"]]
    if k == "php":
        return [['        {"name": "', c.name(p, True), '", "email": "', c.email(p.email, True), '"}']]
    return [["author = ", c.name(p, True)], ["author_email = ", c.email(p.email, True)]]


def obfuscate(email: str, rng) -> str:
    """``jdoe at example dot com`` and kin: still one EMAIL span (real-dev judgement call)."""
    local, domain = email.split("@")
    at, dot = rng.choice(((" at ", " dot "), (" AT ", " DOT "), (" [at] ", " [dot] "), ("(at)", "(dot)"), (" -at- ", " -dot- ")))
    return local.replace(".", dot) + at + domain.replace(".", dot)


def _credit_line(c: Ctx, style: int) -> Line:
    """One entry of an AUTHORS/THANKS list in one of the layouts seen in real packages."""
    if c.rng.random() < 0.05:
        p = c.person(fresh=True)
        return [c.name(p, True), " <", c.pii(obfuscate(p.email, c.rng), "EMAIL_LICENSE"), ">"]
    if style == 0:
        return _credit(c, True, 0.3, fresh=True)
    p = c.person(fresh=True)
    if style == 1:
        return [c.name(p, True), " - ", c.email(p.email, True)]
    if style == 2:
        return ["`", c.name(p, True), " <https://github.com/", c.user(p.handle, True), ">`_"]
    if style == 3:
        return [c.user("@" + p.handle, True), " (", c.name(p, True), ")"]
    return [c.name(p, True), ", ", c.email(p.email, True)]


@context(weight=1.5, kinds=("markdown", "text", "credits"))
def ctx_credits_list(c: Ctx) -> list[Line]:
    """AUTHORS / CONTRIBUTORS / THANKS sections: *_LICENSE (real-dev judgement call)."""
    title = c.rng.choice(("## Authors", "## Contributors", "Thanks", "AUTHORS", "## Maintainers", "Credits\n=======", "Contributors\n------------"))
    intro = c.rng.choice(("", "The following people have contributed code or ideas:", "Many thanks to everyone who sent patches:"))
    bullet = c.rng.choice(("- ", "* ", "  ", ""))
    style = c.rng.randrange(5)
    lines: list[Line] = [[title], []] + ([[intro], []] if intro else [])
    for _ in range(c.rng.randint(15, 120) if c.list_file else c.rng.randint(3, 20)):
        lines.append([bullet, *_credit_line(c, style if c.rng.random() < 0.85 else 0)])
    return lines


@context(weight=1.0, kinds=("text",))
def ctx_license_file(c: Ctx) -> list[Line]:
    """A LICENSE file: the copyright holders are NAME_LICENSE."""
    lines: list[Line] = [[c.rng.choice(("MIT License", "BSD 3-Clause License", "Copyright notice"))], []]
    for _ in range(c.rng.choice((1, 1, 2, 4))):
        lines.append([f"Copyright (c) {_years(c)} ", c.name(c.person(), True)])
    if c.list_file and c.rng.random() < 0.5:  # LICENSE files that list every copyright holder
        lines += [[], ["Copyright holders:"], []]
        lines += [["  ", c.name(c.person(fresh=True), True)] for _ in range(c.rng.randint(10, 50))]
    lines += [[], *[[t] for t in LICENSE_TEXT[:2]]]
    return lines


@context(weight=1.0, kinds=("text",))
def ctx_pkg_info(c: Ctx) -> list[Line]:
    """PKG-INFO / METADATA fields: package metadata, so *_LICENSE."""
    p, q = c.person(), c.person()
    name = c.rng.choice(("fastcache", "tinyhttp", "pyconf", "netkit", "yamlish"))
    lines: list[Line] = [["Metadata-Version: 2.1"], [f"Name: {name}"], [f"Version: {c.rng.randint(0, 5)}.{c.rng.randint(0, 20)}.{c.rng.randint(0, 9)}"],
                         ["Author: ", c.name(p, True)], ["Author-email: ", c.name(p, True), " <", c.email(p.email, True), ">"]]
    if c.rng.random() < 0.5:
        lines.append(["Maintainer-email: ", c.name(q, True), " <", c.email(q.email, True), ">"])
    lines += [["Project-URL: Source, https://github.com/", c.user(p.handle, True), f"/{name}"], ["License: MIT"]]
    return lines


@context(weight=1.5, kinds=("markdown", "text", "changelog"))
def ctx_changelog(c: Ctx) -> list[Line]:
    """Changelog entries crediting people: plain categories."""
    lines: list[Line] = [[f"## {c.rng.randint(0, 9)}.{c.rng.randint(0, 30)}.{c.rng.randint(0, 9)} ({c.rng.randint(2015, 2026)}-0{c.rng.randint(1, 9)}-1{c.rng.randint(0, 9)})"], []]
    what = ("Fix race in connection pool", "Add retry on timeout", "Drop Python 3.7", "Document the CLI", "Speed up parsing",
            "Handle empty headers", "Support IPv6 hosts", "Deprecate the old config format", "Fix memory leak in reader")
    for _ in range(c.rng.randint(10, 60) if c.list_file else c.rng.randint(2, 8)):
        p = c.person()
        roll = c.rng.random()
        credit: Line = (["by ", c.user("@" + p.handle)] if roll < 0.5 else ["thanks to ", c.name(p)] if roll < 0.8
                        else ["reported by ", c.name(p), " <", c.email(p.email), ">"])
        lines.append([f"- {c.rng.choice(what)} (#{c.rng.randint(10, 9999)}), ", *credit])
    return lines


@context(weight=1.0, kinds=("markdown", "shell", "python", "yaml", "go", "c", "rust", "commit"))
def ctx_git_log(c: Ctx) -> list[Line]:
    """``git log`` output and trailers: plain NAME/EMAIL."""
    p = c.person()
    day = c.rng.choice(("Mon", "Tue", "Wed", "Thu", "Fri"))
    lines: list[Line] = [
        [f"commit {rand(c.rng, HEX, 40)}"], ["Author: ", c.name(p), " <", c.email(p.email), ">"],
        [f"Date:   {day} Mar {c.rng.randint(1, 28)} 1{c.rng.randint(0, 9)}:0{c.rng.randint(0, 9)}:11 2024 +0100"], [], ["    Fix off-by-one in chunk reader"], [],
    ]
    q = c.person()
    lines.append([c.rng.choice(("    Signed-off-by: ", "    Co-authored-by: ", "    Reviewed-by: ")), c.name(q), " <", c.email(q.email), ">"])
    return lines if c.kind == "markdown" else c.comment(lines, block=False)


@context(weight=2.0, kinds=("python", "javascript", "typescript", "java", "go", "c", "cpp", "csharp", "php", "ruby", "rust", "shell", "sql"))
def ctx_people_in_comments(c: Ctx) -> list[Line]:
    """Docstrings and comments naming people (non-ASCII names too): plain NAME."""
    p = c.person()
    title = c.rng.choice(("", "", "", "Dr. ", "Prof. ", "Mr. ", "Ms. "))  # titles stay outside the span
    forms = (
        ["Port of the algorithm described by ", title, c.name(p), " in the 2009 paper."],
        ["Based on the original implementation by ", c.name(p), "."],
        ["Thanks to ", c.name(p), " for spotting the overflow."],
        ["Ask ", c.name(p), " (", c.email(p.email), ") before changing this."],
        ["XXX: ", c.name(p), " says this breaks on Windows."],
        ["Patch from ", c.name(p), ", see issue #", str(c.rng.randint(10, 9999)), "."],
        ["Workaround suggested by ", c.user("@" + p.handle), "."],
        ["Danke an ", c.name(p), " für den Hinweis auf den Überlauf."],
        ["Gracias a ", c.name(p), " por el parche (", c.email(p.email), ")."],
        ["Merci à ", c.name(p), " pour la correction."],
        ["感谢 ", c.name(p), " 提供的补丁。"],
    )
    line = c.rng.choice(forms)
    if c.code and c.rng.random() < 0.5:
        return c.doc([["Compute the rolling checksum of a buffer."], [], line])
    return c.comment([line])


@context(weight=1.5, kinds=("python", "javascript", "typescript", "java", "go", "c", "cpp", "csharp", "php", "ruby", "rust", "shell", "yaml", "terraform"))
def ctx_handles(c: Ctx) -> list[Line]:
    """``TODO(handle)``, ``@handle`` mentions and ``github.com/<user>`` links: USERNAME."""
    p, r = c.person(), c.rng
    forms = (
        ["TODO(", c.user(p.username), "): remove once the migration is done"],
        ["FIXME ", c.user("@" + p.handle), ": this double-counts retries"],
        ["cc ", c.user("@" + p.handle), " ", c.user("@" + c.person().handle)],
        ["see https://github.com/", c.user(p.handle), "/", r.choice(("dotfiles", "scripts", "fork", "patches")), "/issues/", str(r.randint(1, 999))],
        ["Ping ", c.user("@" + p.handle), " before merging changes here"],
    )
    return c.comment([r.choice(forms)])


@context(weight=1.2)
def ctx_emails_in_code(c: Ctx) -> list[Line]:
    """Notification recipients, admins, git config: plain NAME/EMAIL."""
    p, r = c.person(), c.rng
    if c.kind == "python" and r.random() < 0.4:
        return [["ADMINS = [(\"", c.name(p), "\", \"", c.email(p.email), "\")]"]]
    if c.kind in ("shell", "dockerfile") and r.random() < 0.6:
        run = "RUN " if c.kind == "dockerfile" else ""
        return [[run, "git config --global user.name \"", c.name(p), "\""], [run, "git config --global user.email \"", c.email(p.email), "\""]]
    if c.kind == "dockerfile":
        return [["LABEL maintainer=\"", c.name(p, True), " <", c.email(p.email, True), ">\""]]
    key = r.choice(("alert email", "notify to", "admin email", "reply to", "maintainer email", "oncall email", "from email"))
    return [c.set(key, [c.email(p.email)])]


@context(weight=1.0)
def ctx_example_people(c: Ctx) -> list[Line]:
    """Placeholder people in docs, tests and configs: *_EXAMPLE (and a service address, unlabeled)."""
    r = c.rng
    email = example_email(r)
    if c.kind == "markdown":
        return [["For example, ", c.pii(example_name(r), "NAME_EXAMPLE"), " would log in as `", c.user(example_username(r)), "` with `", c.email(email), "`."]]
    lines = [c.set("email", [c.email(email)]), c.set("username", [c.user(example_username(r))])]
    if r.random() < 0.5:
        lines.append(c.set("full name", [c.pii(example_name(r), "NAME_EXAMPLE")]))
    if r.random() < 0.4:
        lines.append(c.set("from address", [service_email(r)]))  # identifies no person: unlabeled
    return lines


@context(weight=1.0, kinds=("python", "ruby", "go", "java", "javascript", "text", "markdown"))
def ctx_email_message(c: Ctx) -> list[Line]:
    """An RFC 822 message kept as a test fixture: From/To/Cc names and addresses are NAME/EMAIL."""
    p, q = c.person(), c.person()
    lines: list[Line] = [["From: ", c.name(p), " <", c.email(p.email), ">"], ["To: ", c.name(q), " <", c.email(q.email), ">"]]
    if c.rng.random() < 0.4:
        r = c.person()
        lines.append(["Cc: ", c.email(r.email)])
    lines += [[f"Subject: {c.rng.choice(('Re: build failure on main', 'Weekly report', 'Invoice 2024-03', 'Patch review'))}"],
              [f"Date: Tue, {c.rng.randint(1, 28)} Mar 2024 09:1{c.rng.randint(0, 9)}:00 +0000"], ["Content-Type: text/plain; charset=utf-8"], [],
              [c.rng.choice(("Hi,", "Hello,", "Dear team,"))], ["", "The attached log shows the failure."], [], ["-- "], [c.name(p)]]
    if c.kind in ("text", "markdown"):
        return [["```"], *lines, ["```"]] if c.kind == "markdown" else lines
    open_, close = {"python": ('RAW_MESSAGE = """\\', '"""'), "ruby": ("RAW = <<~EML", "EML"), "go": ("const rawMessage = `", "`"),
                    "java": ('    static final String RAW = """', '    """;'), "javascript": ("const raw = `", "`;")}[c.kind]
    return [[open_], *lines, [close]]
