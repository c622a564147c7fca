"""Collect what one package (or repository) declares: its people, gathered over all of its files.

Which parser reads a file is decided by its path: package metadata (PKG-INFO,
METADATA, pyproject.toml, setup.py, setup.cfg, package.json), credit files
(AUTHORS, CONTRIBUTORS, CREDITS, MAINTAINERS, THANKS, and LICENSE/COPYRIGHT
lists), copyright and author lines in file headers, and a repository owner
(``owner/repo`` column, or the owner in the package's repository URL) when the
owner looks like a person.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from . import people as P

SOURCES = ("metadata", "credits", "headers", "owner")
CREDIT_STEMS = frozenset({"authors", "contributors", "credits", "maintainers", "thanks", "committers", "people"})
LICENSE_STEMS = frozenset({"license", "licence", "copying", "copyright", "notice"})
METADATA_PARSERS = {
    "pkg-info": P.parse_pkg_info,
    "metadata": P.parse_pkg_info,
    "pyproject.toml": P.parse_pyproject,
    "setup.py": P.parse_setup_py,
    "setup.cfg": P.parse_setup_cfg,
    "package.json": P.parse_package_json,
}
ORG_OWNER_RE = re.compile(r"(?i)(?:^|[-_.])(?:org|inc|corp|labs?|team|project|foundation|hq|official|community|dev|io|oss|tools|python|js|apps?)(?:$|[-_.])")


def file_role(path: str) -> str | None:
    """``metadata``, ``credits``, ``license`` or None for an ordinary file (by its path)."""
    parts = path.lower().split("/")
    name = parts[-1]
    stem = name.split(".", 1)[0]
    top_level = len(parts) == 1 or (len(parts) == 2 and parts[0].endswith((".egg-info", ".dist-info")))
    if name in METADATA_PARSERS and (top_level or name in ("pkg-info", "metadata") and len(parts) <= 3):
        return "metadata"
    if stem in CREDIT_STEMS and ("." not in name or name.endswith((".txt", ".md", ".rst"))):
        return "credits"
    if stem in LICENSE_STEMS and ("." not in name or name.endswith((".txt", ".md", ".rst"))):
        return "license"
    return None


@dataclass
class Declared:
    """Names, emails (lower case) and handles (no ``@``) that a package declares, with where each came from."""

    names: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    handles: dict[str, str] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)

    def add(self, person: P.Person, source: str) -> None:
        if person.name:
            self.names.setdefault(person.name, source)
        if person.email:
            self.emails.setdefault(person.email, source)
        if person.handle:
            self.handles.setdefault(person.handle, source)

    def __bool__(self) -> bool:
        return bool(self.names or self.emails or self.handles)

    def relates_to(self, handle: str) -> bool:
        """Whether ``handle`` is tied to a declared person (an email's local part, or a name's start)."""
        low = handle.lower()
        if low in (h.lower() for h in self.handles) or any(e.split("@")[0] == low for e in self.emails):
            return True
        for name in self.names:
            tokens = [t.lower() for t in name.split() if len(t) >= 3]
            if tokens and (low.startswith(tokens[0][:3]) and any(t[:3] in low[2:] for t in tokens[1:])
                           or low in ("".join(tokens), tokens[0] + tokens[-1][0], tokens[0][0] + tokens[-1])):
                return True
        return False


def collect(files: Iterable[tuple[str, str]], sources: Iterable[str] = SOURCES,
            owner: str | None = None, package: str | None = None) -> Declared:
    """What the package of ``files`` ((path, text) pairs) declares, from the chosen sources.

    Handles and email addresses named after the package itself (``python-attrs``, ``dateutil@python.org``)
    belong to the project, not a person, and are dropped.
    """
    sources = set(sources)
    declared = Declared()
    for path, text in files:
        role = file_role(path)
        if role == "metadata" and "metadata" in sources:
            for p in METADATA_PARSERS[path.lower().rsplit("/", 1)[-1]](text):
                declared.add(p, "metadata")
            declared.urls += P.URL_HANDLE_RE.findall(text)[:20] + P.REPO_URL_OWNER_RE.findall(text)[:20]
        elif role in ("credits", "license") and "credits" in sources:
            found = P.parse_people_file(text)
            if role == "license":  # copyright lines, and the name lists some licences carry (Twisted's)
                found += P.parse_attribution_lines(text, 10_000)
            for p in found:
                declared.add(p, "credits")
        if "headers" in sources and role != "metadata":
            for p in P.parse_attribution_lines(text):
                declared.add(p, "headers")
    if "owner" in sources:
        _add_owners(declared, owner)
    if package:
        _drop_project_accounts(declared, package)
    return declared


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _drop_project_accounts(declared: Declared, package: str) -> None:
    """Remove handles and emails whose name is the package's (or holds it, or is held by it)."""
    pkg = _squash(package)
    if len(pkg) < 3:
        return

    def project_like(value: str) -> bool:
        v = _squash(value)
        return len(v) >= 3 and (pkg in v or v in pkg and len(v) >= 4)

    declared.handles = {h: s for h, s in declared.handles.items() if not project_like(h)}
    declared.emails = {e: s for e, s in declared.emails.items() if not project_like(e.split("@")[0])}


def _add_owners(declared: Declared, owner: str | None) -> None:
    """Repository owners: from an ``owner/repo`` column unless org-like; from metadata URLs if tied to a person."""
    if owner and P.is_person_handle(owner) and not ORG_OWNER_RE.search(owner):
        declared.handles.setdefault(owner, "owner")
    for handle in dict.fromkeys(declared.urls):
        if P.is_person_handle(handle) and declared.relates_to(handle):
            declared.handles.setdefault(handle, "owner")
