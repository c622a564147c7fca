"""The checks a pattern rule's match passes before it becomes a span (``PatternRule.accept``), and the
check every email passes (``email_ok``): placeholders, code instead of values, names that hold no secret,
service and example addresses. Pure functions of the match and its text; values met again are cached.
"""
from __future__ import annotations

import functools
import re

from .filters import is_placeholder, looks_like_secret

# Local parts of addresses that belong to a service or a role, not a person
# (LABELING.md "Not PII": noreply@github.com).
SERVICE_LOCALS = frozenset(
    "noreply no-reply no_reply donotreply do-not-reply do_not_reply git mailer-daemon postmaster "
    "hostmaster webmaster abuse notifications bounce bounces".split()
)
# Placeholder domains (EMAIL_EXAMPLE): kept in the text, not reported.
EXAMPLE_DOMAINS = frozenset("example.com example.org example.net test.com foo.com bar.com domain.com email.com".split())
EXAMPLE_TLDS = frozenset("example test invalid localhost local".split())
# "name@2x.png" and friends are file names, not addresses.
FILE_TLDS = frozenset("png jpg jpeg gif svg webp ico js ts css py rb go rs md txt json yaml yml xml html".split())
# The kind line of a Kubernetes Secret manifest.
SECRET_MANIFEST = re.compile(r"(?im)^\s*kind:\s*[\"']?secret[\"']?\s*$")
# Names ending in a secret word that hold no secret (public keys, database and map keys, pagination).
NOT_SECRET_NAMES = re.compile(
    r"(?:^|[_.-]|(?<=[a-z])(?=[A-Z]))(?i:(?:public|primary|foreign|schema|csrf|xsrf|sort|cache|partition|lookup|dict|hash|index|idx|row|unique|"
    r"sequence|bucket|entry|next|page|continuation|cursor|idempotency|object|map|registry|translation|message|"
    r"field|column|attr|property|env|type|length|len|max|min|num|count|hot|foreign|group|route|state)[_.-]?"
    r"(?:api[_.-]?key|key|token|secret))$",
)


@functools.lru_cache(maxsize=None)
def value_groups(regex: re.Pattern) -> tuple[str, ...]:
    """The groups of ``regex`` a span is taken from, in order: ``value``, then ``bare`` (those it has)."""
    return tuple(g for g in ("value", "bare") if g in regex.groupindex)


def _value_span(m: re.Match, groups: tuple[str, ...] | None = None) -> tuple[int, int]:
    """The span of the first of ``groups`` (default: ``value_groups``) that took part in the match, else
    the whole match."""
    if groups is None:
        groups = value_groups(m.re)
    for group in groups:
        span = m.span(group)
        if span[0] >= 0:  # (-1, -1): the group took no part in the match
            return span
    return m.span()


_CODE_VALUE = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(.*)?")
_DIGIT, _SPACE, _BRACKET = re.compile(r"\d"), re.compile(r"\s"), re.compile(r"[(\[{]")
_SECRET_NAME_END = re.compile(r"(?i)(?:api|secret|token|access|private|auth|signing|client)[_.-]?(?:key|secret)?$")
_SECRET_KEY_NAME = re.compile(r"(?:^|[_.-])(?i:secret[_.-]?key)$")
_CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*|[\w.-]*[/\\][\w./\\-]*")  # a constant's name, a path
_KEY_WORD_END = re.compile(r"(?:^|[_.-]|[a-z](?=K))(?i:key)$")


def _pem_has_body(text: str, m: re.Match) -> bool:
    """At least 16 characters between the BEGIN and END lines, 16 of them not frame, blanks or escaped newlines."""
    body = m.group("body")
    if len(body) < 16:
        return False
    body = "".join(body.replace("\\n", "").split())  # the body holds no frame ("-----"): blanks and "\\n" out
    return len(body) >= 16 and not is_placeholder(body)


def _key_not_placeholder(text: str, m: re.Match) -> bool:
    """Reject ``ghp_xxxx...``, ``AKIAXXXX...``, ``...EXAMPLE`` samples: one character filling half the value."""
    value = text[slice(*_value_span(m))]
    if is_placeholder(value) or "EXAMPLE" in value.upper():
        return False
    chars = set(value)
    # A character filling more than half leaves fewer than half for the others: with this many distinct
    # characters, none does (most keys); else count.
    return len(chars) * 2 >= len(value) + 2 or max(map(value.count, chars)) * 2 <= len(value)


def _bare_value_ok(m: re.Match) -> bool:
    """An unquoted value: reject code (calls, attribute chains, plain identifiers)."""
    if "bare" not in m.re.groupindex or m.group("bare") is None:
        return True
    value = m.group("bare")
    if _CODE_VALUE.fullmatch(value) and not _DIGIT.search(value):
        return False
    if _BRACKET.search(value) or value.endswith(("(", ":")):
        return False
    # A bare value must run to the end of its line ("KEY=value" in .env/.ini/YAML).
    line_end = m.string.find("\n", m.end())
    rest = m.string[m.end() : line_end if line_end >= 0 else len(m.string)].strip()
    # An escaped newline ("A=b\\nC=d" inside a JSON string), the closing quote of a
    # header inside a string (-H "apikey: v"), or a shell ";" / "&&" also end it.
    return rest == "" or rest.startswith(("#", "\\n", "\\r", '"', "'", "`", ";", "&&"))


def _auth_value_ok(text: str, m: re.Match) -> bool:
    value = m.group("value")
    return not is_placeholder(value) and looks_like_secret(value, min_chars=8, min_entropy=2.5)


def _k8s_secret_ok(text: str, m: re.Match) -> bool:
    """Only inside a manifest of ``kind: Secret``; the value must be base64 of something."""
    if not _secret_manifest(text):
        return False
    import base64
    import binascii

    value = m.group("value")
    try:
        return len(value) % 4 == 0 and len(base64.b64decode(value, validate=True)) > 0 and not is_placeholder(value)
    except (binascii.Error, ValueError):
        return False


@functools.lru_cache(maxsize=4)
def _secret_manifest(text: str) -> bool:
    return SECRET_MANIFEST.search(text) is not None


def _password_ok(text: str, m: re.Match) -> bool:
    value = text[slice(*_value_span(m))]
    if not _bare_value_ok(m) or is_placeholder(value):
        return False
    if "name" in m.re.groupindex and _SPACE.search(value):  # an assignment's value (PASSWORD_ASSIGN)
        return False
    return len(value) >= 3


def _generic_secret_ok(text: str, m: re.Match) -> bool:
    kind = _secret_name_kind(m.group("name"))
    if kind is None or not _bare_value_ok(m):
        return False
    value = text[slice(*_value_span(m))]
    if kind == "signing-key" and m.group("value") is not None:
        # A framework's signing key (Django/Flask SECRET_KEY): any real quoted value, random-looking or not.
        return len(value) >= 6 and not _SPACE.search(value) and not is_placeholder(value) and not _CONSTANT.fullmatch(value)
    if kind in ("signing-key", "secret"):
        return looks_like_secret(value)
    # A bare "key" (dict keys, map keys are everywhere in code): a separate word
    # ("api_key", "ssh.key", "encryptionKey", "KEY"), and a long random value.
    return len(value) >= 16 and any(map(str.isdigit, value)) and looks_like_secret(value, min_entropy=3.5)


@functools.lru_cache(maxsize=4096)
def _secret_name_kind(name: str) -> str | None:
    """What a secret-assignment name says of its value: ``signing-key`` (``SECRET_KEY``), ``secret`` (a
    name ending in a secret word), ``key`` (a separate word "key"), or None: no secret (public keys,
    database and map keys, "monkey"). Names repeat across files: cached."""
    if NOT_SECRET_NAMES.search(name):
        return None
    if _SECRET_KEY_NAME.search(name):
        return "signing-key"
    if _SECRET_NAME_END.search(name):
        return "secret"
    return "key" if _KEY_WORD_END.search(name) else None


@functools.lru_cache(maxsize=8192)
def email_ok(email: str, skip_examples: bool = True, skip_service: bool = True) -> bool:
    """Not a file name (logo@2x.png), a service address (noreply@) or an example domain, as asked."""
    local, _, domain = email.rpartition("@")
    domain = domain.lower()
    tld = domain.rsplit(".", 1)[-1]
    if tld in FILE_TLDS:
        return False
    if skip_service and local.lower() in SERVICE_LOCALS:
        return False
    if skip_examples and (domain in EXAMPLE_DOMAINS or tld in EXAMPLE_TLDS or domain.startswith("example.")):
        return False
    return True
