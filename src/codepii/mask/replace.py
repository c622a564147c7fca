"""Replace detected spans by placeholders (LABELING.md, "Placeholders used when masking").

The same original value inside one file (one row) always gets the same
substitute; IP addresses get a synthetic address of the same family from
``labels.IPV4_POOL`` / ``IPV6_POOL``. Everything is deterministic: the same
text and spans give the same output on any machine, in any process.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Iterable, Mapping, Sequence

from ..labels import DEFAULT_PLACEHOLDERS, IPV4_POOL, IPV6_POOL
from ..spans import Span

IP_CATEGORY = "IP_ADDRESS"


def _stable_index(value: str, n: int) -> int:
    """A process-independent index in [0, n) (``hash()`` is salted per process)."""
    return int.from_bytes(hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()[:8], "big") % n


def ip_pool_for(value: str) -> tuple[str, ...]:
    """The pool of the value's address family: IPv6 when it has a colon (an IPv4 address never has one,
    every IPv6 address has; an unparseable value with a colon counts as IPv6 too). Not parsed: masking
    calls this for every IP span."""
    return IPV6_POOL if ":" in value else IPV4_POOL


def _offsets(s: Span) -> tuple[int, int]:
    return s.start, s.end


class Replacer:
    """One job: (text, spans) -> masked text, plus the spans as ``pii`` entries.

    ``placeholders``: main category -> substitute; a category without one (and
    not IP_ADDRESS) or listed in ``keep_categories`` is left in the text.
    IP_ADDRESS gets a pool address of its family unless it has a placeholder.
    ``hash_key``: when given, each pii entry carries ``value_hash``, an
    HMAC-SHA256 of the original value under that key (never the value).
    """

    def __init__(
        self,
        placeholders: Mapping[str, str] = DEFAULT_PLACEHOLDERS,
        keep_categories: Iterable[str] = (),
        hash_key: bytes | None = None,
    ):
        self.placeholders = dict(placeholders)
        self.keep = frozenset(keep_categories)
        self.hash_key = hash_key

    def masks(self, category: str) -> bool:
        return category not in self.keep and (category == IP_CATEGORY or category in self.placeholders)

    def substitutes(self, text: str, spans: Sequence[Span]) -> list[str | None]:
        """The substitute of each span in (start, end) order (None: kept), consistent within this text."""
        return self._substitutes(text, sorted(spans, key=_offsets))

    def _substitutes(self, text: str, ordered: Sequence[Span]) -> list[str | None]:
        chosen: dict[tuple[str, str], str] = {}
        used_ips: set[str] = set()
        out: list[str | None] = []
        for s in ordered:  # first appearance decides
            if not self.masks(s.category):
                out.append(None)
                continue
            value = text[s.start : s.end]
            key = (s.category, value)
            if key not in chosen:
                pooled = s.category == IP_CATEGORY and IP_CATEGORY not in self.placeholders
                chosen[key] = self._new_ip(value, used_ips) if pooled else self.placeholders[s.category]
            out.append(chosen[key])
        return out

    @staticmethod
    def _new_ip(value: str, used: set[str]) -> str:
        """A pool address not yet given to another value in this file, while the pool lasts."""
        pool = ip_pool_for(value)
        start = _stable_index(value, len(pool))
        for k in range(len(pool)):
            candidate = pool[(start + k) % len(pool)]
            if candidate not in used:
                used.add(candidate)
                return candidate
        return pool[start]

    def replace(self, text: str, spans: Sequence[Span]) -> tuple[str, list[dict]]:
        """Masked text and the pii entries ({start, end, category, score[, value_hash]}) in original offsets."""
        ordered = sorted(spans, key=_offsets)
        subs = self._substitutes(text, ordered)
        # One forward pass over original offsets (linear in len(text)); a span that
        # overlaps the previous one (a detector bug) is masked from where that one ended.
        pieces: list[str] = []
        pos = 0
        for s, sub in zip(ordered, subs):
            if sub is None or s.end <= pos:
                continue
            pieces += [text[pos : max(pos, s.start)], sub]
            pos = s.end
        pieces.append(text[pos:])
        masked = "".join(pieces)
        return masked, [self._entry(text, s) for s in ordered]

    def _entry(self, text: str, s: Span) -> dict:
        entry = {"start": s.start, "end": s.end, "category": s.category, "score": s.score}
        if self.hash_key is not None:
            value = text[s.start : s.end].encode("utf-8")
            entry["value_hash"] = hmac.new(self.hash_key, value, hashlib.sha256).hexdigest()
        return entry
