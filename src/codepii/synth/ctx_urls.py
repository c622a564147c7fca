"""Users inside paths and URLs: tracebacks and prompts with home directories, profile links on many
sites, and ``scheme://user:pass@host`` URLs in URL-parsing tests.

Home directories of CI runners and system accounts (``/home/runner``,
``/home/travis``, ``/root``, ``/home/ubuntu``) and organisation profile links
are the negatives.
"""
from __future__ import annotations

from .builder import Line, Piece, Pii
from .context import Ctx, context
from .credentials import HEX, password, rand
from .forge import ORGS, REPOS
from .negatives import kind_negatives
from .network import ipv4

CODE = ("python", "javascript", "typescript", "go", "ruby", "java", "php", "rust")
SYSTEM_HOMES = ("/home/runner/work/⟨r⟩/⟨r⟩", "/home/travis/build/⟨o⟩/⟨r⟩", "/root/.cache/pip", "/home/ubuntu/⟨r⟩", "/home/vagrant/⟨r⟩",
                "/Users/runner/work/⟨r⟩", "/builds/⟨o⟩/⟨r⟩", "/github/workspace", "/opt/app", "/var/lib/jenkins/workspace/⟨r⟩")


def _login(c: Ctx) -> str:
    return c.person().username.replace(".", "") if c.rng.random() < 0.7 else c.person().handle


def _home(c: Ctx) -> list[Piece]:
    r = c.rng
    root = r.choice(("/home/", "/home/", "/Users/", "C:\\Users\\", "/mnt/c/Users/"))
    sep = "\\" if root.startswith("C:") else "/"
    return [root, c.user(_login(c)), sep]


@context(weight=1.0, kinds=("python", "text", "markdown", "yaml", "shell"))
def ctx_traceback(c: Ctx) -> list[Line]:
    """A traceback or shell session pasted into a test, doc or CI log: the home directory's user is a USERNAME."""
    r = c.rng
    home = _home(c)
    sep = home[-1]
    proj = r.choice(REPOS)
    lines: list[Line] = [["Traceback (most recent call last):"],
                         ["  File \"", *home, sep.join(("src", proj, "cli.py")), f"\", line {r.randint(10, 400)}, in main"], ["    run(args)"],
                         ["  File \"", *home, sep.join((".venv", "lib", "python3.11", "site-packages", "requests", "api.py")), f"\", line {r.randint(10, 200)}, in request"],
                         [f"{r.choice(('ConnectionError', 'KeyError', 'ValueError'))}: {r.choice(('timed out', 'bad header', 'no such key'))}"]]
    if r.random() < 0.4:
        user = c.user(_login(c))
        lines = [["(venv) ", user, "@", r.choice(("laptop", "devbox", "mbp", "ws-042")), f":~/{proj}$ pytest -x"], *lines]
    if c.kind == "python":
        return [["EXPECTED_TRACEBACK = r\"\"\""], *lines, ["\"\"\""]]
    if c.kind == "markdown":
        return [["```"], *lines, ["```"]]
    if c.kind == "yaml":
        return [["log: |"], *[["  ", *ln] for ln in lines]]
    if c.kind == "shell":
        return c.comment(lines)
    return lines


PROFILE_SITES = (
    ("https://gitlab.com/", ""), ("https://bitbucket.org/", "/⟨r⟩"), ("https://twitter.com/", ""), ("https://x.com/", ""),
    ("https://mastodon.social/", ""), ("https://fosstodon.org/", ""), ("https://hachyderm.io/", ""), ("https://www.linkedin.com/in/", "/"), ("https://gist.github.com/", "/⟨h⟩"),
    ("https://launchpad.net/~", ""), ("lp:~", "/⟨r⟩/trunk"), ("https://pypi.org/user/", "/"), ("https://keybase.io/", ""),
    ("https://github.com/", "?tab=repositories"), ("https://sr.ht/~", "/⟨r⟩"), ("https://codeberg.org/", "/⟨r⟩"),
)


@context(weight=1.2, kinds=CODE + ("markdown", "text", "credits", "yaml", "html", "shell"))
def ctx_profile_links(c: Ctx) -> list[Line]:
    """A person's account in a profile URL on a forge or social site (``mastodon.social/@user``, ``lp:~user``): USERNAME."""
    r = c.rng
    lines: list[Line] = []
    for _ in range(r.randint(1, 3)):
        p = c.person()
        site, tail = r.choice(PROFILE_SITES)
        handle = ("@" if site.endswith(("social/", "odon.org/", "erm.io/")) else "") + p.handle
        tail = tail.replace("⟨r⟩", r.choice(REPOS)).replace("⟨h⟩", rand(r, HEX, 32))
        what = r.choice(("Maintainer: ", "Contact: ", "See ", "Upstream: ", "Ported from ", "Follow "))
        lines.append([what, c.name(p), " (", site, c.user(handle), tail, ")"] if r.random() < 0.4 else [what, site, c.user(handle), tail])
    if r.random() < 0.3:  # organisation accounts are not people
        lines.append([f"Mirror: https://github.com/{r.choice(ORGS)}/{r.choice(REPOS)}"])
    if c.kind in ("markdown", "text", "credits"):
        return [["- ", *ln] for ln in lines]
    return c.comment(lines)


def _url(c: Ctx) -> tuple[list[Piece], Pii, Pii]:
    r = c.rng
    user = c.user(c.person().username if r.random() < 0.75 else r.choice(("admin", "root", "user", "test")))
    pwd = Pii(password(r, url_safe=True).replace("@", "-").replace(":", "-").replace("/", "-"), "PASSWORD")
    host: list[Piece] = [Pii(ipv4(r), "IP_ADDRESS")] if r.random() < 0.4 else [r.choice(("proxy.corp.local", "ftp.mirror.net", "db.internal", "host"))]
    scheme = r.choice(("http", "https", "ftp", "socks5", "amqp", "redis", "postgres", "smb"))
    return [f"{scheme}://", user, ":", pwd, "@", *host, r.choice((":8080", ":1080", "", "/path?x=1", ":21/pub/"))], user, pwd


@context(weight=1.2, kinds=CODE)
def ctx_url_parse_tests(c: Ctx) -> list[Line]:
    """URL-parsing tests: a URL with credentials and the asserted user and password (each labeled where it appears)."""
    r, k = c.rng, c.kind
    url, user, pwd = _url(c)
    q = '"' if k in ("go", "java", "rust") else c.quote()
    if k == "python":
        if r.random() < 0.5:
            return [["@pytest.mark.parametrize(\"url, user, password\", ["], ["    (", q, *url, q, ", ", q, user, q, ", ", q, pwd, q, "),"], ["])"],
                    ["def test_credentials_from_url(url, user, password):"], ["    assert (urlsplit(url).username, urlsplit(url).password) == (user, password)"]]
        return [["        u = urlparse(", q, *url, q, ")"], ["        assert u.username == ", q, user, q], ["        assert u.password == ", q, pwd, q]]
    if k in ("javascript", "typescript"):
        return [["  const u = new URL(", q, *url, q, ");"], ["  expect(u.username).toBe(", q, user, q, ");"], ["  expect(u.password).toBe(", q, pwd, q, ");"]]
    if k == "go":
        return [["\t{\"", *url, "\", \"", user, "\", \"", pwd, "\"},"]]
    if k == "ruby":
        return [["  uri = URI.parse(", q, *url, q, ")"], ["  expect(uri.user).to eq(", q, user, q, ")"]]
    if k == "java":
        return [["        URI uri = new URI(\"", *url, "\");"], ["        assertEquals(\"", user, "\", uri.getUserInfo().split(\":\")[0]);"]]
    if k == "php":
        return [["        $parts = parse_url(", q, *url, q, ");"], ["        $this->assertSame(", q, user, q, ", $parts['user']);"]]
    return [["    let u = Url::parse(\"", *url, "\").unwrap();"], ["    assert_eq!(u.username(), \"", user, "\");"]]


@kind_negatives(shared=("python", "shell", "yaml", "markdown", "text"))
def system_paths(c: Ctx) -> list[Line]:
    """CI-runner and system-account home directories and org-owned clone URLs: nothing labeled."""
    r = c.rng
    lines: list[Line] = []
    for _ in range(r.randint(1, 3)):
        path = r.choice(SYSTEM_HOMES).replace("⟨o⟩", r.choice(ORGS)).replace("⟨r⟩", r.choice(REPOS))
        lines.append([r.choice((f"  File \"{path}/setup.py\", line {r.randint(1, 99)}, in <module>", f"cd {path} && make test",
                                f"Cloning into '{path}'...", f"git clone https://github.com/{r.choice(ORGS)}/{r.choice(REPOS)}.git {path}"))])
    if c.kind == "python":
        return [["LOG = \"\"\"\\"], *lines, ["\"\"\""]]
    if c.kind == "yaml":
        return [["output: |"], *[["  " + ln[0].lstrip()] for ln in lines]]
    return c.comment(lines) if c.kind == "shell" else lines
