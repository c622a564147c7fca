"""Whole-file patterns of real repositories: DNS zones, certificate bundles, requirements pins, SNMP MIBs.

Most of what these files hold looks like PII and is not: DKIM/DNSKEY base64,
certificate bodies and fingerprints, ``--hash=sha256:`` pins, version
strings, OIDs. What is PII is labeled: host addresses in zone records (as
real-dev labels DNS test data), the user and password of a private index
URL, the person owning a ``git+https://github.com/<user>/...`` dependency,
a MIB's ``CONTACT-INFO`` (module metadata: ``_LICENSE``), and the name and
address in a self-signed test certificate's subject.
"""
from __future__ import annotations

import base64

from .builder import Line, Pii
from .context import Ctx, context
from .credentials import HEX, password, pem_private_key, provider_key, rand
from .forge import ORGS, REPOS, Repo, org, sha, version
from .negatives import kind_negatives
from .network import ipv4, ipv6
from .people import ORG_WORDS, TLDS


def _domain(c: Ctx) -> str:
    return f"{c.rng.choice(ORG_WORDS)}.{c.rng.choice(TLDS)}"


def _b64(c: Ctx, n_bytes: int, prefix: bytes = b"") -> str:
    return base64.b64encode(prefix + bytes(c.rng.getrandbits(8) for _ in range(n_bytes))).decode()


# --------------------------------------------------------------- DNS zones


@context(weight=1.0, kinds=("zone",))
def ctx_zone_records(c: Ctx) -> list[Line]:
    """A BIND zone: A/AAAA host addresses (IP_ADDRESS); SOA, NS, MX, CNAME, SPF includes and serials not."""
    r = c.rng
    domain = _domain(c)
    serial = f"{r.randint(2015, 2026)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 99):02d}"
    lines: list[Line] = [[f"$ORIGIN {domain}."], [f"$TTL {r.choice((300, 3600, 86400))}"],
                         [f"@\tIN\tSOA\tns1.{domain}. hostmaster.{domain}. ( {serial} 7200 3600 1209600 3600 )"],
                         [f"\tIN\tNS\tns1.{domain}."], [f"\tIN\tNS\tns2.{r.choice(ORG_WORDS)}dns.net."]]
    hosts = ("www", "mail", "ns1", "api", "vpn", "git", "db01", "mx", "ftp", "monitor", "@")
    for _ in range(r.randint(12, 40) if c.list_file else r.randint(3, 10)):
        host = r.choice(hosts)
        roll = r.random()
        if roll < 0.55:
            lines.append([f"{host}\t{r.choice(('', '300'))}\tIN\tA\t", Pii(ipv4(r), "IP_ADDRESS")])
        elif roll < 0.7:
            lines.append([f"{host}\tIN\tAAAA\t", Pii(ipv6(r), "IP_ADDRESS")])
        elif roll < 0.8:
            lines.append(["@\tIN\tTXT\t\"v=spf1 ip4:", Pii(ipv4(r), "IP_ADDRESS"), f" include:_spf.{_domain(c)} ~all\""])
        elif roll < 0.9:
            lines.append([f"{host}\tIN\tCNAME\t{r.choice(('lb', 'edge', 'cdn'))}.{_domain(c)}."])
        else:
            lines.append([f"@\tIN\tMX\t{r.choice((10, 20))}\tmx{r.randint(1, 3)}.{domain}."])
    return lines


@context(weight=0.5, kinds=("python", "go", "ruby", "javascript"))
def ctx_zone_in_test(c: Ctx) -> list[Line]:
    """A zone kept as test data of a resolver (a string constant): the same labels as a zone file."""
    lines = ctx_zone_records(c)[:8]
    open_, close = {"python": ('ZONE = """', '"""'), "go": ("const testZone = `", "`"), "ruby": ("ZONE = <<~ZONE", "ZONE"),
                    "javascript": ("const zone = `", "`;")}[c.kind]
    return [[open_], *lines, [close]]


@kind_negatives("zone")
def zone_negatives(c: Ctx) -> list[Line]:
    """DKIM/DNSKEY/DS/RRSIG keys and digests, verification tokens, DMARC role addresses, doc-range hosts."""
    r = c.rng
    domain = _domain(c)
    options = (
        [f"{r.choice(('default', 'selector1', 'google', 'k1'))}._domainkey\tIN\tTXT\t( \"v=DKIM1; k=rsa; \" \"p={_b64(c, 270, bytes.fromhex('30820122'))}\" )"],
        [f"@\tIN\tDNSKEY\t{r.choice((256, 257))} 3 {r.choice((8, 13))} {_b64(c, r.choice((64, 260)))}"],
        [f"@\tIN\tDS\t{r.randint(1000, 65000)} 13 2 {rand(r, HEX, 64).upper()}"],
        [f"_dmarc\tIN\tTXT\t\"v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@{domain}\""],
        [f"@\tIN\tTXT\t\"{r.choice(('google-site-verification', 'MS', 'atlassian-domain-verification'))}={rand(r, HEX + 'XYZ', 43)}\""],
        [f"example\tIN\tA\t{r.choice(('192.0.2.', '198.51.100.', '203.0.113.'))}{r.randint(1, 254)}"],
        ["localhost\tIN\tA\t127.0.0.1"],
        [f"_sip._tcp\tIN\tSRV\t10 60 5060 sip.{domain}."],
    )
    return r.sample(options, r.randint(2, 4))


# --------------------------------------------------------------- certificates


def certificate(c: Ctx) -> str:
    """A PEM certificate (DER-shaped base64, 64 columns): public, never a KEY."""
    body = _b64(c, c.rng.choice((700, 900, 1300)), b"\x30\x82\x04\x52\x30\x82\x03\x3a\xa0\x03\x02\x01\x02\x02")
    return "\n".join(["-----BEGIN CERTIFICATE-----", *[body[i : i + 64] for i in range(0, len(body), 64)], "-----END CERTIFICATE-----"])


def _fingerprint(c: Ctx, n_bytes: int) -> str:
    return ":".join(rand(c.rng, HEX, 2).upper() for _ in range(n_bytes))


@kind_negatives("pem")
def pem_negatives(c: Ctx) -> list[Line]:
    """A CA-bundle entry (certifi style): issuer/subject of an organisation, serial, fingerprints, the certificate."""
    r = c.rng
    ca = f"{r.choice(ORG_WORDS).capitalize()} {r.choice(('Root CA', 'Global Root G2', 'TLS RSA Root', 'ECC Root CA - R3'))}"
    o = f"{r.choice(ORG_WORDS).capitalize()} {r.choice(('Inc.', 'Ltd', 'Trust Services', 'GmbH'))}"
    return [[f"# Issuer: CN={ca} O={o}"], [f"# Subject: CN={ca} O={o}"], [f"# Label: \"{ca}\""], [f"# Serial: {r.randint(10**20, 10**38)}"],
            [f"# MD5 Fingerprint: {_fingerprint(c, 16)}"], [f"# SHA1 Fingerprint: {_fingerprint(c, 20)}"],
            [f"# SHA256 Fingerprint: {_fingerprint(c, 32)}"], *[[ln] for ln in certificate(c).split("\n")]]


@context(weight=1.0, kinds=("pem",))
def ctx_test_certificate(c: Ctx) -> list[Line]:
    """A self-signed test certificate whose subject names a person (NAME, EMAIL), often with its private key (KEY)."""
    r = c.rng
    p = c.person()
    subject = [f"subject=C = {r.choice(('DE', 'US', 'FR', 'NL', 'JP'))}, O = {r.choice(ORG_WORDS).capitalize()}, CN = ", c.name(p), ", emailAddress = ", c.email(p.email)]
    lines: list[Line] = [subject, [f"issuer=CN = {r.choice(ORG_WORDS).capitalize()} Test CA"], *[[ln] for ln in certificate(c).split("\n")]]
    if r.random() < 0.6:
        lines.append([Pii(pem_private_key(r), "KEY")])
    return lines


# --------------------------------------------------------------- requirements


def _hash_pin(c: Ctx, pkg: str) -> list[Line]:
    r = c.rng
    lines: list[Line] = [[f"{pkg}=={version(c, 3)} \\"]]
    n = r.randint(1, 3)
    lines += [[f"    --hash=sha256:{rand(r, HEX, 64)}" + (" \\" if i < n - 1 else "")] for i in range(n)]
    return lines + [[f"    # via {r.choice(('requests', '-r requirements.in', 'httpx', 'celery'))}"]]


PACKAGES = ("certifi", "charset-normalizer", "idna", "urllib3", "requests", "django", "flask", "click", "pyyaml", "cryptography",
            "cffi", "pycparser", "attrs", "packaging", "jinja2", "markupsafe", "six", "pytz", "kombu", "amqp", "vine")


@context(weight=1.0, kinds=("requirements",))
def ctx_requirements(c: Ctx) -> list[Line]:
    """Pins with a private index URL (user and password or token labeled) and ``git+`` dependencies owned by a person."""
    r = c.rng
    lines: list[Line] = [[f"# This file is autogenerated by pip-compile with Python 3.{r.randint(8, 13)}"], ["#    pip-compile --generate-hashes requirements.in"], []]
    roll = r.random()
    host = r.choice(("pypi.", "nexus.", "artifactory.", "packages.")) + _domain(c)
    if roll < 0.35:
        lines.append([r.choice(("--extra-index-url https://", "--index-url https://")), c.user(c.person().username), ":", Pii(password(r, url_safe=True), "PASSWORD"), f"@{host}/simple/"])
    elif roll < 0.55:
        lines.append(["--extra-index-url https://__token__:", Pii(provider_key(r, "pypi_token")[1], "KEY"), f"@{host}/simple"])
    elif roll < 0.7:
        lines.append(["--trusted-host ", Pii(ipv4(r), "IP_ADDRESS")])
    for _ in range(r.randint(2, 6)):
        pkg = r.choice(PACKAGES)
        lines += _hash_pin(c, pkg) if r.random() < 0.5 else [[f"{pkg}{r.choice(('==', '>=', '~='))}{version(c)}"]]
    repo = Repo(c, person_share=0.6)
    ref = r.choice((f"@v{version(c, 3)}", f"@{sha(c)}", "@main", ""))
    lines.append([f"{repo.name} @ git+", *repo.base(c), f".git{ref}"])
    if r.random() < 0.4:
        other = Repo(c, person_share=0.5)
        lines.append(["-e git+", *other.base(c), f".git#egg={other.name}"])
    return lines


@kind_negatives("requirements", shared=("text",))
def requirements_negatives(c: Ctx) -> list[Line]:
    """Pins, hashes, ``git@github.com`` URLs of organisations, environment markers: nothing labeled."""
    r = c.rng
    lines: list[Line] = []
    for _ in range(r.randint(2, 5)):
        pkg = r.choice(PACKAGES)
        roll = r.random()
        if roll < 0.4:
            lines += _hash_pin(c, pkg)
        elif roll < 0.6:
            lines.append([f"{pkg}=={version(c, 4)} ; python_version < \"3.{r.randint(8, 12)}\""])
        elif roll < 0.8:
            lines.append([f"-e git+ssh://git@github.com/{r.choice(ORGS)}/{r.choice(REPOS)}.git@{sha(c)}#egg={pkg}"])
        else:
            lines.append([f"{pkg} @ https://files.pythonhosted.org/packages/{rand(r, HEX, 2)}/{rand(r, HEX, 2)}/{rand(r, HEX, 60)}/{pkg}-{version(c, 3)}.tar.gz"])
    return lines


# --------------------------------------------------------------- SNMP MIBs


def _mib_name(c: Ctx) -> str:
    return f"{c.rng.choice(ORG_WORDS).upper()}-{c.rng.choice(('SYSTEM', 'ENV', 'POWER', 'IF-EXT', 'SENSOR'))}-MIB"


@context(weight=1.0, kinds=("mib",))
def ctx_mib_module(c: Ctx) -> list[Line]:
    """A MIB ``MODULE-IDENTITY``: ``CONTACT-INFO`` names a person (NAME_LICENSE, EMAIL_LICENSE); OIDs and dates not."""
    r = c.rng
    p = c.person()
    mod = _mib_name(c)
    ident = mod.lower().replace("-mib", "").replace("-", "")
    updated = f"{r.randint(2000, 2026)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}0000Z"
    contact: list[Line] = [["            \"", c.name(p, True)], [f"             Postal: {r.choice(ORG_WORDS).capitalize()} Networks, {r.randint(1, 999)} Main St"]]
    contact.append([f"             {r.choice(('E-mail', 'Email', 'email'))}: ", c.email(p.email, True), "\""])
    return [[f"{mod} DEFINITIONS ::= BEGIN"], [],
            ["IMPORTS"], ["    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;"], [],
            [f"{ident}MIB MODULE-IDENTITY"], [f"    LAST-UPDATED \"{updated}\""],
            [f"    ORGANIZATION \"{r.choice(ORG_WORDS).capitalize()} Networks\""], ["    CONTACT-INFO"], *contact,
            [f"    DESCRIPTION \"The MIB module for {ident} devices.\""], [f"    REVISION \"{updated}\""], ["    DESCRIPTION \"Initial version.\""],
            [f"    ::= {{ enterprises {r.randint(1000, 60000)} }}"]]


@kind_negatives("mib", shared=("python", "c"))
def mib_negatives(c: Ctx) -> list[Line]:
    """OBJECT-TYPE definitions and OID tables: dotted numbers, never addresses."""
    r = c.rng
    base = f"1.3.6.1.4.1.{r.randint(1000, 60000)}"
    if c.kind == "python":
        return [["OIDS = {"], *[[f"    \"{base}.{r.randint(1, 9)}.{r.randint(1, 30)}\": \"{r.choice(('cpuLoad', 'ifInOctets', 'sysUpTime', 'tempSensor'))}\","] for _ in range(r.randint(2, 5))], ["}"]]
    if c.kind == "c":
        return [[f"static const oid {r.choice(('sys_oid', 'if_oid', 'ent_oid'))}[] = {{ {base.replace('.', ', ')}, {r.randint(1, 9)} }};"]]
    name = r.choice(("cpuLoad", "fanSpeed", "psuStatus", "tempCelsius"))
    return [[f"{name} OBJECT-TYPE"], ["    SYNTAX      Integer32"], ["    MAX-ACCESS  read-only"], ["    STATUS      current"],
            [f"    DESCRIPTION \"{name} of the device (OID {base}.1.{r.randint(1, 9)}).\""], [f"    ::= {{ {org(c).replace('-', '')}System {r.randint(1, 20)} }}"], [],
            [f"-- {base}.{r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 255)} is {name}; version {version(c, 4)}"]]


@kind_negatives(shared=("python", "go", "javascript", "ruby", "yaml"))
def certificate_in_code(c: Ctx) -> list[Line]:
    """A test CA certificate in a string: public, never a KEY (unlike a private key block)."""
    cert = certificate(c)
    k = c.kind
    if k == "python":
        return [[f"{c.rng.choice(('CA_CERT', 'SERVER_CERT', 'TEST_CERT'))} = \"\"\"{cert}\n\"\"\""]]
    if k == "go":
        return [[f"const testCert = `{cert}`"]]
    if k == "javascript":
        return [[f"const caCert = `{cert}`;"]]
    if k == "ruby":
        return [["CERT = <<~PEM"], *[[ln] for ln in cert.split("\n")], ["PEM"]]
    return [[f"  {c.rng.choice(('ca.crt', 'tls.crt', 'ca_cert'))}: |"], *[["    " + ln] for ln in cert.split("\n")]]
