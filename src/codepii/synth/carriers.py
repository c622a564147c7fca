"""``--carriers DIR``: plant PII into real code files taken from a local tree.

Real files may already hold PII that nobody labeled (an author line, an email
in a docstring, an IP in a test). Every line that *might* hold some is
dropped before planting — emails, IP-like and version-like numbers, URLs with
credentials, attribution words, person first names, @handles, home paths,
long random-looking tokens, non-ASCII text. This is deliberately
over-cautious: a dropped harmless line costs little, a kept real name
teaches the model to miss names.
"""
from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass

from ..errors import CodepiiError
from .people import FIRST_NAMES

EXT_KINDS = {
    ".py": "python", ".js": "javascript", ".mjs": "javascript", ".ts": "typescript", ".java": "java", ".go": "go",
    ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".cs": "csharp", ".php": "php", ".rb": "ruby",
    ".rs": "rust", ".sh": "shell", ".bash": "shell", ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".ini": "ini",
    ".cfg": "ini", ".toml": "toml", ".sql": "sql", ".md": "markdown", ".xml": "xml", ".html": "html", ".tf": "terraform",
}
MIN_BYTES, MAX_BYTES = 200, 400_000
MAX_FILES = 50_000  # files indexed per tree (sorted walk order), to bound start-up time

# First names and surnames often seen in open-source comments, on top of the generator's pool.
_EXTRA_NAMES = (
    "Guido Tim Fred Barry Raymond Skip Jeremy Greg Martin Lars Vinay Steve Victor Serhiy Antoine Georg Benjamin Brett "
    "Nick Eric Jack Neil Sjoerd Ken Moshe Gregory Alexander Ned Larry Christian Zachary Yury Ezio Berker Terry Ethan "
    "Jason Sam Peter Jim Bill Bob Alex Chris Dan Ben Matt Mike Joe Tom Jon Will Josh Stefan Hans Jens Jan Pablo Petr "
    "Inada Dino Carl Kumar Jelle Kirill Alyssa Mariatta Brandt Erlend Itamar Hynek Glyph Armin Donald Jeff Jean Marc "
    "Rossum Peters Drake Warsaw Hettinger Hylton Montanaro Lemburg Storchaka Stinner Pitrou Brandl Dickinson Coghlan "
    "Ka-Ping Yee Ward Gustabel Sajip Dower Langa Salgado Galindo Hastings Heimes Ronacher Reitz Lundh Svensson Wouters "
    "John George Charles Edward Henry Frank Walter Arthur Harold Albert Louis Roger Ralph Howard Eugene Philip Wayne "
    "Russell Bobby Randy Jerry Dennis Douglas Ray Harry Carlos Jose Juan Luis Jesse Keith Lawrence Roy Craig Alan Shawn "
    "Samuel Patrick Jonathan Stephen Larry Justin Scott Brandon Benjamin Gregory Aaron Adam Nathan Zach Kyle Dylan "
    "Anna Marie Julie Alice Emma Olivia Grace Rose Claire Lucy Ruth Joan Jane Jean Judy Diana Joyce Martha Emily "
    "Kathy Karen Betty Dorothy Sara Sarah Heather Nicole Amy Angela Kelly Rachel Christine Catherine Maria Anne "
    "Wolfgang Klaus Jürgen Pierre Jacques Giovanni Paolo Hiro Takeshi Yoshi Raj Amit Sanjay Vlad Sergei Andrei"
).split()
# A set lookup per capitalised word: far faster than a 300-way regex alternation.
_NAME_WORDS = frozenset([*FIRST_NAMES, *_EXTRA_NAMES])
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")

RISKY = re.compile(
    "|".join(
        (
            r"[\w.+-]+@[\w-]+\.[\w.-]+",  # emails
            r"\b\w+ (?:at|AT) \w+ (?:dot|DOT) \w+",  # obfuscated emails
            r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}",  # IPv4 (and 4-part versions: dropped too)
            r"\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}\b",  # IPv6-ish (and clock times)
            r"(?<![\w:])::[0-9A-Fa-f]{1,4}\b",  # short IPv6 such as ::2
            r"^\s*[-*]?\s*[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]\.|van|de|von|der|da|di|le))+\s*$",  # a bare name
            r"://[^\s/:@]+:[^\s/@]*@",  # URLs with credentials
            r"(?i:author|copyright|\(c\)|©|contributed|written by|thanks|credit|maintain|e-?mail|mailto|signed-off|reviewed-by)",
            r"(?i:passw|pwd|secret|token|api_?key|private[_ ]?key|BEGIN |ssh-|auth|credential)",
            r"(?i:/home/|/Users/|\\Users\\|github\.com/|gitlab\.com/|bitbucket|twitter)|~[a-z]",
            r"(?<![\w.])@[A-Za-z][\w-]+",  # @handles (decorators are handled below)
            r"\b[A-Z]\.(?:\s?[A-Z]\.)*\s?(?:[A-Z][a-z]+|[A-Z]{2,})\b",  # initials and a surname (citations)
            r"\b[A-Z][a-z]+,\s[A-Z]\.",  # "Surname, F." (bibliographies)
            r"\b(?:by|from|to|per|ask|cc|with|and)\s+[A-Z][a-z]+\s+[A-Z][a-z]+",  # "patch by First Last"
            r"\b[A-Z][a-z]+\s+[A-Z][a-z]+'s\b",  # "Collin Winter's fix"
            r"\b\d{9,}\b",  # long numbers (account and user IDs)
            r"[^\x00-\x7f]",  # non-ASCII text (names in other scripts)
        )
    )
)
# Decorators and annotations look like @handles; these are kept (anything dotted or called is one too).
_DECORATORS = frozenset(
    "property staticmethod classmethod dataclass Override Test abstractmethod cached_property wraps contextmanager "
    "Deprecated SuppressWarnings Before After BeforeEach AfterEach Autowired Injectable Component Input Output Bean "
    "Entity Column Id Nullable NonNull overload final unique total_ordering Inject Singleton Param Service Repository "
    "Transactional RestController Controller Configuration FunctionalInterface SafeVarargs Parameterized objc "
    "interface implementation end synthesize protocol".split()
)
_DECORATOR = re.compile(r"^\s*@([A-Za-z_][\w]*)([.(].*)?\s*$")
_LONG_TOKEN = re.compile(r"[A-Za-z0-9+/=_-]{20,}")


def _random_looking(token: str) -> bool:
    """Keys and hashes mix digits with letters; long identifiers (``test_very_long_name``) do not."""
    digits = sum(ch.isdigit() for ch in token)
    if len(token) >= 32 and all(ch in "0123456789abcdefABCDEF" for ch in token):
        return True
    return digits >= 3 and any(ch.isupper() for ch in token) and any(ch.islower() for ch in token)


def line_is_risky(line: str) -> bool:
    """True when a carrier line might hold unlabeled PII (then it is dropped)."""
    m = _DECORATOR.match(line)
    if m and (m.group(2) or m.group(1) in _DECORATORS) and "author" not in line.lower():
        line = line.replace("@", "", 1)
    if RISKY.search(line) is not None:
        return True
    if any(part in _NAME_WORDS for m in _CAPITALISED.finditer(line) for part in m.group().split("-")):  # person names
        return True
    return any(_random_looking(m.group()) for m in _LONG_TOKEN.finditer(line))


@dataclass(frozen=True)
class Carrier:
    path: str  # relative to the tree root
    kind: str
    lines: list[str]  # sanitized lines of a window of the file, without newlines


class CarrierPool:
    """The code files of a tree, indexed once in sorted order so that a seed picks the same files."""

    def __init__(self, root: str, max_files: int = MAX_FILES, kinds: tuple[str, ...] | None = None):
        if not os.path.isdir(root):
            raise CodepiiError(f"--carriers {root}: not a directory; give a folder of source files (e.g. a Python stdlib)")
        self.root = root
        self.files: list[tuple[str, str]] = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d not in ("__pycache__", "node_modules")]
            for name in sorted(filenames):
                kind = EXT_KINDS.get(os.path.splitext(name)[1].lower())
                path = os.path.join(dirpath, name)
                if kind and (kinds is None or kind in kinds) and MIN_BYTES <= _size(path) <= MAX_BYTES:
                    self.files.append((os.path.relpath(path, root), kind))
            if len(self.files) >= max_files:
                break
        if not self.files:
            wanted = sorted(set(kinds or EXT_KINDS.values()))
            raise CodepiiError(
                f"--carriers {root}: no source files of the kinds {', '.join(wanted)} between {MIN_BYTES} and {MAX_BYTES} bytes; "
                f"known suffixes: {' '.join(sorted(EXT_KINDS))}"
            )

    def sample(self, rng: random.Random, max_lines: int = 300) -> Carrier:
        """A window of up to ``max_lines`` lines of a random file, risky lines dropped."""
        for _ in range(8):
            rel, kind = self.files[rng.randrange(len(self.files))]
            try:
                with open(os.path.join(self.root, rel), encoding="utf-8") as f:
                    lines = f.read().splitlines()
            except (UnicodeDecodeError, OSError):
                continue
            start = rng.randrange(max(1, len(lines) - max_lines // 2))
            window = [ln for ln in lines[start : start + rng.randint(30, max_lines)] if not line_is_risky(ln)]
            if len(window) >= 5:
                return Carrier(rel, kind, window)
        return Carrier(rel, kind, [])


# A planted block must not land inside an unfinished expression (argument lists, literals, continuations).
_COMMENT_STARTS = ("#", "//", "*", "/*", "--", ";", "<!--")
_OPEN_ENDINGS = (",", "(", "[", "\\", "=", "+", "&&", "||", ".", "%")


def _can_plant(kind: str, before: str, after: str) -> bool:
    """Whether a context may go between two consecutive carrier lines."""
    prev, nxt = before.rstrip(), after.lstrip()
    if kind == "json":  # a planted member ends with a comma: after "{" or ",", before another member
        return prev.endswith(("{", ",")) and not nxt.startswith(("}", "]"))
    if prev.endswith(_OPEN_ENDINGS) or (kind == "python" and prev.endswith("{")):
        return False
    if prev.lstrip().startswith(_COMMENT_STARTS) and nxt.startswith(_COMMENT_STARTS):
        return False  # never split a comment block
    if nxt.startswith(("def ", "async def ", "class ", "@")) and prev.strip():
        return False  # a decorator (or a docstring-less header) must stay glued to its definition
    return not nxt.startswith((")", "]", ".", "+", "&&", "||", "else", "elif", "except", "finally", "catch"))


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return -1


def assemble_carrier(rng: random.Random, carrier: Carrier, n_contexts: int, n_negatives: int = 0):
    """Interleave ``n_contexts`` planted contexts and ``n_negatives`` negative blocks with the carrier's sanitized lines.

    Planted lines take the indentation of the line they precede, so a setting
    lands inside the function or block it interrupts.
    """
    from .builder import SpanBuilder
    from .context import Ctx, contexts_for
    from .kinds import LIST_CONTEXTS, place, place_negatives
    from .lang import LANGS
    from .people import make_person

    c = Ctx(rng, LANGS[carrier.kind], [make_person(rng)])
    b = SpanBuilder()
    options = [o for o in contexts_for(carrier.kind) if o.name != "license_header" and o.name not in LIST_CONTEXTS]
    if n_contexts and carrier.kind not in ("json", "markdown") and rng.random() < 0.4:
        place(b, c, [o for o in contexts_for(carrier.kind) if o.name == "license_header"])
        n_contexts -= 1
    lines = carrier.lines
    slots = [i for i in range(1, len(lines)) if _can_plant(carrier.kind, lines[i - 1], lines[i])]
    n = min(n_contexts + n_negatives, len(slots))
    points = sorted(rng.sample(slots, n))
    what = ["ctx"] * min(n_contexts, n) + ["neg"] * (n - min(n_contexts, n))
    rng.shuffle(what)
    k = 0
    for i, line in enumerate(lines):
        while k < len(points) and points[k] == i:
            indent = line[: len(line) - len(line.lstrip())]
            if what[k] == "ctx":
                place(b, c, options, indent=indent)
            else:
                place_negatives(b, c, indent=indent)
            k += 1
        b.line(line)
    return b
