"""Report: metrics JSON shape, Markdown table, HTML escaping/highlights, and the report in headless Chromium."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from codepii.labels import MAIN_CATEGORIES
from codepii.metrics import SystemResult, score_file
from codepii.report import markdown_table, metrics_json, seqeval_table
from codepii.report_code import LIGHT_COLOURS, render_file
from codepii.report_html import render_html
from codepii.spans import Span

CODE = 'ADMIN = "bob@corp.io"  # <script>alert(1)</script>\nHOST = "10.0.0.7"\nKEY = "sk_live_abc123XYZ"\nok = 1\n'


def _find(value: str, category: str, score: float | None = None) -> Span:
    start = CODE.index(value)
    return Span(start, start + len(value), category, score)


GOLD = [_find("bob@corp.io", "EMAIL"), _find("10.0.0.7", "IP_ADDRESS"), _find("sk_live_abc123XYZ", "KEY"),
        _find("alert", "NAME_EXAMPLE")]
PRED = [_find("bob@corp.io", "EMAIL", 0.9), _find("sk_live_abc123XYZ", "PASSWORD", 0.6), _find("ok", "USERNAME", 0.2),
        _find("alert", "NAME", 0.5)]


def _results() -> list[SystemResult]:
    return [
        SystemResult("model", [score_file("f<1>", CODE, GOLD, PRED)], 0),
        SystemResult("empty", [score_file("f<1>", CODE, GOLD, [])], 1),
    ]


def test_metrics_json_shape_and_nulls():
    m = metrics_json(_results(), runs={"model": {"source": "p.jsonl"}})
    assert list(m["systems"]) == ["model", "empty"]
    for entry in m["systems"].values():
        assert set(entry) == {"overlap", "exact", "leak_rate"}
        for mode in ("overlap", "exact"):
            assert list(entry[mode]) == list(MAIN_CATEGORIES) + ["micro"]
            assert all(set(v) == {"precision", "recall", "f1", "support", "predicted"} for v in entry[mode].values())
        assert list(entry["leak_rate"]) == list(MAIN_CATEGORIES) + ["all"]
    model = m["systems"]["model"]
    assert model["overlap"]["EMAIL"]["f1"] == 1.0
    assert model["overlap"]["PASSWORD"] == {"precision": 0.0, "recall": None, "f1": 0.0, "support": 0, "predicted": 1}
    assert model["overlap"]["NAME"]["predicted"] == 0  # touches only NAME_EXAMPLE: unscored
    assert model["leak_rate"]["KEY"] == 0.0  # covered by the (wrong-category) PASSWORD prediction
    assert model["leak_rate"]["IP_ADDRESS"] == 1.0
    assert m["systems"]["empty"]["overlap"]["micro"]["precision"] is None
    assert m["runs"]["empty"] == {"records_without_predictions": 1}
    assert m["runs"]["model"]["source"] == "p.jsonl"
    assert json.loads(json.dumps(m)) == m  # None -> null round-trips


def test_metrics_json_with_seqeval():
    m = metrics_json(_results()[:1], with_seqeval=True)
    assert m["systems"]["model"]["seqeval"]["EMAIL"]["f1"] == 1.0
    assert "EMAIL" in seqeval_table(m)


def test_markdown_table():
    table = markdown_table(metrics_json(_results()))
    lines = table.splitlines()
    assert lines[0].startswith("| category | gold | model P | model R | model F1 |")
    assert len([ln for ln in lines if ln.startswith("| ")]) == 1 + len(MAIN_CATEGORIES) + 1
    email = next(ln for ln in lines if ln.startswith("| EMAIL "))
    assert email.split(" | ")[1:6] == ["1", "100.0", "100.0", "100.0", "100.0"]
    assert "| **micro** | 3 |" in table
    assert "—" in next(ln for ln in lines if ln.startswith("| ID "))  # no gold, no prediction


def test_render_file_escapes_and_marks_outcomes():
    out = render_file(score_file("f", CODE, GOLD, PRED))
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count('class="pii tp') == 1  # the email
    assert 'class="pii fp' in out  # PASSWORD over the KEY, and the USERNAME on "ok"
    assert "miss bare" in out  # the IP: no prediction at all
    assert "IP_ADDRESS missed" in out
    assert "pii un dc" in out  # NAME over NAME_EXAMPLE: unscored, don't care


def test_render_file_folds_lines_far_from_spans():
    text = "".join(f"line {i}\n" for i in range(40)) + "mail = 'a@b.io'\n" + "".join(f"x{i}\n" for i in range(40))
    start = text.index("a@b.io")
    out = render_file(score_file("f", text, [Span(start, start + 6, "EMAIL")], []))
    assert out.count("<tr>") == 1 + 2 * 2  # the span's line and 2 lines of context each side
    assert out.count("38 lines without spans") == 2  # 40 lines each side, 2 of them shown as context


def test_html_is_self_contained_and_escaped():
    results = _results()
    page = render_html(results, metrics_json(results), "gold <x>.jsonl", max_files=1)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched from a network
    assert "<link" not in page and "@import" not in page
    assert "gold &lt;x&gt;.jsonl" in page and "f&lt;1&gt;" in page
    assert page.count("<svg") >= 2  # the bar chart and a threshold sweep
    assert "Threshold sweep" in page


def _chromium() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


def _run_chromium(tmp_path, *args: str) -> subprocess.CompletedProcess:
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed, and CI=true requires this test to run (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); the HTML report was not rendered")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    return subprocess.run([exe, *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.chromium
def test_report_renders_in_headless_chromium(tmp_path):
    import numpy as np
    from PIL import Image

    results = _results()
    page = tmp_path / "report.html"
    page.write_text(render_html(results, metrics_json(results), "gold.jsonl"), encoding="utf-8")
    dom = _run_chromium(tmp_path, "--dump-dom", page.as_uri()).stdout
    assert dom.count('<table class="metrics">') == 1
    table = dom.split('<table class="metrics">')[1].split("</table>")[0]
    assert table.count("<tr") == 2 + len(MAIN_CATEGORIES) + 1
    assert 'class="pii tp"' in dom and "IP_ADDRESS missed" in dom
    assert dom.count("<script") == 1 and "&lt;script&gt;" in dom and "&lt;/script&gt;" in dom  # content stays text
    shot = tmp_path / "shot.png"
    _run_chromium(tmp_path, "--window-size=1200,2600", f"--screenshot={shot}", page.as_uri())
    pixels = np.asarray(Image.open(shot).convert("RGB"), dtype=int)  # (height, width, 3)
    email_bg = np.array([int(LIGHT_COLOURS["EMAIL"][i:i + 2], 16) for i in (1, 3, 5)])
    # the true-positive email is painted in EMAIL's highlight colour, and the table's green tint shows
    assert (np.abs(pixels - email_bg).max(axis=2) <= 3).sum() > 200
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    assert ((g > r + 15) & (g > b + 15)).sum() > 500


def test_render_file_stops_after_max_rows():
    text = "".join(f"k{i} = 'a@b.io'\n" for i in range(30))
    spans = [Span(text.index(f"k{i} ") + len(f"k{i} = '"), text.index(f"k{i} ") + len(f"k{i} = 'a@b.io"), "EMAIL")
             for i in range(30)]
    out = render_file(score_file("f", text, spans, []), max_rows=10)
    assert out.count("<tr>") == 10 and "lines 11–30 not shown" in out


def test_html_shows_seqeval_when_computed():
    results = _results()[:1]
    assert "Entity-level seqeval" not in render_html(results, metrics_json(results), "g")
    assert "Entity-level seqeval" in render_html(results, metrics_json(results, with_seqeval=True), "g")


def test_missing_chromium_skips_but_fails_under_ci(monkeypatch, tmp_path):
    import sys

    monkeypatch.setattr(sys.modules[__name__], "_chromium", lambda: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _run_chromium(tmp_path)
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        _run_chromium(tmp_path)
