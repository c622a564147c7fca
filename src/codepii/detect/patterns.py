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
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Sequence

from ..spans import Span
from .base import Detector, check_texts
from .context_rules import context_rules
from .ip_rules import IPV4_RE, IPV6_RE, host_ip
from .overlaps import GreedySpans
from .prefilter import pick_engine
from .provider_keys import PROVIDER_ANCHORS, PROVIDER_KEYS
from .validators import (
    _auth_value_ok,
    _bare_value_ok,
    _generic_secret_ok,
    _k8s_secret_ok,
    _key_not_placeholder,
    _password_ok,
    _pem_has_body,
    _secret_manifest,
    _value_span,
    email_ok,
    value_groups,
)

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
        object.__setattr__(self, "groups", value_groups(self.regex))


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


class PatternDetector(Detector):
    """Regex rules with validation; overlaps between rules resolved by rule priority, then length.

    ``engine``: ``hyperscan`` finds every rule's candidates in one pass and runs
    the regexes only there (prefilter.py); ``re`` runs each regex over the
    text; ``auto`` (default) takes hyperscan when it is installed. Both give
    the same spans (tests/unit/test_detect_engines.py).
    """

    name = "patterns"

    def __init__(
        self,
        categories: Iterable[str] | None = None,
        email_skip_examples: bool = True,
        email_skip_service: bool = True,
        engine: str = "auto",
    ):
        categories = None if categories is None else tuple(categories)
        # What pickling sends: the rules hold lambdas and a compiled Hyperscan database, rebuilt from these.
        self._args = (categories, email_skip_examples, email_skip_service, engine)
        self.rules = [r for r in _build_rules() if categories is None or r.category in set(categories)]
        self.email_skip_examples = email_skip_examples
        self.email_skip_service = email_skip_service
        self.engine = pick_engine(engine)
        self._scanner = None  # prefilter.TriggerScanner of self.rules, built on first use
        self._scanned: list[PatternRule] | None = None  # the rules list it was built for
        self._kinds = self._kind_checks()

    def __getstate__(self) -> tuple:
        return self._args

    def __setstate__(self, args: tuple) -> None:
        self.__init__(*args)

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        return [self.detect_one(t) for t in check_texts(texts)]

    def detect_one(self, text: str) -> list[Span]:
        # Greedy, level by level (overlaps.py): a lower priority number wins an overlap, then the longer span.
        kept: GreedySpans[PatternRule] = GreedySpans()
        spans, starts = kept.kept, kept.starts  # the kept spans so far and their starts (filled in place)
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
                if end <= start:
                    continue
                if spans:  # overlaps a span kept at an earlier level: dropped (GreedySpans.overlaps, inline)
                    i = bisect_right(starts, start)
                    if (i and spans[i - 1][1] > start) or (i < len(spans) and spans[i][0] < end):
                        continue
                if (accept is not None and not accept(text, m)) or (kind is not None and not kind(text, start, end)):
                    continue
                level.append((start, end, rule))
        kept.settle(level)
        return kept.spans()

    def _rule_matches(self, text: str) -> Iterator[tuple[PatternRule, Iterator[re.Match]]]:
        """(rule, its matches) for the rules that can match, by priority (then rule order)."""
        if not self.rules:  # categories only the model finds: Hyperscan compiles no empty database
            return iter(())
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
