"""Pattern detectors for what regexes do well: emails, validated IPs, provider keys, PEM/SSH keys, credentials
(and, in context_rules.py, handles and logins that their context names).

Span boundaries follow LABELING.md: the value only (no quotes, no key name, no
``mailto:``, no port or CIDR suffix); an SSH public key's base64 body; a PEM
private key from ``-----BEGIN`` through the closing ``-----`` of its END line.
"""
from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from ..spans import Span
from .base import Detector
from .context_rules import context_rules
from .filters import is_placeholder, looks_like_secret
from .ip_rules import IPV4_RE, IPV6_RE, host_ip
from .overlaps import GreedySpans
from .prefilter import pick_engine
from .provider_keys import PROVIDER_ANCHORS, PROVIDER_KEYS

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


@dataclass(frozen=True)
class PatternRule:
    """One regex; the named group ``value`` (or the whole match) becomes a span of ``category``.

    ``priority``: lower wins when spans of two rules overlap. ``anchors``: literals
    of which every match holds one (ignoring case, as ``re.I`` does, when
    ``fold``); a text with none of them skips the regex, a fast C substring test.
    """

    name: str
    category: str
    regex: re.Pattern
    score: float
    priority: int
    accept: Callable[[str, re.Match], bool] | None = None
    anchors: tuple[str, ...] = ()
    fold: bool = False
    keyed: bool = False  # the match starts a [\w.-] name holding an anchor: try only there (see _keyed_matches)
    gate: Callable[[str], bool] | None = None  # False: accept() rejects every match in this text, skip the rule
    groups: tuple[str, ...] = field(init=False, compare=False, repr=False)  # the span's groups, first taking part wins

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", tuple(g for g in ("value", "bare") if g in self.regex.groupindex))


def _value_span(m: re.Match, groups: tuple[str, ...] | None = None) -> tuple[int, int]:
    """The span of the first of ``groups`` (default: ``value``, ``bare``) that took part in the match, else
    the whole match."""
    if groups is None:
        groups = tuple(g for g in ("value", "bare") if g in m.re.groupindex)
    for group in groups:
        span = m.span(group)
        if span[0] >= 0:  # (-1, -1): the group took no part in the match
            return span
    return m.span()


def _rx(pattern: str, flags: int = 0) -> re.Pattern:
    return re.compile(pattern, flags)


def _build_rules() -> list[PatternRule]:
    rules = [
        # A PEM private key block, escaped (\n inside a JSON string) or not.
        PatternRule(
            "pem-private-key",
            "KEY",
            _rx(
                r"-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----"
                r"(?P<body>[^-]*(?:-(?!----)[^-]*)*)"  # never "-----": up to the first END line (_pem_has_body)
                r"-----END[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----"
            ),
            0.99,
            0,
            _pem_has_body,
            ("-----BEGIN",),
        ),
        PatternRule(
            "ssh-public-key",
            "KEY",
            _rx(
                r"(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d{3}|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)"
                r"[ \t]+(?P<value>AAAA[0-9A-Za-z+/]{20,}={0,3})"
            ),
            0.99,
            0,
            None,
            (" AAAA", "\tAAAA"),
        ),
    ]
    for name, pattern in PROVIDER_KEYS:
        rules.append(PatternRule(name, "KEY", _rx(pattern), 0.97, 1, _key_not_placeholder, PROVIDER_ANCHORS[name]))
    rules += [
        PatternRule("url-password", "PASSWORD", _rx(URL_PASSWORD), 0.9, 2, _password_ok, ("://",)),
        PatternRule("curl-user-password", "PASSWORD", _rx(CURL_PASSWORD), 0.85, 2, _password_ok, ("curl",)),
        PatternRule("mysql-p-password", "PASSWORD", _rx(MYSQL_PASSWORD), 0.8, 2, _password_ok, ("mysql",)),
        PatternRule(
            "password-assignment", "PASSWORD", _rx(PASSWORD_ASSIGN, re.I), 0.8, 3, _password_ok, ("pass", "pwd"), True, True
        ),
        PatternRule(
            "secret-assignment", "KEY", _rx(SECRET_ASSIGN, re.I), 0.75, 3, _generic_secret_ok, ("key", "token", "secret", "cred", "auth"), True, True
        ),
        PatternRule("auth-header", "KEY", _rx(AUTH_HEADER), 0.85, 2, _auth_value_ok, ("authorization",), True),
        PatternRule("k8s-secret-data", "KEY", _rx(K8S_SECRET_DATA), 0.8, 3, _k8s_secret_ok, ("kind",), gate=_secret_manifest),
        PatternRule("email", "EMAIL", _rx(EMAIL), 0.95, 4, None, ("@",)),
        PatternRule("ipv4", "IP_ADDRESS", _rx(IPV4_RE), 0.9, 5, None, (".",)),
        PatternRule("ipv6", "IP_ADDRESS", _rx(IPV6_RE), 0.9, 5, None, (":",)),
    ]
    return rules + list(context_rules(PatternRule, _OPERATOR, _VALUE, _bare_value_ok))


# user:pass@host inside a URL: the password only.
URL_PASSWORD = r"[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s:/@'\"<>]{1,64}:(?P<value>[^\s:/@'\"<>]{1,128})@[\w.-]*[\w]"
CURL_PASSWORD = r"\bcurl\b[^\n]*?\s(?:-u|--user)\s+['\"]?[^\s:'\"<>/]+:(?P<value>[^\s'\"<>/][^\s'\"<>]*)"
MYSQL_PASSWORD = r"\bmysql(?:dump|admin)?\b[^\n]*?\s-p(?P<value>[^\s'\"-][^\s'\"]*)"

# The name of a variable/key/attribute/XML tag ending in a secret word, the
# assignment operator, the value (quoted, or bare up to the end of the line).
# An optional declared type between name and operator: Go "var t string = ...".
_OPERATOR = r"[\"'`]?\]?(?:[ \t]+(?:string|String|str|const))?(?:[ \t]*(?:=>|:=|::=|:::=|\?=|\.=|\+=|=|:|,)[ \t]*|>[ \t\r\n]*)"
_VALUE = r"(?:(?P<q>[\"'`])(?P<value>[^\"'`\r\n]{1,256}?)(?P=q)|(?P<bare>[^\s\"'`,;)}\]<>\\]{1,256}))"
PASSWORD_ASSIGN = (
    r"(?<![\w.-])(?P<name>[\w.-]*?(?:passw(?:or)?d|passphrase|(?<![a-z])pass|pwd))" + _OPERATOR + _VALUE
)
SECRET_ASSIGN = (
    r"(?<![\w.-])(?P<name>[\w.-]*?(?:api[_.-]?key|apikey|secret|token|access[_.-]?key|private[_.-]?key|"
    r"auth[_.-]?key|signing[_.-]?key|client[_.-]?secret|credentials?|creds|auth|key)"
    r"(?:[_.-]?(?:string|str|value|val|\d{1,3}))?)" + _OPERATOR + _VALUE
)
# An HTTP Authorization header value, with or without its scheme word.
AUTH_HEADER = (
    r"(?i:authorization)[\"']?[ \t]*[:=][ \t]*[\"']?(?:(?i:bearer|basic|token|api-token|bot|digest)[ \t]+)?"
    r"(?P<value>[A-Za-z0-9._~+/=:@!-]{8,512})"
)
# A value in the data: section of a Kubernetes Secret manifest (base64).
K8S_SECRET_DATA = r"(?m)^[ \t]+[\w.-]+:[ \t]*(?:[|>][-+]?[ \t]*\n[ \t]+)?[\"']?(?P<value>[A-Za-z0-9+/]{12,}={0,2})[\"']?[ \t]*$"
SECRET_MANIFEST = re.compile(r"(?im)^\s*kind:\s*[\"']?secret[\"']?\s*$")
# Names ending in a secret word that hold no secret (public keys, database and map keys, pagination).
NOT_SECRET_NAMES = re.compile(
    r"(?:^|[_.-]|(?<=[a-z])(?=[A-Z]))(?i:(?:public|primary|foreign|schema|csrf|xsrf|sort|cache|partition|lookup|dict|hash|index|idx|row|unique|"
    r"sequence|bucket|entry|next|page|continuation|cursor|idempotency|object|map|registry|translation|message|"
    r"field|column|attr|property|env|type|length|len|max|min|num|count|hot|foreign|group|route|state)[_.-]?"
    r"(?:api[_.-]?key|key|token|secret))$",
)
EMAIL = r"(?<![\w.%+-])(?P<value>[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![\w-]|\.[A-Za-z0-9])"


def _keyed_matches(rule: PatternRule, text: str, hits: Sequence[int] | None = None) -> Iterator[re.Match]:
    """``rule.regex.finditer(text)`` for an assignment rule, trying only the names that hold an anchor.

    Every match starts where a run of name characters starts (the regex's
    lookbehind) and that run holds a secret word; so trying the regex at the
    start of each run around an anchor, and skipping starts inside the previous
    match as finditer does, gives the same matches without trying every
    position of the text. ``hits``: the sorted anchor offsets, when known
    (prefilter.py); else found here, ignoring case as re does for ``fold`` rules.
    """
    if hits is None:
        hits = [hit.start() for hit in _anchor_regex(rule.anchors, rule.fold).finditer(text)]
    last_end, tried = 0, -1
    prev_hit, prev_start = -1, -1
    for hit in hits:
        start = hit
        # Back to the start of the name (re's \w is str.isalnum() plus "_"), but not past
        # the previous hit: reaching it means the same name, so the scan stays linear.
        while start > 0 and start > prev_hit and (text[start - 1].isalnum() or text[start - 1] in "_.-"):
            start -= 1
        if start == prev_hit:
            start = prev_start
        prev_hit, prev_start = hit, start
        if start <= tried or start < last_end:
            continue
        tried = start
        m = rule.regex.match(text, start)
        if m is not None:
            last_end = m.end() if m.end() > start else start + 1
            yield m


@functools.lru_cache(maxsize=None)
def _anchor_regex(anchors: tuple[str, ...], fold: bool) -> re.Pattern:
    """Any of the anchors; ignoring case as ``re.I`` does ("AUTHORıZATION" holds "authorization")."""
    return re.compile("|".join(re.escape(a) for a in anchors), re.I if fold else 0)


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
    distinct = len(set(value))
    # A character filling more than half leaves fewer than half for the others: with this many distinct
    # characters, none does (most keys); else count.
    return distinct * 2 >= len(value) + 2 or max(map(value.count, set(value))) * 2 <= len(value)


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
    if m.re.pattern == PASSWORD_ASSIGN and _SPACE.search(value):
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


class PatternDetector(Detector):
    """Regex rules with validation; overlaps between rules resolved by rule priority, then length.

    ``engine``: ``hyperscan`` finds every rule's candidates in one pass and runs
    the regexes only there (prefilter.py); ``re`` runs each regex over the
    text; ``auto`` (default) takes hyperscan when it is installed. Both give
    the same spans (tests/unit/test_patterns_engines.py).
    """

    name = "patterns"

    def __init__(
        self,
        categories: Iterable[str] | None = None,
        email_skip_examples: bool = True,
        email_skip_service: bool = True,
        engine: str = "auto",
    ):
        self.rules = [r for r in _build_rules() if categories is None or r.category in set(categories)]
        self.email_skip_examples = email_skip_examples
        self.email_skip_service = email_skip_service
        self.engine = pick_engine(engine)
        self._scanner = None  # prefilter.TriggerScanner of self.rules, built on first use
        self._scanned: list[PatternRule] | None = None  # the rules list it was built for
        self._kinds = self._kind_checks()

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        return [self.detect_one(t) for t in texts]

    def detect_one(self, text: str) -> list[Span]:
        # Greedy, level by level (overlaps.py): a lower priority number wins an overlap, then the longer span.
        kept: GreedySpans[PatternRule] = GreedySpans()
        spans = kept.kept  # the kept spans so far (a list filled in place)
        level: list[tuple[int, int, PatternRule]] = []
        kinds, priority = self._kinds, None
        for rule, matches in self._rule_matches(text):
            if rule.priority != priority:
                if level:
                    kept.settle(level)
                priority = rule.priority
            if rule.gate is not None and not rule.gate(text):
                continue
            accept, kind, groups = rule.accept, kinds.get(rule.category), rule.groups
            for m in matches:
                start, end = m.span(groups[0]) if groups else m.span()  # _value_span, its usual case inline
                if start < 0:
                    start, end = _value_span(m, groups[1:])
                if end <= start or (spans and kept.overlaps(start, end)):  # overlaps an earlier level's span: dropped
                    continue
                if (accept is not None and not accept(text, m)) or (kind is not None and not kind(text, start, end)):
                    continue
                level.append((start, end, rule))
        kept.settle(level)
        return kept.spans()

    def _rule_matches(self, text: str) -> Iterator[tuple[PatternRule, Iterator[re.Match]]]:
        """(rule, its matches) for the rules that can match, by priority (then rule order)."""
        if self.engine == "hyperscan":
            from . import prefilter

            if self._scanned is not self.rules:  # first use, or self.rules replaced: its scanner
                self._scanner = prefilter.scanner_for(tuple(self.rules))
                self._scanned = self.rules
            return prefilter.rule_matches(self._scanner, text, _keyed_matches)
        by_priority = sorted(self.rules, key=lambda rule: rule.priority)
        return ((rule, m) for rule in by_priority if (m := _re_matches(rule, text)) is not None)

    def _kind_checks(self) -> dict[str, Callable[[str, int, int], bool]]:
        """The checks every span of a category passes, whatever its rule: ``(text, start, end) -> keep``."""
        examples, service = self.email_skip_examples, self.email_skip_service
        return {"EMAIL": lambda text, start, end: email_ok(text[start:end], examples, service), "IP_ADDRESS": host_ip}

    def fingerprint(self) -> str:
        blob = "|".join(f"{r.name}:{r.regex.pattern}:{r.score}" for r in self.rules)
        blob += f"|{self.email_skip_examples}|{self.email_skip_service}"
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _re_matches(rule: PatternRule, text: str) -> Iterator[re.Match] | None:
    """The ``re`` engine: ``rule``'s matches in ``text``, or None when its anchors are absent."""
    if rule.anchors:
        if rule.fold:
            if _anchor_regex(rule.anchors, True).search(text) is None:
                return None
        elif not any(a in text for a in rule.anchors):
            return None
    return _keyed_matches(rule, text) if rule.keyed else rule.regex.finditer(text)


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
