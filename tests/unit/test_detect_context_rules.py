"""Context rules (detect/context_rules.py): handles, logins, home dirs and JWK members, found and refused."""
from __future__ import annotations

import pytest

from codepii.detect.patterns import PatternDetector

ENGINES = ["re", "hyperscan"]


def found(text: str, engine: str = "re", category: str | None = None) -> list[tuple[str, str]]:
    spans = PatternDetector(engine=engine).detect_one(text)
    return [(text[s.start : s.end], s.category) for s in spans if category is None or s.category == category]


def usernames(text: str, engine: str = "re") -> list[str]:
    return [v for v, _ in found(text, engine, "USERNAME")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text, expected",
    [
        ('{"login": "octocat", "id": 1}', ["octocat"]),
        ('client.login(username="jdoe42", password=pw)', ["jdoe42"]),
        ("DB_USER=appsvc\n", ["appsvc"]),
        ("database:\n  user: appsvc\n  host: db\n", ["appsvc"]),
        ("<username>kpatel</username>", ["kpatel"]),
        ("postgres://mkowalski:hunter22@db.internal:5432/app", ["mkowalski"]),
        ("mysql://reporting@10.1.2.3/foo", ["reporting"]),
        ("See https://github.com/lepture/flask-oauthlib for more.", ["lepture"]),
        ("Mads Jensen <https://github.com/atombrella>", ["atombrella"]),
        ("`#895 <https://github.com/jpadilla/pyjwt/pull/895>`__", ["jpadilla"]),
        ("a gist: https://gist.github.com/ib-lundgren/6507798", ["ib-lundgren"]),
        ("bzr branch lp:~jelmer/dulwich/trunk", ["~jelmer"]),
        ("kracekumar <kracethekingmaker@gmail.com>\n", ["kracekumar"]),
        ("- Fix mypy errors (#449) by\n   @jdufresne\n", ["@jdufresne"]),
        ("* Add retry by @olgap in #12\n* @foxchen made their first contribution", ["@olgap", "@foxchen"]),
        ("  - Mike Grozak (@rhaido)\n", ["@rhaido"]),
        ("sponsored `@sethmlarson <https://github.com/sethmlarson>`_", ["@sethmlarson", "sethmlarson"]),
        ("Traceback: File \"/home/vkhatri/src/app.py\", line 3", ["vkhatri"]),
        ("open('/Users/annaz/Downloads/x.csv')", ["annaz"]),
        (r'path = "C:\\Users\\tomasz\\AppData\\x"', ["tomasz"]),
    ],
)
def test_context_usernames_found(engine, text, expected):
    assert usernames(text, engine) == expected


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    [
        'username = "admin"\nuser: root\nUSER=${USER}\nlogin = "{login}"',  # placeholders
        'user_agent = "Mozilla/5.0"\nUSERNAME_FIELD = "email"',  # names that do not end in user/login
        "user = current_user\nlogin = request.form\n",  # code
        'auth=("user", "s3cretpw")\nCreateAsync(user, "mustang3169")',  # a login paired with its password
        '"AWS::ElastiCache::User": "e1de3c410639ffec"',  # a hex id
        "git clone ssh://git@github.com/x/y.git\n--extra-index-url https://__token__:pypi-AgEI@pypi.org/simple",
        "https://github.com/pika/pika and https://github.com/psf/requests/issues/1",  # organisations
        "https://github.com/features/actions https://github.com/sponsors",  # pages
        "Bump lodash by @dependabot[bot] in #1\n* Fix by @renovate[bot]\n* by @snyk-bot",  # bots
        "@property\ndef name(self): ...\n/** @param x the value */\n(@NonNull String s)",  # code, not credits
        "Copyright (c) 2020 Jane Roe <jane@roe.dev>\nAuthor <author@x.org>",  # names and role words
        "/home/runner/work/x /home/ubuntu/app /home/user/project",  # CI and placeholder homes
    ],
)
def test_context_usernames_refused(engine, text):
    assert usernames(text, engine) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_jwk_private_members_are_keys(engine):
    jwk = (
        '{"kty": "RSA", "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw",'
        ' "e": "AQAB", "d": "bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS",'
        ' "p": "3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr"}'
    )
    keys = [v for v, c in found(jwk, engine) if c == "KEY"]
    assert keys == ["bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS",
                    "3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr"]
    # public members ("n", "e") are not secrets, and without "kty" a "d" member is just data
    assert [c for v, c in found('{"d": "bWUC9B-EFRIo8kpGfh0ZuyGPvMNK", "n": 1}', engine)] == []


def test_usernames_are_a_pattern_category_that_can_be_left_out():
    from codepii.detect import build_detector
    from codepii.detect.config import PATTERN_CATEGORIES, DetectorConfig

    assert "USERNAME" in PATTERN_CATEGORIES
    text = "thanks to @mkaur (@mkaur) for the fix"
    without = build_detector(DetectorConfig(pattern_categories=("EMAIL", "IP_ADDRESS", "KEY", "PASSWORD")))
    assert usernames(text) == ["@mkaur", "@mkaur"] and without.detect([text]) == [[]]


@pytest.mark.parametrize("engine", ENGINES)
def test_password_calls_and_framework_secret_keys(engine):
    text = ('u.set_password("tiger7x")\nassert u.check_password( "tiger7x" )\nsetPassword(\'Zq9-pw\', 1)\n'
            'reset_password("ann@corp.io")\ncheck_password("changeme")\n'
            'SECRET_KEY = "django_tests_secret_key"\nsecret_key="newsecret"\nSECRET_KEY = "SECRET_KEY"\n'
            'SECRET_KEY = "changeme"\nSECRET_KEY = os.environ["SECRET_KEY"]\n')
    got = [(v, c) for v, c in found(text, engine) if c in ("PASSWORD", "KEY")]
    assert got == [("tiger7x", "PASSWORD"), ("tiger7x", "PASSWORD"), ("Zq9-pw", "PASSWORD"),
                   ("django_tests_secret_key", "KEY"), ("newsecret", "KEY")]
