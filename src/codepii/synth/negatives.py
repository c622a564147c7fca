"""Hard negatives: text that looks like PII but is not (LABELING.md, "Not PII").

Each generator returns unlabeled lines built with the same setting/comment
forms as the PII contexts, so a model must read the value and its context,
not just the shape of the line.
"""
from __future__ import annotations

import base64
import random
from typing import Callable

from .builder import Line
from .context import Ctx
from .credentials import ALNUM, HEX, rand
from .network import guid
from .people import service_email

AWS_SAMPLES = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")
PLACEHOLDERS = ("<YOUR_API_KEY>", "your-api-key-here", "xxxxxxxxxxxxxxxxxxxx", "********", "${API_KEY}", "{{ api_key }}",
                "<token>", "REPLACE_ME", "%(password)s", "{{ .Values.db.password }}", "${{ secrets.DEPLOY_TOKEN }}", "$DB_PASSWORD",
                "<password>", "YOUR_SECRET_HERE", "sk_test_XXXXXXXXXXXXXXXXXXXXXXXX", "{password}", "#{ENV['SMTP_PASS']}", "")
SPECIAL_IPS = ("127.0.0.1", "0.0.0.0", "255.255.255.0", "255.255.0.0", "255.255.255.255", "::1", "::", "224.0.0.251",
               "169.254.169.254", "255.255.255.240")
DOC_IPS = ("192.0.2.{}", "198.51.100.{}", "203.0.113.{}", "2001:db8::{}", "2001:db8:85a3::8a2e:370:{}")
OIDS = ("1.3.6.1.4.1.311.21.7", "1.2.840.113549.1.1.11", "2.5.4.3", "1.3.6.1.5.5.7.3.1", "1.2.840.10045.4.3.2", "0.9.2342.19200300.100.1.25")
# Algorithms and organisations named after people or brands: not person names (LABELING.md).
EPONYMS = ("Dijkstra's algorithm", "a Bloom filter", "the Levenshtein distance", "Knuth-Morris-Pratt", "a Fisher-Yates shuffle",
           "Newton's method", "the Boyer-Moore search", "a Kalman filter", "Huffman coding", "Bresenham's line algorithm",
           "the Miller-Rabin test", "Kruskal's algorithm", "a Merkle tree", "Diffie-Hellman", "a Gaussian blur")
ORG_NAMES = ("Microsoft", "Google Cloud", "Mozilla", "Oracle", "GitHub", "Cloudflare", "Stripe", "Twilio", "the Apache Foundation")
ENV_NAMES = ("AWS_SECRET_ACCESS_KEY", "DATABASE_PASSWORD", "GITHUB_TOKEN", "STRIPE_API_KEY", "OPENAI_API_KEY", "SMTP_PASSWORD", "JWT_SECRET")


def _version(r: random.Random) -> str:
    return ".".join(str(r.randint(0, 20)) for _ in range(r.choice((3, 4, 4))))


def _env_read(c: Ctx) -> Line:
    name = c.rng.choice(ENV_NAMES)
    forms = {
        "python": f'{name.lower()} = os.environ["{name}"]', "javascript": f"const {name.lower()} = process.env.{name};",
        "typescript": f"const {name.lower()} = process.env.{name} ?? '';", "go": f'\t{name.lower()} := os.Getenv("{name}")',
        "java": f'        String {name.lower()} = System.getenv("{name}");', "ruby": f"{name.lower()} = ENV.fetch('{name}')",
        "php": f"${name.lower()} = getenv('{name}');", "rust": f'    let {name.lower()} = env::var("{name}")?;',
        "shell": f': "${{{name}:?{name} must be set}}"', "yaml": f"  {name.lower()}: ${{{name}}}", "dockerfile": f"ARG {name}",
        "terraform": f'  {name.lower()} = var.{name.lower()}', "csharp": f'            var {name.lower()} = Environment.GetEnvironmentVariable("{name}");',
    }
    return [forms.get(c.kind, f"{name.lower()} = ${{{name}}}")]


def _value_negative(c: Ctx) -> tuple[str, str]:
    """(key, value) of a setting that is not PII."""
    r = c.rng
    forms = (
        ("version", lambda: _version(r)), ("oid", lambda: r.choice(OIDS)), ("bind address", lambda: r.choice(SPECIAL_IPS)),
        ("netmask", lambda: r.choice(("255.255.255.0", "255.255.252.0", "255.255.0.0"))),
        ("example host", lambda: r.choice(DOC_IPS).format(r.randint(1, 254))), ("sha256", lambda: rand(r, HEX, 64)),
        ("checksum", lambda: rand(r, HEX, r.choice((32, 40)))), ("commit", lambda: rand(r, HEX, r.choice((7, 40)))),
        ("request id", lambda: guid(r)), ("object uuid", lambda: guid(r, upper=r.random() < 0.3)), ("trace id", lambda: rand(r, HEX, 32)),
        ("test vector", lambda: base64.b64encode(r.choice((b"hello world", b"The quick brown fox", bytes(range(16)), b"\x00" * 12))).decode()),
        ("primary color", lambda: "#" + rand(r, HEX, r.choice((3, 6)))), ("api key", lambda: r.choice(PLACEHOLDERS)),
        ("password", lambda: r.choice(PLACEHOLDERS)), ("aws access key id", lambda: r.choice(AWS_SAMPLES)),
        ("account id", lambda: "123456789012"), ("region", lambda: r.choice(("us-east-1", "eu-west-1", "ap-southeast-2"))),
        ("host", lambda: r.choice(("localhost", "0.0.0.0", "127.0.0.1", "example.com", "db"))), ("secret name", lambda: f"prod/{r.choice(('db', 'api'))}/credentials"),
        ("sender", lambda: service_email(r)), ("image", lambda: f"python:3.{r.randint(8, 13)}-slim@sha256:{rand(r, HEX, 64)}"),
        ("key size", lambda: str(r.choice((1024, 2048, 4096)))), ("token url", lambda: "https://oauth2.googleapis.com/token"),
        ("cache key", lambda: f"{r.choice(('user', 'session', 'page'))}:{{id}}:v{r.randint(1, 9)}"), ("public key id", lambda: rand(r, ALNUM, 8)),
    )
    key, make = r.choice(forms)
    return key, make()


# System accounts identify no person: never labeled (unlike admin/root placeholders in credentials).
SYSTEM_ACCOUNT_LINES = {
    "shell": ("chown -R www-data:www-data /var/www/html", "sudo -u postgres psql -c 'SELECT 1'", "useradd --system --no-create-home nobody",
              "install -o daemon -g daemon -m 0755 bin/agent /usr/local/bin/"),
    "dockerfile": ("USER nobody", "RUN chown -R www-data:www-data /app", "USER node", "RUN groupadd -r app && useradd -r -g app app"),
}


NegativeFn = Callable[[Ctx], list]
# kind -> look-alikes of that kind's own files (a zone file's DKIM records, a changelog's version bumps);
# a narrow kind uses only these, a broad kind listed in ``shared`` gets them one time in five.
KIND_NEGATIVES: dict[str, NegativeFn] = {}
SHARED_NEGATIVES: dict[str, list[NegativeFn]] = {}


def kind_negatives(kind: str | None = None, shared: tuple[str, ...] = ()):
    """Register a negative-block generator for ``kind`` (and, now and then, for the ``shared`` kinds)."""

    def register(fn: NegativeFn) -> NegativeFn:
        if kind:
            KIND_NEGATIVES[kind] = fn
        for other in shared:
            SHARED_NEGATIVES.setdefault(other, []).append(fn)
        return fn

    return register


def negative_block(c: Ctx) -> list[Line]:
    """One to four lines of look-alikes: environment reads, a comment, system accounts, or settings."""
    r = c.rng
    if c.kind in KIND_NEGATIVES and (c.lang.narrow or r.random() < 0.5):
        return KIND_NEGATIVES[c.kind](c)
    if c.kind in SHARED_NEGATIVES and r.random() < 0.2:
        return r.choice(SHARED_NEGATIVES[c.kind])(c)
    roll = r.random()
    if c.kind in SYSTEM_ACCOUNT_LINES and roll < 0.25:
        return [[line] for line in r.sample(SYSTEM_ACCOUNT_LINES[c.kind], r.randint(1, 2))]
    if roll < 0.15 and c.kind not in ("json", "xml", "html", "markdown", "ini", "toml", "env"):
        lines = [_env_read(c) for _ in range(r.randint(1, 3))]
        return [ln for i, ln in enumerate(lines) if ln not in lines[:i]]
    if roll < 0.3 and c.kind != "json":
        doc_ip = r.choice(DOC_IPS).format(r.randint(1, 254))
        text = r.choice((
            f"Replace {r.choice(PLACEHOLDERS) or '<token>'} with your own key before deploying.",
            f"e.g. connect to {doc_ip} or 127.0.0.1:8080; bind to 0.0.0.0 in containers",
            f"Requires version {_version(r)} or later (OID {r.choice(OIDS)}).",
            "class Alice and def bob() are fixtures of the protocol tests, not people.",
            f"Uses {r.choice(EPONYMS)} here; see the {r.choice(ORG_NAMES)} docs for the wire format.",
            f"{r.choice(EPONYMS).capitalize()} is O(n log n) on this input.",
            f"Build {rand(r, HEX, 12)} fixed the checksum {rand(r, HEX, 32)}.",
        ))
        return c.comment([[text]], block=False)
    lines: list[Line] = []
    seen: set[str] = set()
    for _ in range(r.randint(1, 4)):
        key, value = _value_negative(c)
        if key not in seen:
            seen.add(key)
            lines.append(c.set(key, [value]))
    return lines
