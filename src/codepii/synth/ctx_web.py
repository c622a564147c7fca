"""Contexts specific to web pages and SQL: mailto links, author meta tags, team pages, database users."""
from __future__ import annotations

from .builder import Line, Pii
from .context import Ctx, context
from .credentials import password
from .network import ipv4, ipv4_network


@context(weight=2.5, kinds=("html", "markdown"))
def ctx_contact_links(c: Ctx) -> list[Line]:
    """``mailto:`` links, team lists and contact blocks: EMAIL without ``mailto:``, plain NAME."""
    r = c.rng
    lines: list[Line] = []
    for _ in range(r.randint(1, 6)):
        p = c.person()
        if c.kind == "markdown":
            lines.append(["- [", c.name(p), "](mailto:", c.email(p.email), ") — ", r.choice(("backend", "docs", "release manager", "security contact"))])
        elif r.random() < 0.5:
            lines.append(['    <li><a href="mailto:', c.email(p.email), '">', c.name(p), "</a></li>"])
        else:
            lines.append(['    <li class="member"><span class="name">', c.name(p), '</span> <a href="https://github.com/', c.user(p.handle), '">',
                          c.user("@" + p.handle), "</a></li>"])
    if c.kind == "html":
        return [["  <ul class=\"team\">"], *lines, ["  </ul>"]]
    return [["## Contact"], [], *lines]


@context(weight=1.5, kinds=("html",))
def ctx_html_author_meta(c: Ctx) -> list[Line]:
    """``<meta name="author">`` and a copyright footer: page metadata, so *_LICENSE."""
    p = c.person()
    lines: list[Line] = [['  <meta name="author" content="', c.name(p, True), '">']]
    if c.rng.random() < 0.6:
        lines.append([f"  <footer>&copy; {c.rng.randint(2005, 2026)} ", c.name(p, True), " &middot; <a href=\"mailto:", c.email(p.email, True), '">contact</a></footer>'])
    return lines


@context(weight=2.5, kinds=("sql", "markdown", "shell"))
def ctx_sql_grants(c: Ctx) -> list[Line]:
    """``CREATE USER 'u'@'host' IDENTIFIED BY 'pw'``, grants and allowed-host rows."""
    r = c.rng
    user = c.user(c.person().username.replace(".", "_") if r.random() < 0.7 else r.choice(("admin", "root", "test")))
    host = Pii(ipv4(r), "IP_ADDRESS")
    pwd = Pii(password(r).replace("'", "#"), "PASSWORD")
    forms = (
        [["CREATE USER '", user, "'@'", host, "' IDENTIFIED BY '", pwd, "';"], ["GRANT SELECT, INSERT ON app.* TO '", user, "'@'", host, "';"]],
        [["ALTER USER ", user, " WITH PASSWORD '", pwd, "';"]],
        [["CREATE ROLE ", user, " LOGIN PASSWORD '", pwd, "';"]],
    )
    lines = list(r.choice(forms))
    if r.random() < 0.4:
        net, bits = ipv4_network(r)
        lines.append(["INSERT INTO allowed_networks (cidr, note) VALUES ('", Pii(net, "IP_ADDRESS"), f"/{bits}', '{r.choice(('office', 'vpn', 'ci runners'))}');"])
    if c.kind == "markdown":
        return [["```sql"], *lines, ["```"]]
    if c.kind == "shell":
        return [["psql -v ON_ERROR_STOP=1 <<'SQL'"], *lines, ["SQL"]]
    return lines
