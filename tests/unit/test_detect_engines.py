"""The hyperscan engine of the pattern detector gives exactly the spans of the re engine."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from codepii.detect.patterns import PatternDetector

if os.environ.get("CI") != "true":
    pytest.importorskip("hyperscan", reason="the hyperscan engine needs the hyperscan package")

GITLEAKS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "gitleaks" / "cases.jsonl"

# Cases where a shortcut would go wrong: a rejected match hiding a later one, overlapping anchors,
# names and addresses after non-ASCII text, characters re folds to ASCII (dotless i, Kelvin sign,
# long s), non-ASCII digits, lone surrogates, matches at the very start and end.
EDGE_CASES = [
    "xy://u:pw1@ab+cd://u:q9Zk2@h.io",
    "secretoken = 'Zq9x8c7v6b5n4m3l'\nsecretkey='Zq9x8c7v6b5n4m3l' apikeytoken: k9Xq2LmP7vTz8wQ1",
    "éapi_key='Zq9x8c7v6b5n4m3l' naïve jo@corp.io ñ 10.1.2.3 ü fe80::1ff:fe23:4567:890a",
    "ı api_key = 'Zq9x8c7v6b5n4m3l' strıng passwd: hunter22 AUTHORıZATION: Bearer cfcabd11c7ed9a41b1a3e063c32d5114",
    "\u212aEY = 'Zq9x8c7v6b5n4m3lQ' \u017fecret: 'Zq9x8c7v6b5n4m3l' pa\u017f\u017f='hunter22'",
    "ip ١٠.1.2.3 and 10.1.2.3 and \u0661\u0662.\u0663.4.5, abc1Q~" + "a" * 32,
    "\ud800 jo@corp.io \udfff 10.9.8.7",
    "10.0.0.1",
    "jo@corp.io",
    "::ffff:10.1.2.3 ::1 1::2 a:b:c ::std::move(x) 12:30:45 2001:4860:4860::8888",
    "a@b.io@c.io x.y@z.co.uk mail:bob..smith@corp.io " + "a" * 70 + "@corp.io",
    "token=" + "ab" * 300 + " 1.2.3.4.5 01.2.3.4 255.1.1.1.1 1.1.1.1",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U eyey.eyJhbGciOiJIUzI1NiJ9x.eyJ",
    "kind: Secret\ndata:\n  ca.crt: TFMwdExTMUNSVWRKVGlCRFJWSlU=\n  tls.key: TFMwdExTMUNSVWRKVGlCRFJWSlU=\n",
    "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIE ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7",
    "curl -u elastic:P@ssw0rd$1 https://h:9200; mysql -u root -pS3cret! db; Authorization: token abc123def456ghi",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYSd8\n-----END RSA PRIVATE KEY-----",
    # Secret manifests: upper-case kind line, Kelvin sign, blanks re takes as \\s beyond Hyperscan's.
    "KIND: SECRET\ndata:\n  a: TFMwdExTMUNSVWRKVGlCRFJWSlU=\n# kind of\n",
    "\u212aind: Secret\ndata:\n  a: TFMwdExTMUNSVWRKVGlCRFJWSlU=\n# kind\n",
    "kind:\u3000Secret\ndata:\n  a: TFMwdExTMUNSVWRKVGlCRFJWSlU=\nkind:\x1c'secret'\n",
    # JWK members with and without a key type in the text.
    '{"kty": "RSA", "d": "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH", \'q\':\'Zq9x8c7v6b5n4m3lQ1\'}',
    '{"d": "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH"}',
    # Triggers that begin with context, at the very start; a scheme longer than a scheme can be.
    "@octocat thanks (@hubot) by @mona\nfe80::1ff:fe23:4567:890a x",
    "alice <alice@corp.io>\n- bob (bob@corp.io)",
    "abcdefghijklmnopqrstuvwxyzab://u:Zq9x8c7v@h.io x+y://u:Zq9x8c7w@h.io",
    # Assignments whose name the scan walks back to: declared types, brackets, quotes, two-character operators.
    'var password string = "hunter22x"; headers["api_token"] = "Zq9x8c7v6b5n4m3l"; ApiKey String := "Zq9x8c7v6b5n4m3lQ"',
    "secret.key.= 'Zq9x8c7v6b5n4m3l' <password>Tr0ub4dor</password> (\"user\", \"alice\") db_user: bob_smith\n",
    "mystr = 'x' token_str\t=\t'Zq9x8c7v6b5n4m3l' key str = 'Zq9x8c7v6b5n4m3lA' a.pass+= 'hunter2x' x?=1 auth_key ?= 'Zq9x8c7v6b5n4m3lB'",
    "var password \u017ftr = 'hunter22x'\nvar passphrase xstr = 'hunter23x'\nlogin\u0131 = 'carol'",
    "jo@corp.io@x.io .bob@corp.io _al@corp.io é@corp.io a@b @@x.io " + "b" * 64 + "@corp.io " + "c" * 65 + "@corp.io",
    "",
]


def _check(texts: list[str]) -> int:
    by_re = PatternDetector(engine="re").detect(texts)
    by_hs = PatternDetector(engine="hyperscan").detect(texts)
    for text, a, b in zip(texts, by_re, by_hs):
        assert a == b, text[:200]
    return sum(map(len, by_re))


def test_edge_cases_identical():
    assert _check(EDGE_CASES) >= 25


def test_generated_code_identical():
    from codepii.synth import generate

    texts = [r["content"] for r in generate(60, 3)]
    assert _check(texts) >= 300


def test_gitleaks_cases_identical():
    if not GITLEAKS.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{GITLEAKS} is missing")
        pytest.skip(f"{GITLEAKS} is not there (the shared data folder beside the repo)")
    with GITLEAKS.open(encoding="utf-8") as f:
        texts = [json.loads(line)["content"] for line in f]
    assert _check(texts) >= 5000


def test_categories_subset_and_engine_option():
    only_ip = PatternDetector(categories=["IP_ADDRESS"], engine="hyperscan")
    assert [s.category for s in only_ip.detect(["a@corp.io 10.1.2.3"])[0]] == ["IP_ADDRESS"]
    assert PatternDetector(engine="re").fingerprint() == PatternDetector(engine="hyperscan").fingerprint()
    from codepii.errors import ConfigError

    with pytest.raises(ConfigError, match="auto, re or hyperscan"):
        PatternDetector(engine="pcre")


def test_fixed_width_triggers_need_no_start_tracking():
    from codepii.detect.prefilter import fixed_width

    assert fixed_width(r"gh[pousr]_[A-Za-z0-9]{36}") == 40
    assert fixed_width(r"(?:AKIA|ASIA|A3T[A-Z0-9])[A-Z0-9]{16}") == 20
    assert fixed_width(r"\d{1,3}\.\d") is None and fixed_width(r"(?:sk|rk)_(?:test|dev)_") is None


def test_the_scan_sees_one_byte_per_character():
    from codepii.detect.prefilter import scan_bytes

    text = "ab é\u00ff 中文 \u0663\u0131\u212a\u017f\u0130 \ud800x"
    data = scan_bytes(text)
    assert len(data) == len(text)
    assert data == b"ab \xe9\xff \x80\x80 0iksi \x80x"  # Latin-1 as itself, re's digits and letters as ASCII
