"""Scoring the screener on a labelled set (labels.md's format): the figures issue targets.

Per label precision/recall/F1, macro-F1 over the six labels, needs_reply F1, the
false-alarm rate on plain messages (any abuse label on a message that has none), and, for
messages that mix logistics with abuse, how often the summary keeps every time, date and
amount and is itself screened clean.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from greyrock.errors import InputError

from ._text import HIDDEN_PRACTICAL, facts
from ._vocab import ABUSE_LABELS, LABELS

__all__ = ["evaluate", "format_report", "format_summary", "read_labelled"]


def read_labelled(path: Path) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc}).") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, labels = row["text"], row["labels"]
            if not isinstance(text, str) or not isinstance(labels, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{path}, line {n}: expected an object with 'text' and a 'labels' list.") from None
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise InputError(f"{path}, line {n}: unknown label(s) {', '.join(sorted(unknown))}.")
        rows.append({"id": row.get("id", f"line {n}"), "text": text, "labels": labels,
                     "needs_reply": bool(row.get("needs_reply", False))})
    if not rows:
        raise InputError(f"{path}: no labelled messages in it.")
    return rows


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "support": tp + fn}


_CHUNK = 512  # messages per progress report (scores do not depend on how they are batched)


def evaluate(
    rows: list[dict[str, Any]], screener: Any, progress: Callable[[str, int], None] | None = None
) -> dict[str, Any]:
    """The figures of `greyrock eval`; `progress("screened", n)` is called as messages are screened."""
    findings = []
    for start in range(0, len(rows), _CHUNK):
        findings.extend(screener.screen([r["text"] for r in rows[start : start + _CHUNK]]))
        if progress is not None:
            progress("screened", len(findings))
    per_label = {}
    for label in LABELS:
        tp = sum(1 for r, f in zip(rows, findings) if label in r["labels"] and label in f.labels)
        fp = sum(1 for r, f in zip(rows, findings) if label not in r["labels"] and label in f.labels)
        fn = sum(1 for r, f in zip(rows, findings) if label in r["labels"] and label not in f.labels)
        per_label[label] = _prf(tp, fp, fn)
    tp = sum(1 for r, f in zip(rows, findings) if r["needs_reply"] and f.needs_reply)
    fp = sum(1 for r, f in zip(rows, findings) if not r["needs_reply"] and f.needs_reply)
    fn = sum(1 for r, f in zip(rows, findings) if r["needs_reply"] and not f.needs_reply)
    plain = [(r, f) for r, f in zip(rows, findings) if not r["labels"]]
    false_alarms = sum(1 for _, f in plain if set(f.labels) & ABUSE_LABELS)
    # Any of the five abuse labels, message by message: what a reader sees as "flagged".
    gold = [bool(set(r["labels"]) & ABUSE_LABELS) for r in rows]
    said = [bool(set(f.labels) & ABUSE_LABELS) for f in findings]
    abuse = _prf(sum(g and s for g, s in zip(gold, said)), sum(s and not g for g, s in zip(gold, said)),
                 sum(g and not s for g, s in zip(gold, said)))
    plain_flags = {label: round(sum(1 for _, f in plain if label in f.labels) / len(plain), 3) if plain else None
                   for label in (*sorted(ABUSE_LABELS, key=LABELS.index), "any_abuse")}
    if plain:
        plain_flags["any_abuse"] = round(false_alarms / len(plain), 3)
    # The middle tier: shield shows a CHECK line (never holds it back) for a threat score
    # between the watch line and the threshold, so a threat there is missed by the label
    # but not hidden from the reader.
    checked = [bool(getattr(f, "check", False)) for f in findings]
    threats = [("threat" in f.labels, c) for r, f, c in zip(rows, findings, checked) if "threat" in r["labels"]]
    shown = {"recall": round(sum(a or c for a, c in threats) / len(threats), 3) if threats else None,
             "support": len(threats),
             "plain_check_rate": round(sum(bool(getattr(f, "check", False)) for _, f in plain) / len(plain), 3)
             if plain else None}
    mixed = [(r, f) for r, f in zip(rows, findings) if "logistics" in r["labels"] and set(r["labels"]) & ABUSE_LABELS]
    # The fallback summary is greyrock's own sentence, clean by construction: only
    # summaries that carry the sender's words are screened again.
    cut = [f.summary for _, f in mixed if f.summary != HIDDEN_PRACTICAL]
    kept = sum(1 for r, f in mixed if all(x.lower() in f.summary.lower() for x in facts(r["text"])))
    clean = len(mixed) - len(cut) + sum(1 for s in screener.screen(cut) if not set(s.labels) & ABUSE_LABELS)
    return {
        "messages": len(rows),
        "labels": per_label,
        "macro_f1": round(sum(v["f1"] for v in per_label.values()) / len(LABELS), 3),
        "needs_reply": _prf(tp, fp, fn),
        "any_abuse": abuse,
        "plain_false_alarm_rate": round(false_alarms / len(plain), 3) if plain else None,
        "plain_flag_rates": plain_flags,
        "plain_messages": len(plain),
        "threat_or_check": shown,
        "mixed_messages": len(mixed),
        "summary_keeps_facts": round(kept / len(mixed), 3) if mixed else None,
        "summary_screened_clean": round(clean / len(mixed), 3) if mixed else None,
        "model": screener.model_id,
    }


def format_report(report: dict[str, Any]) -> Iterable[str]:
    yield f"{report['messages']} messages   model {report['model'][:12]}"
    yield f"{'label':<14}{'precision':>10}{'recall':>8}{'F1':>7}{'n':>6}"
    rows = [*report["labels"].items(), ("needs_reply", report["needs_reply"]), ("any abuse", report["any_abuse"])]
    for label, v in rows:
        if v["support"]:
            yield f"{label:<14}{v['precision']:>10.3f}{v['recall']:>8.3f}{v['f1']:>7.3f}{v['support']:>6}"
        else:  # nothing to find: its false alarms are in the plain line below
            yield f"{label:<14}{'-':>10}{'-':>8}{'-':>7}{0:>6}"
    if any(v["support"] for v in report["labels"].values()):
        yield f"macro-F1 (six labels): {report['macro_f1']:.3f}"
    if report["plain_false_alarm_rate"] is not None:
        yield f"false alarms on plain messages: {report['plain_false_alarm_rate']:.1%} of {report['plain_messages']}"
        rates = report["plain_flag_rates"]
        yield "  flagged, by label: " + ", ".join(f"{k.replace('_', ' ')} {v:.1%}" for k, v in rates.items())
    shown = report["threat_or_check"]
    if shown["support"]:
        yield f"threat or CHECK (shield shows both): recall {shown['recall']:.3f} of {shown['support']}"
    if shown["plain_check_rate"] is not None:
        yield f"CHECK on plain messages: {shown['plain_check_rate']:.1%}"
    if report["mixed_messages"]:
        yield (f"mixed logistics+abuse messages: {report['mixed_messages']}; summary keeps every time/date/amount "
               f"{report['summary_keeps_facts']:.1%}, summary screened clean {report['summary_screened_clean']:.1%}")


def _cell(v: float | None) -> str:
    return "    -" if v is None else f"{v:5.3f}"


def format_summary(reports: dict[str, dict[str, Any]]) -> Iterable[str]:
    """The sets side by side: what a reader would see on each. "plain" columns are the
    share of the set's unlabelled messages that got the flag (on an everyday set, false
    alarms)."""
    yield (f"{'set':<22}{'n':>6}{'threat P':>10}{'threat R':>10}{'abuse P':>9}{'abuse R':>9}{'macro':>7}"
           f"{'reply F1':>10}{'plain: threat':>15}{'coercion':>10}{'any abuse':>11}")
    for name, r in reports.items():
        t, a, rates = r["labels"]["threat"], r["any_abuse"], r["plain_flag_rates"]
        has = {"threat": t["support"] > 0, "abuse": a["support"] > 0, "reply": r["needs_reply"]["support"] > 0}
        plain = [rates["threat"], rates["coercion"], rates["any_abuse"]] if r["plain_messages"] else [None] * 3
        yield (f"{name[:22]:<22}{r['messages']:>6}"
               f"{_cell(t['precision'] if has['threat'] else None):>10}{_cell(t['recall'] if has['threat'] else None):>10}"
               f"{_cell(a['precision'] if has['abuse'] else None):>9}{_cell(a['recall'] if has['abuse'] else None):>9}"
               f"{_cell(r['macro_f1'] if has['abuse'] else None):>7}"
               f"{_cell(r['needs_reply']['f1'] if has['reply'] else None):>10}"
               + "".join(f"{('    -' if v is None else f'{v:6.1%}'):>{w}}" for v, w in zip(plain, (15, 10, 11))))
