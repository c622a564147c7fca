"""Post-filters on detected spans, like the reference redaction's, each switched on or off in config.

The reference pipeline (NOTES.md) skipped spans of 3 characters or fewer, kept
KEY only when longer than 8 characters and "gibberish", NAME only with a space,
and left IPs that were unparseable, private or popular DNS servers. Here each
is a field of ``FilterConfig``; all default to off so that a detector's raw
output is what is measured, and ``FilterConfig.reference()`` gives that setup.

The value tests (entropy, placeholders, IP classes) are shared with the
pattern detector.
"""
from __future__ import annotations

import functools
import ipaddress
import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..spans import Span

# Well-known public resolvers (Google, Cloudflare, Quad9, OpenDNS, Verisign,
# Comodo, CleanBrowsing, AdGuard): addresses that identify no one.
POPULAR_DNS_SERVERS = frozenset(
    (
        "8.8.8.8",
        "8.8.4.4",
        "1.1.1.1",
        "1.0.0.1",
        "9.9.9.9",
        "149.112.112.112",
        "208.67.222.222",
        "208.67.220.220",
        "64.6.64.6",
        "64.6.65.6",
        "8.26.56.26",
        "8.20.247.20",
        "185.228.168.9",
        "94.140.14.14",
        "2001:4860:4860::8888",
        "2001:4860:4860::8844",
        "2606:4700:4700::1111",
        "2606:4700:4700::1001",
    )
)
DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)
# Values that stand for a secret without being one (LABELING.md "Not PII").
PLACEHOLDER_WORDS = frozenset(
    "changeme change_me password passwd secret token apikey api_key yourpassword your_password mypassword "
    "none null nil undefined true false redacted hidden dummy example sample placeholder todo xxx "
    "pass test testing foo bar baz guest demo admin root user username".split()
)
# "your_api_key", "MY-SECRET-TOKEN", "yourPassword"
_YOUR_SECRET = re.compile(r"(?:your|my)[_-]?\w*(?:key|token|secret|password)", re.I)


_SPACE = re.compile(r"\s")
_VERSION_OR_DATE = re.compile(r"[\d.:_-]+[a-z]{0,3}\d*")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's character distribution."""
    if not value:
        return 0.0
    n = len(value)
    if n > 256:  # the terms of longer values are not kept (about 1 MB up to 256)
        return -sum(c / n * math.log2(c / n) for c in Counter(value).values())
    return sum(map(_entropy_terms(n).__getitem__, Counter(value).values()))


@functools.lru_cache(maxsize=None)
def _entropy_terms(n: int) -> tuple[float, ...]:
    """``-c/n * log2(c/n)`` for c = 0..n, each computed as shannon_entropy sums it (the same floats)."""
    return (0.0,) + tuple(-c / n * math.log2(c / n) for c in range(1, n + 1))


def is_placeholder(value: str) -> bool:
    """``<YOUR_KEY>``, ``${TOKEN}``, ``xxxxxxxx``, ``changeme``, ``%s``, ``***``, a single repeated character."""
    v = value.strip()
    if not v:
        return True
    lower = v.lower()
    if lower in PLACEHOLDER_WORDS or len(set(lower)) <= 2:
        return True
    if "\n" in v:  # a value over several lines is no template
        return False
    return (
        v[0] in "<{[(%$" or v[-1] in ">}])" or "${" in v or "{{" in v or lower.startswith("xxx")
        or (("your" in lower or "my" in lower) and _YOUR_SECRET.search(v) is not None)
    )


def looks_like_secret(value: str, min_chars: int = 8, min_entropy: float = 3.0) -> bool:
    """A random-looking token: long enough, high entropy, not a word, path, URL or identifier.

    The "gibberish" test: a digit or a symbol mixed with letters, or mixed case
    that is not CamelCase words; and at least ``min_entropy`` bits per char.
    """
    if len(value) < min_chars or is_placeholder(value) or "EXAMPLE" in value.upper():
        return False
    if _SPACE.search(value) or "://" in value or value.count("/") > 3 or value.startswith(("/", "./", "~")):
        return False
    if math.log2(len(set(value))) < min_entropy or shannon_entropy(value) < min_entropy:  # log2(distinct): its bound
        return False
    has_digit = any(map(str.isdigit, value))
    has_alpha = any(map(str.isalpha, value))
    if not has_alpha:
        return False
    if has_digit:
        # A dotted version or a date (1.2.3, 2024-01-01) is not a key.
        return not _VERSION_OR_DATE.fullmatch(value)
    # Letters only: accept mixed case that does not read as words (CamelCase, snake_case).
    words = _WORDS.findall(value)
    return sum(map(str.isupper, value)) >= 3 and len(words) >= len(value) / 3


def parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_netmask(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """255.255.255.0-style netmasks and 0.0.0.255-style host masks (contiguous bits)."""
    if addr.version != 4:
        return False
    bits = int(addr)
    ones_then_zeros = bits != 0 and ((~bits & 0xFFFFFFFF) + 1) & (~bits & 0xFFFFFFFF) == 0
    zeros_then_ones = bits != 0 and (bits + 1) & bits == 0
    return ones_then_zeros or zeros_then_ones


def is_host_address(addr: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """A host's address per LABELING.md: not loopback, unspecified, multicast, reserved, a mask or a doc range."""
    if addr.is_loopback or addr.is_unspecified or addr.is_multicast or addr.is_reserved:
        return False
    if addr.version == 4 and (is_netmask(addr) or int(addr) == 0xFFFFFFFF):
        return False
    return not any(addr in net for net in DOCUMENTATION_NETWORKS if net.version == addr.version)


@dataclass(frozen=True)
class FilterConfig:
    """Post-filters, each off by default (0 or False); ``reference()`` is StarPII's redaction setup."""

    min_chars: int = 0  # drop spans shorter than this many characters (reference: 4)
    key_min_chars: int = 0  # drop KEY spans shorter than this (reference: 9, i.e. "> 8")
    key_require_gibberish: bool = False  # drop KEY spans that do not look random (entropy, char classes)
    name_require_space: bool = False  # drop NAME spans of one word
    ip_skip_unparseable: bool = False  # drop IP_ADDRESS spans that are not a valid address
    ip_skip_private: bool = False  # drop private (RFC 1918, ULA, link-local) addresses
    ip_skip_dns: bool = False  # drop the popular public DNS resolvers
    drop_categories: tuple[str, ...] = ()  # categories never reported (the reference dropped USERNAME)

    @classmethod
    def reference(cls) -> "FilterConfig":
        return cls(4, 9, True, True, True, True, True, ("USERNAME",))

    @property
    def active(self) -> bool:
        return self != FilterConfig()


def _keep(span: Span, value: str, cfg: FilterConfig) -> bool:
    if span.category in cfg.drop_categories or len(value) < cfg.min_chars:
        return False
    if span.category == "KEY":
        if len(value) < cfg.key_min_chars:
            return False
        if cfg.key_require_gibberish and not (
            looks_like_secret(value, min_chars=1) or value.lstrip().startswith("-----BEGIN")
        ):
            return False
    if span.category == "NAME" and cfg.name_require_space and not re.search(r"\S\s+\S", value):
        return False
    if span.category == "IP_ADDRESS":
        addr = parse_ip(value.strip())
        if addr is None:
            return not cfg.ip_skip_unparseable
        if cfg.ip_skip_private and addr.is_private:
            return False
        if cfg.ip_skip_dns and str(addr) in POPULAR_DNS_SERVERS:
            return False
    return True


def apply_filters(text: str, spans: Iterable[Span], cfg: FilterConfig) -> list[Span]:
    """The spans that pass every active filter, in their order."""
    return [s for s in spans if _keep(s, text[s.start : s.end], cfg)]


def filter_batch(texts: Sequence[str], spans: Sequence[list[Span]], cfg: FilterConfig) -> list[list[Span]]:
    if not cfg.active:
        return [list(s) for s in spans]
    return [apply_filters(t, s, cfg) for t, s in zip(texts, spans)]
