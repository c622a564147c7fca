"""Evaluation outputs: the metrics JSON (DESIGN.md "Metrics JSON") and the Markdown table.

The HTML report lives in ``report_html.py``.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from .labels import MAIN_CATEGORIES
from .metrics import ALL, MICRO, SystemResult, span_metrics, word_seqeval

ROWS = MAIN_CATEGORIES + (MICRO,)


def system_metrics(result: SystemResult, with_seqeval: bool = False) -> dict:
    """One system's entry of the metrics JSON: overlap, exact, leak_rate (+ seqeval)."""
    out = span_metrics(result.files)
    if with_seqeval:
        out["seqeval"] = word_seqeval(result.files)
    return out


def metrics_json(
    results: Sequence[SystemResult], with_seqeval: bool = False, runs: Mapping[str, Mapping] | None = None
) -> dict:
    """``{"systems": {NAME: {...}}, "runs": {NAME: {...}}}``; ``runs`` says where each system came from."""
    systems = {r.name: system_metrics(r, with_seqeval) for r in results}
    run_info = {
        r.name: {"records_without_predictions": r.records_without_predictions, **dict((runs or {}).get(r.name, {}))}
        for r in results
    }
    return {"systems": systems, "runs": run_info}


def write_json(path: str, data: Mapping) -> None:
    """Write ``data`` as indented JSON, atomically (codepii.io: temp name, fsync, rename)."""
    from .io import write_json as write_json_atomic

    write_json_atomic(path, data, indent=2)


def fmt_pct(value: float | None) -> str:
    """0.9234 -> ``92.3``; None (zero denominator) -> an em dash."""
    return "—" if value is None else f"{100 * value:.1f}"


def markdown_table(metrics: Mapping) -> str:
    """Categories as rows, each system's P/R/F1 (overlap), exact F1 and leak rate as columns (in %)."""
    systems = metrics["systems"]
    names = list(systems)
    header = ["category", "gold"]
    for name in names:
        prefix = f"{name} " if len(names) > 1 else ""
        header += [f"{prefix}P", f"{prefix}R", f"{prefix}F1", f"{prefix}exact F1", f"{prefix}leak", f"{prefix}pred"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * 2 + "--:|" * (len(header) - 2)]
    for cat in ROWS:
        first = systems[names[0]]["overlap"][cat] if names else {"support": 0}
        row = [f"**{cat}**" if cat == MICRO else cat, str(first["support"])]
        for name in names:
            m = systems[name]
            o, e = m["overlap"][cat], m["exact"][cat]
            leak = m["leak_rate"][ALL if cat == MICRO else cat]
            row += [fmt_pct(o["precision"]), fmt_pct(o["recall"]), fmt_pct(o["f1"]), fmt_pct(e["f1"]), fmt_pct(leak)]
            row.append(str(o["predicted"]))
        lines.append("| " + " | ".join(row) + " |")
    note = (
        "P/R/F1: overlap match, %; exact F1: same start, end and category; leak: % of gold characters "
        "covered by no prediction (micro row: all categories); — : zero denominator."
    )
    return "\n".join(lines) + "\n\n" + note + "\n"


def seqeval_table(metrics: Mapping) -> str:
    """Word-level seqeval F1 per class and system (Markdown), or '' when not computed."""
    systems = {n: m["seqeval"] for n, m in metrics["systems"].items() if "seqeval" in m}
    if not systems:
        return ""
    lines = ["| class | " + " | ".join(f"{n} seqeval F1" for n in systems) + " |", "|---|" + "--:|" * len(systems)]
    for cat in ROWS:
        cells = [fmt_pct(s[cat]["f1"]) if cat in s else "—" for s in systems.values()]
        lines.append(f"| {cat} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
