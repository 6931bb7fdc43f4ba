"""The call script and the call note.

Some calls have to happen (a handover going wrong, a school emergency). The advice for
them is the same as for writing: listen, note their words, decide nothing on the phone
("I'll reply in writing"), and end the call. Straight after, a note made while memory is
fresh is what makes the call usable later, so the note form asks what advocates ask:
when, who called, their exact words, what was agreed, and anything threatening.

The note is filed with `greyrock.journal.add_entry`, as a journal entry, not as a record
kind of its own: the journal is what `journal list`, the case statistics and the court
report read, and a call that had to be documented belongs beside the other incidents
there. The form's answers go into the entry's fields (when, where = "By phone",
what_happened with one labelled line per answer, witnesses), so nothing is lost and the
entry reads on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from greyrock import journal
from greyrock.errors import InputError
from greyrock.vault import Case

__all__ = ["CALL_SCRIPT", "NOTE_QUESTIONS", "NoteQuestion", "ScriptStep", "add_call_note", "call_note_entry"]


@dataclass(frozen=True, slots=True)
class ScriptStep:
    """One step of the call: what to do, and the words to say, if any."""

    do: str
    say: str = ""


CALL_SCRIPT: tuple[ScriptStep, ...] = (
    ScriptStep("Before you answer or call: have this script and something to write on. You can end the call at any time."),
    ScriptStep("Listen. Don't argue, explain, defend or apologise; short neutral sounds are enough.", "Mm. OK."),
    ScriptStep("Note the time and their exact words for anything practical or threatening."),
    ScriptStep("If they ask for a decision or an answer, don't give it on the phone.", "I'll reply in writing."),
    ScriptStep("If they shout, insult or threaten you, end the call. You don't need their permission.",
               "I'm ending the call now. I'll reply in writing."),
    ScriptStep("Say goodbye and hang up.", "I'll reply in writing. Goodbye."),
    ScriptStep("Straight after, file the call while you remember it: greyrock call note CASE."),
)


@dataclass(frozen=True, slots=True)
class NoteQuestion:
    key: str
    prompt: str
    required: bool = False
    kind: str = "text"  # "datetime": a form reads free text ("yesterday 6pm") and confirms it


NOTE_QUESTIONS: tuple[NoteQuestion, ...] = (
    NoteQuestion("when", "When was the call? (date and time, e.g. 2024-03-06 18:05, or yesterday 6pm)",
                 required=True, kind="datetime"),
    NoteQuestion("who", "Who called whom? (e.g. 'Alex called me')", required=True),
    NoteQuestion("said", "What did they say? Use their exact words where you can.", required=True),
    NoteQuestion("agreed", "What was agreed, if anything?"),
    NoteQuestion("threatening", "Anything threatening or frightening? Their exact words."),
    NoteQuestion("witnesses", "Did anyone else hear the call? (names, how to reach them)"),
)
_KEYS = {q.key for q in NOTE_QUESTIONS}


def call_note_entry(answers: Mapping[str, Any], source: str = "call note") -> dict[str, str]:
    """The journal entry for a call note: the answers checked and laid out in its fields."""
    unknown = set(answers) - _KEYS
    if unknown:
        raise InputError(f"{source}: unknown field(s) {', '.join(sorted(unknown))}.",
                         f"Fields: {', '.join(q.key for q in NOTE_QUESTIONS)}.")
    values = {q.key: str(answers.get(q.key) or "").strip() for q in NOTE_QUESTIONS}
    for q in NOTE_QUESTIONS:
        if q.required and not values[q.key]:
            raise InputError(f"{source}: '{q.key}' is required.")
    lines = [
        "Phone call.",
        f"Who called: {values['who']}",
        f"What they said: {values['said']}",
        f"What was agreed: {values['agreed'] or 'nothing'}",
        f"Anything threatening: {values['threatening'] or 'nothing noted'}",
    ]
    return {
        "when": values["when"],
        "where": "By phone",
        "what_happened": "\n".join(lines),
        "witnesses": values["witnesses"],
    }


def add_call_note(case: Case, answers: Mapping[str, Any], source: str = "call note") -> int:
    """File a call note in the case's journal; returns the journal entry's id."""
    return journal.add_entry(case, call_note_entry(answers, source), source=source)
