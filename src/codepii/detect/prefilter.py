"""One multi-pattern pass over a text that finds where each pattern rule can match (Hyperscan).

``PatternDetector(engine="re")`` runs every rule's regex over the whole text
(``finditer``). This engine instead scans the text once with a Hyperscan
database of *triggers*, one or a few per rule, and runs the rule's exact
Python regex (``regex.match``) only at the candidate starts the triggers
give. The output is the same, by construction:

- a trigger is a prefix of its rule's regex without the lookarounds (a
  literal like ``AKIA``, or ``\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d`` for IPv4),
  so every match of the rule starts where one of its triggers starts, plus a
  fixed ``delta`` (``Q~`` sits 4 characters into an Azure secret). Hyperscan
  reports the leftmost start of each trigger match; where the rule's regex
  begins with a lookbehind that forbids starting inside a run of the trigger's
  characters (emails, IPs, JWTs), that leftmost start is the match's start;
- ``matches_at`` walks the candidate starts in order and skips those inside
  the previous match, which is exactly what ``finditer`` returns when the
  candidates include every position where the regex matches;
- assignment rules (``keyed``) take their secret-word hits from the trigger
  pass and keep their own name walk (``patterns._keyed_matches``);
- ``scan`` rules (a Kubernetes ``data:`` value, whose match holds no literal)
  run ``finditer`` over the text when their gate literal is present, as before.

Hyperscan scans bytes and knows ASCII only: a text is scanned as UTF-8 and
offsets are mapped back to characters; a text holding a character that
Python's ``re`` treats as a digit or as a case variant of an ASCII letter
(Arabic-Indic digits, the Kelvin sign, dotless i, long s) takes the ``re``
engine (``needs_re``), so the two engines never differ.
"""
from __future__ import annotations

import bisect
import functools
import logging
import re
from collections import defaultdict
from typing import TYPE_CHECKING, Callable, Iterator, Sequence

from ..errors import ConfigError
from ..spans import Span, sort_spans

if TYPE_CHECKING:
    from .patterns import PatternRule

_ASSIGN = r"(?:{})[\w.\-]{{0,14}}[\"'`]?\]?(?:[ \t]+(?:string|str|const))?[ \t]*[=:,>?.+]"
# Trigger patterns per rule: (Hyperscan regex, deltas from the trigger's start to the match's start).
# Rules not listed use their literal anchors with delta 0.
TRIGGERS: dict[str, tuple[tuple[str, tuple[int, ...]], ...]] = {
    "email": ((r"[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@", (0,)),),
    "ipv4": ((r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d", (0,)),),
    # The lookbehind of IPV6_RE as a consumed character: the match starts at it or after it.
    "ipv6": ((r"(?:^|[^0-9A-Za-z_:.])(?:[0-9A-Fa-f]{0,4}:){2}", (0, 1)),),
    # user:password@ after the scheme (unbounded: the bytes of a UTF-8 character are several).
    "url-password": ((r"[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@'\"<>]+:[^\s:/@'\"<>]+@", (0,)),),
    "url-username": ((r"[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@'\"<>]+(?::[^\s:/@'\"<>]*)?@", (0,)),),
    # A secret word, the rest of the name (at most 14 name characters: "cred|entials" + "_string"),
    # a quote or bracket, a declared type, blanks, then the first character of an operator. One
    # pattern for both assignment rules: two such patterns with start-of-match tracking take
    # Hyperscan seconds to compile, one takes a tenth of a second; each rule gets the other's hits too.
    "password-assignment": ((_ASSIGN.format("pass|pwd|key|token|secret|cred|auth"), (0,)),),
    "secret-assignment": ((_ASSIGN.format("pass|pwd|key|token|secret|cred|auth"), (0,)),),
    "ssh-public-key": tuple(
        (re.escape(w), (0,)) for w in ("ssh-rsa", "ssh-dss", "ssh-ed25519", "ecdsa-sha2-nistp", "sk-ssh-ed25519@", "sk-ecdsa-sha2-nistp256@")
    ),
    "aws-access-key-id": ((r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}", (0,)),),
    "azure-ad-client-secret": ((r"[A-Za-z0-9_~.]{3}\dQ~", (0,)),),
    "github-token": ((r"gh[pousr]_[A-Za-z0-9]{36}", (0,)),),
    "gitlab-token": ((r"gl(?:pat|dt|ptt|rt|oas|cbt|ffct|ft|imt|agent|soat|sa|c)-", (0,)),),
    "slack-token": ((r"xox[abposre]", (0,)),),
    "stripe-secret-key": ((r"(?:sk|rk)_(?:test|live|prod)_", (0,)),),
    "openai-key": ((r"sk-(?:proj-|svcacct-|admin-|[0-9A-Za-z]{20}T3BlbkFJ)", (0,)),),
    "twilio-key": ((r"SK[0-9a-fA-F]{32}", (0,)),),
    "mailgun-key": ((r"key-[0-9a-f]{32}", (0,)),),
    "digitalocean-token": ((r"do[opr]_v1_", (0,)),),
    "shopify-token": ((r"shp(?:ss|at|ca|pa)_", (0,)),),
    "databricks-token": ((r"dapi[a-f0-9]{32}", (0,)),),
    "npm-token": ((r"npm_[A-Za-z0-9]{36}", (0,)),),
    "jwt": ((r"ey[A-Za-z0-9_\-]{10,}={0,2}\.ey", (0,)),),
    # A line "handle <email>": the match starts at the line (at the text's start, or after its newline).
    "authors-handle": ((r"(?:^|\n)[ \t]*[\-*+]?[ \t]*[A-Za-z0-9][\w.\-]*[ \t]+[<(][A-Za-z0-9._%+\-:]*@", (0, 1)),),
}
# Rules run with finditer over the whole text when a trigger (their gate literal) is present.
SCAN_RULES = frozenset({"k8s-secret-data"})
# Rules whose match can start anywhere in the trigger's leftmost match: a URL's scheme has no
# lookbehind, so after an earlier match ending inside "ab+cd://", finditer may start at "c".
EXPAND_RULES = frozenset({"url-password", "url-username"})
# Characters beyond ASCII that re matches as a digit (all decimal digits lie below U+20000), or as
# an ASCII letter when ignoring case. The scan reports them (see TriggerScanner.scan).
EXOTIC_DIGITS = "".join(chr(c) for c in range(0x80, 0x20000) if chr(c).isdecimal())
EXOTIC_CASE = "\u0130\u0131\u017f\u212a"


def _utf8_alternation(chars: str) -> bytes:
    return b"|".join(b"".join(b"\\x%02x" % byte for byte in c.encode("utf-8")) for c in chars)


def triggers_of(rule: "PatternRule") -> tuple[tuple[str, tuple[int, ...]], ...]:
    if rule.name in TRIGGERS:
        return TRIGGERS[rule.name]
    return tuple((re.escape(a), (0,)) for a in rule.anchors)


class TriggerScanner:
    """A compiled Hyperscan database of every rule's triggers; ``scan(text)`` gives candidate starts per rule."""

    def __init__(self, rules: Sequence["PatternRule"]):
        import hyperscan

        self.rules = list(rules)
        expressions, flags = [], []
        # Per pattern id: (rule index, deltas (None: just 0), the whole trigger expands to starts) for
        # each rule sharing that pattern.
        self.targets: list[list[tuple[int, tuple[int, ...] | None, bool]]] = []
        self.digit_rules = {i for i, r in enumerate(self.rules) if any("\\d" in p or "\\w" in p for p, _ in triggers_of(r))}
        self.case_rules = {i for i, r in enumerate(self.rules) if r.fold}
        ids: dict[tuple[bytes, int], int] = {}
        for i, rule in enumerate(self.rules):
            for pattern, deltas in triggers_of(rule):
                flag = hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if rule.fold else 0)
                key = (pattern.encode(), flag)
                if key not in ids:
                    ids[key] = len(expressions)
                    expressions.append(key[0])
                    flags.append(flag)
                    self.targets.append([])
                expand = rule.name in EXPAND_RULES
                self.targets[ids[key]].append((i, None if deltas == (0,) and not expand else deltas, expand))
        # Two more patterns: a non-ASCII digit, a non-ASCII case variant (reported once per text).
        self.exotic_ids = (len(expressions), len(expressions) + 1)
        expressions += [_utf8_alternation(EXOTIC_DIGITS), _utf8_alternation(EXOTIC_CASE)]
        flags += [hyperscan.HS_FLAG_SINGLEMATCH] * 2
        self.db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self.db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)

    def scan(self, text: str) -> tuple[dict[int, list[int]], set[int]]:
        """(rule index -> sorted candidate starts, in characters; the rules that must take ``re``
        in this text: those whose triggers hold ``\\d``/``\\w`` when it has a non-ASCII digit, the
        caseless ones when it has a character re folds to an ASCII letter)."""
        lists: defaultdict[int, list[int]] = defaultdict(list)  # start offsets (bytes) per pattern id

        def on_match(pattern_id: int, start: int, end: int, flags: int, context) -> None:
            lists[pattern_id].append(start)

        data = text.encode("utf-8", "surrogatepass")
        self.db.scan(data, match_event_handler=on_match)
        via_re: set[int] = set()
        to_char = None
        if len(data) != len(text):
            to_char = _byte_to_char(data)
            if lists.pop(self.exotic_ids[0], None):
                via_re |= self.digit_rules
            if lists.pop(self.exotic_ids[1], None):
                via_re |= self.case_rules
        by_rule: dict[int, list[int]] = {}
        for pattern_id, offsets in lists.items():
            if to_char is not None:
                offsets = [to_char(b) for b in offsets]
            for rule, deltas, expand in self.targets[pattern_id]:
                starts = offsets
                if expand:  # every start before the "://" (url-password: see EXPAND_RULES)
                    starts = [q for b in offsets for q in range(b, text.find("://", b) - 1)]
                elif deltas is not None:
                    starts = [b + d for b in offsets for d in deltas]
                by_rule.setdefault(rule, []).extend(starts)
        n = len(text)
        out = {}
        for rule, starts in by_rule.items():
            starts = sorted(set(starts))
            while starts and starts[-1] >= n:
                starts.pop()
            out[rule] = starts
        return out, via_re


_LEAD_BYTE = re.compile(rb"[\xc0-\xff]")


def _byte_to_char(data: bytes) -> Callable[[int], int]:
    """Byte offset -> character offset in UTF-8 ``data`` (exact at the first byte of a character)."""
    leads, extra, total = [], [], 0  # first bytes of multi-byte characters; bytes beyond one, cumulated
    for m in _LEAD_BYTE.finditer(data):
        lead = data[m.start()]
        total += 1 if lead < 0xE0 else 2 if lead < 0xF0 else 3
        leads.append(m.start())
        extra.append(total)

    def to_char(offset: int) -> int:
        i = bisect.bisect_left(leads, offset)
        return offset - (extra[i - 1] if i else 0)

    return to_char


def matches_at(regex: re.Pattern, text: str, starts: Sequence[int]) -> Iterator[re.Match]:
    """``regex.finditer(text)``, given sorted ``starts`` holding every offset where ``regex`` can match."""
    last_end = 0
    for start in starts:
        if start < last_end:
            continue
        m = regex.match(text, start)
        if m is not None:
            end = m.end()
            last_end = end if end > start else start + 1
            yield m


@functools.lru_cache(maxsize=8)
def scanner_for(rules: tuple["PatternRule", ...]) -> TriggerScanner:
    return TriggerScanner(rules)


def rule_matches(
    scanner: TriggerScanner,
    text: str,
    keyed: Callable[["PatternRule", str, Sequence[int]], Iterator[re.Match]],
    by_re: Callable[["PatternRule", str], Iterator[re.Match] | None],
) -> Iterator[tuple["PatternRule", Iterator[re.Match]]]:
    """(rule, its matches in ``text``) for the rules, in order, that can match at all.

    ``keyed``: the assignment rules' matcher given anchor hits; ``by_re``: the
    ``re`` engine's matches of one rule (None: none), for the rules that non-ASCII
    characters put out of the triggers' reach.
    """
    starts, via_re = scanner.scan(text)
    for i in sorted(starts.keys() | via_re) if via_re else sorted(starts):
        rule = scanner.rules[i]
        if i in via_re:
            matches = by_re(rule, text)
            if matches is not None:
                yield rule, matches
        elif rule.scan or rule.name in SCAN_RULES:
            yield rule, rule.regex.finditer(text)
        elif rule.keyed:
            yield rule, keyed(rule, text, starts[i])
        else:
            yield rule, matches_at(rule.regex, text, starts[i])


def resolve_overlaps(found: Sequence[tuple[int, int, int, "PatternRule"]]) -> list[Span]:
    """Spans of ``(priority, start, end, rule)`` kept greedily by priority, longest first, then leftmost,
    dropping any that overlaps a kept one; sorted by start."""
    starts: list[int] = []  # kept spans never overlap, so sorted by start they are sorted by end too
    kept: list[tuple[int, int, "PatternRule"]] = []
    for _, start, end, rule in sorted(found, key=lambda f: (f[0], f[1] - f[2], f[1])):
        i = bisect.bisect_right(starts, start)
        if (i > 0 and kept[i - 1][1] > start) or (i < len(kept) and kept[i][0] < end):
            continue
        starts.insert(i, start)
        kept.insert(i, (start, end, rule))
    return sort_spans(Span(start, end, rule.category, rule.score) for start, end, rule in kept)


def pick_engine(engine: str) -> str:
    """``auto`` -> ``hyperscan`` when importable, else ``re`` (one log line says so)."""
    if engine not in ("auto", "re", "hyperscan"):
        raise ConfigError(f"pattern engine {engine!r}: use auto, re or hyperscan")
    if engine == "re":
        return engine
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        if engine == "hyperscan":
            raise ConfigError("pattern engine 'hyperscan' needs the hyperscan package: pip install hyperscan") from None
        _log_fallback()
        return "re"
    return "hyperscan"


@functools.lru_cache(maxsize=1)
def _log_fallback() -> None:
    logging.getLogger("codepii").info("hyperscan is not installed: patterns run on Python re (slower; pip install hyperscan)")

