"""A span-collecting text builder: offsets of PII are exact by construction.

Generators never compute offsets by hand. They hand the builder *pieces*:
a plain ``str`` is code around the PII, a :class:`Pii` is a labeled value.
The builder appends both and records ``[start, end)`` for each ``Pii`` as it
goes, so ``content[start:end] == value`` always holds.
"""
from __future__ import annotations

import bisect
from typing import Iterable, NamedTuple, Sequence, Union

from ..spans import Span


class Pii(NamedTuple):
    """A labeled value inside a line of pieces."""

    value: str
    category: str


Piece = Union[str, Pii]
Line = list  # list[Piece]: one line of text, without its newline


def flat(pieces: Iterable[Piece]) -> str:
    """The text of some pieces, labels dropped (for values nested in other values)."""
    return "".join(p if isinstance(p, str) else p.value for p in pieces)


def relabel(pieces: Iterable[Piece], mapping: dict[str, str]) -> list[Piece]:
    """Rename the categories of the Pii pieces (e.g. ``NAME`` -> ``NAME_LICENSE``)."""
    return [p if isinstance(p, str) else Pii(p.value, mapping.get(p.category, p.category)) for p in pieces]


def unlabel(pieces: Iterable[Piece]) -> list[Piece]:
    """The same text with every label removed."""
    return [flat(pieces)]


class SpanBuilder:
    """Append pieces and lines; ``build()`` returns the content and its spans."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._spans: list[Span] = []
        self._pos = 0  # length of the content so far, in code points
        self.contexts: list[str] = []  # names of the contexts placed, in order

    @property
    def pos(self) -> int:
        return self._pos

    def add(self, *pieces: Piece) -> "SpanBuilder":
        for p in pieces:
            if isinstance(p, Pii):
                if p.value:
                    self._spans.append(Span(self._pos, self._pos + len(p.value), p.category))
                self._parts.append(p.value)
                self._pos += len(p.value)
            else:
                self._parts.append(p)
                self._pos += len(p)
        return self

    def line(self, pieces: Sequence[Piece] | str = "") -> "SpanBuilder":
        if isinstance(pieces, str):
            return self.add(pieces, "\n")
        return self.add(*pieces, "\n")

    def lines(self, lines: Iterable[Sequence[Piece] | str]) -> "SpanBuilder":
        for ln in lines:
            self.line(ln)
        return self

    def drop_trailing(self, suffix: str) -> bool:
        """Remove ``suffix`` where the content ends with it (before trailing whitespace) and no span covers it."""
        text = "".join(self._parts)
        stripped = text.rstrip()
        cut = len(stripped) - len(suffix)
        if not stripped.endswith(suffix) or (self._spans and self._spans[-1].end > cut):
            return False
        self._parts = [text[:cut] + text[len(stripped):]]
        self._pos = len(self._parts[0])
        return True

    def text_so_far(self) -> str:
        return "".join(self._parts)

    def build(self) -> tuple[str, list[Span]]:
        return "".join(self._parts), list(self._spans)


def to_crlf(content: str, spans: list[Span]) -> tuple[str, list[Span]]:
    """Windows line endings: every ``\n`` becomes ``\r\n`` and each offset moves by the newlines before it."""
    newlines = [i for i, ch in enumerate(content) if ch == "\n"]

    def moved(offset: int) -> int:
        return offset + bisect.bisect_left(newlines, offset)

    return content.replace("\n", "\r\n"), [Span(moved(s.start), moved(s.end), s.category) for s in spans]
