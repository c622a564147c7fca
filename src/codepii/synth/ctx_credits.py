"""AUTHORS / CREDITS / MAINTAINERS / THANKS files and README credit sections: ``*_LICENSE``.

Real-dev judgement call: ``_LICENSE`` covers these files and README credit
sections. Layouts follow real projects: kernel-style ``N:``/``E:``/``W:``
records and ``M:``/``R:``/``L:`` maintainer entries, Markdown tables of
maintainers with forge links, wrapped comma lists of names in THANKS files,
"Created by" credit paragraphs. Mailing lists, organisation accounts, bots,
and GPG fingerprints in the same files are the negatives.
"""
from __future__ import annotations

from .builder import Line, Piece
from .context import Ctx, context
from .credentials import HEX, rand
from .forge import BOTS, ORGS, Repo, org
from .negatives import kind_negatives
from .people import ORG_WORDS

SUBSYSTEMS = ("NETWORKING DRIVERS", "USB SUBSYSTEM", "DNS RESOLVER", "HTTP CLIENT", "DOCUMENTATION", "BUILD SYSTEM", "TLS SUPPORT",
              "PACKAGING", "WINDOWS PORT", "ASYNC BACKEND", "SNMP AGENT", "TEST SUITE")
ROLES = ("maintainer", "core developer", "release manager", "documentation", "security contact", "CI and packaging", "emeritus")


def _fingerprint(c: Ctx) -> str:
    """A GPG key fingerprint in groups of four: a hash, not PII."""
    raw = rand(c.rng, HEX, 40).upper()
    return " ".join(raw[i : i + 4] for i in range(0, 40, 4))


def _list_address(c: Ctx) -> str:
    word = c.rng.choice(ORG_WORDS)
    return c.rng.choice((f"{word}-dev@lists.{word}.org", f"devel@{word}.org", f"{word}@googlegroups.com", f"netdev@vger.{word}.org"))


def _kernel_record(c: Ctx) -> list[Line]:
    """``N: Name`` / ``E: email`` / ``W: url`` / ``P: key`` / ``D: what`` (a CREDITS file)."""
    p, r = c.person(fresh=True), c.rng
    sep = r.choice((": ", ":\t"))
    lines: list[Line] = [[f"N{sep}", c.name(p, True)]]
    if r.random() < 0.85:
        lines.append([f"E{sep}", c.email(p.email, True)])
    if r.random() < 0.5:
        lines.append(r.choice(([f"W{sep}https://github.com/", c.user(p.handle, True)],
                               [f"W{sep}https://{r.choice(ORG_WORDS)}.{r.choice(('dev', 'net', 'org'))}/"],
                               [f"W{sep}https://people.{r.choice(ORG_WORDS)}.org/~", c.user(p.username.replace('.', ''), True), "/"])))
    if r.random() < 0.3:
        lines.append([f"P{sep}{r.choice(('1024D', '4096R', 'rsa4096'))}/{rand(r, HEX, 8).upper()} {_fingerprint(c)}"])
    lines.append([f"D{sep}{r.choice(('Original author of the resolver', 'Packet capture support', 'Windows port', 'Documentation and examples', 'SNMP MIB parser'))}"])
    return lines + [[]]


def _maintainer_entry(c: Ctx) -> list[Line]:
    """A MAINTAINERS entry: ``M:``/``R:`` people (labeled), ``L:`` list, ``S:`` status, ``F:`` files (not)."""
    r = c.rng
    lines: list[Line] = [[r.choice(SUBSYSTEMS)]]
    for tag in ["M"] * r.randint(1, 2) + ["R"] * r.randint(0, 2):
        p = c.person(fresh=r.random() < 0.6)
        lines.append([f"{tag}:\t", c.name(p, True), " <", c.email(p.email, True), ">"])
    if r.random() < 0.6:
        lines.append([f"L:\t{_list_address(c)}"])
    lines += [[f"S:\t{r.choice(('Maintained', 'Supported', 'Odd Fixes', 'Orphan'))}"], [f"F:\t{r.choice(('src/net/', 'docs/', 'tests/dns/', 'lib/snmp/'))}"], []]
    return lines


@context(weight=1.2, kinds=("credits", "text"))
def ctx_maintainers_file(c: Ctx) -> list[Line]:
    """Kernel-style CREDITS records or MAINTAINERS entries: *_LICENSE."""
    lines: list[Line] = []
    records = c.rng.randint(8, 40) if c.list_file else c.rng.randint(2, 5)
    make = _kernel_record if c.rng.random() < 0.5 else _maintainer_entry
    if make is _kernel_record:
        lines += [["This is at least a partial credits-file of people that have contributed."], ["It is sorted by name and formatted to allow easy grepping."], []]
    for _ in range(records):
        lines += make(c)
    return lines[:-1]


def _table_row(c: Ctx, forge: str) -> list[Piece]:
    p, r = c.person(fresh=True), c.rng
    handle = [forge, c.user(p.handle, True)]
    cell = r.choice((["[", c.user("@" + p.handle, True), "](", *handle, ")"], [*handle], ["`", c.user(p.handle, True), "`"]))
    return ["| ", c.name(p, True), " | ", *cell, f" | {r.choice(ROLES)} |"]


@context(weight=1.0, kinds=("credits", "markdown"))
def ctx_maintainer_table(c: Ctx) -> list[Line]:
    """A Markdown table of maintainers with forge links (one row may be an organisation or a bot: unlabeled)."""
    r = c.rng
    forge = r.choice(("https://github.com/", "https://gitlab.com/"))
    lines: list[Line] = [[r.choice(("## Maintainers", "## Team", "## Core team", "# Maintainers"))], [], ["| Name | Account | Role |"], ["| --- | --- | --- |"]]
    for _ in range(r.randint(10, 40) if c.list_file else r.randint(2, 8)):
        lines.append(_table_row(c, forge))
    if r.random() < 0.4:
        lines.append([f"| {r.choice(('Release bot', 'CI', 'Dependency updates'))} | [@{r.choice(BOTS)}]({forge}apps/{r.choice(BOTS).split('[')[0]}) | automation |"])
    return lines


def _name_run(c: Ctx, n: int) -> list[Line]:
    """``Name, Name, Name and Name.`` wrapped at about 72 columns, as THANKS files are."""
    lines: list[Line] = [[]]
    width = 0
    for i in range(n):
        name = c.name(c.person(fresh=True), True)
        sep = "." if i == n - 1 else (" and" if i == n - 2 else ",")
        if width + len(name.value) > 68 and lines[-1]:
            lines.append([])
            width = 0
        lines[-1] += ([" "] if lines[-1] else []) + [name, sep]
        width += len(name.value) + 2
    return lines


@context(weight=1.2, kinds=("credits", "text", "markdown"))
def ctx_thanks_file(c: Ctx) -> list[Line]:
    """THANKS / acknowledgements: wrapped name runs, ``Name (handle)`` bullets; teams and companies unlabeled."""
    r = c.rng
    lines: list[Line] = [[r.choice(("Thanks", "THANKS", "Acknowledgements", "Contributors", "Thank you!"))], []]
    lines.append([r.choice(("The following people have contributed patches, bug reports or ideas:",
                            "We would like to thank everyone who helped, in particular:", "In alphabetical order:"))])
    lines.append([])
    if r.random() < 0.5:
        lines += _name_run(c, r.randint(20, 120) if c.list_file else r.randint(3, 12))
    else:
        for _ in range(r.randint(15, 80) if c.list_file else r.randint(3, 10)):
            if r.random() < 0.1:  # companies credited among people: organisations are not names
                lines.append([r.choice(("- ", "* ", "  ")), f"{r.choice(ORG_WORDS).capitalize()} {r.choice(('GmbH', 'Limited', 'Corporation', 'Inc.', 'Software Foundation', 'B.V.'))}"])
                continue
            p = c.person(fresh=True)
            lines.append(r.choice((["* ", c.name(p, True), " (", c.user(p.handle, True), ")"], ["- ", c.name(p, True)],
                                   ["  ", c.name(p, True), " -- ", c.rng.choice(("docs", "Windows builds", "the logo", "IPv6 support"))])))
    if r.random() < 0.5:
        lines += [[], [f"Special thanks to the {r.choice(ORG_WORDS).capitalize()} team and to {org(c)} for CI resources."]]
    return lines


@context(weight=1.0, kinds=("markdown", "credits"))
def ctx_readme_credits(c: Ctx) -> list[Line]:
    """A README's Credits/Authors section: ``Created by [Name](https://github.com/handle)``: *_LICENSE."""
    r = c.rng
    p, q = c.person(), c.person()
    repo = Repo(c, person_share=0.0)
    lines: list[Line] = [[r.choice(("## Credits", "## Authors", "## Acknowledgements", "## License and credits"))], []]
    lines.append(r.choice((["Created by [", c.name(p, True), "](https://github.com/", c.user(p.handle, True), ") and maintained by the ", *repo.base(c), " team."],
                           ["Written by ", c.name(p, True), " (", c.user("@" + p.handle, True), "), with help from ", c.name(q, True), "."],
                           ["Copyright © ", str(r.randint(2010, 2026)), " ", c.name(p, True), " <", c.email(p.email, True), ">."])))
    if r.random() < 0.6:
        lines += [[], ["Logo by ", c.name(q, True), ". Icons from ", r.choice(("Font Awesome", "Feather", "the Tango project")), "."]]
    return lines


def _handle_entry(c: Ctx, style: int) -> list[Piece]:
    """A credit that names a person by their handle: the handle is USERNAME_LICENSE."""
    p, r = c.person(fresh=True), c.rng
    if style == 0:  # a handle standing where a name would
        return [c.user(p.handle, True), " <", c.email(p.email, True), ">"]
    if style == 1:
        return ["[", c.user("@" + p.handle, True), "](https://github.com/", c.user(p.handle, True), ") (", c.name(p, True), ")"]
    if style == 2:
        return ["`", c.user("@" + p.handle, True), " <https://github.com/", c.user(p.handle, True), ">`_"]
    return ["Thanks to ", c.user(p.handle, True), r.choice((" for the patch.", " for bug reports.", " for the original idea.", "."))]


@context(weight=1.0, kinds=("credits", "text", "markdown"))
def ctx_handle_credits(c: Ctx) -> list[Line]:
    """Credits by handle: ``handle <email>``, ``[@handle](https://github.com/handle) (Name)``, rst links, ``Thanks to handle``."""
    r = c.rng
    style = r.randrange(4)
    bullet = r.choice(("- ", "* ", ""))
    n = r.randint(10, 60) if c.list_file else r.randint(2, 8)
    lines: list[Line] = [[r.choice(("Contributors", "Maintainers", "Thanks", "Sponsored by"))], []]
    for _ in range(n):
        lines.append([bullet, *_handle_entry(c, style if r.random() < 0.8 else r.randrange(4))])
    return lines


@kind_negatives("credits", shared=("text",))
def credits_negatives(c: Ctx) -> list[Line]:
    """Organisations, mailing lists, bots and GPG fingerprints that sit in credits files: nothing labeled."""
    r = c.rng
    lines: list[Line] = [[r.choice(("Organisations", "Sponsors", "Infrastructure"))], []]
    for _ in range(r.randint(1, 4)):
        lines.append([r.choice((f"- {r.choice(ORG_WORDS).capitalize()} Inc. (https://github.com/{r.choice(ORGS)})",
                                f"- Mailing list: {_list_address(c)}", f"- Automated updates by @{r.choice(BOTS)}",
                                f"- Release signing key: {_fingerprint(c)}", f"- CI provided by {org(c)}"))])
    return lines
