"""The context toolkit: what a context function receives, and the registry of contexts.

A *context* is a named function ``fn(c: Ctx) -> list[Line]`` that writes one
realistic place where PII lives (a license header, a connection string, a
host list ...) in the file's language. It returns ``[]`` when it has no form
for that kind; the assembler then picks another.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable

from . import lang as L
from .builder import Line, Pii, Piece
from .people import EXAMPLE_EMAIL_DOMAINS, EXAMPLE_NAMES, EXAMPLE_USERNAMES, Person, make_person


def user_category(username: str) -> str:
    """``USERNAME_EXAMPLE`` for placeholder logins (admin, root, test ...), else ``USERNAME``."""
    return "USERNAME_EXAMPLE" if username.lstrip("@").lower() in EXAMPLE_USERNAMES else "USERNAME"


def email_category(email: str) -> str:
    return "EMAIL_EXAMPLE" if email.rsplit("@", 1)[-1].lower() in EXAMPLE_EMAIL_DOMAINS else "EMAIL"


def name_category(name: str) -> str:
    return "NAME_EXAMPLE" if name in EXAMPLE_NAMES else "NAME"


# Per-language "variable = call(args)" forms for code contexts; {v} is the var, {f} the callee.
CALL_FORMS = {
    "python": "{v} = {f}(", "javascript": "const {v} = {f}(", "typescript": "const {v} = {f}(",
    "java": "        var {v} = {f}(", "go": "\t{v}, err := {f}(", "c": "    {v} = {f}(", "cpp": "    auto {v} = {f}(",
    "csharp": "            var {v} = {f}(", "php": "${v} = {f}(", "ruby": "{v} = {f}(", "rust": "    let {v} = {f}(",
    "shell": "{v}=$({f} ", "sql": "SELECT {f}(",
}
CALL_CLOSE = {"python": ")", "ruby": ")", "go": ")", "shell": ")", "sql": ");"}


@dataclass
class Ctx:
    rng: random.Random
    lang: L.Lang
    cast: list[Person]  # the people of this file; cast[0] is the main author
    licensed: set[str] = field(default_factory=set)  # values already written as *_LICENSE
    indent: str = ""
    form: tuple[str, str, str] | None = None  # the setting form of the current block (see lang.LANGS)
    form_used: bool = False  # whether the current block wrote a setting
    case: str | None = None  # the identifier style of the current block
    set_calls: int = 0  # settings written in the current block
    templates_used: set[str] = field(default_factory=set)  # filler templates placed in this file
    list_file: bool = False  # an AUTHORS/THANKS/CHANGES file: lists run long
    _last: Person | None = None  # the person named last (lists rarely name someone twice in a row)

    def begin_block(self) -> None:
        """Pick one setting form for the next context, so its settings look alike."""
        self.form = self.rng.choice(self.lang.settings)
        self.case = self.rng.choice(self.lang.cases)
        self.form_used = False
        self.set_calls = 0

    @property
    def kind(self) -> str:
        return self.lang.kind

    @property
    def code(self) -> bool:
        return self.lang.code

    def person(self, fresh: bool = False) -> Person:
        """A cast member (65%, not the one just named) or a new person who joins the cast (always with ``fresh``)."""
        others = [p for p in self.cast if p is not self._last]
        if others and not fresh and self.rng.random() < 0.65:
            p = self.rng.choice(others)
        else:
            p = make_person(self.rng)
            self.cast.append(p)
        self._last = p
        return p

    def pii(self, value: str, category: str) -> Pii:
        """A labeled value; license-labeled values are remembered (a later mention is plain)."""
        if category.endswith("_LICENSE"):
            self.licensed.add(value)
        return Pii(value, category)

    def name(self, p: Person, license: bool = False) -> Pii:
        return self.pii(p.name, "NAME_LICENSE" if license else "NAME")

    def email(self, email: str, license: bool = False) -> Pii:
        cat = email_category(email)
        return self.pii(email, cat + "_LICENSE" if license and cat == "EMAIL" else cat)

    def user(self, username: str, license: bool = False) -> Pii:
        cat = user_category(username)
        return self.pii(username, cat + "_LICENSE" if license and cat == "USERNAME" else cat)

    def set(self, key: str, value: list[Piece] | Piece, form: str | None = None) -> Line:
        pieces = list(value) if isinstance(value, list) else [value]
        if form is None and self.form is not None:
            form = self.form[0]
            self.form_used = True
        self.set_calls += 1
        line = L.setting(self.rng, self.lang, key, pieces, form, self.case)
        return [self.indent, *line] if self.indent else line

    def comment(self, lines: list[Line], block: bool | None = None) -> list[Line]:
        return L.comment(self.rng, self.lang, lines, block)

    def doc(self, lines: list[Line]) -> list[Line]:
        return L.docstring(self.rng, self.lang, lines, self.indent)

    def quote(self) -> str:
        return self.rng.choice(self.lang.quotes if any(self.lang.quotes) else ('"',)) or '"'

    def call(self, var: str, fn: str, args: list[Piece]) -> Line | None:
        """``var = fn("arg")`` in a code kind, or None where the kind has no calls."""
        form = CALL_FORMS.get(self.kind)
        if form is None:
            return None
        q = '"' if self.kind in ("java", "go", "c", "cpp", "csharp", "rust") else self.quote()
        close = CALL_CLOSE.get(self.kind, ");")
        return [form.format(v=var, f=fn), q, *args, q, close]


ContextFn = Callable[[Ctx], list]


@dataclass(frozen=True)
class Context:
    name: str
    fn: ContextFn
    weight: float  # relative frequency when the kind allows it
    kinds: frozenset[str] | None = None  # None: every kind


CONTEXTS: dict[str, Context] = {}


def context(weight: float = 1.0, kinds: tuple[str, ...] | None = None):
    """Register a context function under its name (without a ``ctx_`` prefix)."""

    def register(fn: ContextFn) -> ContextFn:
        name = fn.__name__.removeprefix("ctx_")
        CONTEXTS[name] = Context(name, fn, weight, frozenset(kinds) if kinds else None)
        return fn

    return register


def contexts_for(kind: str) -> list[Context]:
    """The contexts a kind can hold, in registration order (deterministic); a narrow kind
    (``Lang.narrow``) holds only those that name it."""
    narrow = L.LANGS[kind].narrow
    return [c for c in CONTEXTS.values() if (c.kinds is None and not narrow) or (c.kinds is not None and kind in c.kinds)]
