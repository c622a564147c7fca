"""The self-contained HTML evaluation report: tables, charts and per-file highlighted code.

Everything is inline (CSS, a few lines of JS, SVG charts drawn by matplotlib),
so the file opens offline and can be mailed or archived as one artifact. All
file content, ids and names are HTML-escaped.
"""
from __future__ import annotations

import html
import io
from typing import Mapping, Sequence

from .labels import MAIN_CATEGORIES
from .metrics import ALL, MICRO, SystemResult, threshold_sweep
from .report import ROWS, fmt_pct
from .report_code import CATEGORY_COLOURS, render_file

_CSS = """
:root { --fg:#1d2330; --muted:#667085; --line:#e4e7ec; --bg:#f8f9fb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0; background: var(--bg); }
main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 60px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 32px 0 10px; }
.meta { color: var(--muted); margin-bottom: 18px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 190px; }
.card b { font-size: 20px; } .card .k { color: var(--muted); font-size: 12px; }
table.metrics { border-collapse: collapse; background: #fff; border: 1px solid var(--line); font-variant-numeric: tabular-nums; }
table.metrics th, table.metrics td { padding: 5px 9px; border-bottom: 1px solid var(--line); text-align: right; }
table.metrics th { background: #f2f4f7; font-weight: 600; font-size: 12px; }
table.metrics th.sys { text-align: center; border-left: 2px solid #d0d5dd; }
table.metrics td.first { border-left: 2px solid #d0d5dd; }
table.metrics td.cat, table.metrics th.cat { text-align: left; }
table.metrics tr.micro td { font-weight: 700; border-top: 2px solid #d0d5dd; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.null { color: #98a2b3; }
.chart svg { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
.note { color: var(--muted); font-size: 13px; }
.tabs button { font: inherit; padding: 6px 12px; border: 1px solid var(--line); background: #fff; border-radius: 6px; cursor: pointer; }
.tabs button.on { background: #1d2330; color: #fff; }
.legend { display: flex; gap: 16px; flex-wrap: wrap; margin: 10px 0; font-size: 13px; }
details.file { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; }
details.file summary { padding: 8px 12px; cursor: pointer; font-weight: 600; }
details.file summary .counts { font-weight: 400; color: var(--muted); margin-left: 10px; }
table.code { border-collapse: collapse; width: 100%; font: 12.5px/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table.code td.no { color: #98a2b3; text-align: right; padding: 0 10px 0 12px; user-select: none; width: 1%; vertical-align: top; }
table.code td.src { white-space: pre-wrap; word-break: break-all; padding-right: 12px; }
table.code tr.gap td { color: #98a2b3; background: #f9fafb; font-style: italic; }
.pii { border-radius: 3px; padding: 1px 0; }
.tp { background: var(--c); }
.fp { background: repeating-linear-gradient(135deg, var(--c) 0 4px, #fff 4px 7px); outline: 1.5px solid #d92d20; }
.miss { box-shadow: inset 0 -3px 0 var(--g); outline: 1.5px dashed #d92d20; }
.miss.bare { background: #fee4e2; }
.hit { box-shadow: inset 0 -3px 0 var(--g); }
.dc { text-decoration: underline dotted #98a2b3 2px; }
.un { background: #eaecf0; }
.chip { white-space: nowrap; word-break: normal; font: 600 9.5px/1 system-ui, sans-serif; padding: 1px 4px; border-radius: 3px; margin: 0 2px; vertical-align: 2px; user-select: none; color: #1d2330; background: var(--c); }
.chip.fp, .chip.miss { background: #fff; outline: 1.5px solid #d92d20; color: #b42318; box-shadow: none; }
.chip.un { background: #eaecf0; color: #475467; }
"""

_JS = """
document.querySelectorAll('.tabs button').forEach(function (b) {
  b.addEventListener('click', function () {
    document.querySelectorAll('.tabs button').forEach(function (x) { x.classList.toggle('on', x === b); });
    document.querySelectorAll('.system-files').forEach(function (s) { s.hidden = s.dataset.system !== b.dataset.system; });
  });
});
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cell(value: float | None, first: bool = False, lower_is_better: bool = False) -> str:
    """A percentage cell tinted from red (bad) to green (good); None is an em dash."""
    cls = ' class="first"' if first else ""
    if value is None:
        return f'<td{cls}><span class="null" title="zero denominator">—</span></td>'
    good = 1.0 - value if lower_is_better else value
    return f'<td{cls} style="background:hsl({int(120 * good)},70%,92%)">{fmt_pct(value)}</td>'


def metrics_table(metrics: Mapping) -> str:
    """The per-category table, systems side by side (overlap P/R/F1, exact F1, leak, predicted)."""
    systems = metrics["systems"]
    head1 = '<tr><th class="cat" rowspan="2">category</th><th rowspan="2">gold</th>'
    head1 += "".join(f'<th class="sys" colspan="6">{_esc(n)}</th>' for n in systems) + "</tr>"
    head2 = "<tr>" + "<th>P</th><th>R</th><th>F1</th><th>exact F1</th><th>leak</th><th>pred</th>" * len(systems) + "</tr>"
    rows = []
    for cat in ROWS:
        support = next(iter(systems.values()))["overlap"][cat]["support"] if systems else 0
        swatch = f'<span class="swatch" style="background:{CATEGORY_COLOURS[cat]}"></span>' if cat != MICRO else ""
        cells = [f'<td class="cat">{swatch}{_esc(cat)}</td><td>{support}</td>']
        for m in systems.values():
            o, e = m["overlap"][cat], m["exact"][cat]
            leak = m["leak_rate"][ALL if cat == MICRO else cat]
            cells += [_cell(o["precision"], first=True), _cell(o["recall"]), _cell(o["f1"]), _cell(e["f1"])]
            cells += [_cell(leak, lower_is_better=True), f"<td>{o['predicted']}</td>"]
        rows.append(f'<tr class="{"micro" if cat == MICRO else ""}">' + "".join(cells) + "</tr>")
    return f'<table class="metrics"><thead>{head1}{head2}</thead><tbody>{"".join(rows)}</tbody></table>'


def seqeval_html(metrics: Mapping) -> str:
    """Word-level seqeval F1 per class and system, or '' when it was not computed."""
    systems = {n: m["seqeval"] for n, m in metrics["systems"].items() if "seqeval" in m}
    if not systems:
        return ""
    head = "<tr><th class=\"cat\">class</th>" + "".join(f"<th>{_esc(n)} F1</th>" for n in systems) + "</tr>"
    rows = [
        f'<tr class="{"micro" if cat == MICRO else ""}"><td class="cat">{_esc(cat)}</td>'
        + "".join(_cell(s[cat]["f1"] if cat in s else None) for s in systems.values()) + "</tr>"
        for cat in ROWS
    ]
    return (
        "<h2>Entity-level seqeval (IOB2 strict, word tokens)</h2>"
        f'<table class="metrics"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _svg(fig) -> str:
    """A matplotlib figure as inline SVG markup (no XML header)."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no display; must precede the pyplot import
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def bar_chart(metrics: Mapping) -> str:
    """Overlap F1 and leak rate per category, one bar per system (inline SVG)."""
    plt = _pyplot()
    systems = metrics["systems"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
    width = 0.8 / max(1, len(systems))
    cats = list(MAIN_CATEGORIES) + [MICRO]
    for panel, (ax, title) in enumerate(zip(axes, ("overlap F1 (%)", "leak rate (% of gold chars)"))):
        for i, (name, m) in enumerate(systems.items()):
            if panel == 0:
                values = [m["overlap"][c]["f1"] for c in cats]
            else:
                values = [m["leak_rate"][ALL if c == MICRO else c] for c in cats]
            xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(cats))]
            ax.bar(xs, [100 * (v or 0) for v in values], width, label=name)
            for x, v in zip(xs, values):
                if v is None:
                    ax.text(x, 1, "n/a", ha="center", va="bottom", fontsize=6, color="#98a2b3", rotation=90)
        ax.set_xticks(range(len(cats)), [c if c != MICRO else "micro/all" for c in cats], rotation=30, ha="right")
        ax.set_ylim(0, 105)
        ax.set_title(title, loc="left", fontsize=10)
        ax.grid(axis="y", color="#eaecf0")
        ax.set_axisbelow(True)
    axes[0].legend(frameon=False, fontsize=8, ncols=min(4, len(systems)), loc="upper left", bbox_to_anchor=(0, -0.28))
    return _svg(fig)


def sweep_chart(name: str, sweep: Mapping) -> str:
    """Precision (solid) and recall (dashed) vs score threshold, one panel per category (inline SVG)."""
    plt = _pyplot()
    cats = [c for c in MAIN_CATEGORIES + (MICRO,) if any(v is not None for v in sweep[c]["recall"] + sweep[c]["precision"])]
    cols = 4
    rows = (len(cats) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.3 * rows), squeeze=False, sharex=True, sharey=True)
    ts = sweep["thresholds"]
    for ax, cat in zip(axes.flat, cats):
        colour = CATEGORY_COLOURS[cat]
        for key, style in (("precision", "-"), ("recall", "--")):
            ys = [None if v is None else 100 * v for v in sweep[cat][key]]
            ax.plot(ts, [float("nan") if y is None else y for y in ys], style, color=colour, lw=2, label=key)
        ax.set_title(cat, loc="left", fontsize=9)
        ax.set_ylim(0, 105)
        ax.grid(color="#eaecf0")
    for ax in list(axes.flat)[len(cats):]:
        ax.axis("off")
    axes[0][0].legend(frameon=False, fontsize=7)
    fig.supxlabel("score threshold (keep predictions with score ≥ t)", fontsize=9)
    fig.suptitle(f"{name}: precision (solid) and recall (dashed), %", x=0.01, ha="left", fontsize=10)
    return _svg(fig)


def _summary_cards(metrics: Mapping) -> str:
    cards = []
    for name, m in metrics["systems"].items():
        o, leak = m["overlap"][MICRO], m["leak_rate"][ALL]
        cards.append(
            f'<div class="card"><div class="k">{_esc(name)}</div><b>{fmt_pct(o["f1"])}</b> '
            f'<span class="k">micro F1</span><br><span class="k">P {fmt_pct(o["precision"])} · R '
            f'{fmt_pct(o["recall"])} · leak {fmt_pct(leak)}%</span></div>'
        )
    return '<div class="cards">' + "".join(cards) + "</div>"


def _legend() -> str:
    items = [
        ('<span class="pii tp" style="--c:#c7d7fe">value</span>', "true positive (prediction overlaps gold of its category)"),
        ('<span class="pii fp" style="--c:#c7d7fe">value</span>', "false positive"),
        ('<span class="pii miss" style="--g:#6172f3">value</span>', "missed gold (no prediction of its category)"),
        ('<span class="pii dc">value</span>', "don't care (gold *_EXAMPLE / AMBIGUOUS)"),
        ('<span class="pii un">value</span>', "unscored prediction (touches only don't-care gold)"),
    ]
    colours = "".join(
        f'<span><span class="swatch" style="background:{c}"></span>{_esc(cat)}</span>'
        for cat, c in CATEGORY_COLOURS.items() if cat != MICRO
    )
    return '<div class="legend">' + "".join(f"<span>{a} {_esc(b)}</span>" for a, b in items) + "</div>" + (
        f'<div class="legend">{colours}</div>'
    )


def _file_views(result: SystemResult, max_files: int, hidden: bool) -> str:
    ranked = sorted(
        (f for f in result.files if f.errors),
        key=lambda f: (-f.errors, -sum(g.leaked_chars for g in f.gold), str(f.id)),
    )
    shown = ranked[:max_files]
    parts = [f'<section class="system-files" data-system="{_esc(result.name)}"{" hidden" if hidden else ""}>']
    note = f"{len(ranked)} of {len(result.files)} files have a miss or a false positive"
    if not shown and ranked:
        note += "; file views are off (--max-files 0)"
    elif len(ranked) > len(shown):
        note += f"; the {len(shown)} worst are shown (raise --max-files to see more)"
    parts.append(f'<p class="note">{_esc(note)}.</p>')
    for i, f in enumerate(shown):
        counts = f"{f.misses} missed · {f.false_positives} false positive · {sum(g.leaked_chars for g in f.gold)} chars leaked"
        parts.append(
            f'<details class="file"{" open" if i < 3 else ""}><summary>{_esc(f.id)}'
            f'<span class="counts">{_esc(counts)}</span></summary>{render_file(f)}</details>'
        )
    parts.append("</section>")
    return "\n".join(parts)


def render_html(results: Sequence[SystemResult], metrics: Mapping, gold_source: str, max_files: int = 50) -> str:
    """The whole report as one HTML string."""
    n_files = len(results[0].files) if results else 0
    n_gold = sum(len(f.gold) for f in results[0].files) if results else 0
    n_scored = sum(g.category is not None for f in results[0].files for g in f.gold) if results else 0
    body = [
        "<h1>codepii evaluation</h1>",
        f'<div class="meta">gold: {_esc(gold_source)} · {n_files} files · {n_gold} gold spans ({n_gold - n_scored} don&#39;t care) · '
        f'systems: {_esc(", ".join(r.name for r in results))}</div>',
        _summary_cards(metrics),
        "<h2>Per category</h2>",
        metrics_table(metrics),
        '<p class="note">Overlap match: a gold span is found when a prediction of its category shares a character '
        "with it; exact: same start, end and category. Leak: % of gold characters covered by no prediction of any "
        "category (lower is better). — : zero denominator. Gold *_LICENSE counts as its main category; *_EXAMPLE and "
        "AMBIGUOUS are don't care.</p>",
        f'<div class="chart">{bar_chart(metrics)}</div>',
        seqeval_html(metrics),
    ]
    sweeps = [(r.name, threshold_sweep(r.files)) for r in results]
    sweeps = [(n, s) for n, s in sweeps if s is not None]
    if sweeps:
        body.append("<h2>Threshold sweep</h2>")
        body += [f'<div class="chart">{sweep_chart(n, s)}</div>' for n, s in sweeps]
    body.append("<h2>Files, worst first</h2>")
    body.append('<div class="tabs">' + "".join(
        f'<button data-system="{_esc(r.name)}" class="{"on" if i == 0 else ""}">{_esc(r.name)}</button> '
        for i, r in enumerate(results)) + "</div>")
    body.append(_legend())
    body += [_file_views(r, max_files, hidden=i > 0) for i, r in enumerate(results)]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>codepii evaluation</title><style>{_CSS}</style></head>"
        f"<body><main>{''.join(body)}</main><script>{_JS}</script></body></html>\n"
    )
