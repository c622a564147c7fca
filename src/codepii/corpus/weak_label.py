"""Weak labels: every occurrence of a declared name, email or handle in its package's files.

Categories follow LABELING.md: ``*_LICENSE`` inside licence/copyright headers,
on attribution lines (``__author__``, ``@author``, ``Author:``, ``Copyright``)
and in the metadata and credit files themselves; the plain category
elsewhere. Whole words only; an email wins over a name or handle inside it;
spans never overlap. Handles are labeled as ``@handle`` and in profile URLs
(``github.com/<handle>``) everywhere, and as a bare word only in attribution
context. The labels are partial: other PII in the same files stays unlabeled.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..labels import LICENSE_SUFFIX
from ..spans import Span
from .declared import Declared, file_role

ATTRIBUTION_LINE_RE = re.compile(
    r"(?i)copyright|\(c\)|\u00a9|(?<![a-z])(?:author|maintainer)(?:s|_?email|_?name)?(?![a-z])|@author|"
    r"written\s+by|contributed\s+by|created\s+by|\bcredits?\b|\bthanks\s+to\b|spdx-filecopyrighttext"
)
CODE_START_RE = re.compile(
    r"^\s*(?:import\s|from\s+\S+\s+import\s|def\s|class\s|package\s|#include|using\s|use\s|require[\s(]|const\s|"
    r"let\s|var\s|function[\s(]|module\.exports|export\s|namespace\s|public\s|if\s*\(|\"use strict\"|'use strict')"
)
HEADER_RE = re.compile(ATTRIBUTION_LINE_RE.pattern + r"|\blicen[cs]ed?\b|\blicen[cs]e\b|for details:")
BLOCK_KEY_RE = re.compile(r"""(?i)^\s*(?:#+|//|\*|--)?\s*['"]?(?:authors?|maintainers?|contributors?|credits)['"]?\s*[:=]\s*[\[(]?\s*$""")
LIST_ITEM_RE = re.compile(r"""^\s*(?:[-*]\s|['"])|^\s+\S""")
CREDIT_HEADING_RE = re.compile(
    r"(?i)\b(?:authors?|credits?|contributors?|maintainers?|thanks|acknowledge?ments?|team|people|core developers)\b"
)
HEADER_MAX_LINES = 80
BLOCK_OPENERS = {'"""': '"""', "'''": "'''", "/*": "*/", "<!--": "-->", "=begin": "=end", "{-": "-}", "--[[": "]]"}
LINE_COMMENTS = ("#", "//", "--", ";", "%", "*", "!", "'", "rem ", "REM ", "::")
PROFILE_HOSTS = r"(?:github\.com|gitlab\.com|bitbucket\.org|twitter\.com|x\.com)/"


@dataclass(frozen=True)
class Matchers:
    """Compiled patterns for one package's declared values (built once, used on every file)."""

    emails: re.Pattern | None
    names: re.Pattern | None
    at_handles: re.Pattern | None
    url_handles: re.Pattern | None
    bare_handles: re.Pattern | None

    @classmethod
    def build(cls, declared: Declared) -> "Matchers":
        def alt(values, flags=0, before=r"(?<![\w@.+-])", after=r"(?![\w@-]|\.\w)", sep=None):
            if not values:
                return None
            escaped = [re.escape(v) if sep is None else sep.join(map(re.escape, v.split())) for v in values]
            body = "|".join(sorted(escaped, key=len, reverse=True))
            return re.compile(f"{before}(?P<v>{body}){after}", flags)

        handles = list(declared.handles)
        return cls(
            emails=alt(declared.emails, re.IGNORECASE),
            names=alt(declared.names, sep=r"[ \t]+", before=r"(?<![\w@.])"),
            at_handles=alt(["@" + h for h in handles], re.IGNORECASE, before=r"(?<![\w@./])"),
            url_handles=alt(handles, re.IGNORECASE, before=rf"\b{PROFILE_HOSTS}", after=r"(?![\w-])"),
            bare_handles=alt([h for h in handles if len(h) >= 4], before=r"(?<![\w@./-])", after=r"(?![\w@-])"),
        )


def header_end(lines: list[str]) -> int:
    """Index of the first line after the file's leading comments and docstring (its licence header)."""
    closer = None  # the end marker of an open block comment or docstring
    for i, line in enumerate(lines[:HEADER_MAX_LINES]):
        text = line.strip()
        if closer is not None:
            if closer in text:
                closer = None
            continue
        if CODE_START_RE.match(line):
            return i
        opener = next((o for o in BLOCK_OPENERS if text.startswith(o) or text[:2] in "r\"u\"b\"" and text[1:].startswith(o)), None)
        if opener is not None:
            rest = text[text.index(opener) + len(opener):]
            if BLOCK_OPENERS[opener] not in rest:
                closer = BLOCK_OPENERS[opener]
            continue
        if text and not text.startswith(LINE_COMMENTS):
            return i
    return min(len(lines), HEADER_MAX_LINES)


def attribution_lines(path: str, content: str) -> list[bool]:
    """Per line: is an occurrence here an attribution (``*_LICENSE``)?"""
    lines = content.split("\n")
    role = file_role(path)
    if role in ("credits", "license"):
        return [True] * len(lines)
    name = path.lower().rsplit("/", 1)[-1]
    if role == "metadata" and name in ("pkg-info", "metadata"):
        # The headers are metadata; the long description after the first blank line is a README.
        head = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
        credit = credit_sections("README.md", lines)
        return [i < head or credit[i] or bool(ATTRIBUTION_LINE_RE.search(line)) for i, line in enumerate(lines)]
    if role == "metadata" and name != "setup.py":
        return [True] * len(lines)
    marks = [bool(ATTRIBUTION_LINE_RE.search(line)) for line in lines]
    _or(marks, credit_sections(path, lines))
    _or(marks, attribution_blocks(lines))
    if name == "setup.py":
        _or(marks, setup_call(lines))
    if not is_document(path):  # a document's "header" would run to line 80: its sections decide instead
        end = header_end(lines)
        if any(HEADER_RE.search(line) for line in lines[:end]):
            _or(marks, [True] * end)
    return marks


def _or(marks: list[bool], more: list[bool]) -> None:
    for i, m in enumerate(more):
        marks[i] = marks[i] or m


def attribution_blocks(lines: list[str]) -> list[bool]:
    """The list items under an ``author:`` / ``authors =`` key (YAML docs, TOML, Python lists)."""
    out = [False] * len(lines)
    inside = False
    for i, line in enumerate(lines):
        if BLOCK_KEY_RE.search(line):
            inside = True
        elif inside and LIST_ITEM_RE.match(line):
            out[i] = True
        else:
            inside = False
    return out


def setup_call(lines: list[str]) -> list[bool]:
    """The lines of a ``setup(...)`` call in setup.py (package metadata)."""
    out = [False] * len(lines)
    inside = False
    for i, line in enumerate(lines):
        if re.match(r"\s*(?:setuptools\.)?setup\(|\s*\w*(?:setup|metadata)\w*\s*=\s*(?:dict\(|\{)\s*$", line):
            inside = True
        out[i] = inside
        if inside and line.startswith(")"):
            inside = False
    return out


def is_document(path: str) -> bool:
    """Markdown, reST, plain text or a README/CHANGES-like file without a suffix."""
    name = path.lower().rsplit("/", 1)[-1]
    return name.endswith((".md", ".rst", ".txt", ".markdown")) or "." not in name and name.isalpha() and name != "makefile"


def credit_sections(path: str, lines: list[str]) -> list[bool]:
    """Per line of a Markdown/reST/text document: inside a section headed Authors/Credits/Thanks/...?"""
    out = [False] * len(lines)
    if not is_document(path):
        return out
    inside = False
    for i, line in enumerate(lines):
        heading = None
        if re.match(r"#{1,6}\s", line):
            heading = line.lstrip("#")
        elif i + 1 < len(lines) and line.strip() and re.fullmatch(r"([=\-~^*+#])\1{2,}\s*", lines[i + 1]):
            heading = line
        if heading is not None:
            inside = bool(CREDIT_HEADING_RE.search(heading))
        out[i] = inside
    return out


def _line_starts(content: str) -> list[int]:
    starts = [0]
    starts += [m.end() for m in re.finditer("\n", content)]
    return starts


def label_file(path: str, content: str, matchers: Matchers) -> list[Span]:
    """Weak spans of one file: emails first, then names and handles where no span is yet."""
    import bisect

    found: list[tuple[int, int, str]] = []
    attribution = None
    starts = _line_starts(content)

    def add(rx: re.Pattern | None, category: str, only_attribution: bool = False) -> None:
        nonlocal attribution
        if rx is None:
            return
        for m in rx.finditer(content):
            s, e = m.span("v")
            if any(s < fe and fs < e for fs, fe, _ in found):
                continue
            if attribution is None:
                attribution = attribution_lines(path, content)
            licensed = attribution[bisect.bisect_right(starts, s) - 1]
            if only_attribution and not licensed:
                continue
            found.append((s, e, category + LICENSE_SUFFIX if licensed else category))

    add(matchers.emails, "EMAIL")
    add(matchers.url_handles, "USERNAME")
    add(matchers.at_handles, "USERNAME")
    add(matchers.names, "NAME")
    add(matchers.bare_handles, "USERNAME", only_attribution=True)
    return sorted(Span(s, e, c) for s, e, c in found)


def group_key(record: dict, repo_column: str) -> tuple:
    """The package (or repository) a corpus record belongs to."""
    if record.get(repo_column):
        return ("repo", str(record[repo_column]))
    if record.get("package"):
        return (record.get("registry", ""), str(record["package"]), record.get("version", ""))
    from ..errors import RecordError

    raise RecordError(
        f"record {record.get('id')!r}: no 'package' and no {repo_column!r} column; weak labels need to know "
        "which package or repository a file belongs to (records from `codepii corpus fetch` have both)"
    )


def windows(record: dict, spans: list[Span], lines_around: int) -> list[dict]:
    """Cut a labeled file into line windows of +-``lines_around`` lines around its spans (merged when they touch)."""
    import bisect

    content = record["content"]
    starts = _line_starts(content)
    n_lines = len(starts)
    ranges: list[list[int]] = []
    for span in spans:
        first = max(0, bisect.bisect_right(starts, span.start) - 1 - lines_around)
        last = min(n_lines - 1, bisect.bisect_right(starts, span.end - 1) - 1 + lines_around)
        if ranges and first <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], last)
        else:
            ranges.append([first, last])
    out = []
    for first, last in ranges:
        lo = starts[first]
        hi = starts[last + 1] if last + 1 < n_lines else len(content)
        inside = [s.shift(-lo) for s in spans if lo <= s.start and s.end <= hi]
        out.append({**record, "id": f"{record['id']}#L{first + 1}-{last + 1}", "content": content[lo:hi],
                    "entities": [s.to_dict() for s in inside]})
    return out


def weak_records(group: list[dict], declared: Declared, keep_unlabeled: bool = False,
                 lines_around: int | None = None) -> list[dict]:
    """Gold records (``"source": "weak"``) of one package's corpus records."""
    matchers = Matchers.build(declared) if declared else None
    out = []
    for record in group:
        spans = label_file(record.get("path", ""), record["content"], matchers) if matchers else []
        if not spans and not keep_unlabeled:
            continue
        labeled = {**record, "entities": [s.to_dict() for s in spans], "source": "weak"}
        out += windows(labeled, spans, lines_around) if lines_around is not None and spans else [labeled]
    return out
