"""IP address rules of the pattern detector: the candidate regexes and the host-address check.

``host_ip`` decides whether a dotted quad or a colon-hex run is the address
of a host (LABELING.md), and not a version string, an OID or a time. IPv4
values take an integer fast path with the same answers as ``ipaddress`` and
``filters.is_host_address`` (tested against them).
"""
from __future__ import annotations

import functools
import re

from .filters import DOCUMENTATION_NETWORKS, is_host_address, parse_ip

# Dotted quads not inside a longer dotted number (OIDs, versions 1.2.3.4.5).
IPV4_RE = r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)"
# Colon-hex candidates; ipaddress decides what is an address.
IPV6_RE = r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)"
# What a dotted quad's line says just before it (the 24 characters before, on its line) that makes it
# no host (no_host_context): the last word is a version word ("version", "__version__", "APP_VERSION",
# "minVersion", "ver", "build", a bare "v"; "VERSION: &str =" skips the type) or an OID name ("oid",
# "exports.oid", "(OID "); the last token is a standard's section ("IEEE802.1D-2004 10.3.1.4",
# "RFC 2616 section 3.6.1.2"); or a pin operator ends it ("==1.2.3.4").
VERSION_WORD = re.compile(r"(?:.*(?:version|release|revision)|ver|rev|build|v)(?:s|_?(?:number|num|no|id|str|string|code|name))?_*")
OID_WORD = re.compile(r"(?:.*_)?oids?")
STANDARD_TOKEN = re.compile(r"(?<!\w)(?:ieee|rfc|iso|iec|itu|ecma|section|sect|sec|clause|chapter|annex)(?![a-z])|§$")
# What every version word, OID word and standard token above holds (the fast path of no_host_context).
_CONTEXT_HINT = re.compile(r"v|build|release|oid|ieee|rfc|iso|iec|itu|ecma|sec|clause|chapter|annex|§", re.I)
PIN_OPERATORS = ("==", ">=", "<=", "~=", "!=", "~>", "^")
TYPE_WORDS = ("str", "string")
# "Bump foo from 1.22.0.90 to 1.22.0.91" (dependency update messages): the line, up to the quad.
BUMP_CONTEXT = re.compile(r"\b(?:bump|upgrade|downgrade)(?:s|d|ed)?\b.*\b(?:from|to)\s+$", re.I)
# A text with dotted numbers of five or more arcs under the ASN.1 roots 0, 1, 2 (1.2.840.113549.1.1.1)
# holds OIDs: there, a quad under those roots (2.5.4.3) is an OID too.
_LONG_OID = re.compile(r"[012]\.\d{1,3}(?:\.\d+){3,}(?![\w]|\.\d)")  # and no [\w.] before: oid_text
# Well-known service addresses that identify no one: the cloud instance-metadata endpoints.
SERVICE_ADDRESSES = frozenset({"169.254.169.254", "fd00:ec2::254"})

_DOC_V4 = tuple((int(n.network_address), int(n.netmask)) for n in DOCUMENTATION_NETWORKS if n.version == 4)


def ipv4_int(value: str) -> int | None:
    """The address as an integer, or None where ``ipaddress.IPv4Address`` rejects it
    (not four ASCII decimal octets, an octet over 255 or with a leading zero)."""
    parts = value.split(".")
    if len(parts) != 4 or not "".join(parts).isdigit() or not value.isascii():
        return None
    n = 0
    for p in parts:
        if len(p) > 3 or (len(p) > 1 and p[0] == "0"):
            return None
        octet = int(p)
        if octet > 255:
            return None
        n = (n << 8) | octet
    return n


@functools.lru_cache(maxsize=8192)
def _host_ipv4_int(value: str) -> int | None:
    """The address of a host as an integer; None for an invalid or non-host address."""
    n = ipv4_int(value)
    return n if n is not None and is_host_ipv4(n) else None


def is_host_ipv4(n: int) -> bool:
    """``filters.is_host_address`` of an IPv4 address given as an integer."""
    top = n >> 24
    if top == 127 or n == 0 or 224 <= top:  # loopback, unspecified, multicast (224/4) and reserved (240/4)
        return False
    if n == 0xFFFFFFFF or _netmask(n):
        return False
    return not any(n & mask == net for net, mask in _DOC_V4)


def _netmask(n: int) -> bool:
    inverse = ~n & 0xFFFFFFFF
    ones_then_zeros = n != 0 and (inverse + 1) & inverse == 0
    zeros_then_ones = n != 0 and (n + 1) & n == 0
    return ones_then_zeros or zeros_then_ones


def host_ip(text: str, start: int, end: int) -> bool:
    """A valid address of a host (filters.is_host_address), not a version string, an OID or a time."""
    value = text[start:end]
    if value in SERVICE_ADDRESSES:
        return False
    if ":" not in value:
        n = _host_ipv4_int(value)
        if n is None:
            return False
        if n >> 24 <= 2 and oid_text(text):
            return False
    else:
        version = _host_colon_version(value)
        if version is None:
            return False
        if version == 6:
            return True
    line_start = text.rfind("\n", 0, start) + 1
    if no_host_context(text[max(line_start, start - 24) : start]):
        return False
    return not (text.endswith(("from ", "to "), line_start, start) and BUMP_CONTEXT.search(text, line_start, start))


@functools.lru_cache(maxsize=8192)
def _host_colon_version(value: str) -> int | None:
    """The IP version of a colon-hex value that is a host address (6, or 4 for an IPv4-mapped form that
    ``ipaddress`` reads as IPv4), None when it is none."""
    # "1::2" in a slice, "de::ad": too few hex digits to be an address (checked first: cheaper).
    if sum(map(str.isalnum, value)) < 4 or not any(map(str.isdigit, value)):
        return None
    addr = parse_ip(value)
    return addr.version if addr is not None and is_host_address(addr) else None


@functools.lru_cache(maxsize=8192)
def no_host_context(window: str) -> bool:
    """Do the characters before a quad (on its line) make it a version, an OID or a section number?"""
    stripped = window.rstrip()
    if stripped.endswith(PIN_OPERATORS):
        return True
    if _CONTEXT_HINT.search(window) is None:  # no version or OID word, no standard named: a host (most quads)
        return False
    word, rest = _last_word(window)
    if word.lower() in TYPE_WORDS and rest and not _is_word_char(rest[-1]):
        word, rest = _last_word(rest)  # Go/Rust/TS declared type: "VERSION: &str = "
    word = word.lower()
    if word and (VERSION_WORD.fullmatch(word) or OID_WORD.fullmatch(word)):
        return True
    token = stripped.rsplit(None, 1)[-1].lower() if stripped else ""
    return STANDARD_TOKEN.search(token) is not None


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _last_word(window: str) -> tuple[str, str]:
    """(the last run of word characters after stripping trailing non-word ones, what precedes it)."""
    end = len(window)
    while end and not _is_word_char(window[end - 1]):
        end -= 1
    start = end
    while start and _is_word_char(window[start - 1]):
        start -= 1
    return window[start:end], window[:start]


@functools.lru_cache(maxsize=4)
def oid_text(text: str) -> bool:
    """Does the text hold two or more long OIDs (see _LONG_OID)?"""
    n = 0
    for m in _LONG_OID.finditer(text):
        before = text[m.start() - 1] if m.start() else " "
        if not (before.isalnum() or before in "_."):
            n += 1
            if n == 2:
                return True
    return False
