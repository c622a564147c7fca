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
    r"(?i)copyright|\(c\)|\u00a9|\bauthors?\b|__author__|__maintainer__|@author|\bmaintainers?\b|"
    r"written\s+by|contributed\s+by|created\s+by|\bcredits?\b|\bthanks\s+to\b|spdx-filecopyrighttext"
)
CODE_START_RE = re.compile(
    r"^\s*(?:import\s|from\s+\S+\s+import\s|def\s|class\s|package\s|#include|using\s|use\s|require[\s(]|const\s|"
    r"let\s|var\s|function[\s(]|module\.exports|export\s|namespace\s|public\s|if\s*\(|\"use strict\"|'use strict')"
)
HEADER_MAX_LINES = 80
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
    """Index of the first line of code (the licence header and module docstring lie before it)."""
    for i, line in enumerate(lines[:HEADER_MAX_LINES]):
        if CODE_START_RE.match(line):
            return i
    return min(len(lines), HEADER_MAX_LINES)


def attribution_lines(path: str, content: str) -> list[bool]:
    """Per line: is an occurrence here an attribution (``*_LICENSE``)?"""
    lines = content.split("\n")
    role = file_role(path)
    if role in ("credits", "license"):
        return [True] * len(lines)
    if role == "metadata" and not path.lower().endswith("setup.py"):
        if path.lower().rsplit("/", 1)[-1] in ("pkg-info", "metadata"):
            # The headers are metadata; the long description after the first blank line is prose.
            head = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
            return [i < head or bool(ATTRIBUTION_LINE_RE.search(line)) for i, line in enumerate(lines)]
        return [True] * len(lines)
    end = header_end(lines)
    in_header = any(ATTRIBUTION_LINE_RE.search(line) for line in lines[:end])
    return [(i < end and in_header) or bool(ATTRIBUTION_LINE_RE.search(line)) for i, line in enumerate(lines)]


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
