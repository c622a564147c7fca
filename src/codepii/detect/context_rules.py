"""Pattern rules for PII that its context names: handles, logins, home directories, passwords, JWK members.

A username is any word; what makes it one is where it stands (LABELING.md
USERNAME: "``@handle`` in comments, ``github.com/<user>``, ``user=`` /
``login:`` values, home-dir names ``/home/<user>/``"). These rules find those
contexts in any code, so the patterns (and the hybrid) report handles that a
model trained on generated files misses in real ones:

- ``username-assignment``: the value of a key, variable, keyword argument or
  XML tag named ``user``/``username``/``login`` (``"login": "octocat"``,
  ``username="alice"``, ``DB_USER=app``);
- ``url-username``: the user of ``scheme://user[:pass]@host``;
- ``code-host-user``: the account of a code-host link, ``github.com/<user>`` or
  ``github.com/<owner>/<repo>`` (also GitLab, Bitbucket; Twitter profiles), the
  user of a gist link, Launchpad's ``lp:~user``; not an organisation named like
  its project (``github.com/pika/pika``);
- ``authors-handle``: a one-word entry of an authors list, ``handle <email>``;
- ``credit-handle``: ``@handle`` credited in prose: ``by @x``, ``thanks to @x``,
  ``(@x)``, ``[@x]``, ``@x made their first contribution``, ``@x <https://...>``;
- ``home-dir-user``: ``/home/<user>/``, ``/Users/<user>/``, ``C:\\Users\\<user>\\``;
- ``password-call``: a literal first argument of a function whose name ends in
  ``password`` (``set_password("tiger7")``, ``check_password(...)``);
- ``jwk-private-member``: the private members (``d``, ``p``, ``q``, ``dp``,
  ``dq``, ``qi``, ``k``) of a JSON Web Key (RFC 7517/7518) as ``KEY``.

Placeholder values (``user``, ``admin``, ``root``, ``${USER}``), service
accounts (``git@``, CI runners) and bots are not reported.
"""
from __future__ import annotations

import functools
import re

from .filters import is_placeholder

# Accounts of services and machines, not of people (``git@github.com``, CI home directories).
SERVICE_USERS = frozenset(
    "git hg svn anonymous anon ftp nobody www-data runner runneradmin ubuntu ec2-user centos debian fedora "
    "vagrant travis circleci jenkins appveyor vsts docker postgres mysql oracle shared public default guest "
    "me you yourname yourusername your_username name someone somebody user1 user2 example __token__ "
    "x-access-token x-oauth-basic oauth2 oauth2accesstoken".split()
)
# Bots credited in changelogs (LABELING: organisation accounts and bots are not labeled).
BOTS = frozenset(
    "dependabot renovate renovate-bot pre-commit-ci github-actions allcontributors all-contributors mergify codecov "
    "greenkeeper web-flow sourcery-ai snyk-bot imgbot whitesource-bolt-for-github stale copilot".split()
)
# Well-known organisation accounts of code hosts: the owners of projects, not people.
ORG_ACCOUNTS = frozenset(
    "actions airbnb angular ansible apache apple aws aws-samples awslabs azure babel bigcode-project celery cncf "
    "curl denoland django docker elastic encode envoyproxy eslint facebook facebookresearch git github gitlab-org "
    "golang google googleapis grafana grpc hashicorp helm huggingface istio jazzband jetbrains jquery kubernetes "
    "kubernetes-sigs microsoft moby mongodb mozilla netflix nodejs npm numpy open-telemetry openai openssl "
    "pallets pandas-dev pre-commit prometheus psf psycopg pyca pypa pytest-dev python python-poetry pytorch "
    "rails readthedocs redis renovatebot ruby rust-lang scikit-learn scipy spring-projects sphinx-doc sqlalchemy "
    "square sveltejs tensorflow twbs twisted uber urllib3 vercel vuejs webpack aio-libs".split()
)
# Code-host paths that are pages, not accounts.
CODE_HOST_PAGES = frozenset(
    "about apps blog collections contact customer-stories enterprise explore features home issues join login "
    "marketplace new notifications orgs organizations pricing pulls search security settings site sponsors "
    "topics trending users repos watching share intent hashtag i".split()
)
# One-word entries of an authors list that are roles or headings, not handles.
ROLE_WORDS = frozenset(
    "author authors maintainer maintainers contact contacts email mail support copyright by from to cc bcc "
    "reply-to sender owner team and contributors credits thanks".split()
)
HANDLE = r"[A-Za-z0-9](?:[A-Za-z0-9_]|[.-](?=[A-Za-z0-9_])){0,38}"

# name ending in user/username/login, operator (patterns._OPERATOR), quoted or bare value
USERNAME_ASSIGN_NAME = r"(?<![\w.-])(?P<name>[\w.-]*?(?:user(?:[_.-]?name)?|login|uname))"
URL_USERNAME = r"[A-Za-z][A-Za-z0-9+.-]{1,20}://(?P<value>[^\s:/@'\"<>{}%$\\]{1,64})(?::[^\s:/@'\"<>]{0,128})?@[\w.-]*\w"
CODE_HOST_USER = (
    r"(?:github\.com|gitlab\.com|bitbucket\.org|twitter\.com)/(?P<value>" + HANDLE + r")"
    r"(?:/(?P<repo>[\w.-]+))?(?=[/\s)>\"'\]`,;|#?]|$)"
)
GIST_USER = r"gist\.github\.com/(?P<value>" + HANDLE + r")/"
LAUNCHPAD_USER = r"lp:(?P<value>~[a-z0-9][a-z0-9.+-]{1,31})"
AUTHORS_HANDLE = (
    r"(?<![^\n])[ \t]*(?:[-*+][ \t]+)?(?P<value>" + HANDLE + r")[ \t]+[<(]"
    r"(?=(?:mailto:)?[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.)"
)
CREDIT_HANDLE = r"(?<![\w@./])(?P<value>@" + HANDLE + r")(?![\w@-]|\.\w)"
HOME_DIR_USER = r"(?:/home|/Users)/(?P<value>[A-Za-z0-9_][\w.-]{0,31})(?=/|[\s\"'`]|$)"
WINDOWS_HOME_USER = r"\\{1,2}Users\\{1,2}(?P<value>[A-Za-z0-9_][\w.-]{0,31})(?=\\)"
PASSWORD_CALL = r"(?i:password)\([ \t]*(?P<q>[\"'])(?P<value>[^\"'\s]{3,128})(?P=q)[ \t]*[,)]"
JWK_PRIVATE = r"(?P<q>[\"'])(?:d|p|q|dp|dq|qi|k)(?P=q)[ \t]*:[ \t]*(?P<v>[\"'])(?P<value>[A-Za-z0-9_-]{16,})(?P=v)"

# The words before an @handle that credit a person, on the same line.
_CREDIT_BEFORE = re.compile(r"(?i)(?:\bby|\bthanks?(?:[ \t]+to)?|\bkudos(?:[ \t]+to)?|\bcc:?|\bcredits?[ \t]+to|\bauthor:?|\bfrom)[ \t]*$")
# How every _CREDIT_BEFORE match ends (casefolded as re.I reads "ſ" and "K"): the regex runs only then.
_CREDIT_LAST_WORDS = ("by", "thank", "thanks", "to", "kudos", "cc", "cc:", "author", "author:", "from")
# ... or after it: "@x made their first contribution", "@x <https://github.com/x>", "[@x](https://...)".
_CREDIT_AFTER = re.compile(
    r"[ \t]+(?:made (?:their|his|her) first contribution|for (?:the|reporting|fixing|contributing|helping))"
    r"|[ \t]*<https?://|\]\(https?://"
)
_HANDLE_SHAPE = re.compile(r"[\w.@+-]{2,64}")
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+")
_HEX_ID = re.compile(r"[0-9a-fA-F]{12,}")


def _person_handle(value: str) -> bool:
    """Not a placeholder, a service account or a bot."""
    bare = value.lstrip("@~").lower()
    return not (
        is_placeholder(bare) or bare in SERVICE_USERS or bare in BOTS or bare.endswith(("bot", "[bot]", "-ci"))
        or bare.isdigit()
    )


def username_assignment_ok(text: str, m: re.Match, bare_value_ok) -> bool:
    value, name = m.group("value"), m.group("name")
    if value is None:
        value = m.group("bare")
        if not _bare_login_ok(text, m, bare_value_ok):
            return False
    if not _HANDLE_SHAPE.fullmatch(value) or "@" in value:
        return False
    if _ENV_NAME.fullmatch(value) or value.lower() == name.lower() or _HEX_ID.fullmatch(value):
        return False
    return _person_handle(value)


def _bare_login_ok(text: str, m: re.Match, bare_value_ok) -> bool:
    """An unquoted login: an XML element's text, an env/ini/YAML value (``DB_USER=app``, ``user: app``); a bare
    word after a lower-case name and ``=`` is code (``user = current_user``), as patterns.py decides."""
    if text.startswith("</", m.end()):
        return True
    operator = text[m.end("name") : m.start("bare")].strip(" \t\"'`]")
    line_end = text.find("\n", m.end())
    rest = text[m.end() : line_end if line_end >= 0 else len(text)].strip()
    if (operator == ":" or m.group("name").isupper()) and (rest == "" or rest.startswith("#")):
        return True
    return bare_value_ok(m)


def is_jwk(text: str) -> bool:
    """Only inside a JSON Web Key (its key type member); the hyperscan engine finds the members themselves."""
    return "kty" in text


def password_call_ok(text: str, m: re.Match) -> bool:
    value = m.group("value")
    return "@" not in value and not is_placeholder(value) and not _ENV_NAME.fullmatch(value)


def handle_ok(text: str, m: re.Match) -> bool:
    return _person_handle(m.group("value"))


def code_host_user_ok(text: str, m: re.Match) -> bool:
    """A profile or the owner of a repository; not a page, nor an organisation named like its project
    (``github.com/pika/pika``)."""
    value, repo = m.group("value"), m.group("repo")
    if repo is not None and repo.lower().removesuffix(".git") == value.lower():
        return False
    return value.lower() not in CODE_HOST_PAGES and value.lower() not in ORG_ACCOUNTS and _person_handle(value)


def authors_handle_ok(text: str, m: re.Match) -> bool:
    value = m.group("value")
    return value.lower() not in ROLE_WORDS and any(map(str.isalpha, value)) and _person_handle(value)


def credit_handle_ok(text: str, m: re.Match) -> bool:
    start, end = m.span("value")
    return _credited(text, start, end) and not text.startswith("[bot]", end) and _person_handle(m.group("value"))


def _credited(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():  # first on its line: the credit may end the previous line
        line_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1
    before = text[max(line_start, start - 40) : start].rstrip()
    if before[-8:].casefold().endswith(_CREDIT_LAST_WORDS) and _CREDIT_BEFORE.search(before):
        return True
    after = text[end : end + 2]
    if (before.endswith("(") and after.startswith(")")) or (before.endswith("[") and after.startswith("]")):
        return True
    return _CREDIT_AFTER.match(text, end) is not None


@functools.lru_cache(maxsize=None)
def context_rules(rule_type, operator: str, value: str, bare_value_ok) -> tuple:
    """The rules as ``rule_type`` (patterns.PatternRule); ``operator``/``value``: the assignment syntax of
    patterns.py; ``bare_value_ok``: its check of unquoted values. Built once: equal rules share one
    compiled Hyperscan database (prefilter.scanner_for)."""
    rx = re.compile
    # No "," operator: ("user", "s3cret") pairs a login with its password.
    assign = rx(USERNAME_ASSIGN_NAME + operator.replace("|:|,)", "|:)") + value, re.I)
    return (
        rule_type("url-username", "USERNAME", rx(URL_USERNAME), 0.85, 2, handle_ok, ("://",)),
        rule_type("password-call", "PASSWORD", rx(PASSWORD_CALL), 0.8, 3, password_call_ok, ("password(",), True),
        rule_type("jwk-private-member", "KEY", rx(JWK_PRIVATE), 0.9, 1, None, ("kty",), gate=is_jwk),
        rule_type("code-host-user", "USERNAME", rx(CODE_HOST_USER), 0.8, 5, code_host_user_ok,
                  ("github.com/", "gitlab.com/", "bitbucket.org/", "twitter.com/")),
        rule_type("gist-user", "USERNAME", rx(GIST_USER), 0.85, 5, handle_ok, ("gist.github.com/",)),
        rule_type("launchpad-user", "USERNAME", rx(LAUNCHPAD_USER), 0.85, 5, handle_ok, ("lp:~",)),
        rule_type("home-dir-user", "USERNAME", rx(HOME_DIR_USER), 0.8, 5, handle_ok, ("/home/", "/Users/")),
        rule_type("windows-home-user", "USERNAME", rx(WINDOWS_HOME_USER), 0.8, 5, handle_ok, ("\\Users\\",)),
        rule_type("credit-handle", "USERNAME", rx(CREDIT_HANDLE), 0.75, 6, credit_handle_ok, ("@",)),
        rule_type("authors-handle", "USERNAME", rx(AUTHORS_HANDLE), 0.7, 6, authors_handle_ok, ("@",)),
        rule_type(
            "username-assignment", "USERNAME", assign, 0.75, 6,
            lambda text, m: username_assignment_ok(text, m, bare_value_ok), ("user", "login", "uname"), True, True,
        ),
    )
