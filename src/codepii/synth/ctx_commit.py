"""Commit messages, git trailers and ``git format-patch`` mails: plain NAME/EMAIL/USERNAME.

Trailers come in the spellings tools and people write (``Signed-off-by``,
``Co-authored-by``, ``Co-Authored-By``, ``Reviewed-by``, ``Acked-by``,
``Tested-by``, ``Reported-by``, ``Suggested-by``, ``Helped-by``, ``Cc``);
``users.noreply.github.com`` addresses of people are EMAIL, those of bots
are not; ``Merge pull request #12 from <handle>/<branch>`` names the author's
fork. ``Change-Id``, ``Fixes: <sha>``, ``Reviewed-on`` links and cherry-pick
notes are the negatives.
"""
from __future__ import annotations

from .builder import Line, Piece
from .context import Ctx, context
from .forge import BOTS, CHANGES, Repo, org, sha, version
from .negatives import kind_negatives
from .people import Person

TRAILERS = ("Signed-off-by", "Signed-off-by", "Co-authored-by", "Co-Authored-By", "Reviewed-by", "Acked-by", "Tested-by",
            "Reported-by", "Suggested-by", "Helped-by", "Cc", "Reviewed-and-tested-by")
BODY = ("The previous code assumed the buffer was always full.", "This keeps the old behaviour behind a flag.",
        "No functional change intended.", "Found while running the test suite under valgrind.",
        "The option was documented but never read.", "Callers that relied on the old order must sort themselves.")
KINDS = ("commit", "text", "markdown")


def _noreply(c: Ctx, p: Person) -> str:
    return f"{c.rng.randint(10**5, 10**8)}+{p.handle}@users.noreply.github.com"


def _person_trailer(c: Ctx, tag: str) -> Line:
    p = c.person()
    email = _noreply(c, p) if c.rng.random() < 0.2 else p.email
    if c.rng.random() < 0.1:
        return [f"{tag}: ", c.email(email)]
    return [f"{tag}: ", c.name(p), " <", c.email(email), ">"]


def _bot_trailer(c: Ctx) -> Line:
    bot = c.rng.choice(BOTS)
    return [f"Co-authored-by: {bot} <{c.rng.randint(10**6, 10**8)}+{bot}@users.noreply.github.com>"]


def trailers(c: Ctx, n: int) -> list[Line]:
    """``n`` trailer lines, people labeled, bots and references not."""
    r = c.rng
    out: list[Line] = []
    for _ in range(n):
        roll = r.random()
        if roll < 0.08:
            out.append(_bot_trailer(c))
        elif roll < 0.14:
            out.append([r.choice((f"Change-Id: I{sha(c)}", f"Fixes: {sha(c, True)} (\"{r.choice(CHANGES)}\")", f"Closes: #{r.randint(10, 9999)}",
                                  f"Reviewed-on: https://review.{org(c)}.org/c/{r.randint(1000, 99999)}", f"Bug: {r.randint(10**5, 10**7)}"))])
        else:
            out.append(_person_trailer(c, r.choice(TRAILERS)))
    return out


def _subject(c: Ctx) -> str:
    r = c.rng
    prefix = r.choice(("", "", "fix: ", "feat(cli): ", "docs: ", "net: ", "[resolver] ", "tests: "))
    return prefix + r.choice(CHANGES)


@context(weight=1.5, kinds=KINDS)
def ctx_commit_message(c: Ctx) -> list[Line]:
    """A commit message: subject, body, a blank line, trailers (merge commits name the author's fork)."""
    r = c.rng
    if r.random() < 0.2:
        p = c.person()
        branch = r.choice(("fix-timeout", "patch-1", "main", "feature/ipv6", "docs-typo"))
        head: list[Line] = [["Merge pull request #", str(r.randint(10, 9999)), " from ", c.user(p.handle), f"/{branch}"], [], [r.choice(CHANGES)]]
    else:
        head = [[_subject(c)], [], *[[line] for line in r.sample(BODY, r.randint(1, 3))]]
    lines = head + [[]] + trailers(c, r.randint(1, 5))
    if r.random() < 0.2:
        lines += [[], [f"(cherry picked from commit {sha(c)})"]]
    if c.kind == "markdown":
        return [["```"], *lines, ["```"]]
    return lines


@context(weight=1.0, kinds=KINDS)
def ctx_format_patch(c: Ctx) -> list[Line]:
    """A ``git format-patch`` mail: ``From: Name <email>``, subject, trailers, diffstat and a hunk."""
    r = c.rng
    p = c.person()
    path = r.choice(("src/resolver.c", "lib/client.py", "docs/usage.rst", "pkg/net/dial.go"))
    lines: list[Line] = [[f"From {sha(c)} Mon Sep 17 00:00:00 2001"], ["From: ", c.name(p), " <", c.email(p.email), ">"],
                         [f"Date: {r.choice(('Mon', 'Tue', 'Wed', 'Thu', 'Fri'))}, {r.randint(1, 28)} Mar {r.randint(2015, 2026)} 1{r.randint(0, 9)}:2{r.randint(0, 9)}:07 +0100"],
                         [f"Subject: [PATCH{r.choice(('', ' v2', ' 1/3', ' 2/2'))}] {_subject(c)}"], [], [r.choice(BODY)], []]
    lines += trailers(c, r.randint(1, 3))
    lines += [["---"], [f" {path} | {r.randint(2, 9)} ++++--"], [" 1 file changed, 4 insertions(+), 2 deletions(-)"], [],
              [f"diff --git a/{path} b/{path}"], [f"index {sha(c, True)}..{sha(c, True)} 100644"], [f"--- a/{path}"], [f"+++ b/{path}"],
              [f"@@ -{r.randint(10, 400)},6 +{r.randint(10, 400)},8 @@"], ["-    timeout = 30"], ["+    timeout = 60"], ["--"], [f"{version(c, 3)}"]]
    return lines


@context(weight=0.8, kinds=KINDS)
def ctx_shortlog(c: Ctx) -> list[Line]:
    """``git shortlog``/``git log --format`` output: ``Name (3):`` groups or ``<sha> Name <email> subject`` lines."""
    r = c.rng
    lines: list[Line] = []
    if r.random() < 0.5:
        for _ in range(r.randint(8, 30) if c.list_file else r.randint(2, 5)):
            p = c.person()
            n = r.randint(1, 4)
            lines += [[c.name(p), f" ({n}):"], *[["      ", r.choice(CHANGES)] for _ in range(n)], []]
        return lines[:-1]
    for _ in range(r.randint(10, 40) if c.list_file else r.randint(2, 6)):
        p = c.person()
        who: list[Piece] = [c.name(p), " <", c.email(p.email), ">"] if r.random() < 0.8 else [f"{r.choice(BOTS)}"]
        lines.append([f"{sha(c, True)} ", *who, f" {r.choice(CHANGES)}"])
    return lines


@kind_negatives("commit")
def commit_negatives(c: Ctx) -> list[Line]:
    """Release commits, bot bumps, reverts, org merges: nothing labeled."""
    r = c.rng
    repo = Repo(c, person_share=0.0)
    return r.choice((
        [[f"Release {version(c, 3)}"], [], [f"Bump version to {version(c, 3)} and update the changelog."], [], _bot_trailer(c)],
        [[f"Revert \"{r.choice(CHANGES)}\""], [], [f"This reverts commit {sha(c)}."]],
        [[f"Merge branch 'main' of {repo.forge.replace('https://', '')}{repo.owner}/{repo.name}"]],
        [[f"Bump {r.choice(('pytest', 'urllib3', 'actions/setup-python'))} from {version(c)} to {version(c)}"], [], _bot_trailer(c)],
    ))
