"""Changelogs and release notes (CHANGELOG.md, CHANGES.rst, NEWS, HISTORY): credits in plain categories.

Real-dev judgement call: changelogs get the plain categories (not ``_LICENSE``).
The forms follow what release tooling writes: GitHub's generated notes
(``by @handle in <pull link>``, ``@handle made their first contribution``),
keep-a-changelog Markdown with ``[@handle](https://github.com/handle)`` links,
reST with ``:release-by:``, ``:user:`` and ``:pr:`` roles, and NEWS entries
(``Patch by Name.``, ``Contributed by Name in :gh:`123`.``). Bots,
organisation owners, versions, SHAs and decorators written like mentions are
the hard negatives of these files.
"""
from __future__ import annotations

from .builder import Line, Piece
from .context import Ctx, context
from .forge import CHANGES, CODE_MENTIONS, Repo, bump_line, mention, sha, version
from .negatives import kind_negatives

KINDS = ("changelog", "markdown", "text")


def _date(c: Ctx) -> str:
    return f"{c.rng.randint(2012, 2026)}-{c.rng.randint(1, 12):02d}-{c.rng.randint(1, 28):02d}"


def _n(c: Ctx) -> int:
    return c.rng.randint(12, 70) if c.list_file else c.rng.randint(2, 8)


@context(weight=1.5, kinds=KINDS)
def ctx_release_notes(c: Ctx) -> list[Line]:
    """GitHub-generated release notes: ``* Change by @handle in <pull URL>`` and a New Contributors list."""
    r, repo = c.rng, Repo(c)
    old, new = version(c, 3), version(c, 3)
    lines: list[Line] = [[r.choice(("## What's Changed", "### What's Changed", f"## v{new}", f"# Release {new}"))], []]
    bullet = r.choice(("* ", "- "))
    newcomers: list[list[Piece]] = []
    for _ in range(_n(c)):
        if r.random() < 0.15:
            lines.append([bullet, *bump_line(c)])
            continue
        who, person = mention(c)
        number = r.randint(10, 9999)
        lines.append([bullet, r.choice(CHANGES), " by ", *who, " in ", *repo.link(c, "pull", number)])
        if person and r.random() < 0.25:
            newcomers.append([*who, " made their first contribution in ", *repo.link(c, "pull", number)])
    if newcomers:
        lines += [[], [r.choice(("## New Contributors", "### New Contributors"))], *[[bullet, *n] for n in newcomers]]
    lines += [[], ["**Full Changelog**: ", *repo.base(c), f"/compare/v{old}...v{new}"]]
    return lines


def _keepachangelog_entry(c: Ctx, repo: Repo) -> Line:
    r = c.rng
    number = r.randint(10, 9999)
    p = c.person()
    roll = r.random()
    if roll < 0.35:
        return ["- ", r.choice(CHANGES), " ([#", str(number), "](", *repo.link(c, "pull", number), "), [", c.user("@" + p.handle), "](https://github.com/",
                c.user(p.handle), "))"]
    if roll < 0.55:
        return ["- ", r.choice(CHANGES), ". Thanks ", c.user("@" + p.handle), "!"]
    if roll < 0.7:
        return ["- ", r.choice(CHANGES), f" (#{number}) - ", c.name(p)]
    if roll < 0.8:
        return ["- Support ``", r.choice(CODE_MENTIONS), "`` in the plugin API (#", str(number), ")"]
    return ["- ", r.choice(CHANGES), f" ({sha(c, True)})"]


@context(weight=1.2, kinds=KINDS)
def ctx_keepachangelog(c: Ctx) -> list[Line]:
    """Keep-a-changelog Markdown: sections per release, ``[@handle](https://github.com/handle)`` credits."""
    r, repo = c.rng, Repo(c)
    new = version(c, 3)
    lines: list[Line] = [[f"## [{new}](", *repo.base(c), f"/releases/tag/v{new}) - {_date(c)}"], []]
    for _ in range(max(1, _n(c) // 4)):
        lines += [[r.choice(("### Added", "### Fixed", "### Changed", "### Removed", "### Security"))], []]
        lines += [_keepachangelog_entry(c, repo) for _ in range(r.randint(1, 5))]
        lines.append([])
    return lines[:-1]


def _rst_credit(c: Ctx) -> list[Piece]:
    r = c.rng
    p = c.person()
    roll = r.random()
    if roll < 0.3:
        return [r.choice(("Contributed by :user:`", "Thanks :github_user:`", "By :user:`")), c.user(p.handle), "`."]
    if roll < 0.55:
        return [r.choice(("Patch by ", "Contributed by ", "Reported by ", "Original patch by ")), c.name(p), "."]
    if roll < 0.75:
        q = c.person()
        return ["Thanks to ", c.name(p), " and ", c.name(q), "."]
    if roll < 0.85:
        return ["(", c.name(p), ", ", c.email(p.email), ")"]
    return [""]


@context(weight=1.2, kinds=KINDS)
def ctx_changelog_rst(c: Ctx) -> list[Line]:
    """reST changelogs (CHANGES.rst, HISTORY.rst): ``:release-by:`` fields, ``:user:``/``:pr:`` roles, thanks lines."""
    r = c.rng
    lines: list[Line] = []
    for _ in range(max(1, _n(c) // 5)):
        head = version(c, 3) if r.random() < 0.6 else f"Version {version(c, 3)}"
        lines += [[head], ["=" * len(head) if r.random() < 0.5 else "-" * len(head)], []]
        if r.random() < 0.6:
            lines += [[f":release-date: {_date(c)} {r.randint(1, 12)}:{r.randint(0, 59):02d} {r.choice(('A.M', 'P.M'))} UTC"],
                      [":release-by: ", c.name(c.person())], []]
        else:
            lines += [[f"Released {_date(c)}"], []]
        for _ in range(r.randint(1, 5)):
            role = r.choice((":pr:", ":issue:", ":gh:", ":bpo:"))
            lines.append(["- ", r.choice(CHANGES), f" ({role}`{r.randint(10, 9999)}`). ", *_rst_credit(c)])
        lines.append([])
    return lines[:-1]


@context(weight=1.0, kinds=KINDS)
def ctx_news_entries(c: Ctx) -> list[Line]:
    """NEWS / release-notes prose: ``bpo-123: ... Patch by Name.``, ``(Contributed by Name in gh-123.)``."""
    r = c.rng
    lines: list[Line] = [[r.choice(("What's New", "Library", "Core and Builtins", "Bug fixes", "Tests"))], [r.choice(("---------", "=========="))], []]
    for _ in range(_n(c)):
        p = c.person()
        ref = r.choice((f"bpo-{r.randint(10000, 46000)}", f"gh-{r.randint(1000, 120000)}", f"#{r.randint(10, 9999)}", f"Issue #{r.randint(10, 9999)}"))
        credit = r.choice((["Patch by ", c.name(p), "."], ["(Contributed by ", c.name(p), f" in {ref}.)"],
                           ["Initial patch by ", c.name(p), ", updated by ", c.name(c.person()), "."],
                           ["Reported by ", c.name(p), " (", c.user("@" + p.handle), ")."], ["Found by ", c.user(p.handle), " on IRC."],
                           [f"See {ref}."], [f"Requires version {version(c, 4)}."]))
        lines.append([r.choice(("- ", "* ", "")), f"{ref}: ", r.choice(CHANGES), ". ", *credit])
    return lines


@kind_negatives("changelog", shared=("markdown", "text"))
def changelog_negatives(c: Ctx) -> list[Line]:
    """Version bumps by bots, SHAs, org-owned links, decorators: nothing labeled."""
    r = c.rng
    repo = Repo(c, person_share=0.0)
    lines: list[Line] = [[f"{version(c, 3)} ({_date(c)})"], [], *[[r.choice(("- ", "* ")), *bump_line(c)] for _ in range(r.randint(1, 4))]]
    if r.random() < 0.5:
        lines.append(["- Merge ", *repo.link(c, "pull", r.randint(10, 9999)), f" ({sha(c, True)})"])
    if r.random() < 0.5:
        lines.append([f"- Document ``{r.choice(CODE_MENTIONS)}`` usage; tested against {version(c, 4)}."])
    return lines
