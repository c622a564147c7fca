"""One multi-pattern pass over a text that finds where each pattern rule can match (Hyperscan).

``PatternDetector(engine="re")`` runs every rule's regex over the whole text
(``finditer``). This engine instead scans the text once with a Hyperscan
database of *triggers*, one or a few per rule, and runs the rule's exact
Python regex (``regex.match``) only at the candidate starts the triggers
give. The output is the same, by construction:

- a trigger is a prefix of its rule's regex without the lookarounds (a
  literal like ``AKIA``, or ``\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d`` for IPv4),
  so every match of the rule starts where one of its triggers starts (or one
  character later, for a trigger that begins with the context its rule's
  lookbehind forbids: see TRIGGERS). Hyperscan reports the leftmost start of
  each trigger match; where the rule's regex begins with a lookbehind that
  forbids starting inside a run of the trigger's characters (emails, IPs,
  JWTs), that leftmost start is the match's start;
- ``matches_at`` walks the candidate starts in order and skips those inside
  the previous match, which is exactly what ``finditer`` returns when the
  candidates include every position where the regex matches;
- assignment rules (``keyed``) take their secret-word hits from the trigger
  pass and keep their own name walk (``patterns._keyed_matches``);
- ``SCAN_RULES`` (a Kubernetes ``data:`` value, whose match holds no literal)
  run ``finditer`` over a text whose trigger (a Secret's ``kind:`` line) fired.

Hyperscan scans bytes and knows ASCII only: a text is scanned with one byte
per character (``scan_bytes``: a character beyond ASCII is a byte above 0x7F,
in no ASCII class and in every negated one, as each byte of its UTF-8 form
would be; one that Python's ``re`` treats as a digit or as a case variant of
an ASCII letter, such as Arabic-Indic digits, the Kelvin sign, dotless i or
long s, is scanned as that digit or letter), so offsets need no mapping and
the two engines never differ.
"""
from __future__ import annotations

import codecs
import functools
import logging
import re
import string
from collections import defaultdict
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, NamedTuple, Sequence

from ..errors import ConfigError

if TYPE_CHECKING:
    from .patterns import PatternRule

# How the name of an assignment rule ends (patterns.PASSWORD_ASSIGN, SECRET_ASSIGN and
# context_rules.USERNAME_ASSIGN_NAME: a password, secret or login word, for secrets an optional suffix
# such as "_string" or "_2"), then a quote or bracket, a declared type, blanks and an operator of
# patterns._OPERATOR ("=", "=>", ":", ":=", "::=", ",", "?=", ".=", "+=", or ">" closing an XML tag; no
# "," for logins). Scanned without start tracking: the name is walked back from the operator (_name_start).
_ASSIGN_TAIL = r"[\"'`]?\]?(?:[ \t]+(?:string|str|const))?[ \t]*(?:[=:{}>]|[?.+]=)"
PASSWORD_TRIGGER = r"(?:pass(?:w(?:or)?d|phrase)?|pwd)" + _ASSIGN_TAIL.format(",")
SECRET_TRIGGER = (
    r"(?:key|token|secret|cred(?:entials?|s)?|auth)(?:[_.\-]?(?:string|str|value|val|\d{1,3}))?" + _ASSIGN_TAIL.format(",")
)
LOGIN_TRIGGER = r"(?:user(?:[_.\-]?name)?|login|uname)" + _ASSIGN_TAIL.format("")
_ALNUM = string.ascii_letters + string.digits
_HEX = string.hexdigits


# Walks back from a trigger's end, run forwards over the reversed text (``rev``, made once per text).
_LOCAL_PART_REV = re.compile(r"[A-Za-z0-9._%+\-]{0,64}")
# Reversed: operator characters, blanks, a declared type ("var t string =") with the blanks before it,
# "]", a quote, then the name.
_NAME_REV = re.compile(r"[=:,>?+.]*[ \t]*(?:(?i:gnirts|rts|tsnoc)[ \t]+)?\]?[\"'`]?(?P<name>[\w.\-]*)")


def _email_start(text: str, rev: str, end: int) -> int:
    """The start of the local part before the "@" (the trigger ends one past it): the match's only
    possible start, as EMAIL's lookbehind refuses one inside a run of local-part characters."""
    at = end - 2
    length = len(_LOCAL_PART_REV.match(rev, len(text) - at).group())
    return at - length if length else -1


def _name_start(text: str, rev: str, end: int) -> int:
    """The start of the name before an assignment trigger's operator (which ends at ``end``)."""
    m = _NAME_REV.match(rev, len(text) - end)
    return len(text) - m.end() if m.end("name") > m.start("name") else -1


_SCHEME = frozenset(_ALNUM + "+.-")


def _scheme_start(text: str, rev: str, end: int) -> int:
    """The leftmost start of a URL scheme before the last "://" (the trigger's part after it holds no
    "/"): a letter, then 1 to 20 scheme characters."""
    colon = text.rfind("://", 0, end)
    i = colon
    while i > colon - 21 and i > 0 and text[i - 1] in _SCHEME:
        i -= 1
    while i < colon - 1 and not ("a" <= text[i] <= "z" or "A" <= text[i] <= "Z"):
        i += 1
    return i if colon - i >= 2 else -1


def _line_start(text: str, rev: str, end: int) -> int:
    """The start of the line the trigger ends on (its match holds no newline but a leading one)."""
    return text.rfind("\n", 0, end - 1) + 1


class Trigger(NamedTuple):
    """A Hyperscan pattern that fires where its rule can match. ``lead``: see TRIGGERS. ``locate``:
    the trigger is scanned without start tracking (cheaper) and ``locate(text, text[::-1], end)``
    gives the candidate start from where the trigger ends (-1: none)."""

    pattern: str
    lead: str = ""
    locate: Callable[[str, str, int], int] | None = None


# Trigger patterns per rule. The match starts where the trigger starts, or, for a trigger that begins with
# one character of context (what the rule's lookbehind forbids, or a newline), one character later: its
# ``lead`` is then the characters a match can start with, and a trigger starting on any other character
# starts the match at the next one; or where its ``locate`` says. Rules not listed use their literal anchors.
TRIGGERS: dict[str, tuple[Trigger, ...]] = {
    # The local part's last character, "@" and the domain's first character (not a decorator's "@"); the
    # local part is walked back in Python (start tracking over a 64-character class cost a third of the scan).
    "email": (Trigger(r"[A-Za-z0-9._%+\-]@[A-Za-z0-9]", locate=_email_start),),
    "ipv4": (Trigger(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d"),),
    # The lookbehind of IPV6_RE as a consumed character: the match starts at it or after it.
    "ipv6": (Trigger(r"(?:^|[^0-9A-Za-z_:.])(?:[0-9A-Fa-f]{0,4}:){2}", _HEX + ":"),),
    # user:password@ after the scheme.
    "url-password": (Trigger(r"[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@'\"<>]+:[^\s:/@'\"<>]+@", locate=_scheme_start),),
    "url-username": (Trigger(r"[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@'\"<>]+(?::[^\s:/@'\"<>]*)?@", locate=_scheme_start),),
    # The assignment's end; the name is walked back in Python (see _ASSIGN_TAIL).
    "password-assignment": (Trigger(PASSWORD_TRIGGER, locate=_name_start),),
    "secret-assignment": (Trigger(SECRET_TRIGGER, locate=_name_start),),
    "username-assignment": (Trigger(LOGIN_TRIGGER, locate=_name_start),),
    "ssh-public-key": tuple(
        Trigger(re.escape(w)) for w in ("ssh-rsa", "ssh-dss", "ssh-ed25519", "ecdsa-sha2-nistp", "sk-ssh-ed25519@", "sk-ecdsa-sha2-nistp256@")
    ),
    "aws-access-key-id": (Trigger(r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}"),),
    "azure-ad-client-secret": (Trigger(r"[A-Za-z0-9_~.]{3}\dQ~"),),
    "github-token": (Trigger(r"gh[pousr]_[A-Za-z0-9]{36}"),),
    "gitlab-token": (Trigger(r"gl(?:pat|dt|ptt|rt|oas|cbt|ffct|ft|imt|agent|soat|sa|c)-"),),
    "slack-token": (Trigger(r"xox[abposre]"),),
    "stripe-secret-key": (Trigger(r"(?:sk|rk)_(?:test|live|prod)_"),),
    "openai-key": (Trigger(r"sk-(?:proj-|svcacct-|admin-|[0-9A-Za-z]{20}T3BlbkFJ)"),),
    "twilio-key": (Trigger(r"SK[0-9a-fA-F]{32}"),),
    "mailgun-key": (Trigger(r"key-[0-9a-f]{32}"),),
    "digitalocean-token": (Trigger(r"do[opr]_v1_"),),
    "shopify-token": (Trigger(r"shp(?:ss|at|ca|pa)_"),),
    "databricks-token": (Trigger(r"dapi[a-f0-9]{32}"),),
    "npm-token": (Trigger(r"npm_[A-Za-z0-9]{36}"),),
    "jwt": (Trigger(r"ey[A-Za-z0-9_\-]{10,}={0,2}\.ey"),),
    # An @handle not after a name character, "@", "." or "/" (not an address, a decorator's attribute or a path).
    "credit-handle": (Trigger(r"(?:^|[^\w@./])@[A-Za-z0-9]", "@"),),
    # A member of a JSON Web Key holding a private value (the rule's gate asks for "kty" in the text).
    "jwk-private-member": (Trigger(r"[\"'](?:d|p|q|dp|dq|qi|k)[\"'][ \t]*:[ \t]*[\"'][A-Za-z0-9_\-]{16}"),),
    # The kind line of a Kubernetes Secret manifest (the rule's gate checks it exactly; what re's \s takes
    # beyond Hyperscan's: \x1c-\x1f and characters beyond ASCII): the rule then runs over the text (SCAN_RULES).
    "k8s-secret-data": (Trigger(r"(?i)kind:[\s\x1c-\x1f\x80-\xff]*[\"']?secret"),),
    # A line "handle <email>": the match starts at the line (at the text's start, or after its newline).
    "authors-handle": (Trigger(r"(?:^|\n)[ \t]*[\-*+]?[ \t]*[A-Za-z0-9][\w.\-]*[ \t]+[<(][A-Za-z0-9._%+\-:]*@", locate=_line_start),),
}
# Rules run with finditer over the whole text when a trigger (their gate literal) is present.
SCAN_RULES = frozenset({"k8s-secret-data"})
# Rules whose match can start anywhere in the trigger's leftmost match: a URL's scheme has no
# lookbehind, so after an earlier match ending inside "ab+cd://", finditer may start at "c"
# (expand_matches).
EXPAND_RULES = frozenset({"url-password", "url-username"})
# Characters beyond Latin-1 that re matches as a digit (every decimal digit beyond ASCII lies above U+00FF
# and below U+20000) or, ignoring case, as an ASCII letter: the scan sees them as "0" and as that letter.
SCAN_AS = {**{c: "0" for c in map(chr, range(0x100, 0x20000)) if c.isdecimal()}, "\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}
_ONE_BYTE = "codepii.one-byte"


def _one_byte(error: UnicodeEncodeError) -> tuple[str, int]:
    """Encode error handler: a character beyond Latin-1 becomes the byte 0x80 (or its SCAN_AS), one byte each."""
    run = error.object[error.start : error.end]
    if SCAN_AS.keys().isdisjoint(run):
        return "\x80" * len(run), error.end
    return "".join(SCAN_AS.get(c, "\x80") for c in run), error.end


codecs.register_error(_ONE_BYTE, _one_byte)


def scan_bytes(text: str) -> bytes:
    """``text`` as Hyperscan scans it, one byte per character: a byte offset is the character offset.

    Hyperscan's classes are ASCII (``\\w``, ``\\d``, ``[A-Z]``, caseless letters). A character beyond
    ASCII is a byte above 0x7F, in no ASCII class and in every negated one, as each byte of its UTF-8 form
    would be; those that Python's ``re`` reads as a digit or (ignoring case) as an ASCII letter are that
    digit or letter (SCAN_AS), so a trigger never misses what a rule's regex matches."""
    return text.encode("latin-1", _ONE_BYTE)


def triggers_of(rule: "PatternRule") -> tuple[Trigger, ...]:
    if rule.name in TRIGGERS:
        return TRIGGERS[rule.name]
    return tuple(Trigger(re.escape(a)) for a in rule.anchors)


def fixed_width(pattern: str) -> int | None:
    """The length of every match of a trigger pattern (written in the syntax Python's ``re`` and Hyperscan
    share), or None when it varies: a fixed-width trigger needs no start tracking (start = end - width)."""
    parser = getattr(re, "_parser", None)  # the parser re.compile uses: re._parser from 3.11, sre_parse before
    try:
        if parser is None:
            import sre_parse as parser
        low, high = parser.parse(pattern).getwidth()
    except (ImportError, AttributeError, re.error):  # no such parser here: the start is tracked (slower, same)
        return None
    return low if low == high else None


class TriggerScanner:
    """A compiled Hyperscan database of every rule's triggers; ``scan(text)`` gives candidate starts per rule.

    Literal anchors and fixed-width triggers are matched without start-of-match tracking (the start
    is the end minus the width), as are triggers with ``locate``; other regex triggers track their
    leftmost start (``HS_FLAG_SOM_LEFTMOST``)."""

    def __init__(self, rules: Sequence["PatternRule"]):
        import hyperscan

        self.rules = list(rules)
        expressions, flags = [], []
        # Per pattern id: its rule's index, a literal's length (None: not a literal), and for a trigger
        # with a lead or a locate, (lead, locate) (None: the tracked start is the candidate).
        self.rule_of: list[int] = []
        self.widths: list[int | None] = []
        self.special: list[tuple[str, Callable[[str, str, int], int] | None] | None] = []
        for i, rule in enumerate(self.rules):
            literal = rule.name not in TRIGGERS
            if literal and not all(a.isascii() for a in rule.anchors):
                raise ValueError(f"pattern rule {rule.name}: anchors must be ASCII (the scan sees other characters as 0x80-0xFF)")
            for j, (pattern, lead, locate) in enumerate(triggers_of(rule)):
                width = len(rule.anchors[j]) if literal else None if locate is not None else fixed_width(pattern)
                tracked = width is None and locate is None
                expressions.append(pattern.encode())
                flags.append((hyperscan.HS_FLAG_SOM_LEFTMOST if tracked else 0) | (hyperscan.HS_FLAG_CASELESS if rule.fold else 0))
                self.rule_of.append(i)
                self.widths.append(width)
                self.special.append((lead, locate) if lead or locate else None)
        order = sorted(range(len(self.rules)), key=lambda i: self.rules[i].priority)
        self.rank = [0] * len(self.rules)  # per rule: its place by priority, then rule order
        for place, i in enumerate(order):
            self.rank[i] = place
        self.db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        self.db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)

    def scan(self, text: str) -> dict[int, list[int]]:
        """Rule index -> the sorted candidate starts of the rule in ``text`` (rules without any left out)."""
        by_rule: defaultdict[int, list[int]] = defaultdict(list)
        rule_of, widths, special = self.rule_of, self.widths, self.special
        rev = ""  # text[::-1] once a locate needs it

        def on_match(pattern: int, start: int, end: int, flags: int, context: object) -> None:
            nonlocal rev
            width = widths[pattern]
            if width is not None:
                start = end - width
            if (how := special[pattern]) is not None:
                lead, locate = how
                if locate is not None:
                    if not rev:
                        rev = text[::-1]
                    start = locate(text, rev, end)
                    if start < 0:
                        return
                elif text[start] not in lead:  # the trigger began with its context character
                    start += 1
            by_rule[rule_of[pattern]].append(start)

        self.db.scan(scan_bytes(text), match_event_handler=on_match)
        n = len(text)
        out = {}
        for rule, starts in by_rule.items():
            if len(starts) > 1:
                starts = sorted(set(starts))
            while starts and starts[-1] >= n:
                starts.pop()
            out[rule] = starts
        return out


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


def expand_matches(regex: re.Pattern, text: str, starts: Sequence[int]) -> Iterator[re.Match]:
    """``matches_at`` for a URL rule (EXPAND_RULES), given the leftmost start of each scheme before "://".

    The regex matches at such a start, or fails on what follows the "://", which is the same from
    any later start: one try each. Only a scheme beginning inside the previous match is tried at
    every later position, as finditer would."""
    last_end = 0
    for start in starts:
        tries: Iterable[int] = (start,)
        if start < last_end:
            tries = range(last_end, text.find("://", start) - 1)
        for at in tries:
            m = regex.match(text, at)
            if m is not None:
                end = m.end()
                last_end = end if end > at else at + 1
                yield m
                break


@functools.lru_cache(maxsize=8)
def scanner_for(rules: tuple["PatternRule", ...]) -> TriggerScanner:
    return TriggerScanner(rules)


def rule_matches(
    scanner: TriggerScanner,
    text: str,
    keyed: Callable[["PatternRule", str, Sequence[int]], Iterator[re.Match]],
) -> Iterator[tuple["PatternRule", Iterator[re.Match]]]:
    """(rule, its matches in ``text``) for the rules that can match at all, by priority (then rule order).

    ``keyed``: the assignment rules' matcher given anchor hits.
    """
    starts = scanner.scan(text)
    for i in sorted(starts, key=scanner.rank.__getitem__):
        rule = scanner.rules[i]
        if rule.name in SCAN_RULES:
            yield rule, rule.regex.finditer(text)
        elif rule.keyed:
            yield rule, keyed(rule, text, starts[i])
        elif rule.name in EXPAND_RULES:
            yield rule, expand_matches(rule.regex, text, starts[i])
        else:
            yield rule, matches_at(rule.regex, text, starts[i])


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

