"""One file's code as HTML with gold and predicted spans highlighted, like a labeling tool.

Predictions colour the background in their category's colour (striped and
outlined in red when false); gold spans are underlined in theirs (outlined
dashed red when missed); don't-care gold is dotted. Lines far from any span
are folded so that long files stay readable.
"""
from __future__ import annotations

import html
from bisect import bisect_right
from types import MappingProxyType

from .labels import MAIN_CATEGORIES
from .metrics import MICRO, FileResult, GoldOutcome, PredOutcome

# Strong colours (swatches, charts, gold underlines) and light ones (prediction backgrounds).
CATEGORY_COLOURS = MappingProxyType({
    "NAME": "#f79009", "EMAIL": "#2e90fa", "USERNAME": "#7a5af8", "PASSWORD": "#ee46bc",
    "KEY": "#4ca30d", "ID": "#15b79e", "IP_ADDRESS": "#a15c07", MICRO: "#344054",
})
LIGHT_COLOURS = MappingProxyType({
    "NAME": "#fedf89", "EMAIL": "#b2ddff", "USERNAME": "#d9d6fe", "PASSWORD": "#fcceee",
    "KEY": "#d0f8ab", "ID": "#99f6e0", "IP_ADDRESS": "#f5d9b8",
})
assert set(MAIN_CATEGORIES) <= set(LIGHT_COLOURS), "every main category needs a colour"

CONTEXT_LINES = 2  # lines shown around each highlighted line
MAX_SHOWN_LINES = 400  # per file; a long file with spans everywhere is cut after this many rows


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _pred_kind(p: PredOutcome) -> str:
    return "un" if not p.scored else ("tp" if p.correct else "fp")


def _pred_title(p: PredOutcome) -> str:
    what = {"tp": "true positive", "fp": "false positive", "un": "unscored (only don't-care gold)"}[_pred_kind(p)]
    score = "" if p.span.score is None else f", score {p.span.score:.2f}"
    return f"predicted {p.span.category}{score}: {what}"


def _gold_title(g: GoldOutcome) -> str:
    if g.category is None:
        return f"gold {g.span.category}: don't care"
    return f"gold {g.span.category}: {'found' if g.found else 'missed'}"


def _segment_style(gold: GoldOutcome | None, preds: list[PredOutcome]) -> tuple[str, str, str]:
    """(classes, inline style, title) of a stretch of text under one gold span and some predictions."""
    classes, style, titles = ["pii"], [], []
    if preds:
        # One background per stretch: a true positive wins over a false one, which wins over unscored.
        p = min(preds, key=lambda p: ("tp", "fp", "un").index(_pred_kind(p)))
        classes.append(_pred_kind(p))
        style.append(f"--c:{LIGHT_COLOURS[p.span.category]}")
        titles += [_pred_title(q) for q in preds]
    if gold is not None:
        if gold.category is None:
            classes.append("dc")
        else:
            classes.append("hit" if gold.found else "miss" + ("" if preds else " bare"))
            style.append(f"--g:{CATEGORY_COLOURS[gold.category]}")
        titles.insert(0, _gold_title(gold))
    return " ".join(classes), ";".join(style), " | ".join(titles)


def _chips(gold: list[GoldOutcome], preds: list[PredOutcome]) -> dict[int, list[str]]:
    """Label chips by the offset they follow: one per prediction, missed gold span and don't-care span."""
    chips: dict[int, list[str]] = {}
    for g in gold:
        if g.category is None:
            chips.setdefault(g.span.end, []).append(f'<span class="chip un">{_esc(g.span.category)}</span>')
        elif not g.found:
            chips.setdefault(g.span.end, []).append(
                f'<span class="chip miss" title="{_esc(_gold_title(g))}">{_esc(g.category)} missed</span>'
            )
    for p in preds:
        kind = _pred_kind(p)
        mark = {"tp": "✓", "fp": "✗", "un": "·"}[kind]
        colour = f' style="--c:{LIGHT_COLOURS[p.span.category]}"'
        chips.setdefault(p.span.end, []).append(
            f'<span class="chip {kind}"{colour} title="{_esc(_pred_title(p))}">{_esc(p.span.category)} {mark}</span>'
        )
    return chips


def _html_lines(f: FileResult) -> list[str]:
    """The file's lines as HTML, highlights closed and reopened at each line break."""
    gold = sorted(f.gold, key=lambda g: g.span.start)
    gold_starts = [g.span.start for g in gold]
    cuts = sorted({0, len(f.content)} | {x for o in (*f.gold, *f.pred) for x in (o.span.start, o.span.end)})
    chips = _chips(gold, f.pred)
    lines: list[list[str]] = [[]]
    for a, b in zip(cuts, cuts[1:]):
        i = bisect_right(gold_starts, a) - 1
        g = gold[i] if i >= 0 and gold[i].span.end > a else None
        preds = [p for p in f.pred if p.span.start <= a < p.span.end]
        open_, close = "", ""
        if g is not None or preds:
            classes, style, title = _segment_style(g, preds)
            open_, close = f'<span class="{classes}" style="{style}" title="{_esc(title)}">', "</span>"
        for k, piece in enumerate(f.content[a:b].split("\n")):
            if k:
                lines.append([])
            if piece:
                lines[-1].append(open_ + _esc(piece) + close)
        lines[-1] += chips.get(b, [])
    if len(lines) > 1 and not lines[-1] and f.content.endswith("\n"):
        lines.pop()
    return ["".join(parts) for parts in lines]


def _shown_lines(f: FileResult, n_lines: int, context: int) -> list[bool]:
    """Which lines to show: every line a span touches, plus ``context`` lines around it."""
    line_starts = [0] + [i + 1 for i, c in enumerate(f.content) if c == "\n"]
    show = [False] * n_lines
    for o in (*f.gold, *f.pred):
        first = bisect_right(line_starts, o.span.start) - 1
        last = bisect_right(line_starts, max(o.span.start, o.span.end - 1)) - 1
        for i in range(max(0, first - context), min(n_lines, last + context + 1)):
            show[i] = True
    return show


def render_file(f: FileResult, context: int = CONTEXT_LINES, max_rows: int = MAX_SHOWN_LINES) -> str:
    """A ``<table class="code">`` of the file: numbered lines, highlights, folded unmarked stretches."""
    lines = _html_lines(f)
    show = _shown_lines(f, len(lines), context)
    rows, i = [], 0
    while i < len(lines):
        if len(rows) >= max_rows:
            rows.append(
                f'<tr class="gap"><td class="no">⋯</td><td class="src">lines {i + 1}–{len(lines)} not shown '
                f"(the view stops after {max_rows} rows)</td></tr>"
            )
            break
        if show[i]:
            rows.append(f'<tr><td class="no">{i + 1}</td><td class="src">{lines[i] or " "}</td></tr>')
            i += 1
            continue
        j = i
        while j < len(lines) and not show[j]:
            j += 1
        if j - i == 1:  # folding one line saves nothing
            rows.append(f'<tr><td class="no">{i + 1}</td><td class="src">{lines[i] or " "}</td></tr>')
        else:
            rows.append(f'<tr class="gap"><td class="no">⋯</td><td class="src">{j - i} lines without spans</td></tr>')
        i = j
    return '<table class="code">' + "".join(rows) + "</table>"
