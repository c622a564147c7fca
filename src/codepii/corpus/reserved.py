"""The packages reserved for evaluation: never fetched, never read from inside other archives.

The list lives outside the repository (``../shared/data/reserved-packages.txt``
next to the repo root) so that every stage reads the same file; a flag or
``CODEPII_RESERVED_PACKAGES`` points elsewhere. Names compare as PyPI names do:
case-insensitive, with ``-``, ``_`` and ``.`` alike (PEP 503).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import CodepiiError

ENV_VAR = "CODEPII_RESERVED_PACKAGES"

# Folder names under which archives carry copies of other projects.
VENDOR_DIRS = frozenset(
    {"vendor", "vendors", "_vendor", "vendored", "_vendored", "third_party", "thirdparty", "third-party",
     "extern", "_extern", "externals", "node_modules", "site-packages", "deps", "lib3rdparty"}
)

# Reserved project -> the import folders it installs when that differs from its name.
IMPORT_NAMES = {
    "ansible-core": ("ansible", "ansible_core"),
    "apache-libcloud": ("libcloud",),
    "cryptography-vectors": ("cryptography_vectors",),
    "dj-database-url": ("dj_database_url",),
    "dnspython": ("dns",),
    "google-auth": ("google_auth",),
    "mysqlclient": ("MySQLdb",),
    "pyjwt": ("jwt",),
    "pyopenssl": ("OpenSSL",),
    "python-gitlab": ("gitlab",),
    "requests-oauthlib": ("requests_oauthlib",),
    "psycopg": ("psycopg", "psycopg_c", "psycopg_binary"),
}


def normalize_name(name: str) -> str:
    """PEP 503 normal form: lower case, runs of ``-_.`` become one ``-``."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def shared_data_dir() -> Path:
    """``<repo root>/../shared/data``; from a git worktree, the main checkout's sibling when it is not beside it."""
    repo_root = Path(__file__).resolve().parents[3]
    candidates = [repo_root.parent / "shared" / "data"]
    git = repo_root / ".git"
    if git.is_file():  # a worktree: "gitdir: <main>/.git/worktrees/<name>"
        text = git.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            main_git = Path(text.split(":", 1)[1].strip()).parents[1]
            candidates.append(main_git.parent.parent / "shared" / "data")
    return next((c for c in candidates if c.is_dir()), candidates[0])


def default_reserved_path() -> Path:
    """``$CODEPII_RESERVED_PACKAGES``, else ``<repo root>/../shared/data/reserved-packages.txt``."""
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    return shared_data_dir() / "reserved-packages.txt"


@dataclass(frozen=True)
class ReservedPackages:
    """The reserved list, with the folder names their (vendored) copies go by."""

    names: frozenset[str]
    source: str = ""

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "ReservedPackages":
        path = Path(path) if path else default_reserved_path()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            raise CodepiiError(
                f"{path}: cannot read the reserved-package list; pass --reserved FILE or set {ENV_VAR}"
            ) from None
        names = {normalize_name(line.split("#", 1)[0]) for line in text.splitlines()}
        return cls(frozenset(n for n in names if n), str(path))

    def is_reserved(self, name: str) -> bool:
        return normalize_name(name) in self.names

    def check(self, name: str, where: str = "") -> None:
        """Raise a one-line CodepiiError when ``name`` is reserved."""
        if self.is_reserved(name):
            prefix = f"{where}: " if where else ""
            raise CodepiiError(
                f"{prefix}package {name!r} is reserved for evaluation ({self.source}); remove it from the manifest"
            )

    def folder_names(self) -> frozenset[str]:
        """Normalised folder names a copy of a reserved package lives in (``requests``, ``jwt``...)."""
        out = set()
        for name in self.names:
            out.add(normalize_name(name))
            out.update(normalize_name(alias) for alias in IMPORT_NAMES.get(name, ()))
        return frozenset(out)

    def vendored_in(self, path: str) -> str | None:
        """The reserved package vendored at ``path`` (a folder of it under a vendor-like folder), else None."""
        parts = [p for p in path.replace("\\", "/").split("/") if p]
        folders = self.folder_names()
        seen_vendor = False
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            # A folder of the package, or a one-module copy of it (``_vendor/six.py``).
            name = part.rsplit(".", 1)[0] if last and part.endswith(".py") else part
            if seen_vendor and normalize_name(name) in folders and (not last or name != part):
                return name
            if part.lower() in VENDOR_DIRS:
                seen_vendor = True
        return None
