"""Contexts that hold credentials: settings, connection strings, auth headers, keys, CLI flags."""
from __future__ import annotations

from .builder import Line, Pii
from .context import Ctx, context
from .credentials import basic_auth, password, pem_private_key, provider_key, ssh_public_key
from .network import host_ip, ipv4
from .people import example_username

PROVIDER_KEY_NAMES = {
    "aws_access_key_id": ("aws access key id", "access key id", "aws access key"),
    "aws_secret_access_key": ("aws secret access key", "aws secret key", "secret access key"),
    "aws_session_token": ("aws session token", "session token"),
    "gcp_api_key": ("google api key", "maps api key", "firebase api key", "gcp api key"),
    "gcp_oauth_client_secret": ("google client secret", "oauth client secret"),
    "azure_storage_key": ("azure storage key", "storage account key", "account key"),
    "azure_client_secret": ("azure client secret", "arm client secret", "client secret"),
    "github_pat": ("github token", "gh token", "github access token"),
    "github_fine_grained_pat": ("github token", "github pat"),
    "gitlab_pat": ("gitlab token", "gitlab private token", "ci job token"),
    "slack_bot_token": ("slack bot token", "slack token"),
    "slack_user_token": ("slack user token", "slack api token"),
    "slack_app_token": ("slack app token",),
    "stripe_secret_key": ("stripe secret key", "stripe api key", "stripe key"),
    "stripe_webhook_secret": ("stripe webhook secret", "webhook secret", "signing secret"),
    "openai_api_key": ("openai api key", "openai key", "llm api key"),
    "anthropic_api_key": ("anthropic api key",),
    "huggingface_token": ("hf token", "huggingface token", "hub token"),
    "npm_token": ("npm token", "npm auth token"),
    "pypi_token": ("pypi token", "twine password", "pypi api token"),
    "sendgrid_api_key": ("sendgrid api key", "mail api key"),
    "twilio_api_key": ("twilio api key",),
    "mailgun_api_key": ("mailgun api key", "mailgun key"),
    "telegram_bot_token": ("telegram bot token", "bot token"),
    "discord_bot_token": ("discord token", "discord bot token"),
    "shopify_token": ("shopify access token",),
    "datadog_api_key": ("datadog api key", "dd api key"),
    "django_secret_key": ("secret key",),
    "hex_secret": ("api key", "api secret", "app secret", "signing key", "encryption key", "hmac secret"),
    "base64_secret": ("jwt secret", "session secret", "encryption key", "master key"),
    "jwt": ("access token", "auth token", "bearer token", "id token", "refresh token"),
    "readable_secret": ("secret key", "signing key", "jwt secret", "hmac key"),
}
PASSWORD_KEYS = ("password", "db password", "passwd", "pwd", "smtp password", "redis password", "admin password",
                 "mysql root password", "postgres password", "ldap bind password", "mail pass", "db pass", "keystore password")
DB_SCHEMES = (("postgresql", 5432), ("postgres", 5432), ("mysql", 3306), ("mongodb", 27017), ("redis", 6379),
              ("amqp", 5672), ("mssql", 1433), ("mongodb+srv", None), ("ftp", 21), ("smtp", 587), ("ldap", 389))
SCHEME_KEYS = {"redis": "redis url", "amqp": "broker url", "mongodb": "mongo uri", "mongodb+srv": "mongodb uri", "ftp": "ftp url",
               "smtp": "smtp url", "ldap": "ldap uri", "mssql": "sql server url"}
CONNECT_CALLS = {
    "python": ("create_engine", "MongoClient", "redis.from_url", "psycopg2.connect", "pika.URLParameters"),
    "javascript": ("mysql.createConnection", "mongoose.connect", "new Pool", "createClient"), "typescript": ("new DataSource", "mongoose.connect", "new Redis"),
    "java": ("DriverManager.getConnection", "MongoClients.create"), "go": ("sql.Open", "redis.ParseURL", "mongo.Connect"),
    "ruby": ("Sequel.connect", "Redis.new"), "php": ("new PDO", "new MongoDB\\Client"), "rust": ("PgPool::connect", "redis::Client::open"),
    "csharp": ("new NpgsqlConnection", "new MongoClient"), "cpp": ("pqxx::connection",), "c": ("PQconnectdb", "mysql_real_connect"),
}
HOSTNAMES = ("db.internal", "localhost", "postgres", "mysql.prod.local", "cluster0.mongodb.net", "redis-master", "mq.svc.cluster.local")


def _login(c: Ctx) -> str:
    """A login as found in configs: a person's username or a placeholder (admin, root, ...)."""
    return example_username(c.rng) if c.rng.random() < 0.35 else c.person().username


def _host(c: Ctx) -> list:
    if c.rng.random() < 0.5:
        return [c.rng.choice(HOSTNAMES)]
    ip = host_ip(c.rng)
    return ["[", Pii(ip, "IP_ADDRESS"), "]"] if ":" in ip else [Pii(ip, "IP_ADDRESS")]


def db_url(c: Ctx) -> list:
    """``scheme://user:pass@host:port/db``; the user, the password and an IP host are labeled."""
    scheme, port = c.rng.choice(DB_SCHEMES)
    user: list = [] if scheme == "redis" and c.rng.random() < 0.5 else [c.user(_login(c))]
    out: list = [f"{scheme}://", *user, ":", Pii(password(c.rng, url_safe=True), "PASSWORD"), "@", *_host(c)]
    if port and c.rng.random() < 0.7:
        out.append(f":{port}")
    out.append(c.rng.choice(("/app", "/orders", "/0", "/admin?authSource=admin", "/prod", "")))
    return out


@context(weight=4.0)
def ctx_credential(c: Ctx) -> list[Line]:
    """A password or provider key under a telling name: PASSWORD / KEY."""
    if c.rng.random() < 0.35:
        return [c.set(c.rng.choice(PASSWORD_KEYS), [Pii(password(c.rng), "PASSWORD")])]
    provider, value = provider_key(c.rng)
    lines = [c.set(c.rng.choice(PROVIDER_KEY_NAMES[provider]), [Pii(value, "KEY")])]
    if provider == "aws_access_key_id" and c.rng.random() < 0.7:
        lines.append(c.set("aws secret access key", [Pii(provider_key(c.rng, "aws_secret_access_key")[1], "KEY")]))
    return lines


@context(weight=2.5)
def ctx_connection_string(c: Ctx) -> list[Line]:
    """DSN URLs, JDBC and ADO.NET strings with user and password."""
    r = c.rng
    roll = r.random()
    if roll < 0.6:
        url = db_url(c)
        if c.code and c.kind in CONNECT_CALLS and r.random() < 0.5:
            fn = r.choice(CONNECT_CALLS[c.kind])
            line = c.call(r.choice(("engine", "conn", "client", "db")), fn, url)
            if line:
                return [line]
        scheme = url[0].split(":")[0]
        key = SCHEME_KEYS.get(scheme) or r.choice(("database url", "db url", "sqlalchemy database uri", "dsn", "database uri"))
        return [c.set(key, url)]
    user = c.user(_login(c))
    pwd = Pii(password(r), "PASSWORD")
    if roll < 0.8:
        value = ["jdbc:mysql://", *_host(c), ":3306/app?user=", user, "&password=", pwd]
    else:
        value = ["Server=", *_host(c), ";Database=Orders;User Id=", user, ";Password=", pwd, ";"]
    return [c.set(r.choice(("connection string", "jdbc url", "default connection")), value)]


@context(weight=2.0)
def ctx_http_auth(c: Ctx) -> list[Line]:
    """Authorization headers (Bearer, Basic, API key headers) and ``curl -u``."""
    r = c.rng
    provider, token = provider_key(r, r.choice(("jwt", "github_pat", "openai_api_key", "hex_secret", "gitlab_pat", "slack_bot_token")))
    scheme = r.choice(("Bearer ", "Bearer ", "token ", "Basic "))
    if scheme == "Basic ":
        token = basic_auth(_login(c), password(r))
    header = r.choice(("Authorization", "Authorization", "X-Api-Key", "Private-Token"))
    value = [scheme if header == "Authorization" else "", Pii(token, "KEY")]
    k = c.kind
    if k in ("shell", "markdown", "dockerfile"):
        if r.random() < 0.4:
            return [["curl -u ", c.user(_login(c)), ":", Pii(password(r, url_safe=True), "PASSWORD"), " https://api.", r.choice(("acme.io", "jenkins.local", "nexus.corp")), "/v1/status"]]
        return [["curl -s -H \"", header, ": ", *value, "\" https://api.example.org/v2/items"]]
    if k == "python":
        return [["headers = {\"", header, "\": \"", *value, "\"}"]]
    if k in ("javascript", "typescript"):
        return [["  headers: { ", header if header != "X-Api-Key" else "'X-Api-Key'", ": `", *value, "` },"]]
    if k in ("java", "csharp", "go"):
        call = {"java": "        request.setHeader(\"", "csharp": "            client.DefaultRequestHeaders.Add(\"", "go": "\treq.Header.Set(\""}[k]
        return [[call, header, "\", \"", *value, "\")", "" if k == "go" else ";"]]
    return [c.set("authorization", value)]


@context(weight=1.5)
def ctx_private_key(c: Ctx) -> list[Line]:
    """A PEM private key block inside a string, heredoc, YAML block or JSON field: KEY."""
    r, k = c.rng, c.kind
    if k == "json":
        return [['  "private_key": "', Pii(pem_private_key(r, newline="\\n"), "KEY"), '\\n",']]
    key = pem_private_key(r)
    if k == "python":
        return [[r.choice(("PRIVATE_KEY", "SIGNING_KEY", "TEST_KEY")), " = \"\"\"", Pii(key, "KEY"), "\n\"\"\""]]
    if k in ("javascript", "typescript"):
        return [["const privateKey = `", Pii(key, "KEY"), "`;"]]
    if k == "go":
        return [["const testKey = `", Pii(key, "KEY"), "`"]]
    if k in ("yaml",):
        return [["  ", r.choice(("tls.key", "private_key", "ssh_private_key", "deploy_key")), ": |"], ["    ", Pii(key.replace("\n", "\n    "), "KEY")]]
    if k == "terraform":
        return [["  private_key = <<EOF"], [Pii(key, "KEY")], ["EOF"]]
    if k in ("shell", "dockerfile", "markdown"):
        run = "RUN " if k == "dockerfile" else ""
        return [[run, "cat > ~/.ssh/id_rsa <<'EOF'" if k != "dockerfile" else "echo '"], [Pii(key, "KEY")], ["EOF" if k != "dockerfile" else "' > /root/.ssh/id_rsa"]]
    if k in ("ruby", "php", "rust"):
        return [[{"ruby": "KEY = <<~PEM", "php": "$key = <<<PEM", "rust": "const KEY: &str = r#\""}[k]], [Pii(key, "KEY")], [{"ruby": "PEM", "php": "PEM;", "rust": "\"#;"}[k]]]
    return []


@context(weight=1.2)
def ctx_ssh_key(c: Ctx) -> list[Line]:
    """An SSH public key line: the base64 body is KEY; a comment email is EMAIL, user@host a USERNAME."""
    r = c.rng
    kind, body = ssh_public_key(r)
    p = c.person()
    comment = [" ", c.email(p.email)] if r.random() < 0.5 else [" ", c.user(p.username), "@", r.choice(("laptop", "MacBook-Pro", "workstation", "dev-box", "thinkpad"))]
    key = [kind, " ", Pii(body, "KEY"), *comment]
    if c.kind == "yaml":
        return [["ssh_authorized_keys:"], ["  - ", *key]]
    if c.kind == "terraform":
        return [["resource \"aws_key_pair\" \"deployer\" {"], ["  key_name   = \"deployer-key\""], ["  public_key = \"", *key, "\""], ["}"]]
    if c.kind in ("shell", "dockerfile"):
        run = "RUN " if c.kind == "dockerfile" else ""
        return [[run, "echo \"", *key, "\" >> ~/.ssh/authorized_keys"]]
    if c.kind in ("markdown", "ini", "env"):
        return [key]
    return [c.set("ssh public key", key)]


@context(weight=1.3, kinds=("shell", "dockerfile", "markdown", "yaml", "python", "ruby"))
def ctx_cli_credentials(c: Ctx) -> list[Line]:
    """Passwords on command lines: ``-p<pass>``, ``PGPASSWORD=``, ``docker login``, URLs with tokens."""
    r = c.rng
    user, pwd = c.user(_login(c)), Pii(password(r, url_safe=True), "PASSWORD")
    ip = Pii(host_ip(r) if r.random() < 0.5 else ipv4(r), "IP_ADDRESS")
    forms = (
        ["mysql -h ", ip, " -u ", user, " -p", pwd, " orders < dump.sql"],
        ["PGPASSWORD=", pwd, " psql -h ", ip, " -U ", user, " -d app"],
        ["docker login -u ", user, " -p ", pwd, " registry.", r.choice(("gitlab.com", "acme.io", "corp.local"))],
        ["sshpass -p '", pwd, "' ssh ", user, "@", ip],
        ["git clone https://", c.user(c.person().handle), ":", Pii(provider_key(r, "github_pat")[1], "KEY"), "@github.com/", r.choice(("acme", "org", "infra")), "/deploy.git"],
        ["redis-cli -h ", ip, " -p 6379 -a ", pwd, " INFO"],
        ["htpasswd -b -c /etc/nginx/.htpasswd ", user, " ", pwd],
    )
    line = list(r.choice(forms))
    if ":" in ip.value and line[0] != "git clone https://":
        line = [p if p is not ip else Pii(ipv4(r), "IP_ADDRESS") for p in line]
    k = c.kind
    if k == "dockerfile":
        return [["RUN ", *line]]
    if k == "yaml":
        return [["      - run: ", *line]] if "'" not in "".join(p if isinstance(p, str) else p.value for p in line) else [["      - run: >-"], ["          ", *line]]
    if k in ("python", "ruby"):
        return [["os.system(\"" if k == "python" else "system(\"", *line, "\")"]] if "\"" not in "".join(x if isinstance(x, str) else x.value for x in line) else c.comment([line])
    return [line]


# Provider clients built with a literal key: (kind, provider, line before the key, line after it).
CLIENT_FORMS = (
    ("python", "openai_api_key", "client = OpenAI(api_key=\"", "\")"), ("python", "stripe_secret_key", "stripe.api_key = \"", "\""),
    ("python", "github_pat", "gh = Github(\"", "\")"), ("python", "slack_bot_token", "slack = WebClient(token=\"", "\")"),
    ("python", "huggingface_token", "login(token=\"", "\")"), ("python", "anthropic_api_key", "client = anthropic.Anthropic(api_key=\"", "\")"),
    ("javascript", "github_pat", "const octokit = new Octokit({ auth: '", "' });"), ("javascript", "stripe_secret_key", "const stripe = require('stripe')('", "');"),
    ("typescript", "openai_api_key", "const openai = new OpenAI({ apiKey: '", "' });"), ("typescript", "sendgrid_api_key", "sgMail.setApiKey('", "');"),
    ("go", "stripe_secret_key", "\tstripe.Key = \"", "\""), ("go", "github_pat", "\tclient := github.NewClient(nil).WithAuthToken(\"", "\")"),
    ("ruby", "stripe_secret_key", "Stripe.api_key = '", "'"), ("ruby", "github_pat", "client = Octokit::Client.new(access_token: '", "')"),
    ("php", "stripe_secret_key", "\\Stripe\\Stripe::setApiKey('", "');"), ("java", "twilio_api_key", "        Twilio.init(\"", "\", authToken);"),
    ("csharp", "sendgrid_api_key", "            var client = new SendGridClient(\"", "\");"), ("rust", "openai_api_key", "    let client = Client::new().with_api_key(\"", "\");"),
)


@context(weight=1.5, kinds=("python", "javascript", "typescript", "go", "ruby", "php", "java", "csharp", "rust", "shell", "yaml", "markdown"))
def ctx_key_in_code(c: Ctx) -> list[Line]:
    """Keys passed straight to SDK clients, or carried in URLs (``?key=``, bot paths, webhook paths)."""
    r = c.rng
    forms = [f for f in CLIENT_FORMS if f[0] == c.kind]
    if forms and r.random() < 0.6:
        _, provider, before, after = r.choice(forms)
        return [[before, Pii(provider_key(r, provider)[1], "KEY"), after]]
    roll = r.random()
    if roll < 0.3:
        url = ["https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=", Pii(provider_key(r, "gcp_api_key")[1], "KEY")]
    elif roll < 0.55:
        url = ["https://api.telegram.org/bot", Pii(provider_key(r, "telegram_bot_token")[1], "KEY"), "/sendMessage"]
    elif roll < 0.8:
        team, bot = "T" + "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10)), "B" + "".join(r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(10))
        url = [f"https://hooks.slack.com/services/{team}/{bot}/", Pii("".join(r.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(24)), "KEY")]
    else:
        url = [f"https://discord.com/api/webhooks/{r.randint(10**17, 10**18)}/", Pii(provider_key(r, "discord_bot_token")[1].replace(".", "")[:68], "KEY")]
    if c.kind in ("shell", "markdown"):
        return [["curl -s -X POST \"", *url, "\" -d @payload.json"]]
    return [c.set(r.choice(("webhook url", "notify url", "endpoint", "api url")), url)]
