"""Value generators for secrets: passwords and the key formats of real providers.

Formats follow each provider's published prefix, alphabet and length (the
same facts secret scanners match on); the random parts come from the file's
``random.Random``, so a seed reproduces them. JWTs, SSH public keys and PEM
bodies are well formed (they decode), not just the right shape.
"""
from __future__ import annotations

import base64
import json
import random
import string
import struct

UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"

# Words for realistic (non-placeholder) passwords. Placeholder words such as
# "secret", "password", "guest" or "changeme" are AMBIGUOUS in the real-dev
# judgement calls, so they never appear as labeled passwords.
PASSWORD_WORDS = (
    "tiger", "hunter", "dragon", "sunshine", "monkey", "shadow", "falcon", "orange", "pumpkin", "coffee",
    "winter", "summer", "autumn", "rainbow", "bulldog", "marina", "phoenix", "galaxy", "mustang", "banana",
    "kettle", "lantern", "harbor", "violet", "granite", "saturn", "walrus", "zephyr", "cobalt", "juniper",
)
SYMBOLS = "!#%^&*-_+=.?~"
URL_SAFE_SYMBOLS = "-_.~!*"


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    """``n`` characters drawn from ``alphabet`` (one ``choices`` call: the hot path of key generation)."""
    return "".join(rng.choices(alphabet, k=n))


def password(rng: random.Random, url_safe: bool = False) -> str:
    """A password as found in configs and tests: words, leetspeak, or random."""
    symbols = URL_SAFE_SYMBOLS if url_safe else SYMBOLS
    word = rng.choice(PASSWORD_WORDS)
    kind = rng.randrange(8)
    if kind == 0:
        return f"{word}{rng.randint(1, 9999)}"
    if kind == 1:
        return f"{word.capitalize()}{rng.randint(1990, 2026)}{rng.choice(symbols)}"
    if kind == 2:
        leet = word.translate(str.maketrans("aeios", "4310$" if not url_safe else "4310s"))
        return f"{leet.capitalize()}{rng.choice(symbols)}{rng.randint(0, 99)}"
    if kind == 3:
        return rand(rng, ALNUM, rng.randint(10, 24))
    if kind == 4:
        return rand(rng, ALNUM + symbols, rng.randint(12, 32))
    if kind == 5:
        sep = rng.choice("-_.")
        return sep.join(rng.sample(PASSWORD_WORDS, rng.randint(3, 4)))
    if kind == 6:
        return rng.choice(("hunter2", "tiger", "Tr0ub4dor&3", "letmein123", "qwerty123", "P@ssw0rd1", "abc123XYZ"))
    return f"{word}{rng.choice(symbols)}{rand(rng, ALNUM, rng.randint(4, 8))}"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt(rng: random.Random, subject: str | None = None) -> str:
    alg = rng.choice(("HS256", "HS256", "RS256", "ES256"))
    header = {"alg": alg, "typ": "JWT"}
    payload = {"sub": subject or str(rng.randint(10**5, 10**10)), "iat": rng.randint(1_500_000_000, 1_780_000_000)}
    if rng.random() < 0.5:
        payload["exp"] = payload["iat"] + rng.choice((900, 3600, 86400))
    if rng.random() < 0.4:
        payload["scope"] = rng.choice(("read", "read write", "admin", "repo user"))
    sig_bytes = {"HS256": 32, "RS256": 256, "ES256": 64}[alg]
    sig = bytes(rng.getrandbits(8) for _ in range(sig_bytes))
    parts = [_b64url(json.dumps(header, separators=(",", ":")).encode()), _b64url(json.dumps(payload).encode()), _b64url(sig)]
    return ".".join(parts)


def _ssh_string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def ssh_public_key(rng: random.Random) -> tuple[str, str]:
    """(key type, base64 body); the body decodes to a well-formed key blob."""
    kind = rng.choice(("ssh-ed25519", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256"))
    if kind == "ssh-ed25519":
        blob = _ssh_string(b"ssh-ed25519") + _ssh_string(bytes(rng.getrandbits(8) for _ in range(32)))
    elif kind == "ssh-rsa":
        modulus = b"\x00" + bytes([rng.randint(0x80, 0xFF)]) + bytes(rng.getrandbits(8) for _ in range(255))
        blob = _ssh_string(b"ssh-rsa") + _ssh_string(b"\x01\x00\x01") + _ssh_string(modulus)
    else:
        point = b"\x04" + bytes(rng.getrandbits(8) for _ in range(64))
        blob = _ssh_string(kind.encode()) + _ssh_string(b"nistp256") + _ssh_string(point)
    return kind, base64.b64encode(blob).decode("ascii")


PEM_KINDS = {
    # label: (body length in bytes, body prefix bytes, line width)
    "RSA PRIVATE KEY": (1190, b"\x30\x82\x04\xa4\x02\x01\x00\x02\x82\x01\x01\x00", 64),
    "PRIVATE KEY": (1218, b"\x30\x82\x04\xbe\x02\x01\x00\x30\x0d\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 64),
    "EC PRIVATE KEY": (121, b"\x30\x77\x02\x01\x01\x04\x20", 64),
    "OPENSSH PRIVATE KEY": (400, b"openssh-key-v1\x00\x00\x00\x00\x04none", 70),
    "ENCRYPTED PRIVATE KEY": (1298, b"\x30\x82\x05\x0e\x30\x40\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x05\x0d", 64),
    "DSA PRIVATE KEY": (443, b"\x30\x82\x01\xbb\x02\x01\x00\x02\x81\x81\x00", 64),
}


def pem_private_key(rng: random.Random, newline: str = "\n") -> str:
    """A PEM block from ``-----BEGIN`` to the end of its ``-----END ... -----`` line."""
    label = rng.choice(tuple(PEM_KINDS))
    size, prefix, width = PEM_KINDS[label]
    if label == "RSA PRIVATE KEY" and rng.random() < 0.3:
        size = rng.choice((608, 2348))  # 1024- and 4096-bit keys
    body = base64.b64encode(prefix + bytes(rng.getrandbits(8) for _ in range(size - len(prefix)))).decode("ascii")
    lines = [body[i : i + width] for i in range(0, len(body), width)]
    return newline.join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"])


def _aws_access_key_id(rng):
    return rng.choice(("AKIA", "AKIA", "ASIA", "AIDA")) + rand(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)


def _discord(rng):
    uid = str(rng.randint(10**17, 10**18))
    return f"{_b64url(uid.encode())}.{rand(rng, URLSAFE, 6)}.{rand(rng, URLSAFE, 38)}"


# provider -> generator. The provider name is kept in the record's contexts.
PROVIDER_KEYS = {
    "aws_access_key_id": _aws_access_key_id,
    "aws_secret_access_key": lambda r: rand(r, B64, 40),
    "aws_session_token": lambda r: "IQoJb3JpZ2luX2Vj" + rand(r, B64, r.randint(300, 420)),
    "gcp_api_key": lambda r: "AIza" + rand(r, URLSAFE, 35),
    "gcp_oauth_client_secret": lambda r: "GOCSPX-" + rand(r, URLSAFE, 28),
    "azure_storage_key": lambda r: base64.b64encode(bytes(r.getrandbits(8) for _ in range(64))).decode(),
    "azure_client_secret": lambda r: rand(r, ALNUM, 3) + str(r.randint(0, 9)) + "Q~" + rand(r, ALNUM + "_~.-", 34),
    "github_pat": lambda r: r.choice(("ghp_", "gho_", "ghu_", "ghs_", "ghr_")) + rand(r, ALNUM, 36),
    "github_fine_grained_pat": lambda r: "github_pat_" + rand(r, ALNUM, 22) + "_" + rand(r, ALNUM, 59),
    "gitlab_pat": lambda r: r.choice(("glpat-", "glpat-", "gldt-", "glrt-", "glptt-")) + rand(r, URLSAFE, 20),
    "slack_bot_token": lambda r: f"xoxb-{r.randint(10**10, 10**13)}-{r.randint(10**10, 10**13)}-{rand(r, ALNUM, 24)}",
    "slack_user_token": lambda r: f"xoxp-{r.randint(10**10, 10**13)}-{r.randint(10**10, 10**13)}-{r.randint(10**10, 10**13)}-{rand(r, HEX, 32)}",
    "slack_app_token": lambda r: f"xapp-1-A{rand(r, UPPER_DIGITS, 10)}-{r.randint(10**12, 10**13)}-{rand(r, HEX, 64)}",
    "stripe_secret_key": lambda r: r.choice(("sk_live_", "sk_test_", "rk_live_")) + rand(r, ALNUM, r.choice((24, 99))),
    "stripe_webhook_secret": lambda r: "whsec_" + rand(r, ALNUM, 32),
    "openai_api_key": lambda r: r.choice(("sk-proj-" + rand(r, URLSAFE, 120), "sk-" + rand(r, ALNUM, 20) + "T3BlbkFJ" + rand(r, ALNUM, 20))),
    "anthropic_api_key": lambda r: "sk-ant-api03-" + rand(r, URLSAFE, 93) + "AA",
    "huggingface_token": lambda r: "hf_" + rand(r, string.ascii_letters, 34),
    "npm_token": lambda r: "npm_" + rand(r, ALNUM, 36),
    "pypi_token": lambda r: "pypi-AgEIcHlwaS5vcmc" + rand(r, URLSAFE, r.randint(60, 140)),
    "sendgrid_api_key": lambda r: "SG." + rand(r, URLSAFE, 22) + "." + rand(r, URLSAFE, 43),
    "twilio_api_key": lambda r: "SK" + rand(r, HEX, 32),
    "mailgun_api_key": lambda r: "key-" + rand(r, HEX, 32),
    "telegram_bot_token": lambda r: f"{r.randint(10**8, 10**10)}:AA{rand(r, URLSAFE, 33)}",
    "discord_bot_token": _discord,
    "shopify_token": lambda r: r.choice(("shpat_", "shpss_", "shpca_")) + rand(r, HEX, 32),
    "datadog_api_key": lambda r: rand(r, HEX, 32),
    "django_secret_key": lambda r: rand(r, string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", 50),
    "hex_secret": lambda r: rand(r, HEX, r.choice((32, 40, 64))),
    "base64_secret": lambda r: base64.b64encode(bytes(r.getrandbits(8) for _ in range(r.choice((24, 32, 48))))).decode(),
    "jwt": jwt,
    # Readable secrets as test settings hold them (real-dev labels Django's "django_tests_secret_key" KEY).
    "readable_secret": lambda r: r.choice(("django_tests_secret_key", "test-signing-key-", "ci_only_hmac_key_", "insecure-dev-key-", "local-jwt-key-"))
    + r.choice(("", str(r.randint(1, 9999)), rand(r, LOWER_ALNUM, 8))),
}


def provider_key(rng: random.Random, provider: str | None = None) -> tuple[str, str]:
    """(provider, key value)."""
    provider = provider or rng.choice(tuple(PROVIDER_KEYS))
    return provider, PROVIDER_KEYS[provider](rng)


def basic_auth(user: str, pwd: str) -> str:
    return base64.b64encode(f"{user}:{pwd}".encode()).decode("ascii")
