"""Replacer: placeholders, consistency within a file, IP families, determinism, keyed hashes."""
from __future__ import annotations

import ipaddress
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from codepii.labels import DEFAULT_PLACEHOLDERS, IPV4_POOL, IPV6_POOL
from codepii.mask.replace import Replacer, ip_pool_for
from codepii.spans import Span


def spans_of(text: str, *pairs: tuple[str, str]) -> list[Span]:
    """Spans of every occurrence of each (value, category)."""
    out = []
    for value, cat in pairs:
        start = text.find(value)
        while start >= 0:
            out.append(Span(start, start + len(value), cat, 0.9))
            start = text.find(value, start + 1)
    return sorted(out)


def test_placeholders_and_pii_entries_in_original_offsets():
    text = 'mail = "ann@corp.io"  # Ann Lee, pw="hunter22"'
    spans = spans_of(text, ("ann@corp.io", "EMAIL"), ("Ann Lee", "NAME"), ("hunter22", "PASSWORD"))
    masked, pii = Replacer().replace(text, spans)
    assert masked == 'mail = "<EMAIL>"  # <NAME>, pw="<PASSWORD>"'
    assert [(e["start"], e["end"], e["category"]) for e in pii] == [(s.start, s.end, s.category) for s in spans]
    assert all(text[e["start"] : e["end"]] in ("ann@corp.io", "Ann Lee", "hunter22") for e in pii)
    assert all("value_hash" not in e for e in pii)


def test_same_ip_same_substitute_and_same_family():
    text = "a=10.1.2.3 b=8.8.4.4 c=10.1.2.3 d=2001:4860::8888 e=8.8.4.4"
    spans = spans_of(text, ("10.1.2.3", "IP_ADDRESS"), ("8.8.4.4", "IP_ADDRESS"), ("2001:4860::8888", "IP_ADDRESS"))
    r = Replacer()
    subs = r.substitutes(text, spans)
    by_value = {}
    for s, sub in zip(spans, subs):
        by_value.setdefault(text[s.start : s.end], set()).add(sub)
    assert all(len(v) == 1 for v in by_value.values())  # consistent within the file
    assert by_value["10.1.2.3"] != by_value["8.8.4.4"]  # two values, two addresses while the pool lasts
    assert by_value["10.1.2.3"] <= set(IPV4_POOL) and by_value["2001:4860::8888"] <= set(IPV6_POOL)
    masked, _ = r.replace(text, spans)
    for token in masked.split():
        ipaddress.ip_address(token.split("=")[1])  # still parseable code
    assert "10.1.2.3" not in masked and "8.8.4.4" not in masked


def test_deterministic_across_processes():
    code = (
        "from codepii.mask.replace import Replacer\nfrom codepii.spans import Span\n"
        "t='x 192.0.9.1 y 172.20.1.1'\n"
        "print(Replacer().replace(t,[Span(2,11,'IP_ADDRESS'),Span(14,24,'IP_ADDRESS')])[0])"
    )
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(2)}
    text = "x 192.0.9.1 y 172.20.1.1"
    here = Replacer().replace(text, [Span(2, 11, "IP_ADDRESS"), Span(14, 24, "IP_ADDRESS")])[0]
    assert outs == {here + "\n"}


def test_keep_categories_and_missing_placeholder_leave_text():
    text = "user=bob key=AKIAZZZ"
    spans = spans_of(text, ("bob", "USERNAME"), ("AKIAZZZ", "KEY"))
    masked, pii = Replacer(keep_categories=["USERNAME"]).replace(text, spans)
    assert masked == "user=bob key=<KEY>" and len(pii) == 2
    placeholders = {k: v for k, v in DEFAULT_PLACEHOLDERS.items() if k != "KEY"}
    assert Replacer(placeholders).replace(text, spans)[0] == "user=<USERNAME> key=AKIAZZZ"


def test_keyed_hash_never_the_value():
    text = "pw=hunter22 again pw=hunter22"
    spans = spans_of(text, ("hunter22", "PASSWORD"))
    _, pii = Replacer(hash_key=b"k1").replace(text, spans)
    _, pii2 = Replacer(hash_key=b"k2").replace(text, spans)
    assert pii[0]["value_hash"] == pii[1]["value_hash"] != pii2[0]["value_hash"]
    assert "hunter22" not in repr(pii) and len(pii[0]["value_hash"]) == 64


def test_overlapping_spans_are_still_masked():
    text = "secret=abcdefghijkl"
    masked, _ = Replacer().replace(text, [Span(7, 15, "KEY"), Span(10, 19, "PASSWORD")])
    assert masked == "secret=<KEY><PASSWORD>" and "abc" not in masked and "jkl" not in masked


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab.@ 1", min_size=0, max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(1, 6)), max_size=5))
def test_masked_text_is_the_unmasked_parts_plus_placeholders(text, raw):
    spans, pos = [], 0
    for gap, length in sorted(raw):
        start = max(pos, gap)
        if start + length > len(text):
            break
        spans.append(Span(start, start + length, "EMAIL"))
        pos = start + length
    masked, pii = Replacer().replace(text, spans)
    expected, prev = "", 0
    for s in spans:
        expected += text[prev : s.start] + "<EMAIL>"
        prev = s.end
    assert masked == expected + text[prev:]
    assert len(pii) == len(spans)


def test_ip_family_by_colon_is_the_family_ipaddress_parses():
    """ip_pool_for does not parse (it runs for every IP span); its rule must agree with ipaddress."""
    values = ["10.1.2.3", "8.8.4.4", "2001:4860::8888", "[2001:db8::1]", "::ffff:10.0.0.1", "fe80::1%eth0",
              "::", "999.1.1.1", "1.2.3.4:8080", "not an ip", "a:b", "0x7f.1"]
    for value in values:
        try:
            parsed = IPV6_POOL if ipaddress.ip_address(value.strip("[]")).version == 6 else IPV4_POOL
        except ValueError:
            parsed = IPV6_POOL if ":" in value else IPV4_POOL
        assert ip_pool_for(value) == parsed, value
