"""PatternDetector: span boundaries per LABELING.md, validation of IPs, placeholders and contexts."""
from __future__ import annotations

import pytest

from codepii.detect.patterns import PatternDetector


@pytest.fixture(scope="module")
def det() -> PatternDetector:
    return PatternDetector()


def found(det: PatternDetector, text: str) -> list[tuple[str, str]]:
    return [(s.category, text[s.start : s.end]) for s in det.detect([text])[0]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('to = "<jane.doe@gmail.com>"', [("EMAIL", "jane.doe@gmail.com")]),
        ("see mailto:bob@corp.io.", [("EMAIL", "bob@corp.io")]),
        ("From: noreply@github.com, git@gitlab.com", []),
        ("user@example.com foo@bar.com x@host.test", []),
        ("icon = 'logo@2x.png'", []),
    ],
)
def test_emails(det, text, expected):
    assert found(det, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ('host = "10.0.0.5:8080"', [("IP_ADDRESS", "10.0.0.5")]),
        ("allow 192.168.1.0/24;", [("IP_ADDRESS", "192.168.1.0")]),
        ("dns = 8.8.8.8", [("IP_ADDRESS", "8.8.8.8")]),
        ("srv = '[2001:4860:4860::8888]:53'", [("IP_ADDRESS", "2001:4860:4860::8888")]),
        ("fe80::1ff:fe23:4567:890a%eth0", [("IP_ADDRESS", "fe80::1ff:fe23:4567:890a")]),
        ("127.0.0.1 0.0.0.0 255.255.255.0 0.0.0.255 255.255.255.255 224.0.0.1", []),
        ("::1 :: ff02::1 2001:db8::1 192.0.2.7 198.51.100.1 203.0.113.9", []),
        ('__version__ = "1.2.3.4"', []),
        ("requires foo>=2.0.0.1", []),
        ("oid 1.3.6.1.4.1.311 and 999.1.1.1 and 01.02.03.04", []),
        ("x = a[1::2]; t = 12:30:45; mac 00:1a:2b:3c:4d:5e", []),
    ],
)
def test_ip_addresses(det, text, expected):
    assert found(det, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ('AWS="AKIALALEMEL33243OLIB"', [("KEY", "AKIALALEMEL33243OLIB")]),
        ("key = AKIAIOSFODNN7EXAMPLE", []),
        ("key = AKIAXXXXXXXXXXXXXXXX", []),
        ("t = ghp_yi9nh9321fxyvky6cpodrun8z74dwbu2k1b4", [("KEY", "ghp_yi9nh9321fxyvky6cpodrun8z74dwbu2k1b4")]),
        ("t = ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", []),
        ('gl = "glpat-2gtc044wkomq3zldwxdw"', [("KEY", "glpat-2gtc044wkomq3zldwxdw")]),
        ("k = 'AIzaOaptjJ0ovwMpmvWh-F9p9fkj08LsjqHG_V4'", [("KEY", "AIzaOaptjJ0ovwMpmvWh-F9p9fkj08LsjqHG_V4")]),
        ("sk = 'sk_live_68rxbdtw51gjz4934k3b3qe0atlfef'", [("KEY", "sk_live_68rxbdtw51gjz4934k3b3qe0atlfef")]),
        (
            "SLACK=xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD",
            [("KEY", "xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD")],
        ),
        ('api_key = "9bdbl250bfo4gbstt"', [("KEY", "9bdbl250bfo4gbstt")]),
        ('{"config.ini": "ADOBE_TOKEN=12f5deb63a31c0238618c24b6dd68841\\nX=1"}', [("KEY", "12f5deb63a31c0238618c24b6dd68841")]),
        ('secret_key = "my_secret_key"\ntoken = self.token\nSECRET = os.environ["SECRET"]', []),
        ('api_key = "<YOUR_API_KEY>"\ntoken = "${TOKEN}"\nkey = "xxxxxxxxxxxxxxxx"', []),
        ('public_key = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"\nprimaryKey=LGQgrs7SAeASJDJuoREn', []),
    ],
)
def test_keys(det, text, expected):
    assert found(det, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ('curl -H "Authorization: Bearer cfcabd11c7ed9a41b1a3e063c32d5114"', [("KEY", "cfcabd11c7ed9a41b1a3e063c32d5114")]),
        ("headers = {'Authorization': 'Basic YnJvd3Nlcjo9a2V5'}", [("KEY", "YnJvd3Nlcjo9a2V5")]),
        ('-H "Authorization: Bearer ${TOKEN}"\nauthorization: required', []),
        ('curl -H "apikey: c4ed6c21-9dd5-4a05-8e3f-c56d1151cce8" -X GET', [("KEY", "c4ed6c21-9dd5-4a05-8e3f-c56d1151cce8")]),
        ('var genericToken string = "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB"', [("KEY", "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB")]),
        ("kind: Secret\ndata:\n  ca.crt: TFMwdExTMUNSVWRKVGlCRFJWSlU=\n", [("KEY", "TFMwdExTMUNSVWRKVGlCRFJWSlU=")]),
        ("kind: ConfigMap\ndata:\n  ca.crt: TFMwdExTMUNSVWRKVGlCRFJWSlU=\n", []),
        ("t = ZXlKaGJHY2lPaUpGVXpJMU5pSjkuZXlKcGMzTWlPaUpxYjJVaUxB", [("KEY", "ZXlKaGJHY2lPaUpGVXpJMU5pSjkuZXlKcGMzTWlPaUpxYjJVaUxB")]),
    ],
)
def test_headers_manifests_and_encoded_tokens(det, text, expected):
    assert found(det, text) == expected


def test_pem_block_covers_begin_to_end_line(det):
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYSd8\n-----END RSA PRIVATE KEY-----"
    text = f"key = '''{pem}\n'''"
    assert found(det, text) == [("KEY", pem)]
    escaped = pem.replace("\n", "\\n")
    assert found(det, f'{{"private_key": "{escaped}\\n"}}') == [("KEY", escaped)]
    assert found(det, "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----") == []


def test_ssh_public_key_body_only(det):
    body = "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA3k"
    assert found(det, f"ssh-rsa {body} alice@laptop") == [("KEY", body)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ('db = "postgres://admin:s3cr3tP4ss@db.internal:5432/app"', [("PASSWORD", "s3cr3tP4ss")]),
        ('password = "hunter2"', [("PASSWORD", "hunter2")]),
        ("DB_PASSWORD=Tr0ub4dor&3\n", [("PASSWORD", "Tr0ub4dor&3")]),
        ('conn(user="bob", passwd="tiger")', [("PASSWORD", "tiger")]),
        ("curl -u elastic:P@ssw0rd$1 https://h:9200", [("PASSWORD", "P@ssw0rd$1")]),
        ("mysql -u root -pS3cret! db", [("PASSWORD", "S3cret!")]),
        ('password = request.form["password"]\npwd = get_pwd()\npassword = "${PASSWORD}"', []),
        ("bypass = 'abc123'\npassword = ''\nPASSWORD = 'changeme'\nsnowflake.password=\nurl=x", []),
    ],
)
def test_passwords(det, text, expected):
    assert found(det, text) == expected


def test_overlaps_resolved_by_priority(det):
    # The URL password wins over the email-looking "pass@host.com" it is part of.
    text = "smtp://bob:Secr3t99@mail.corp.com"
    assert found(det, text) == [("PASSWORD", "Secr3t99")]
    spans = det.detect([text])[0]
    assert all(not a.overlaps(b) for a, b in zip(spans, spans[1:]))


def test_categories_option_and_fingerprint():
    only_ip = PatternDetector(categories=["IP_ADDRESS"])
    text = "a@corp.io 10.1.2.3"
    assert [s.category for s in only_ip.detect([text])[0]] == ["IP_ADDRESS"]
    assert only_ip.fingerprint() != PatternDetector().fingerprint()
    assert PatternDetector().fingerprint() == PatternDetector().fingerprint()
    assert PatternDetector(email_skip_examples=False).detect(["user@example.com"])[0][0].category == "EMAIL"


def test_anchors_only_skip_work(det):
    """Dropping the anchor pre-check changes no result: every rule's anchors are in each of its matches."""
    import dataclasses

    no_anchors = PatternDetector(engine="re")
    no_anchors.rules = [dataclasses.replace(r, anchors=(), keyed=False) for r in no_anchors.rules]
    texts = [
        "AWS=AKIALALEMEL33243OLIB sk_live_68rxbdtw51gjz4934k3b3qe0atlfef glpat-2gtc044wkomq3zldwxdw",
        "xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD AIzaOaptjJ0ovwMpmvWh-F9p9fkj08LsjqHG_V4",
        "jwt = eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "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 npm_r7ffgor7aky0yj0kfysysf18ma5q6qy8yr14 dapi36fe4e39ba74aa6310858b8b181e4554",
        "PASSWORD=Tr0ub4dor&3\nurl = 'mysql://u:Pa55w0rd@db:3306/x'\nAPI_KEY: 'k9Xq2LmP7vTz8wQ1'\nmail a@corp.io 10.2.3.4 fe80::1:2",
        "creds = 'syjC7d20yYveCn1aB7eJ1w5vUiYEiF'\nuser_auth: am9obmRvZTpkMDY5NGIxYi1jMTcx",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bob@x",
    ]
    assert det.detect(texts) == no_anchors.detect(texts)
    assert sum(map(len, det.detect(texts))) >= 12


def test_keyed_matching_equals_finditer():
    """Trying assignment regexes only at names around a secret word finds exactly finditer's matches."""
    from codepii.detect.patterns import _keyed_matches

    texts = [
        'api_key = "k9Xq2LmP7vTz8wQ1"; token=abc123def456ghi7 secret="tok=en"\n$token.="Zq9x8c7v6b5n4m3l"',
        "éapi_key='Zq9x8c7v6b5n4m3l' İAPI_KEY='Zq9x8c7v6b5n4m3l' monkey=1 passwd:hunter2 db.password = 'x y'",
        "user_password_hash = compute(password='S3cr3t!') # pass=word\npwd=",
        "password_password_" * 40 + "=x " + "x=pwd pwd=abc1 .pass=zz9 -pass: 'q1' " * 5,
        'db_user = "alice"; username: bob2\nUSER_NAME="carol" login=dave9 superuser userlogin=x user_user=eve7',
    ]
    rules = [r for r in PatternDetector().rules if r.keyed]
    assert {r.name for r in rules} == {"password-assignment", "secret-assignment", "username-assignment"}
    n_matches = 0
    for text in texts:
        for rule in rules:
            expected = [(m.start(), m.end()) for m in rule.regex.finditer(text)]
            got = [(m.start(), m.end()) for m in _keyed_matches(rule, text)]
            assert got == expected
            n_matches += len(got)
    assert n_matches >= 8


def test_engine_falls_back_to_re_without_hyperscan(monkeypatch, caplog):
    """auto takes re when the hyperscan package is missing and says so in one log line; hyperscan refuses."""
    import logging
    import sys

    from codepii.errors import ConfigError
    from codepii.detect import prefilter

    monkeypatch.setitem(sys.modules, "hyperscan", None)  # import hyperscan -> ImportError
    prefilter._log_fallback.cache_clear()
    with caplog.at_level(logging.INFO, logger="codepii"):
        det = PatternDetector(engine="auto")
        PatternDetector(engine="auto")
    assert det.engine == "re"
    assert [r.getMessage() for r in caplog.records].count(
        "hyperscan is not installed: patterns run on Python re (slower; pip install hyperscan)"
    ) == 1
    assert found(det, "mail jo@corp.io from 10.1.2.3") == [("EMAIL", "jo@corp.io"), ("IP_ADDRESS", "10.1.2.3")]
    with pytest.raises(ConfigError, match="pip install hyperscan"):
        PatternDetector(engine="hyperscan")
    prefilter._log_fallback.cache_clear()


@pytest.mark.parametrize("engine", ["re", "hyperscan"])
def test_texts_must_be_a_list_of_strings(engine):
    from codepii.errors import RecordError

    det = PatternDetector(engine=engine)
    with pytest.raises(TypeError, match="list of texts.*got a single str"):
        det.detect("ann@corp-mail.org")  # was one text per character, silently
    for bad, word in ((None, "null"), (3, "int"), (b"ann@corp-mail.org", "bytes")):
        with pytest.raises(RecordError, match=rf"texts\[1\] is {word}, not a string"):
            det.detect(["ok", bad])
    assert det.detect(t for t in ["ann@corp-mail.org"])[0][0].category == "EMAIL"  # any iterable of str


@pytest.mark.parametrize("engine", ["re", "hyperscan"])
@pytest.mark.parametrize("categories", [[], ["NAME"], ["ID", "NAME"]])
def test_categories_without_any_pattern_rule_find_nothing(engine, categories):
    # Main categories that only the model finds: hyperscan refused an empty database ("elements is zero").
    assert PatternDetector(categories=categories, engine=engine).detect(["Ann Lee ann@corp-mail.org"]) == [[]]


@pytest.mark.parametrize("engine", ["re", "hyperscan"])
def test_pickles_and_gives_the_same_spans(engine):
    # Masker(build_detector("patterns")) in datasets.map(num_proc=N) pickles the detector: its rules hold
    # lambdas and a compiled Hyperscan database, so it failed ("Can't pickle local object").
    import pickle

    text = "Ann <ann@corp-mail.org> at 84.23.1.2, password = 'tiger7Q!x', github.com/octocat"
    det = PatternDetector(categories=["EMAIL", "IP_ADDRESS", "PASSWORD"], email_skip_service=False, engine=engine)
    before = det.detect([text])  # the scanner is built: it must not travel either
    copy = pickle.loads(pickle.dumps(det))
    assert copy.detect([text]) == before and copy.fingerprint() == det.fingerprint()
    assert [r.name for r in copy.rules] == [r.name for r in det.rules] and copy.engine == det.engine
