"""Screening: which labels of labels.md a message carries, the words that raised them, the
tactic names, whether it needs a reply, and the shielded summary.

    screener = Screener()                    # loads and checks the shipped model once
    [finding] = screener.screen(["Pick-up is 5 pm, and don't be late again you idiot"])
    finding.labels  -> ("verbal_abuse", "logistics"); finding.summary -> "Pick-up is 5 pm"

The model scores whole messages (long ones in windows). Messages of several sentences
that carry a label are scored again sentence by sentence (and, where practical and
abusive content share a sentence, clause by clause), which gives the evidence spans and
the summary. High-precision danger phrases sit beside the model and can only add: a
threat is never hidden, it becomes a danger flag with its words.

Everything reads the normalised copy of _normalise.py (no invisible characters, no
look-alike letters), made once per message in `screen`; spans and danger words are mapped
back, so they point into the original text, which is never changed.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence

import numpy as np

from greyrock.model import Channel, DangerFlag, Direction, Finding, Kind, Message, Span, sort_key

from ._context import bare_arrival, context_updates
from ._model import MODEL_FORMAT_VERSION, Model
from ._normalise import ScreeningText, screening_text
from ._quoted import own_words
from ._rules import danger_flags, tactic_cues
from ._text import HIDDEN_PRACTICAL, clauses, facts, sentences
from ._vocab import ABUSE_LABELS, LABELS, TACTIC_LABEL, TACTICS

__all__ = ["LABELS", "MODEL_FORMAT_VERSION", "Model", "Screener", "TACTICS", "summary_facts_kept"]

_DANGER_SCORE = 0.99  # a matched danger phrase is as sure as screening gets
_PIECE_FACTOR = 0.8  # a sentence counts as evidence a little below the message threshold
_SPACE = re.compile(r"\s+")
_MAX_MODEL_TACTICS = 2
_MENTIONS = "Mentions:"  # a summary of bare facts (times, dates, amounts): safe by construction


def _tidy(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def summary_facts_kept(original: str, summary: str) -> bool:
    """Whether every time, date and amount of the original is still in the summary."""
    low = summary.lower()
    return all(f.lower() in low for f in facts(original))


class Screener:
    def __init__(self, model_dir: str | os.PathLike[str] | None = None, threads: int | None = None) -> None:
        self.model = Model(model_dir, threads)
        self._th = self.model.thresholds
        self._col = {name: i for i, name in enumerate(self.model.outputs)}

    @property
    def model_id(self) -> str:
        return self.model.id

    def screen_messages(self, messages: Sequence[Message]) -> list[dict | None]:
        """Findings for the other person's messages; None for the reader's own and for
        records that carry no text of theirs (calls, system notices).

        Each message is read in the context of the same sender's threats in the hours
        before it among these messages (see _context.py); `pipeline.apply_context` reads
        it again across the whole case, whatever order the messages came in."""
        wanted = [i for i, m in enumerate(messages) if m.direction is not Direction.OUT and m.kind is Kind.MESSAGE]
        # An e-mail is screened for its sender's own words, not the thread it quotes (_quoted.py).
        texts = [own_words(messages[i].body) if messages[i].channel is Channel.EMAIL else messages[i].body for i in wanted]
        out: list[dict | None] = [None] * len(messages)
        for i, text, finding in zip(wanted, texts, self.screen(texts)):
            if text is not messages[i].body:  # own_words blanked a quoted thread
                finding = _with_quoted_danger(finding, messages[i].body)
            out[i] = {k: v for k, v in finding.to_dict().items() if k != "model"}
        in_time = sorted(wanted, key=lambda i: sort_key(messages[i]))
        for i, finding in context_updates((i, messages[i], out[i]) for i in in_time):
            out[i] = finding
        return out

    def screen(self, texts: Sequence[str]) -> list[Finding]:
        views = [screening_text(t if isinstance(t, str) else "") for t in texts]
        seen = [v[0] for v in views]
        texts = [v.text for v in seen]  # from here on, offsets are in the normalised copies
        probs = self._probabilities(views)
        on = [self._labels(p) for p in probs]
        dangers = [_danger(v) for v in views]
        for text, labels, flags in zip(texts, on, dangers):
            if flags:
                labels.add("threat")
            elif "threat" in labels and bare_arrival(text):
                # "im on my way" alone is a handover; after a threat, context makes it one.
                # Until then the reader sees it whole as CHECK, never out of sight.
                labels.discard("threat")

        # Second pass, sentence by sentence (clause by clause), only where practical and
        # abusive content must be told apart: the summary keeps one and leaves the other.
        # Elsewhere the message is its own evidence, and danger phrases already point at
        # their exact words.
        pieces: list[tuple[int, int, int]] = []  # (message, start, end)
        for i, text in enumerate(texts):
            if "logistics" not in on[i] or not on[i] & ABUSE_LABELS:
                continue
            sents = sentences(text)
            split = [c for a, b in sents for c in clauses(text, a, b)]
            if len(split) > 1:
                pieces.extend((i, a, b) for a, b in split)
        piece_probs = self.model.probabilities([texts[i][a:b] for i, a, b in pieces]) if pieces else np.zeros((0, 0))
        by_message: dict[int, list[tuple[int, int, np.ndarray]]] = {}
        for (i, a, b), p in zip(pieces, piece_probs):
            by_message.setdefault(i, []).append((a, b, p))

        findings = [
            self._finding(seen[i], probs[i], on[i], dangers[i], by_message.get(i, []))
            for i in range(len(texts))
        ]
        return self._checked_summaries(findings)

    def _checked_summaries(self, findings: list[Finding]) -> list[Finding]:
        """A summary cut from an abusive message is screened once more: if it still reads
        as abuse, the reader gets only its times, dates and amounts instead."""
        todo = [i for i, f in enumerate(findings)
                if f.summary and set(f.labels) & ABUSE_LABELS and not f.summary.startswith(_MENTIONS)]
        if not todo:
            return findings
        views = [screening_text(findings[i].summary) for i in todo]
        probs = self._probabilities(views)
        for i, p, v in zip(todo, probs, views):
            f = findings[i]
            if self._labels(p) & ABUSE_LABELS or _danger(v):
                found = list(dict.fromkeys(facts(f.summary)))
                safe = f"{_MENTIONS} {', '.join(found)}." if found else HIDDEN_PRACTICAL
                findings[i] = dataclasses.replace(f, summary=safe)
        return findings

    def _probabilities(self, views: list[list[ScreeningText]]) -> np.ndarray:
        """The model's scores of each normalised copy; where a right-to-left override shows
        the text in another order, the higher of the two readings."""
        probs = self.model.probabilities([v[0].text for v in views])
        shown = [(i, v[1].text) for i, v in enumerate(views) if len(v) > 1]
        if shown:
            other = self.model.probabilities([t for _, t in shown])
            for (i, _), p in zip(shown, other):
                probs[i] = np.maximum(probs[i], p)
        return probs

    def _labels(self, p: np.ndarray) -> set[str]:
        return {name for name in LABELS if p[self._col[name]] >= self._th[name]}

    def _finding(
        self,
        view: ScreeningText,
        p: np.ndarray,
        labels: set[str],
        flags: list[DangerFlag],
        pieces: list[tuple[int, int, np.ndarray]],
    ) -> Finding:
        scores = {name: round(float(p[self._col[name]]), 3) for name in [*LABELS, "needs_reply"]}
        if flags:
            scores["threat"] = max(scores["threat"], _DANGER_SCORE)
        needs_reply = "logistics" in labels and p[self._col["needs_reply"]] >= self._th["needs_reply"]
        ordered = tuple(name for name in LABELS if name in labels)
        return Finding(
            labels=ordered,
            needs_reply=bool(needs_reply),
            scores=scores,
            tactics=self._tactics(view.text, p, labels),
            spans=self._spans(view, ordered, flags, pieces),
            summary=self._summary(view, labels, pieces),
            danger=tuple(flags),
            model=self.model_id,
            check=bool("threat" not in labels and p[self._col["threat"]] >= self.model.watch),
        )

    def _tactics(self, text: str, p: np.ndarray, labels: set[str]) -> tuple[str, ...]:
        """Tactics whose words appear (cues), plus the model's surest few: a name the
        reader can recognise, not a list to wade through."""
        scored = sorted((t for t in TACTICS if p[self._col[t]] >= self._th[t]), key=lambda t: -p[self._col[t]])
        possible = [t for t in TACTICS if TACTIC_LABEL[t] in labels]
        found = set(scored[:_MAX_MODEL_TACTICS]) | set(tactic_cues(text, possible))
        return tuple(t for t in possible if t in found)

    def _spans(
        self,
        view: ScreeningText,
        labels: tuple[str, ...],
        flags: list[DangerFlag],
        pieces: list[tuple[int, int, np.ndarray]],
    ) -> tuple[Span, ...]:
        """Evidence in the original's offsets and characters (flags already are)."""
        spans: list[Span] = []
        whole = sentences(view.text)
        for label in labels:
            if pieces:
                col = self._col[label]
                hits = [(a, b) for a, b, p in pieces if p[col] >= self._th[label] * _PIECE_FACTOR]
                if not hits:
                    a, b, _ = max(pieces, key=lambda piece: piece[2][col])
                    hits = [(a, b)]
            elif whole:
                hits = [(whole[0][0], whole[-1][1])]
            else:
                continue
            for a, b in hits:
                oa, ob = view.original_span(a, b)
                spans.append(Span(label, oa, ob, view.original[oa:ob]))
        for f in flags:  # the danger words themselves, unless a threat span already holds them
            if not any(s.label == "threat" and s.start <= f.start and f.end <= s.end for s in spans):
                spans.append(Span("threat", f.start, f.end, f.text))
        return tuple(sorted(spans, key=lambda s: (s.start, LABELS.index(s.label))))

    def _summary(self, view: ScreeningText, labels: set[str], pieces: list[tuple[int, int, np.ndarray]]) -> str:
        """What the reader must act on, without the abuse; empty when nothing is practical.

        A time, date or amount inside an abusive message is always kept, even when the
        model did not call the message practical: it is exactly what the reader must not miss.
        The summary quotes the original's words; the decisions read the normalised copy.
        """
        text = view.original
        if "logistics" not in labels:
            found = list(dict.fromkeys(facts(text))) if labels & ABUSE_LABELS else []
            return f"{_MENTIONS} {', '.join(found)}." if found else ""
        if not labels & ABUSE_LABELS:
            return _tidy(text)
        col = self._col["logistics"]
        kept = []
        for a, b, p in pieces:
            abusive = any(p[self._col[name]] >= self._th[name] for name in ABUSE_LABELS)
            practical = p[col] >= self._th["logistics"] * _PIECE_FACTOR
            if practical and not abusive and not danger_flags(view.text[a:b]):
                kept.append(_tidy(view.original_text(a, b)))
        summary = " ".join(kept)
        missing = [f for f in dict.fromkeys(facts(text)) if f.lower() not in summary.lower()]
        if missing:
            note = f"{_MENTIONS} {', '.join(missing)}."
            summary = f"{summary} {note}" if summary else note
        return summary


def _with_quoted_danger(finding: Finding, body: str) -> Finding:
    """`finding` of an e-mail's own words, with the danger phrases of its quoted lines added:
    a threat is never hidden, and an e-mail that quotes one still carries it."""
    held = {(f.sign, f.start, f.end) for f in finding.danger}
    quoted = [f for f in _danger(screening_text(body)) if (f.sign, f.start, f.end) not in held]
    if not quoted:
        return finding
    labels = tuple(name for name in LABELS if name == "threat" or name in finding.labels)
    scores = {**finding.scores, "threat": max(finding.scores.get("threat", 0.0), _DANGER_SCORE)}
    danger = tuple(sorted((*finding.danger, *quoted), key=lambda f: (f.start, f.end)))
    return dataclasses.replace(finding, labels=labels, scores=scores, danger=danger, check=False)


def _danger(views: list[ScreeningText]) -> list[DangerFlag]:
    """Danger phrases found in any reading of a message, with the original's words and offsets."""
    out: dict[tuple[str, int, int], DangerFlag] = {}
    for view in views:
        for f in danger_flags(view.text):
            a, b = view.original_span(f.start, f.end)
            out.setdefault((f.sign, a, b), DangerFlag(f.sign, f.why, view.original[a:b], a, b))
    return sorted(out.values(), key=lambda f: (f.start, f.end))
