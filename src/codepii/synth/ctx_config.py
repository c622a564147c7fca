"""Contexts of deployment and tool configuration: compose files, Kubernetes secrets, CI env, dotfiles."""
from __future__ import annotations

from .builder import Line, Pii
from .context import Ctx, context
from .credentials import password, provider_key
from .network import host_ip
from .people import example_username


def _login(c: Ctx) -> Pii:
    return c.user(example_username(c.rng) if c.rng.random() < 0.4 else c.person().username)


@context(weight=2.0, kinds=("yaml",))
def ctx_compose_service(c: Ctx) -> list[Line]:
    """A docker-compose service, a Kubernetes Secret (``stringData``) or a CI job with literal credentials."""
    r = c.rng
    user, pwd = _login(c), Pii(password(r), "PASSWORD")
    roll = r.random()
    if roll < 0.45:
        db = r.choice((("postgres", "POSTGRES"), ("mysql", "MYSQL"), ("mongo", "MONGO_INITDB_ROOT"), ("rabbitmq", "RABBITMQ_DEFAULT")))
        user_key = {"MONGO_INITDB_ROOT": "MONGO_INITDB_ROOT_USERNAME", "RABBITMQ_DEFAULT": "RABBITMQ_DEFAULT_USER"}.get(db[1], f"{db[1]}_USER")
        pass_key = {"MONGO_INITDB_ROOT": "MONGO_INITDB_ROOT_PASSWORD", "RABBITMQ_DEFAULT": "RABBITMQ_DEFAULT_PASS"}.get(db[1], f"{db[1]}_PASSWORD")
        return [["services:"], [f"  {db[0]}:"], [f"    image: {db[0]}:{r.randint(5, 16)}"], ["    environment:"],
                [f"      {user_key}: ", user], [f"      {pass_key}: \"", pwd, "\""], ["    ports:"], [f"      - \"{r.randint(3000, 9999)}:{r.randint(3000, 9999)}\""]]
    if roll < 0.75:
        _, token = provider_key(r, r.choice(("github_pat", "stripe_secret_key", "slack_bot_token", "hex_secret")))
        return [["apiVersion: v1"], ["kind: Secret"], ["metadata:"], [f"  name: {r.choice(('app', 'db', 'api'))}-credentials"], ["type: Opaque"],
                ["stringData:"], ["  username: ", user], ["  password: \"", pwd, "\""], ["  api-token: ", Pii(token, "KEY")]]
    _, token = provider_key(r, r.choice(("npm_token", "pypi_token", "gitlab_pat", "huggingface_token")))
    return [["jobs:"], ["  deploy:"], ["    runs-on: ubuntu-latest"], ["    env:"], ["      REGISTRY_USER: ", user],
            ["      REGISTRY_TOKEN: ", Pii(token, "KEY")], ["    steps:"], ["      - uses: actions/checkout@v4"], ["      - run: make publish"]]


@context(weight=2.0, kinds=("ini", "text", "shell", "markdown"))
def ctx_dotfile(c: Ctx) -> list[Line]:
    """Credential dotfiles: ``.npmrc``, ``.pypirc``, ``.netrc``, ``.git-credentials``, ``pip.conf``, ``.pgpass``."""
    r = c.rng
    roll = r.random()
    if roll < 0.2:
        lines = [["//registry.npmjs.org/:_authToken=", Pii(provider_key(r, "npm_token")[1], "KEY")], ["always-auth=true"]]
    elif roll < 0.4:
        lines = [["[distutils]"], ["index-servers = pypi"], [], ["[pypi]"], ["username = __token__"], ["password = ", Pii(provider_key(r, "pypi_token")[1], "KEY")]]
    elif roll < 0.6:
        host = [Pii(host_ip(r), "IP_ADDRESS")] if r.random() < 0.4 else [r.choice(("api.heroku.com", "ftp.acme.io", "git.corp.local"))]
        lines = [["machine ", *host], ["  login ", _login(c)], ["  password ", Pii(password(r), "PASSWORD")]]
    elif roll < 0.75:
        lines = [["https://", c.user(c.person().handle), ":", Pii(provider_key(r, "github_pat")[1], "KEY"), "@github.com"]]
    elif roll < 0.9:
        lines = [["[global]"], ["index-url = https://", _login(c), ":", Pii(password(r, url_safe=True), "PASSWORD"), "@nexus.corp.local/repository/pypi/simple"]]
    else:
        lines = [[r.choice(("db.internal", "localhost", "10.0.4.12")), ":5432:*:", _login(c), ":", Pii(password(r).replace(":", "#"), "PASSWORD")]]
    if c.kind == "shell":
        target = r.choice(("~/.npmrc", "~/.pypirc", "~/.netrc", "~/.git-credentials", "/etc/pip.conf", "~/.pgpass"))
        return [[f"cat > {target} <<EOF"], *lines, ["EOF"], [f"chmod 600 {target}"]]
    if c.kind == "markdown":
        return [["```ini"], *lines, ["```"]]
    return lines
