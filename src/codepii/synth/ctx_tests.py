"""Contexts modelled on test suites and client code: login pairs, LDAP binds, auth tuples, JWKs, IP test tables, proxies."""
from __future__ import annotations

import base64

from .builder import Line, Pii
from .context import Ctx, context
from .credentials import password
from .network import host_ip, ipv4, ipv6
from .people import example_username

USER_KEYS = ("user", "username", "login", "db user", "proxy username", "smtp user", "admin user", "bind user", "ftp user")
PASS_KEYS = ("password", "passwd", "proxy password", "smtp password", "db password", "bind password", "ftp password")
CODE_KINDS = ("python", "javascript", "typescript", "java", "go", "ruby", "php", "csharp", "rust")


def _user(c: Ctx) -> Pii:
    return c.user(example_username(c.rng) if c.rng.random() < 0.3 else c.person().username)


@context(weight=2.5)
def ctx_login_pair(c: Ctx) -> list[Line]:
    """A username setting next to its password (``user=``/``login:`` then ``password=``)."""
    r = c.rng
    keys = r.choice(list(zip(USER_KEYS, PASS_KEYS)) + [(r.choice(USER_KEYS), r.choice(PASS_KEYS))])
    lines = [c.set(keys[0], [_user(c)]), c.set(keys[1], [Pii(password(r), "PASSWORD")])]
    if r.random() < 0.4:
        lines.insert(0, c.set(r.choice(("host", "server", "smtp host", "proxy host")), [Pii(host_ip(r), "IP_ADDRESS")]))
    return lines


@context(weight=1.2, kinds=CODE_KINDS + ("yaml", "json", "ini"))
def ctx_ldap_bind(c: Ctx) -> list[Line]:
    """An LDAP bind DN and password: the ``cn``/``uid`` value is the username."""
    r = c.rng
    attr = r.choice(("cn", "uid", "cn", "CN"))
    dc = r.choice(("acme", "corp", "example", "internal", "ad"))
    dn = [f"{attr}=", _user(c), f",{r.choice(('ou=people,', 'ou=users,', 'ou=svc,', ''))}dc={dc},dc={r.choice(('com', 'local', 'org'))}"]
    pwd = Pii(password(r), "PASSWORD")
    if c.kind == "python" and r.random() < 0.6:
        return [["conn = Connection(server, user=\"", *dn, "\", password=\"", pwd, "\", auto_bind=True)"]]
    server = [Pii(ipv4(r), "IP_ADDRESS")] if r.random() < 0.5 else [r.choice(("ldap.corp.local", "dc01.ad.internal"))]
    return [c.set("ldap url", ["ldaps://", *server, ":636"]), c.set("bind dn", dn), c.set("bind password", [pwd])]


@context(weight=1.5, kinds=("python", "javascript", "typescript", "ruby", "go", "shell", "markdown"))
def ctx_auth_call(c: Ctx) -> list[Line]:
    """Credentials passed to HTTP clients: ``auth=(user, pass)``, ``HTTPBasicAuth``, axios ``auth``, ``SetBasicAuth``."""
    r, k = c.rng, c.kind
    user, pwd = _user(c), Pii(password(r, url_safe=True), "PASSWORD")
    url = r.choice(("https://api.acme.io/v1/orders", "https://jenkins.corp.local/api/json", "https://nexus.internal/service/rest"))
    if k == "python":
        return [r.choice(([f"resp = requests.get(\"{url}\", auth=(\"", user, "\", \"", pwd, "\"), timeout=10)"],
                          ["session.auth = HTTPBasicAuth(\"", user, "\", \"", pwd, "\")"]))]
    if k in ("javascript", "typescript"):
        return [[f"const res = await axios.get('{url}', {{ auth: {{ username: '", user, "', password: '", pwd, "' } });"]]
    if k == "ruby":
        return [["req.basic_auth '", user, "', '", pwd, "'"]]
    if k == "go":
        return [["\treq.SetBasicAuth(\"", user, "\", \"", pwd, "\")"]]
    return [["wget --user=", user, " --password='", pwd, f"' {url}"]]


def _b64url(c: Ctx, n_bytes: int) -> str:
    return base64.urlsafe_b64encode(bytes(c.rng.getrandbits(8) for _ in range(n_bytes))).rstrip(b"=").decode()


@context(weight=0.8, kinds=("json", "python", "javascript", "typescript"))
def ctx_private_jwk(c: Ctx) -> list[Line]:
    """A private JSON Web Key: each private member (d, p, q, dp, dq, qi) is its own KEY; n, e and kid are not."""
    r = c.rng
    kid = f"{r.choice(('sig', 'enc', 'key'))}-{r.randint(2019, 2026)}-{r.randint(1, 12):02d}"
    if r.random() < 0.5:
        members = [("kty", "EC", None), ("crv", "P-256", None), ("x", _b64url(c, 32), None), ("y", _b64url(c, 32), None), ("d", _b64url(c, 32), "KEY")]
    else:
        members = [("kty", "RSA", None), ("n", _b64url(c, 256), None), ("e", "AQAB", None)]
        members += [(m, _b64url(c, 256 if m == "d" else 128), "KEY") for m in ("d", "p", "q", "dp", "dq", "qi")]
    members.append(("kid", kid, None))
    q = '"' if c.kind in ("json", "python") else c.rng.choice(("'", '"'))
    body: list[Line] = []
    for i, (name, value, cat) in enumerate(members):
        comma = "," if i < len(members) - 1 or c.kind != "json" else ""
        body.append([f"    {q}{name}{q}: {q}", Pii(value, cat) if cat else value, f"{q}{comma}"])
    opener = {"json": '  "jwk": {', "python": "PRIVATE_JWK = {"}.get(c.kind, "const privateJwk = {")
    closer = {"json": "  },", "python": "}"}.get(c.kind, "};")
    return [[opener], *body, [closer]]


@context(weight=1.5, kinds=CODE_KINDS)
def ctx_ip_test_cases(c: Ctx) -> list[Line]:
    """Test tables of addresses and proxies (as in HTTP and DNS libraries' tests)."""
    r, k = c.rng, c.kind
    if k == "python" and r.random() < 0.4:
        user, pwd = _user(c), Pii(password(r, url_safe=True), "PASSWORD")
        ip = Pii(ipv4(r), "IP_ADDRESS")
        return [["proxies = {"], ["    \"http\": \"http://", user, ":", pwd, "@", ip, ":3128\","], ["    \"https\": \"http://", Pii(ipv4(r), "IP_ADDRESS"), ":1080\","], ["}"]]
    rows: list[Line] = []
    for _ in range(r.randint(2, 7)):
        ip = ipv6(r) if r.random() < 0.3 else ipv4(r)
        verdict = r.choice(("True", "False")) if k == "python" else r.choice(("true", "false"))
        rows.append([Pii(ip, "IP_ADDRESS"), verdict])
    if k == "python":
        return [["@pytest.mark.parametrize("], ["    \"address, expected\","], ["    ["],
                *[["        (\"", ip, f"\", {v}),"] for ip, v in rows], ["    ],"], [")"], ["def test_is_routable(address, expected):"],
                ["    assert is_routable(address) is expected"]]
    if k in ("javascript", "typescript"):
        return [["test.each(["], *[["  ['", ip, f"', {v}],"] for ip, v in rows], ["])('routable(%s)', (addr, expected) => {"],
                ["  expect(isRoutable(addr)).toBe(expected);"], ["});"]]
    if k == "go":
        return [["var routableCases = []struct {"], ["\taddr string"], ["\twant bool"], ["}{"], *[["\t{\"", ip, f"\", {v}}},"] for ip, v in rows], ["}"]]
    if k == "ruby":
        return [["CASES = {"], *[["  '", ip, f"' => {v},"] for ip, v in rows], ["}.freeze"]]
    return c.comment([["address, routable"], *[[ip, f"  {v}"] for ip, v in rows]], block=False)


@context(weight=2.0, kinds=CODE_KINDS + ("json", "yaml", "sql"))
def ctx_people_in_data(c: Ctx) -> list[Line]:
    """Person records in code and data: first/last name fields (one span each), full names, assignees, signatures."""
    r, k = c.rng, c.kind
    p = c.person()
    parts = p.name.split(" ")
    first, last = (parts[0], " ".join(parts[1:])) if len(parts) > 1 and "." not in parts[1] else (p.name, "")
    roll = r.random()
    if k == "python" and roll < 0.4:
        args = ["User(first_name=\"", c.pii(first, "NAME"), "\""] + ([", last_name=\"", c.pii(last, "NAME"), "\""] if last else [])
        return [["        ", r.choice(("author", "owner", "customer", "member")), " = ", *args, ", email=\"", c.email(p.email), "\")"]]
    if k == "sql":
        return [["UPDATE tickets SET assignee = '", c.name(p), "' WHERE id = ", str(r.randint(100, 99999)), ";"]]
    if roll < 0.7 and last:
        return [c.set("first name", [c.pii(first, "NAME")]), c.set("last name", [c.pii(last, "NAME")]), c.set("email", [c.email(p.email)])]
    key = r.choice(("assignee", "reviewer", "owner", "display name", "full name", "contact name", "signed by", "reporter"))
    lines = [c.set(key, [c.name(p)])]
    if r.random() < 0.4:
        lines.append(c.set(r.choice(("email", "contact email", "owner email")), [c.email(p.email)]))
    return lines
