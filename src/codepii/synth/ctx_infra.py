"""Contexts of infrastructure and data: host lists, logs, cloud credentials and IDs, SQL rows, fixtures, paths."""
from __future__ import annotations

from .builder import Line, Pii
from .context import Ctx, context
from .credentials import password, provider_key
from .network import (aws_account_id, analytics_id, apple_team_id, gcp_project_id, github_client_id, google_client_id,
                      guid, host_ip, ipv4, ipv4_network, ipv6, numeric_user_id, s3_bucket, slack_user_id, stripe_customer_id)
from .people import example_email, example_username


def _ip_piece(c: Ctx, ip: str, port: bool) -> list:
    out = [Pii(ip, "IP_ADDRESS")]
    if port:
        p = str(c.rng.choice((22, 80, 443, 5432, 6379, 8080, 8443, 9092, 9200, 27017)))
        out = (["[", *out, "]:" + p] if ":" in ip else [*out, ":" + p])
    return out


def _is_v6(pieces: list) -> bool:
    return any(isinstance(p, Pii) and ":" in p.value for p in pieces)


@context(weight=2.0)
def ctx_host_list(c: Ctx) -> list[Line]:
    """Inventories, upstreams, allow-lists, /etc/hosts: IP_ADDRESS without port or CIDR suffix."""
    r, k = c.rng, c.kind
    n = r.randint(2, 5) if r.random() < 0.7 else r.randint(6, 14)
    cidr = r.random() < 0.25
    port = not cidr and r.random() < 0.4
    items: list[list] = []
    for _ in range(n):
        if cidr:
            net, bits = ipv4_network(r)
            items.append([Pii(net, "IP_ADDRESS"), f"/{bits}"])
        else:
            items.append(_ip_piece(c, ipv6(r) if r.random() < 0.2 else ipv4(r), port))
    if k == "ini":
        v4 = [it for it in items if not _is_v6(it)] or [[Pii(ipv4(r), "IP_ADDRESS")]]
        return [[f"[{r.choice(('webservers', 'db', 'workers', 'k8s_nodes'))}]"]] + [[f"{r.choice(('web', 'db', 'node'))}{i:02d} ansible_host=", *it] for i, it in enumerate(v4, 1)]
    if k in ("yaml", "markdown"):
        key = r.choice(("hosts", "allowed_ips", "seeds", "trusted_proxies", "nameservers"))
        q = '"' if port else ""
        return [[f"{key}:"]] + [["  - " + q, *it, q] for it in items] if k == "yaml" else [["- `", *it, "`"] for it in items]
    if k == "shell":
        if r.random() < 0.5:
            return [["for h in ", *[p for it in items for p in (*it, " ")], "; do"], ["  ssh deploy@$h uptime"], ["done"]]
        return [["iptables -A INPUT -s ", *it, " -j ACCEPT"] for it in items]
    if k == "terraform":
        return [["  cidr_blocks = ["], *[["    \"", *it, "\","] for it in items], ["  ]"]]
    if k == "json":
        key = r.choice(("hosts", "allowedIps", "upstreams", "seed_nodes", "trusted_proxies"))
        return [[f'  "{key}": [']] + [['    "', *it, '"' + ("," if i < len(items) - 1 else "")] for i, it in enumerate(items)] + [["  ],"]]
    if k == "sql":
        return [["INSERT INTO servers (hostname, address) VALUES"]] + [[f"  ('{r.choice(('web', 'db', 'cache', 'worker'))}-{i:02d}', '", *it, "')" + ("," if i < len(items) else ";")]
                                                                        for i, it in enumerate(items, 1)]
    if k in ("xml", "html", "dockerfile", "env", "toml"):
        return [c.set(f"host {i}", it) for i, it in enumerate(items, 1)]
    if c.code and r.random() < 0.6:
        q = '"' if k in ("java", "go", "c", "cpp", "csharp", "rust") else c.quote()
        body: list = []
        for i, it in enumerate(items):
            body += ([", "] if i else []) + [q, *it, q]
        open_ = {"python": "HOSTS = [", "ruby": "HOSTS = [", "php": "$hosts = [", "go": "var hosts = []string{", "java": "    List<String> hosts = List.of(",
                 "rust": "const HOSTS: &[&str] = &[", "csharp": "        string[] hosts = {", "c": "static const char *hosts[] = {", "cpp": "std::vector<std::string> hosts = {"}.get(k, "const hosts = [")
        close = {"python": "]", "ruby": "]", "php": "];", "go": "}", "java": ");", "rust": "];", "csharp": "};", "c": "};", "cpp": "};"}.get(k, "];")
        return [[open_, *body, close]]
    return c.comment([[*it, f"\t{r.choice(('web', 'db', 'cache', 'gw'))}{i}.internal"] for i, it in enumerate(items)], block=False)


ENDPOINTS = (("elasticsearch url", "http://", ":9200"), ("consul http addr", "http://", ":8500"), ("grpc target", "", ":50051"),
             ("kafka bootstrap servers", "", ":9092"), ("api base url", "https://", ":8443/v1"), ("ntp server", "", ""),
             ("nameserver", "", ""), ("metrics endpoint", "http://", ":9090/metrics"), ("syslog host", "udp://", ":514"))


@context(weight=1.5)
def ctx_service_endpoints(c: Ctx) -> list[Line]:
    """Service URLs and host:port settings with literal addresses: IP_ADDRESS only, not the scheme or port."""
    r = c.rng
    lines: list[Line] = []
    for key, scheme, suffix in r.sample(ENDPOINTS, r.randint(1, 3)):
        ip = host_ip(r)
        host = ["[", Pii(ip, "IP_ADDRESS"), "]"] if ":" in ip and suffix else [Pii(ip, "IP_ADDRESS")]
        lines.append(c.set(key, [scheme, *host, suffix] if scheme else [*host, suffix]))
    return lines


@context(weight=1.3)
def ctx_log_lines(c: Ctx) -> list[Line]:
    """sshd, web access and audit log lines quoted in comments, tests and docs."""
    r = c.rng
    lines: list[Line] = []
    for _ in range(r.randint(1, 4)):
        p, ip = c.person(), Pii(ipv4(r), "IP_ADDRESS")
        form = r.randrange(3)
        if form == 0:
            lines.append([f"Mar {r.randint(1, 28)} 0{r.randint(0, 9)}:1{r.randint(0, 9)}:02 bastion sshd[{r.randint(300, 65000)}]: Accepted publickey for ",
                          c.user(p.username), " from ", ip, f" port {r.randint(1024, 65535)} ssh2"])
        elif form == 1:
            lines.append([ip, " - ", c.user(p.username), f" [10/Oct/2023:13:55:36 -0700] \"GET /api/v1/orders HTTP/1.1\" 200 {r.randint(100, 9999)}"])
        else:
            lines.append([f"type=USER_LOGIN msg=audit({r.randint(1600000000, 1780000000)}.{r.randint(100, 999)}:{r.randint(10, 999)}): pid={r.randint(300, 9999)} uid=0 auid=",
                          Pii(str(r.randint(1000, 60000)), "ID"), " ses=2 msg='op=login acct=\"", c.user(p.username), "\" addr=", ip, " res=success'"])
    if c.kind in ("markdown",):
        return [["```"], *lines, ["```"]]
    if c.kind == "python" and r.random() < 0.5:
        return [["SAMPLE_LOG = \"\"\"\\"], *lines, ["\"\"\""]]
    return c.comment(lines, block=False)


@context(weight=2.0)
def ctx_cloud_credentials(c: Ctx) -> list[Line]:
    """AWS profiles, Azure connection strings, service principals, GCP service accounts."""
    r, k = c.rng, c.kind
    if k == "json":
        p = c.person()
        return [['  "type": "service_account",'], ['  "project_id": "', Pii(gcp_project_id(r), "ID"), '",'],
                ['  "private_key_id": "', Pii(provider_key(r, "hex_secret")[1][:40].ljust(40, "0"), "KEY"), '",'],
                ['  "client_email": "', c.email(f"{p.first}-sa@{gcp_project_id(r)}.iam.gserviceaccount.com"), '",'],
                ['  "client_id": "', Pii(str(r.randint(10**20, 10**21)), "ID"), '",']]
    roll = r.random()
    if k == "ini" or roll < 0.3:
        lines = [[f"[{r.choice(('default', 'prod', 'staging', c.person().username))}]"] if k in ("ini", "markdown") else [],
                 c.set("aws access key id", [Pii(provider_key(r, "aws_access_key_id")[1], "KEY")]),
                 c.set("aws secret access key", [Pii(provider_key(r, "aws_secret_access_key")[1], "KEY")])]
        return [ln for ln in lines if ln]
    if roll < 0.55:
        acct, key = Pii(f"{r.choice(('acme', 'prod', 'data'))}store{r.randint(1, 999)}", "ID"), Pii(provider_key(r, "azure_storage_key")[1], "KEY")
        return [c.set("azure storage connection string", ["DefaultEndpointsProtocol=https;AccountName=", acct, ";AccountKey=", key, ";EndpointSuffix=core.windows.net"])]
    if roll < 0.8:
        return [c.set("azure tenant id", [Pii(guid(r), "ID")]), c.set("azure subscription id", [Pii(guid(r), "ID")]),
                c.set("azure client id", [Pii(guid(r), "ID")]), c.set("azure client secret", [Pii(provider_key(r, "azure_client_secret")[1], "KEY")])]
    return [c.set("google client id", [Pii(google_client_id(r), "ID")]), c.set("google client secret", [Pii(provider_key(r, "gcp_oauth_client_secret")[1], "KEY")])]


@context(weight=2.0)
def ctx_cloud_ids(c: Ctx) -> list[Line]:
    """Account and resource-owner identifiers: ARNs, buckets, project IDs, client IDs, user IDs."""
    r = c.rng
    forms = (
        ("role arn", lambda: ["arn:aws:iam::", Pii(aws_account_id(r), "ID"), ":role/", r.choice(("deploy", "lambda-exec", "ci-runner"))]),
        ("aws account id", lambda: [Pii(aws_account_id(r), "ID")]),
        ("s3 bucket", lambda: [Pii(s3_bucket(r), "ID")]),
        ("backup uri", lambda: ["s3://", Pii(s3_bucket(r), "ID"), "/", r.choice(("db/", "exports/2024/", "nightly/"))]),
        ("gcp project", lambda: [Pii(gcp_project_id(r), "ID")]),
        ("oauth client id", lambda: [Pii(google_client_id(r), "ID")]),
        ("github client id", lambda: [Pii(github_client_id(r), "ID")]),
        ("slack user id", lambda: [Pii(slack_user_id(r), "ID")]),
        ("stripe customer", lambda: [Pii(stripe_customer_id(r), "ID")]),
        ("ga tracking id", lambda: [Pii(analytics_id(r), "ID")]),
        ("apple team id", lambda: [Pii(apple_team_id(r), "ID")]),
        ("owner user id", lambda: [Pii(numeric_user_id(r), "ID")]),
    )
    picks = r.sample(forms, r.randint(1, 3))
    return [c.set(key, make()) for key, make in picks]


@context(weight=1.5, kinds=("sql", "python", "ruby", "php", "java", "go", "javascript", "typescript", "markdown"))
def ctx_sql_users(c: Ctx) -> list[Line]:
    """``INSERT INTO users`` rows: username, email, name, password, last IP."""
    r = c.rng
    cols = ["id", "username", "email", "full_name"] + (["password"] if r.random() < 0.5 else []) + (["last_login_ip"] if r.random() < 0.4 else [])
    rows: list[Line] = []
    for i in range(r.randint(1, 8)):
        p = c.person() if r.random() < 0.8 else None
        name = c.pii(p.name.replace("'", "’"), "NAME") if p else c.pii(r.choice(("Test User", "John Doe", "Jane Doe")), "NAME_EXAMPLE")
        vals = [str(i + 1), ", '", c.user(p.username if p else example_username(r)), "', '", c.email(p.email if p else example_email(r)), "', '", name, "'"]
        if "password" in cols:
            vals += [", '", Pii(password(r).replace("'", "#"), "PASSWORD"), "'"]
        if "last_login_ip" in cols:
            vals += [", '", Pii(host_ip(r), "IP_ADDRESS"), "'"]
        rows.append(["  (", *vals, ")"])
    body = [[f"INSERT INTO users ({', '.join(cols)}) VALUES"], *[[*row, "," if j < len(rows) - 1 else ";"] for j, row in enumerate(rows)]]
    if c.kind == "sql":
        return body
    if c.kind == "markdown":
        return [["```sql"], *body, ["```"]]
    if c.kind == "python":
        return [["SEED_SQL = \"\"\""], *body, ["\"\"\""]]
    return c.comment(body, block=True) or body


@context(weight=2.5, kinds=("python", "javascript", "typescript", "java", "ruby", "php", "go", "csharp", "json", "yaml"))
def ctx_test_fixture(c: Ctx) -> list[Line]:
    """Users created in tests and fixtures: real-looking or placeholder logins, literal passwords."""
    r, k = c.rng, c.kind
    p = c.person()
    user = c.user(p.username if r.random() < 0.6 else example_username(r))
    email = c.email(p.email if r.random() < 0.6 else example_email(r))
    pwd = Pii(password(r), "PASSWORD")
    if k == "python":
        return r.choice(([["        self.user = User.objects.create_user(\"", user, "\", \"", email, "\", \"", pwd, "\")"]],
                         [["        self.client.login(username=\"", user, "\", password=\"", pwd, "\")"]],
                         [["    return {\"username\": \"", user, "\", \"email\": \"", email, "\", \"password\": \"", pwd, "\"}"]]))
    if k in ("javascript", "typescript"):
        return [["const testUser = { name: '", c.name(p), "', email: '", email, "', password: '", pwd, "' };"]]
    if k == "ruby":
        return [["  let(:user) { create(:user, email: '", email, "', password: '", pwd, "') }"]]
    if k == "php":
        return [["        $user = User::factory()->create(['email' => '", email, "', 'password' => bcrypt('", pwd, "')]);"]]
    if k == "json":
        return [['  "model": "auth.user",'], ['  "fields": {"username": "', user, '", "email": "', email, '", "first_name": "', c.name(p), '"},']]
    if k == "yaml":
        return [[c.user(p.username.replace(".", "_")), ":"], ["  login: ", user], ["  email: ", email], ["  password: \"", pwd, "\""]]
    if k == "java":
        return [["        User user = new User(\"", user, "\", \"", email, "\", \"", pwd, "\");"]]
    if k == "go":
        return [["\tu := &User{Login: \"", user, "\", Email: \"", email, "\", Password: \"", pwd, "\"}"]]
    return [["            var user = new User { UserName = \"", user, "\", Email = \"", email, "\" };"], ["            await _userManager.CreateAsync(user, \"", pwd, "\");"]]


@context(weight=1.3)
def ctx_home_path(c: Ctx) -> list[Line]:
    """Home-directory paths: the user name is a USERNAME, the separators are not."""
    r = c.rng
    u = c.person().username.replace(".", "")
    root = r.choice(("/home/", "/home/", "/Users/", "C:\\\\Users\\\\", "/mnt/c/Users/"))
    sep = "\\\\" if root.startswith("C:") else "/"
    tail = sep.join(r.choice((("projects", "api", "config.yml"), ("venvs", "prod", "bin", "python"), ("data", "dump.csv"), (".ssh", "id_ed25519"))))
    value = [root, c.user(u), sep, tail]
    if c.kind == "markdown":
        return [["Run `python train.py --data ", *value, "` to reproduce."]]
    return [c.set(r.choice(("data dir", "output path", "venv", "cache dir", "identity file", "log file")), value)]
