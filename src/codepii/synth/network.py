"""Value generators for hosts and account identifiers: IPv4/IPv6 and cloud IDs.

Host addresses avoid every range LABELING.md calls not-PII (loopback,
unspecified, netmasks, broadcast, multicast, documentation ranges), which the
negatives module produces instead.
"""
from __future__ import annotations

import random
import string

from .credentials import HEX, LOWER_ALNUM, UPPER_DIGITS, rand
from .people import ORG_WORDS

# First octets that are neither reserved, loopback, private nor multicast.
_PUBLIC_FIRST = [o for o in range(1, 224) if o not in (10, 100, 127, 169, 172, 192, 198, 203, 0)]


def ipv4_public(rng: random.Random) -> str:
    return f"{rng.choice(_PUBLIC_FIRST)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv4_private(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if kind == 1:
        return f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def ipv4(rng: random.Random) -> str:
    return ipv4_private(rng) if rng.random() < 0.45 else ipv4_public(rng)


def ipv4_network(rng: random.Random) -> tuple[str, int]:
    """(network address, prefix length) for CIDR notation; the address is labeled, the suffix not."""
    prefix = rng.choice((16, 20, 22, 24, 24, 24, 26, 28, 32))
    addr = ipv4(rng).split(".")
    if addr[0] == "10" and rng.random() < 0.3:
        return "10.0.0.0", 8
    keep = prefix // 8
    octets = [o if i < keep else "0" for i, o in enumerate(addr)]
    if prefix == 32:
        octets = addr
    return ".".join(octets), prefix


_V6_PREFIXES = ("2001:4860", "2a00:1450", "2606:4700", "2600:1f18", "2a03:2880", "2604:a880", "2a01:4f8", "2400:cb00", "2001:67c", "2a02:26f0")


def ipv6(rng: random.Random) -> str:
    """A global or unique-local IPv6 host address, full or compressed."""
    roll = rng.random()
    if roll < 0.15:
        head = f"fd{rng.randint(0, 255):02x}:{rng.getrandbits(16):x}"
    elif roll < 0.22:
        head = "fe80:0"
    else:
        head = rng.choice(_V6_PREFIXES)
    groups = [f"{rng.getrandbits(16):x}" for _ in range(6)]
    style = rng.randrange(3)
    if style == 0:
        return f"{head}:{':'.join(groups)}"
    if style == 1:
        return f"{head}::{':'.join(groups[-rng.randint(1, 3):])}"
    return f"{head}:{groups[0]}::{groups[-1]}"


def host_ip(rng: random.Random) -> str:
    return ipv6(rng) if rng.random() < 0.22 else ipv4(rng)


# --------------------------------------------------------------- account IDs


def aws_account_id(rng: random.Random) -> str:
    value = str(rng.randint(10**11, 10**12 - 1))
    return value if value != "123456789012" else "210987654321"


def s3_bucket(rng: random.Random) -> str:
    parts = [rng.choice(ORG_WORDS), rng.choice(("prod", "staging", "dev", "backups", "logs", "data", "assets", "ml"))]
    if rng.random() < 0.5:
        parts.append(rng.choice(("uploads", "artifacts", "exports", "tfstate", "media", "raw", "archive")))
    if rng.random() < 0.4:
        parts.append(str(rng.randint(10, 99999)))
    return "-".join(parts)


def gcp_project_id(rng: random.Random) -> str:
    return f"{rng.choice(ORG_WORDS)}-{rng.choice(('prod', 'analytics', 'platform', 'ml', 'web'))}-{rng.randint(100000, 999999)}"


def google_client_id(rng: random.Random) -> str:
    return f"{rng.randint(10**11, 10**12 - 1)}-{rand(rng, LOWER_ALNUM, 32)}.apps.googleusercontent.com"


def github_client_id(rng: random.Random) -> str:
    return rng.choice(("Iv1." + rand(rng, HEX, 16), "Ov23li" + rand(rng, string.ascii_letters + string.digits, 14)))


def guid(rng: random.Random, upper: bool = False) -> str:
    h = rand(rng, HEX, 32)
    g = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"
    return g.upper() if upper else g


def slack_user_id(rng: random.Random) -> str:
    return rng.choice("UW") + rand(rng, UPPER_DIGITS, rng.choice((8, 10)))


def stripe_customer_id(rng: random.Random) -> str:
    return "cus_" + rand(rng, string.ascii_letters + string.digits, 14)


def analytics_id(rng: random.Random) -> str:
    return rng.choice((f"UA-{rng.randint(10**7, 10**9)}-{rng.randint(1, 9)}", "G-" + rand(rng, UPPER_DIGITS, 10)))


def numeric_user_id(rng: random.Random) -> str:
    return str(rng.randint(1000, 10**9))


def apple_team_id(rng: random.Random) -> str:
    return rand(rng, UPPER_DIGITS, 10)
