"""File kinds: assemble one whole file from a preamble, contexts, filler code and negatives."""
from __future__ import annotations

import random

from . import ctx_config, ctx_infra, ctx_people, ctx_secrets, ctx_tests, ctx_web  # noqa: F401  (registers the contexts)
from . import ctx_changelog, ctx_cloud, ctx_commit, ctx_credits, ctx_files, ctx_urls  # noqa: F401  (issue 12: real-code patterns)
from .builder import Line, SpanBuilder
from .context import Context, Ctx, contexts_for
from .filler import MODULES, NOUNS, fill_slots, filler
from .lang import LANGS, Lang
from .negatives import negative_block
from .people import make_person

# Relative frequency of each kind in a corpus (roughly as in public code).
KIND_WEIGHTS = {
    "python": 14, "javascript": 8, "typescript": 6, "java": 6, "go": 5, "c": 3, "cpp": 3, "csharp": 4, "php": 4,
    "ruby": 4, "rust": 3, "shell": 6, "yaml": 7, "json": 5, "env": 2, "ini": 3, "toml": 2, "sql": 3, "markdown": 6,
    "xml": 3, "html": 2, "dockerfile": 3, "terraform": 3, "text": 3,
    # narrow kinds: one real-code pattern per file (lang.Lang.narrow)
    "changelog": 2.5, "credits": 2, "commit": 1.5, "zone": 0.8, "pem": 0.8, "requirements": 1.5, "mib": 0.6,
}
# Files that are one long list of people (AUTHORS, THANKS, CHANGES, PKG-INFO, LICENSE): kind -> chance.
LIST_FILE_CHANCE = {"markdown": 0.3, "text": 0.85, "changelog": 0.6, "credits": 0.85, "zone": 0.3}
LIST_CONTEXTS = ("credits_list", "changelog", "pkg_info", "license_file", "release_notes", "keepachangelog", "changelog_rst", "news_entries",
                 "maintainers_file", "maintainer_table", "thanks_file", "handle_credits", "shortlog", "zone_records")
KINDS = tuple(KIND_WEIGHTS)
# Contexts that are code, not prose: fenced when they land in Markdown.
FENCE_IN_MARKDOWN = {"private_key": "bash", "ssh_key": "", "http_auth": "bash", "cli_credentials": "bash", "git_log": ""}
FENCED = ("python", "shell", "yaml", "json", "javascript", "ini", "sql", "dockerfile", "env")

# kind -> (lines before the license header, lines after it, opener after the imports); and the closer.
_FRAME = {
    "shell": (["#!/usr/bin/env bash"], [], []), "php": (["<?php"], [], []), "go": ([], ["package ⟨mod⟩"], []),
    "json": (["{"], [], []), "xml": (['<?xml version="1.0" encoding="utf-8"?>'], [], ["<configuration>"]),
    "html": (["<!DOCTYPE html>"], [], ['<html lang="en">', "<head>"]), "dockerfile": ([], ["FROM python:3.11-slim"], []),
    "java": ([], ["package com.⟨mod⟩.service;"], ["public class ⟨Cls⟩ {"]),
    "csharp": ([], [], ["namespace Acme.⟨Cls⟩", "{", "    public class ⟨Cls⟩Service", "    {"]),
    "terraform": ([], [], ['provider "aws" {', '  region = "eu-west-1"', "}"]), "ruby": (["# frozen_string_literal: true"], [], []),
    "python": ([], [], []),
    "markdown": (["# ⟨mod⟩", "", "A small ⟨Cls⟩ service: it loads records, validates them and stores them.", ""], [], []),
}
_POSTAMBLE = {"json": ["}"], "xml": ["</configuration>"], "html": ["</head>", "</html>"], "java": ["}"], "csharp": ["    }", "}"]}


def _fill(text: str, rng: random.Random) -> str:
    cls = rng.choice(NOUNS).capitalize()
    return text.replace("⟨mod⟩", rng.choice(MODULES)).replace("⟨Cls⟩", cls)


# Paths of the narrow kinds: kind -> (first context -> stems), default stems; ⟨dom⟩ is a domain, ⟨MIB⟩ a module name.
_NARROW_PATHS = {
    "changelog": ({"changelog_rst": ("CHANGES.rst", "HISTORY.rst", "docs/changelog.rst", "NEWS.rst"), "news_entries": ("NEWS", "Misc/NEWS.rst", "NEWS.txt")},
                  ("CHANGELOG.md", "CHANGES.md", "HISTORY.md", "RELEASE_NOTES.md", "docs/changelog.md")),
    "credits": ({"maintainers_file": ("MAINTAINERS", "CREDITS"), "thanks_file": ("THANKS", "THANKS.txt", "ACKNOWLEDGEMENTS"),
                 "maintainer_table": ("MAINTAINERS.md", "CONTRIBUTORS.md", "docs/team.md")},
                ("AUTHORS", "AUTHORS.rst", "CONTRIBUTORS", "CREDITS.txt", "AUTHORS.md")),
    "commit": ({"format_patch": ("patches/0001-⟨fn⟩.patch", "debian/patches/⟨fn⟩.patch")}, (".git/COMMIT_EDITMSG", "COMMIT_MSG.txt", "docs/commit-template.txt")),
    "zone": ({}, ("db.⟨dom⟩", "zones/⟨dom⟩.zone", "tests/data/⟨dom⟩.zone", "named/master/⟨dom⟩.db")),
    "pem": ({}, ("certifi/cacert.pem", "tests/certs/server.pem", "ssl/ca-bundle.crt", "tests/fixtures/client.pem")),
    "requirements": ({}, ("requirements.txt", "requirements/dev.txt", "requirements/prod.in", "constraints.txt", "docs/requirements.txt")),
    "mib": ({}, ("mibs/⟨MIB⟩.mib", "share/snmp/mibs/⟨MIB⟩.txt", "⟨MIB⟩")),
}


def _narrow_path(rng: random.Random, kind: str, ctx_names: list[str]) -> str:
    by_context, default = _NARROW_PATHS[kind]
    stems = next((by_context[n] for n in ctx_names if n in by_context), default)
    word = rng.choice(NOUNS)
    stem = rng.choice(stems).replace("⟨dom⟩", f"{word}.example.net" if rng.random() < 0.2 else f"{word}.net").replace("⟨MIB⟩", f"{word.upper()}-MIB")
    return fill_slots(rng, stem)


def _path(rng: random.Random, lang: Lang, ctx_names: list[str]) -> str:
    if lang.kind in _NARROW_PATHS:
        return _narrow_path(rng, lang.kind, ctx_names)
    if lang.kind == "dockerfile":
        return rng.choice(("Dockerfile", "docker/Dockerfile", "services/api/Dockerfile"))
    if lang.kind == "env":
        return rng.choice((".env", ".env.production", "config/.env.local"))
    if lang.kind in ("markdown", "text"):
        ext = ".md" if lang.kind == "markdown" else rng.choice(("", ".txt", ".rst"))
        for name, stems in (("credits_list", ("AUTHORS", "CONTRIBUTORS", "THANKS", "CREDITS")), ("changelog", ("CHANGELOG", "CHANGES", "HISTORY")),
                            ("pkg_info", ("PKG-INFO",)), ("license_file", ("LICENSE", "COPYING"))):
            if name in ctx_names[:2]:
                return rng.choice(stems) + ("" if name in ("pkg_info", "license_file") else ext)
        if lang.kind == "text":
            return rng.choice(("README", "NOTES.txt", "docs/install.rst", "INSTALL"))
    stem = rng.choice(("settings", "config", "client", "test_" + rng.choice(NOUNS), rng.choice(NOUNS), "deploy", "main", "utils"))
    return f"{rng.choice(('src', 'app', 'lib', 'tests', 'scripts', 'config', 'internal'))}/{rng.choice(MODULES)}/{stem}{lang.exts[rng.randrange(len(lang.exts))]}"


def _pick_context(rng: random.Random, options: list[Context]) -> Context:
    return rng.choices(options, weights=[o.weight for o in options])[0]


def place(b: SpanBuilder, c: Ctx, options: list[Context], indent: str = "", tries: int = 4) -> bool:
    """Write one context (retrying those with no form for this kind); False when none fit."""
    if not options:
        return False
    for _ in range(tries):
        ctx = _pick_context(c.rng, options)
        c.begin_block()
        lines = ctx.fn(c)
        if lines:
            lines = _interleave(c, lines)
            lines = _wrap(c, lines)
            if c.kind == "markdown" and ctx.name in FENCE_IN_MARKDOWN and not str(lines[0][0]).startswith("```"):
                lines = [["```" + FENCE_IN_MARKDOWN[ctx.name]], *lines, ["```"]]
            _emit(b, c.lang, [[indent, *ln] for ln in lines] if indent else lines)
            b.contexts.append(ctx.name)
            return True
    return False


# Statements (indented lines) need a function around them: kind -> (indent, opener, closer).
STATEMENT_WRAPPERS = {
    "python": ("    ", "class ⟨Cls⟩Tests(TestCase):\n    def setUp(self):", ""),
    "java": ("        ", "    public void ⟨Fn⟩() throws Exception {", "    }"),
    "csharp": ("            ", "        public async Task ⟨Fn⟩Async()\n        {", "        }"),
    "go": ("\t", "func ⟨Fn⟩() error {", "\treturn nil\n}"),
    "rust": ("    ", "fn ⟨fn⟩() {", "}"),
    "c": ("    ", "int ⟨fn⟩(void)\n{", "    return 0;\n}"),
    "cpp": ("    ", "void ⟨Fn⟩() {", "}"),
    "php": ("    ", "class ⟨Cls⟩Test extends TestCase\n{\n    public function setUp(): void\n    {", "    }\n}"),
    "ruby": ("  ", "RSpec.describe ⟨Cls⟩ do", "end"),
    "terraform": ("  ", 'resource "⟨tfres⟩" "⟨noun⟩" {', "}"),
    "yaml": ("  ", "⟨noun⟩:", ""),
}


# Ordinary settings that sit between secrets in real config blocks.
NEUTRAL_SETTINGS = (
    ("timeout", "30"), ("debug", "false"), ("port", "5432"), ("log level", "info"), ("region", "eu-west-1"), ("pool size", "10"),
    ("use ssl", "true"), ("database name", "orders"), ("host", "db.internal"), ("max retries", "5"), ("environment", "production"),
    ("cache ttl", "300"), ("charset", "utf8mb4"), ("api version", "2023-10-16"), ("bucket region", "us-west-2"), ("verify", "true"),
)


def _interleave(c: Ctx, lines: list[Line]) -> list[Line]:
    """Mix ordinary settings into a block made only of settings, as real config blocks are."""
    if not c.set_calls or c.set_calls != len(lines) or c.rng.random() < 0.45:
        return lines
    out = list(lines)
    for _ in range(c.rng.randint(1, 3)):
        key, value = c.rng.choice(NEUTRAL_SETTINGS)
        out.insert(c.rng.randint(0, len(out)), c.set(key, [value]))
    return out


def place_negatives(b: SpanBuilder, c: Ctx, indent: str = "") -> None:
    """Write one block of hard negatives (unlabeled look-alikes)."""
    c.begin_block()
    lines = _wrap(c, negative_block(c))
    if lines:
        _emit(b, c.lang, [[indent, *ln] for ln in lines] if indent else lines)
        b.contexts.append("negatives")


def _wrap(c: Ctx, lines: list[Line]) -> list[Line]:
    """Put a block of settings inside its form's opener and closer (a dict, a function, a section),
    and indented statements inside a function."""
    if not (c.form_used and c.form and (c.form[1] or c.form[2])):
        wrapper = STATEMENT_WRAPPERS.get(c.kind)
        first = next((p for p in lines[0] if p), "") if lines and lines[0] else ""
        text = first if isinstance(first, str) else ""
        if not wrapper or not text.startswith(wrapper[0]) or text.startswith(wrapper[0] + "'") or c.kind == "python" and text.startswith("    \""):
            return lines
        opener, closer = wrapper[1], wrapper[2]
        if c.kind == "python" and text.startswith("    return"):
            opener = "@pytest.fixture\ndef ⟨noun⟩_credentials():"
    else:
        _, opener, closer = c.form
    if c.kind == "json" and lines and isinstance(lines[-1][-1], str) and lines[-1][-1].endswith(","):
        lines = [*lines[:-1], [*lines[-1][:-1], lines[-1][-1][:-1]]]  # no comma before the closing brace
    head = [[ln] for ln in fill_slots(c.rng, opener).split("\n")] if opener else []
    tail = [[ln] for ln in closer.split("\n")] if closer else []
    return [*head, *lines, *tail]


def _emit(b: SpanBuilder, lang: Lang, lines: list[Line]) -> None:
    b.lines(lines)
    if lang.kind != "json":
        b.line()


def _fenced(b: SpanBuilder, c: Ctx, pii: bool) -> None:
    """A Markdown code fence holding a block of another kind (contexts or filler)."""
    sub = c.rng.choice(FENCED)
    inner = Ctx(c.rng, LANGS[sub], c.cast, c.licensed)
    fence = {"env": "", "dockerfile": "dockerfile"}.get(sub, sub if sub != "shell" else "bash")
    b.line(f"```{fence}")
    mark = len(b.contexts)
    if pii:
        place(b, inner, [o for o in contexts_for(sub) if o.name not in ("license_header", "credits_list")])
    else:
        b.lines(negative_block(inner))
        b.contexts.append("negatives")
    if sub == "json" or len(b.contexts) == mark:
        b.lines([ln for ln in filler(c.rng, sub).splitlines()])
    b.line("```")
    b.line()


def assemble(rng: random.Random, kind: str, n_contexts: int, n_filler: int, n_negatives: int, min_chars: int = 0) -> tuple[SpanBuilder, str]:
    """Build one file of ``kind``; returns the builder and the file's path."""
    lang = LANGS[kind]
    c = Ctx(rng, lang, [make_person(rng) for _ in range(rng.randint(1, 3))])
    b = SpanBuilder()
    list_file = bool(n_contexts) and rng.random() < LIST_FILE_CHANCE.get(kind, 0.0)
    before, after, opener = ([], [], []) if list_file else _FRAME.get(kind, ([], [], []))
    b.lines(_fill(t, rng) for t in before)
    options = contexts_for(kind)
    if n_contexts and not list_file and kind not in ("json", "markdown") and rng.random() < 0.45:
        if place(b, c, [o for o in options if o.name == "license_header"]):
            n_contexts -= 1
    b.lines(_fill(t, rng) for t in after)
    if kind == "python" and rng.random() < 0.5:
        b.line(_fill('"""⟨Cls⟩ helpers: load, validate and store records."""', rng)).line()
    head = filler(rng, kind, head=True)
    if head:
        b.add(head).line()
    if n_contexts and not list_file and kind != "json" and rng.random() < 0.25:
        if place(b, c, [o for o in options if o.name in ("author_attribution", "package_metadata")]):
            n_contexts -= 1
    b.lines(_fill(t, rng) for t in opener)
    options = [o for o in options if o.name != "license_header"]
    if list_file:
        c.list_file = True
        place(b, c, [o for o in options if o.name in LIST_CONTEXTS])
        n_contexts, n_filler, n_negatives = rng.randint(0, 2), rng.randint(0, 1), rng.randint(0, 1)
    blocks = ["ctx"] * n_contexts + ["fill"] * n_filler + ["neg"] * n_negatives
    rng.shuffle(blocks)
    while True:
        for block in blocks:
            _block(b, c, block, options)
        if b.pos >= min_chars:
            break
        blocks = ["fill"] * 6 + ["neg"] + (["ctx"] if n_contexts else [])
        rng.shuffle(blocks)
    if kind == "json":
        b.drop_trailing(",")  # the last member of the object takes no comma
    b.lines(_POSTAMBLE.get(kind, []))
    return b, _path(rng, lang, b.contexts)


def _block(b: SpanBuilder, c: Ctx, block: str, options: list[Context]) -> None:
    kind = c.kind
    if kind == "markdown" and block != "ctx" and c.rng.random() < 0.5:
        _fenced(b, c, pii=False)
    elif kind == "markdown" and block == "ctx" and c.rng.random() < 0.3:
        _fenced(b, c, pii=True)
    elif block == "ctx":
        place(b, c, options)
    elif block == "neg":
        place_negatives(b, c)
    else:
        text = filler(c.rng, kind, used=c.templates_used)
        if text:
            b.add(text)
            if kind != "json":
                b.line()
