"""Code-forge values shared by the changelog, credits and commit contexts: repos, owners, bots, links.

Real-dev judgement calls: ``github.com/<person>`` is a USERNAME, organisation
accounts and bots (``@dependabot``, ``renovate[bot]``) are not labeled.
"""
from __future__ import annotations

from .builder import Line, Piece
from .context import Ctx
from .credentials import HEX, rand
from .people import ORG_WORDS

BOTS = ("dependabot[bot]", "dependabot", "renovate[bot]", "pre-commit-ci[bot]", "github-actions[bot]", "allcontributors[bot]",
        "mergify[bot]", "codecov[bot]", "snyk-bot", "greenkeeper[bot]", "web-flow", "sourcery-ai[bot]")
# Organisation accounts (projects, foundations, companies): never PII.
ORGS = ("pypa", "python", "pallets", "encode", "aio-libs", "jazzband", "psf", "nodejs", "rust-lang", "kubernetes", "apache",
        "mozilla", "golang", "tiangolo-org", "celery", "ansible", "twisted", "urllib3", "grpc", "open-telemetry", "hashicorp")
REPOS = ("fastcache", "tinyhttp", "pyconf", "netkit", "yamlish", "jsonpatch", "authkit", "dnsutil", "snmpwalk", "logship",
         "taskq", "minidb", "webhooks", "ratelimit", "clickext", "certgen", "s3sync", "ormlite", "pkgtools", "mdparse")
FORGES = ("https://github.com/", "https://github.com/", "https://github.com/", "https://gitlab.com/", "https://codeberg.org/")
CHANGES = (
    "Fix race in connection pool", "Add retry on timeout", "Drop support for Python 3.7", "Document the CLI options",
    "Speed up header parsing", "Handle empty headers", "Support IPv6 hosts", "Deprecate the old config format",
    "Fix memory leak in reader", "Raise a clearer error on bad input", "Add type hints to the public API", "Fix typo in docs",
    "Allow passing an SSL context", "Validate the audience claim", "Make the parser reentrant", "Use monotonic clock for timeouts",
    "Add a --quiet flag", "Fix off-by-one in pagination", "Export the error classes", "Respect NO_PROXY", "Stop leaking file handles",
    "Upgrade the test matrix", "Fix Windows path handling", "Add support for zstd", "Cache compiled patterns",
)
# Decorators and doc roles that look like @mentions but name code, not people.
CODE_MENTIONS = ("@property", "@dataclass", "@pytest.fixture", "@classmethod", "@staticmethod", "@override", "@deprecated",
                 "@Override", "@since", "@param", "@returns", "@types/node", "@babel/core", "@angular/core")


def org(c: Ctx) -> str:
    if c.rng.random() < 0.5:
        return c.rng.choice(ORGS)
    return c.rng.choice(ORG_WORDS) + c.rng.choice(("", "-labs", "hq", "-dev", "io", "-oss"))


def version(c: Ctx, parts: int | None = None) -> str:
    r = c.rng
    return ".".join(str(r.randint(0, 30 if i else 9)) for i in range(parts or r.choice((2, 3, 3, 3, 4))))


def sha(c: Ctx, short: bool = False) -> str:
    return rand(c.rng, HEX, c.rng.choice((7, 8, 10, 12)) if short else 40)


class Repo:
    """One repository of a file: its owner (a person, labeled, or an organisation, not) and name."""

    def __init__(self, c: Ctx, person_share: float = 0.4) -> None:
        self.forge = c.rng.choice(FORGES)
        self.name = c.rng.choice(REPOS)
        self.person = c.person() if c.rng.random() < person_share else None
        self.owner = self.person.handle if self.person else org(c)

    def base(self, c: Ctx, license: bool = False) -> list[Piece]:
        """``https://github.com/<owner>/<repo>``: the owner is a USERNAME when a person owns the repo."""
        owner: Piece = c.user(self.owner, license) if self.person else self.owner
        return [self.forge, owner, "/" + self.name]

    def link(self, c: Ctx, what: str, number: int | str) -> list[Piece]:
        return [*self.base(c), f"/{what}/{number}"]


def mention(c: Ctx, license: bool = False) -> tuple[list[Piece], bool]:
    """``@handle`` of a person (USERNAME) or, one time in six, of a bot (nothing); and whether it is a person."""
    if c.rng.random() < 1 / 6:
        return ["@" + c.rng.choice(BOTS)], False
    return [c.user("@" + c.person().handle, license)], True


def bump_line(c: Ctx) -> Line:
    """A dependency bump (a version string, a bot): never labeled."""
    r = c.rng
    pkg = r.choice(("urllib3", "certifi", "actions/checkout", "cryptography", "pytest", "black", "setuptools", "golang.org/x/net",
                    "lodash", "webpack", "serde", "tokio", "idna", "pyyaml", "sphinx", "mypy", "ruff"))
    old, new = version(c), version(c)
    tail = r.choice((f" (#{r.randint(10, 9999)})", f" by @{r.choice(BOTS)} in #{r.randint(10, 9999)}", "", f" ({sha(c, True)})"))
    return [r.choice(("Bump ", "Bump ", "build(deps): bump ", "chore(deps): update ", "Update ")), f"{pkg} from {old} to {new}{tail}"]
