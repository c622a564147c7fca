"""Real-code contexts and narrow kinds (issue 12): each context labels the right values with exact
boundaries, and the hard negatives of those files are never labeled."""
from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from codepii.detect.words import word_at
from codepii.labels import CATEGORIES, main_category
from codepii.spans import validate_spans
from codepii.synth import generate
from codepii.synth.builder import SpanBuilder
from codepii.synth.context import CONTEXTS, Ctx, contexts_for
from codepii.synth.forge import BOTS, ORGS
from codepii.synth.lang import LANGS
from codepii.synth.negatives import KIND_NEGATIVES, SHARED_NEGATIVES
from codepii.synth.people import make_person

NARROW = ("changelog", "credits", "commit", "zone", "pem", "requirements", "mib")
NEW_CONTEXTS = {
    "release_notes": ("changelog", "markdown"), "keepachangelog": ("changelog",), "changelog_rst": ("changelog", "text"),
    "news_entries": ("changelog",), "maintainers_file": ("credits", "text"), "maintainer_table": ("credits", "markdown"),
    "thanks_file": ("credits", "text"), "handle_credits": ("credits", "markdown", "text"), "readme_credits": ("markdown", "credits"), "commit_message": ("commit", "markdown"),
    "format_patch": ("commit",), "shortlog": ("commit",), "iam_policy": ("json", "yaml", "python", "javascript", "ruby"),
    "cloudtrail_event": ("json", "yaml", "python", "typescript"), "aws_responses": ("json", "python", "yaml"),
    "cloud_resource_paths": ("json", "shell", "markdown", "terraform"), "zone_records": ("zone",), "test_certificate": ("pem",),
    "requirements": ("requirements",), "mib_module": ("mib",), "zone_in_test": ("python", "go", "ruby", "javascript"), "traceback": ("python", "text", "markdown", "yaml", "shell"),
    "profile_links": ("python", "markdown", "credits", "go", "html"), "url_parse_tests": ("python", "javascript", "go", "ruby", "java", "php", "rust"),
}
HANDLE_RE = re.compile(r"^@?[\w][\w.-]*$")


def run(fn, kind: str, seed: int, list_file: bool = False) -> tuple[str, list]:
    """One context (or negative block) alone, built and validated like a corpus file."""
    rng = random.Random(f"test/{kind}/{seed}")
    c = Ctx(rng, LANGS[kind], [make_person(rng)], list_file=list_file)
    c.begin_block()
    b = SpanBuilder()
    b.lines(fn(c))
    content, spans = b.build()
    return content, validate_spans(spans, content, f"{kind}/{seed}", CATEGORIES)


def texts(content, spans, category=None):
    return [content[s.start : s.end] for s in spans if category is None or main_category(s.category) == category]


def test_new_contexts_registered_for_their_kinds():
    for name, kinds in NEW_CONTEXTS.items():
        for kind in kinds:
            assert CONTEXTS[name] in contexts_for(kind), (name, kind)
    for kind in NARROW:  # a narrow kind never gets a generic context (a connection string in a zone file)
        assert all(c.kinds is not None and kind in c.kinds for c in contexts_for(kind)), kind
        assert contexts_for(kind) and kind in KIND_NEGATIVES


@pytest.mark.parametrize("name", sorted(NEW_CONTEXTS))
def test_every_new_context_labels_whole_values(name):
    seen = Counter()
    for kind in NEW_CONTEXTS[name]:
        for seed in range(25):
            content, spans = run(CONTEXTS[name].fn, kind, seed, list_file=seed % 5 == 0)
            for s in spans:
                text, cat = content[s.start : s.end], main_category(s.category)
                seen[cat] += 1
                assert text == text.strip() and text[0] not in "\"'`<([", (name, kind, text)
                if cat not in ("PASSWORD", "KEY"):
                    assert text[-1] not in "\"'`>)],.", (name, kind, text)
                if cat == "USERNAME":
                    assert HANDLE_RE.match(text) and text.lstrip("@") not in ORGS and "[bot]" not in text, (name, text)
                if cat in ("NAME", "USERNAME", "ID"):  # whole words, as detect/words.py makes predictions
                    user = cat == "USERNAME"
                    first, last = word_at(content, s.start + (text[0] == "@"), user), word_at(content, s.end - 1, user)
                    assert (first is None or first[0] >= s.start) and (last is None or last[1] <= s.end), (name, text)
    assert seen, name


def test_changelog_credits_are_plain_and_credits_files_license():
    for seed in range(30):
        for name in ("release_notes", "keepachangelog", "changelog_rst", "news_entries"):
            _, spans = run(CONTEXTS[name].fn, "changelog", seed)
            assert all(not s.category.endswith("_LICENSE") for s in spans), name
        for name in ("maintainers_file", "maintainer_table", "thanks_file", "handle_credits"):
            _, spans = run(CONTEXTS[name].fn, "credits", seed)
            assert spans and all(s.category.endswith("_LICENSE") for s in spans), name


def test_release_notes_exact_spans():
    content, spans = run(CONTEXTS["release_notes"].fn, "changelog", 3, list_file=True)
    labeled = set(texts(content, spans))
    for m in re.finditer(r"by (@[\w.\[\]-]+) in", content):
        handle = m.group(1)
        assert (handle in labeled) != (handle.lstrip("@") in BOTS), handle  # people labeled, bots not
    for m in re.finditer(r"\* (@\S+) made their first contribution", content):
        assert m.group(1) in labeled
    assert "made their first contribution" in content or "New Contributors" not in content


def test_cloud_fixture_ids_and_object_ids():
    for kind in ("json", "yaml", "python", "ruby"):
        for seed in range(20):
            content, spans = run(CONTEXTS["iam_policy"].fn, kind, seed)
            ids = texts(content, spans, "ID")
            assert any(re.fullmatch(r"\d{12}", i) for i in ids) and all(i != "123456789012" for i in ids)
            assert any(f":user/{u}" in content for u in texts(content, spans, "USERNAME"))
            content, spans = run(CONTEXTS["cloudtrail_event"].fn, kind, seed)
            cats = Counter(main_category(s.category) for s in spans)
            assert cats["ID"] >= 3 and cats["USERNAME"] == 2 and cats["KEY"] == 1 and cats["IP_ADDRESS"] == 1
            assert not any(re.fullmatch(r"[0-9a-f-]{36}", t) for t in texts(content, spans))  # eventID: an object id


def test_zone_requirements_mib_pem_positives():
    for seed in range(20):
        content, spans = run(CONTEXTS["zone_records"].fn, "zone", seed)
        assert spans and set(texts(content, spans)) == set(texts(content, spans, "IP_ADDRESS"))
        content, spans = run(CONTEXTS["mib_module"].fn, "mib", seed)
        assert sorted(s.category for s in spans) == ["EMAIL_LICENSE", "NAME_LICENSE"]
        content, spans = run(CONTEXTS["test_certificate"].fn, "pem", seed)
        assert {"NAME", "EMAIL"} <= {s.category for s in spans}
        assert all(not t.startswith("-----BEGIN CERTIFICATE") for t in texts(content, spans))
        content, spans = run(CONTEXTS["requirements"].fn, "requirements", seed)
        assert not any(re.fullmatch(r"[0-9a-f]{40,64}", t) for t in texts(content, spans))


@pytest.mark.parametrize("kind", sorted(set(KIND_NEGATIVES) | set(SHARED_NEGATIVES)))
def test_hard_negatives_yield_no_span(kind):
    fns = ([KIND_NEGATIVES[kind]] if kind in KIND_NEGATIVES else []) + SHARED_NEGATIVES.get(kind, [])
    for fn in fns:
        for seed in range(15):
            content, spans = run(fn, kind, seed)
            assert content.strip() and spans == [], (kind, fn.__name__)


def test_narrow_kind_files_validate_and_hold_their_negatives():
    records = list(generate(300, 11, kinds=list(NARROW)))
    assert {r["kind"] for r in records} == set(NARROW)
    content = "\n".join(r["content"] for r in records)
    for marker in ("BEGIN CERTIFICATE", "_domainkey", "--hash=sha256:", "1.3.6.1.4.1.", "[bot]", "Change-Id: I"):
        assert marker in content, marker
    for r in records:
        for e in r["entities"]:
            text = r["content"][e["start"] : e["end"]]
            assert "BEGIN CERTIFICATE" not in text and "[bot]" not in text and not re.fullmatch(r"(\d+\.){4,}\d+", text), (r["id"], text)
    paths = {r["kind"]: r["path"] for r in records}
    assert re.search(r"(CHANGE|HISTORY|NEWS|RELEASE|changelog)", paths["changelog"]) and paths["pem"].endswith((".pem", ".crt"))


def test_whole_corpus_name_username_id_spans_are_whole_words():
    """Training targets agree with the detector's whole-word decoding (detect/words.py) in every kind."""
    checked = 0
    for r in generate(500, 21):
        t = r["content"]
        for e in r["entities"]:
            cat = main_category(e["category"])
            if cat not in ("NAME", "USERNAME", "ID"):
                continue
            user, s, end = cat == "USERNAME", e["start"], e["end"]
            first, last = word_at(t, s + (t[s] == "@" and end > s + 1), user), word_at(t, end - 1, user)
            assert (first is None or first[0] >= s) and (last is None or last[1] <= end), (r["id"], t[max(0, s - 20) : end + 20])
            checked += 1
    assert checked > 5000
