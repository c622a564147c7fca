"""IP rules of the pattern detector: versions, OIDs and section numbers are not addresses; the IPv4 fast path."""
from __future__ import annotations

import ipaddress
import random

import pytest

from codepii.detect.filters import is_host_address, parse_ip
from codepii.detect.ip_rules import ipv4_int, is_host_ipv4
from codepii.detect.patterns import PatternDetector


@pytest.fixture(scope="module")
def det() -> PatternDetector:
    return PatternDetector(categories=["IP_ADDRESS"])


def ips(det: PatternDetector, text: str) -> list[str]:
    return [text[s.start : s.end] for s in det.detect([text])[0]]


@pytest.mark.parametrize(
    "text",
    [
        "Bump requests from 1.22.0.90 to 1.22.0.91",
        "Upgraded libfoo from 2.0.0.1 to 2.0.0.2",
        "pins: foo==1.2.3.4, bar>=10.2.3.4, baz~=2.0.0.1",
        "version 2.0.0.1",
        'setProperty("version", "4.18.15.19");',
        'const VERSION: &str = "0.16.12.18";',
        "$config['VERSION'] = '13.5.6.16';",
        "- `version`: `9.13.0.1`",
        'os.environ.setdefault("APP_VERSION", "13.4.19.17")',
        "v = 10.1.2.3",
        "oid: '2.5.4.3'",
        "// Requires OpenSSL (OID 2.5.4.3).",
        'exports.oid = `2.5.4.3`;',
        "# IEEE802.1D-2004 10.3.1.4",
        "see RFC 2616 section 3.6.1.2",
        'BIND_ADDRESS = "169.254.169.254"',
    ],
)
def test_versions_oids_sections_are_not_addresses(det, text):
    assert ips(det, text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ('<input name="host-1" value="172.18.78.44">', ["172.18.78.44"]),
        ("build_server = 10.1.2.3", ["10.1.2.3"]),
        ("host 10.1.2.3  # version 2", ["10.1.2.3"]),
        ("revproxy: 10.9.8.7", ["10.9.8.7"]),
        ("update the host to 10.1.2.3", ["10.1.2.3"]),
        ("dns 1.1.1.1 and 2.3.4.5", ["1.1.1.1", "2.3.4.5"]),
    ],
)
def test_hosts_near_similar_words_are_kept(det, text, expected):
    assert ips(det, text) == expected


def test_oid_dense_text_drops_quads_under_oid_roots(det):
    oids = '"1.2.840.113549.1.1.1": "rsaEncryption",\n"1.3.6.1.4.1.311.21.7": "template",\n'
    text = oids + '"2.5.4.3": "commonName",\n"1.2.3.4": "x",\nserver = "10.1.2.3"\n'
    assert ips(det, text) == ["10.1.2.3"]
    # One long OID alone does not make the text an OID table.
    assert ips(det, '"1.2.840.113549.1.1.1"\nhost = "2.5.4.3"') == ["2.5.4.3"]


def test_ipv4_fast_path_agrees_with_ipaddress():
    rng = random.Random(0)
    values = ["0.0.0.0", "255.255.255.255", "255.255.255.0", "0.0.0.255", "127.0.0.1", "224.0.0.1", "240.0.0.1",
              "192.0.2.7", "198.51.100.1", "203.0.113.9", "01.2.3.4", "256.1.1.1", "1.2.3", "١.2.3.4", "10.0.0.1"]
    values += [".".join(str(rng.choice([rng.randint(0, 255), rng.randint(0, 999)])) for _ in range(4)) for _ in range(3000)]
    values += [str(ipaddress.IPv4Address(rng.getrandbits(32))) for _ in range(3000)]
    for value in values:
        addr = parse_ip(value)
        n = ipv4_int(value)
        assert (n is None) == (addr is None), value
        if n is not None:
            assert is_host_ipv4(n) == is_host_address(addr), value


@pytest.mark.parametrize("text", ['secret="10.1.2.3"', "isolated_host = 10.1.2.3", "security_ip: 10.1.2.3", "oidc_server=10.1.2.3"])
def test_words_that_only_start_like_a_standard_or_oid_keep_the_host(det, text):
    assert ips(det, text) == ["10.1.2.3"]
