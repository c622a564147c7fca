"""The people a package declares: names, emails and handles read from its metadata and credit files.

Each parser takes one file's text and returns :class:`Person` entries; a
value that is an organisation, a bot, a role address or a placeholder is left
out (weak labels favour precision: a wrong label teaches the model a false
positive everywhere the value occurs).
"""
from __future__ import annotations

import configparser
import json
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
AT_HANDLE_RE = re.compile(r"(?<![\w@./])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?)(?![\w@-])")
URL_HANDLE_RE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|twitter\.com|x\.com)/"
    r"([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?)(?=/?(?:[)\s>\]\"',.;`]|$))"
)
PAREN_HANDLE_RE = re.compile(r"\((?:@)?([A-Za-z0-9][A-Za-z0-9_-]{1,38})\)")
# github.com/<owner>/<repo> names a repository, whose owner is often an organisation: only profile URLs
# (nothing after the handle but a slash) give a person's handle; repository owners go through declared.py.
REPO_URL_OWNER_RE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org)/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}[A-Za-z0-9])?)/[\w.-]+"
)
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b(?:github\.com|gitlab\.com|twitter\.com)/\S*")
BULLET_RE = re.compile(r"^\s*(?:[-*+\u2022]|\d+[.)]|#+)?\s*")
NAME_TOKEN_RE = re.compile(r"^(?:[^\W\d_][\w'\u2019-]*\.?|[^\W\d_]\.)$")
PARTICLES = frozenset("van von der den de del della di da du le la ten ter bin al y e dos das st.".split())
# A name holding one of these words is an organisation, a heading or a role, not a person.
NOT_A_PERSON = frozenset(
    """team teams contributors contributor developers developer authors author project projects inc inc. llc ltd
    ltd. limited foundation corporation corp corp. company software group community organization organisation
    maintainers maintainer gmbh labs lab university institute the and or of for with by python github gitlab google
    microsoft apple amazon facebook meta mozilla apache pypi npm copyright license licence notice thanks special
    original core patches documentation version release changes see also list people following other others many
    all everyone various bot bots dependabot renovate greenkeeper snyk nobody unknown anonymous admin administrator
    support security info contact hello mit bsd gpl lgpl readme changelog history news credits acknowledgements
    acknowledgments sponsors sponsor donors backers users user example sample test tests todo fixme note notes
    holders holder individual individuals members member staff association society consortium collective
    laboratories laboratory development lead leads emeritus past current active inactive
    foo bar baz qux quux dummy fake placeholder lorem ipsum doe mustermann bloggs""".split()
)
# Placeholder people (LABELING.md: NAME_EXAMPLE), never weak-labeled as real.
EXAMPLE_NAMES = frozenset(
    """john smith|jane smith|joe bloggs|joe public|john q. public|max mustermann|erika mustermann|
    average joe|joe user|jane user""".replace("\n", "").replace("    ", "").split("|")
)
ORG_WORDS = frozenset(
    """team teams contributors developers authors project inc inc. llc ltd ltd. limited foundation corporation
    corp corp. company group community organization organisation maintainers gmbh labs laboratories university
    institute bot association society consortium collective""".split()
)
ROLE_LOCALS = frozenset(
    """noreply no-reply donotreply do-not-reply info admin administrator support contact team dev devs security
    webmaster hello help maintainers maintainer pypi packages packaging mail root postmaster abuse sales office
    bugs bug issues feedback community press legal privacy opensource open-source oss github notifications
    code-quality python-dev python-list""".split()
)
EXAMPLE_DOMAINS = re.compile(r"(?:^|\.)(?:example\.(?:com|org|net)|test\.com|foo\.com|bar\.com|domain\.com|email\.com|localhost|invalid|test|example)$")
BOT_HANDLES = frozenset("dependabot renovate greenkeeper snyk-bot github-actions pre-commit-ci codecov allcontributors".split())


@dataclass(frozen=True)
class Person:
    name: str | None = None
    email: str | None = None
    handle: str | None = None


def is_person_name(text: str) -> bool:
    """Two to five name-like words (``Ada Lovelace``, ``Guido van Rossum``), none of them an org or heading word."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 5 or len(text) > 60:
        return False
    capitalised = 0
    for tok in tokens:
        low = tok.lower()
        if low.strip(".,") in NOT_A_PERSON or not NAME_TOKEN_RE.match(tok):
            return False
        if tok[0].isupper():
            capitalised += 1
        elif low not in PARTICLES:
            return False
    if " ".join(tokens).lower() in EXAMPLE_NAMES:
        return False
    # ALL-CAPS runs are headings or legal text, not names.
    return capitalised >= 2 and not all(t.isupper() and len(t) > 2 for t in tokens)


def is_person_email(email: str) -> bool:
    local, _, domain = email.lower().rpartition("@")
    if local in ROLE_LOCALS or local.endswith(("-dev", "-users", "-list", "-announce", "-devel", "+noreply", "-sig", "-discuss", "-team", "-core")):
        return False
    return not EXAMPLE_DOMAINS.search(domain) and "noreply" not in domain


def is_person_handle(handle: str) -> bool:
    low = handle.lower()
    return len(handle) >= 3 and low not in BOT_HANDLES and low not in NOT_A_PERSON and not low.endswith("bot") and not low.isdigit()


def clean(person: Person) -> Person | None:
    """The person with its org/bot/placeholder parts dropped, or None when nothing is left."""
    name = " ".join(person.name.split()) if person.name else None
    name = name if name and is_person_name(name) else None
    email = person.email.strip().lower() if person.email and is_person_email(person.email.strip()) else None
    handle = person.handle.lstrip("@") if person.handle and is_person_handle(person.handle.lstrip("@")) else None
    return Person(name, email, handle) if (name or email or handle) else None


def parse_person(text: str, paren_handles: bool = False) -> Person | None:
    """One person from ``Name <email> (url)``, ``* Name (@handle)``, ``@handle``, ``Name - github.com/x``..."""
    text = BULLET_RE.sub("", text.strip(), count=1)
    email = next(iter(EMAIL_RE.findall(text)), None)
    handle = None
    for rx in (URL_HANDLE_RE, AT_HANDLE_RE) + ((PAREN_HANDLE_RE,) if paren_handles else ()):
        m = rx.search(EMAIL_RE.sub(" ", text))
        if m:
            handle = m.group(1)
            break
    rest = re.sub(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>", " ", text)
    rest = re.sub(r"@\S+|[()<>\[\]]", " ", URL_RE.sub(" ", EMAIL_RE.sub(" ", rest)))
    rest = re.split(r"\s+[-\u2013\u2014:|]\s+|[,;:|]", rest)[0]
    name = " ".join(rest.strip(" \t*_`'\"-.").split())
    if name and (ORG_WORDS.intersection(name.lower().split()) or 1 < len(name.split()) < 5 and not is_person_name(name)):
        return None  # "Ansible Core (@ansible)": a few words but not a person, so the handle is not one
    if name and not is_person_name(name):
        name = _name_before_bracket(text)  # prose: "... maintained by `Jose Padilla <https://...>`_"
    return clean(Person(name or None, email, handle))


def _name_before_bracket(text: str) -> str | None:
    """The capitalised words right before the first ``<`` or ``(`` of a line, if they form a name."""
    m = re.search(r"[<(]", text)
    if not m:
        return None
    tokens = re.sub(r"[`*_\"']", " ", text[: m.start()]).split()
    picked: list[str] = []
    for tok in reversed(tokens[-5:]):
        if not (tok[:1].isupper() or tok.lower() in PARTICLES):
            break
        picked.insert(0, tok)
    name = " ".join(picked)
    return name if is_person_name(name) else None


def split_people(value: str) -> list[str]:
    """``A, B and C`` -> three strings (email addresses keep their commas-free form)."""
    return [p for p in re.split(r",|;|\s+and\s+|\s+&\s+|\n", value) if p.strip()]


def parse_pkg_info(text: str) -> list[Person]:
    """PKG-INFO / METADATA headers: Author, Author-email, Maintainer, Maintainer-email."""
    from email.parser import HeaderParser
    from email.utils import getaddresses

    head = text.split("\n\n", 1)[0]
    msg = HeaderParser().parsestr(head + "\n\n")
    people: list[Person] = []
    for key in ("Author", "Maintainer"):
        for value in msg.get_all(key) or []:
            people += [p for p in map(parse_person, split_people(value)) if p]
        for value in msg.get_all(f"{key}-email") or []:
            for name, addr in getaddresses([value]):
                p = clean(Person(name or None, addr or None))
                if p:
                    people.append(p)
    return people


def parse_pyproject(text: str) -> list[Person]:
    """``[project]`` authors/maintainers tables and ``[tool.poetry]`` ``"Name <email>"`` strings."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    entries = [*project.get("authors", []), *project.get("maintainers", []),
               *poetry.get("authors", []), *poetry.get("maintainers", [])]
    return list(_from_entries(entries))


def _from_entries(entries: Iterable) -> Iterator[Person]:
    """People from a list of ``{"name", "email", "url"}`` objects or ``"Name <email> (url)"`` strings."""
    for e in entries:
        if isinstance(e, str):
            p = parse_person(e)
        elif isinstance(e, dict):
            url = e.get("url") if isinstance(e.get("url"), str) else ""
            m = URL_HANDLE_RE.search(url)
            p = clean(Person(e.get("name") if isinstance(e.get("name"), str) else None,
                             e.get("email") if isinstance(e.get("email"), str) else None, m.group(1) if m else None))
        else:
            p = None
        if p:
            yield p


def parse_package_json(text: str) -> list[Person]:
    """``author``, ``contributors`` and ``maintainers``, as strings or objects."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return []
    if not isinstance(data, dict):
        return []
    entries = [data.get("author")]
    for key in ("contributors", "maintainers"):
        if isinstance(data.get(key), list):
            entries += data[key]
    return list(_from_entries(e for e in entries if e))


SETUP_PY_RE = re.compile(r"""\b(author|maintainer)(_email)?\s*=\s*(?:u|r)?(['"])(.+?)\3""")


def parse_setup_py(text: str) -> list[Person]:
    """``author="..."``, ``author_email="..."`` (and maintainer) literals in ``setup(...)``."""
    people = []
    for m in SETUP_PY_RE.finditer(text):
        value = m.group(4)
        people += [p for p in map(parse_person, split_people(value)) if p]
    return people


def parse_setup_cfg(text: str) -> list[Person]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    if not parser.has_section("metadata"):
        return []
    people = []
    for key in ("author", "author_email", "maintainer", "maintainer_email"):
        value = parser.get("metadata", key, fallback="")
        people += [p for p in map(parse_person, split_people(value)) if p]
    return people


def parse_people_file(text: str) -> list[Person]:
    """AUTHORS / CONTRIBUTORS / CREDITS / MAINTAINERS / THANKS: one person per line, in any usual form."""
    people = []
    for line in text.splitlines():
        if not line.strip() or re.fullmatch(r"\s*[=\-~^*#`:.]+\s*", line) or line.rstrip().endswith(":"):
            continue
        p = parse_person(line, paren_handles=True)
        if p:
            people.append(p)
    return people


ATTRIBUTION_VALUE_RE = re.compile(
    r"(?i)(?:copyright\s*(?:\(c\)|\u00a9)?|\(c\)|\u00a9|__author__\s*=|__maintainer__\s*=|@author\b:?|"
    r"\bauthors?\s*:|\bmaintainers?\s*:|written\s+by|contributed\s+by)"
    r"\s*(?:(?:\d{4}(?:\s*[-\u2013,]\s*\d{2,4})*),?\s*)?(?:by\s+)?(.+)"
)


def parse_attribution_lines(text: str, max_lines: int = 80) -> list[Person]:
    """People named in the copyright/author lines of a file's first ``max_lines`` lines and ``__author__``."""
    people = []
    for i, line in enumerate(text.splitlines()):
        if i >= max_lines and "__author__" not in line:
            continue
        m = ATTRIBUTION_VALUE_RE.search(line)
        if not m:
            continue
        value = re.sub(r"""^[\s'"\[(]+|[\s'"\])]+$|\ball rights reserved\.?""", "", m.group(1), flags=re.I)
        for part in split_people(value):
            p = parse_person(part.strip(" .'\""))
            if p:
                people.append(p)
    return people
